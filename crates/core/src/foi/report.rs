//! Section 三 of the 政府信息公开工作年度报告 (spec/foi.md §12–§16): the table of applications
//! received, carried over, closed by outcome row and carried forward, counted from the cases, in
//! the 2021 format (22 rows under 三) or the 2019 format (（六） as one row). Every cell keeps the
//! ids of the cases it counts.

use super::{APPLICANT_TYPES, Ground, Outcome, OutcomeCode};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The first report year of the formats here: the revised Regulations took effect on
/// 2019-05-15 and 国办公开办函〔2019〕60号 set the format from the 2019 report on.
pub const FIRST_REPORT_YEAR: i32 = 2019;

/// The report format of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    F2019,
    F2021,
}

impl Format {
    /// The format of report year `year`; `first_2021_year` is parameter
    /// `foi.report.format_2021_from_year`.
    pub fn for_year(year: i32, first_2021_year: i32) -> Format {
        if year >= first_2021_year {
            Format::F2021
        } else {
            Format::F2019
        }
    }

    /// The year that names the format: 2019 or 2021.
    pub fn year_label(self) -> &'static str {
        match self {
            Format::F2019 => "2019",
            Format::F2021 => "2021",
        }
    }

    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "2019" => Some(Format::F2019),
            "2021" => Some(Format::F2021),
            _ => None,
        }
    }
}

/// Row codes and label paths (spec §12.2), in the order of the 2021 form.
const ROWS_2021: [(&str, &str); 25] = [
    ("R1", "一、本年新收政府信息公开申请数量"),
    ("R2", "二、上年结转政府信息公开申请数量"),
    ("R3_1", "三、本年度办理结果/（一）予以公开"),
    (
        "R3_2",
        "三、本年度办理结果/（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ),
    ("R3_3_1", "三、本年度办理结果/（三）不予公开/1.属于国家秘密"),
    (
        "R3_3_2",
        "三、本年度办理结果/（三）不予公开/2.其他法律行政法规禁止公开",
    ),
    (
        "R3_3_3",
        "三、本年度办理结果/（三）不予公开/3.危及“三安全一稳定”",
    ),
    (
        "R3_3_4",
        "三、本年度办理结果/（三）不予公开/4.保护第三方合法权益",
    ),
    (
        "R3_3_5",
        "三、本年度办理结果/（三）不予公开/5.属于三类内部事务信息",
    ),
    (
        "R3_3_6",
        "三、本年度办理结果/（三）不予公开/6.属于四类过程性信息",
    ),
    (
        "R3_3_7",
        "三、本年度办理结果/（三）不予公开/7.属于行政执法案卷",
    ),
    (
        "R3_3_8",
        "三、本年度办理结果/（三）不予公开/8.属于行政查询事项",
    ),
    (
        "R3_4_1",
        "三、本年度办理结果/（四）无法提供/1.本机关不掌握相关政府信息",
    ),
    (
        "R3_4_2",
        "三、本年度办理结果/（四）无法提供/2.没有现成信息需要另行制作",
    ),
    (
        "R3_4_3",
        "三、本年度办理结果/（四）无法提供/3.补正后申请内容仍不明确",
    ),
    (
        "R3_5_1",
        "三、本年度办理结果/（五）不予处理/1.信访举报投诉类申请",
    ),
    ("R3_5_2", "三、本年度办理结果/（五）不予处理/2.重复申请"),
    (
        "R3_5_3",
        "三、本年度办理结果/（五）不予处理/3.要求提供公开出版物",
    ),
    (
        "R3_5_4",
        "三、本年度办理结果/（五）不予处理/4.无正当理由大量反复申请",
    ),
    (
        "R3_5_5",
        "三、本年度办理结果/（五）不予处理/5.要求行政机关确认或重新出具已获取信息",
    ),
    (
        "R3_6_1",
        "三、本年度办理结果/（六）其他处理/1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "R3_6_2",
        "三、本年度办理结果/（六）其他处理/2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("R3_6_3", "三、本年度办理结果/（六）其他处理/3.其他"),
    ("R3_7", "三、本年度办理结果/（七）总计"),
    ("R4", "四、结转下年度继续办理"),
];

/// The 2019 form's single （六） row, which takes the three 2021 rows R3_6_x (spec §13).
const ROW_2019_OTHER: (&str, &str) = ("R3_6", "三、本年度办理结果/（六）其他处理");

/// The column headers of the CSV form (spec §12.1): 项目 then the seven numeric columns.
pub const CSV_HEADER: &str = "项目,自然人,商业企业,科研机构,社会公益组织,法律服务机构,其他,总计";

/// The outcome → row table (parameter `foi.report.outcome_rows`, `data/foi/outcome-rows.csv`).
pub const BUILTIN_OUTCOME_ROWS: &str = include_str!("../../../../data/foi/outcome-rows.csv");

/// Whether `code` is one of the 2021 form's outcome rows (R3_1 … R3_6_3, not the total).
fn is_outcome_row(code: &str) -> bool {
    ROWS_2021
        .iter()
        .any(|(row, _)| *row == code && row.starts_with("R3_") && *row != "R3_7")
}

/// The outcome row that `text` names in `format`: its code (`R3_3_4`), its full label path, or the
/// last part of the path with or without its numbering (`（一）予以公开`, `予以公开`). The 2019
/// form's single （六） row is `R3_6`; a 2019 year also takes the 2021 sub-rows, which it sums.
pub fn outcome_row_named(text: &str, format: Format) -> Option<&'static str> {
    let text = text.trim();
    let rows = ROWS_2021
        .iter()
        .chain(std::iter::once(&ROW_2019_OTHER))
        .filter(|(code, _)| match format {
            Format::F2021 => is_outcome_row(code),
            Format::F2019 => is_outcome_row(code) || *code == ROW_2019_OTHER.0,
        });
    let mut found = None;
    for (code, label) in rows {
        let leaf = label.rsplit('/').next().unwrap_or(label);
        let names = [*code, *label, leaf, without_numbering(leaf)];
        if names.contains(&text) {
            if found.is_some_and(|other| other != *code) {
                return None;
            }
            found = Some(*code);
        }
    }
    found
}

/// The last part of a row's label, without its numbering (`R3_3_4` → `保护第三方合法权益`).
pub fn row_leaf(code: &str) -> Option<&'static str> {
    ROWS_2021
        .iter()
        .chain(std::iter::once(&ROW_2019_OTHER))
        .find(|(row, _)| *row == code)
        .map(|(_, label)| without_numbering(label.rsplit('/').next().unwrap_or(label)))
}

/// A label part without its leading `（一）` or `1.`.
fn without_numbering(leaf: &str) -> &str {
    if let Some(rest) = leaf.strip_prefix('（') {
        return rest.split_once('）').map_or(leaf, |(_, after)| after);
    }
    match leaf.split_once('.') {
        Some((number, after)) if number.chars().all(|c| c.is_ascii_digit()) => after,
        _ => leaf,
    }
}

/// One line of the outcome → row table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRow {
    pub outcome: OutcomeCode,
    pub ground: Option<Ground>,
    pub row: String,
}

/// Reads the outcome → row table; every row code must be one of the form's outcome rows.
pub fn parse_outcome_rows(text: &str) -> Result<Vec<OutcomeRow>, String> {
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let [outcome, ground, row] = fields[..] else {
            return Err(format!("第{}行应有3列", index + 1));
        };
        let outcome = OutcomeCode::parse(outcome)
            .ok_or_else(|| format!("第{}行：办理结果“{outcome}”未知", index + 1))?;
        let ground = match ground {
            "" => None,
            text => Some(
                Ground::parse(text)
                    .ok_or_else(|| format!("第{}行：理由“{text}”未知", index + 1))?,
            ),
        };
        if !is_outcome_row(row) {
            return Err(format!("第{}行：“{row}”不是办理结果行", index + 1));
        }
        rows.push(OutcomeRow {
            outcome,
            ground,
            row: row.to_string(),
        });
    }
    Ok(rows)
}

/// The row (2021 coding) an outcome is counted in, by the table.
pub fn row_of(outcome: &Outcome, table: &[OutcomeRow]) -> Result<String, String> {
    table
        .iter()
        .find(|r| r.outcome == outcome.code && r.ground == outcome.ground)
        .map(|r| r.row.clone())
        .ok_or_else(|| format!("办理结果“{}”在年度报告中没有对应的行", outcome.code.zh()))
}

/// What the table needs to know about one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub id: i64,
    /// One of `APPLICANT_TYPES`.
    pub applicant_type: String,
    /// The first receipt date (a correction does not change it).
    pub received_on: NaiveDate,
    /// Closing date and row (2021 coding), if closed.
    pub closed: Option<(NaiveDate, String)>,
}

/// One numeric row: its code, label path, the seven values and the case ids behind each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub code: String,
    pub label: String,
    pub values: [u64; 7],
    pub cases: [Vec<i64>; 7],
}

/// Section 三 of one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionThree {
    pub year: i32,
    pub format: Format,
    pub rows: Vec<Row>,
}

impl SectionThree {
    fn row(&self, code: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.code == code)
    }

    /// The CSV form: the header, then one line per row in form order.
    pub fn csv(&self) -> String {
        let mut out = format!("{CSV_HEADER}\n");
        for row in &self.rows {
            let values: Vec<String> = row.values.iter().map(u64::to_string).collect();
            out.push_str(&format!("{},{}\n", row.label, values.join(",")));
        }
        out
    }

    /// The failed equations E1–E3 of spec §15 (empty when the table is consistent).
    pub fn violations(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let value = |code: &str, column: usize| self.row(code).map_or(0, |r| r.values[column]);
        let outcome_codes: Vec<&str> = self
            .rows
            .iter()
            .map(|r| r.code.as_str())
            .filter(|c| c.starts_with("R3_") && *c != "R3_7")
            .collect();
        for column in 0..7 {
            let left = value("R1", column) + value("R2", column);
            let right = value("R3_7", column) + value("R4", column);
            if left != right {
                problems.push(format!(
                    "E1 第{}列：一+二={left}，三+四={right}",
                    column + 1
                ));
            }
            let sum: u64 = outcome_codes.iter().map(|c| value(c, column)).sum();
            if sum != value("R3_7", column) {
                problems.push(format!("E2 第{}列：各办理结果之和{sum}≠总计", column + 1));
            }
        }
        for row in &self.rows {
            let sum: u64 = row.values[..6].iter().sum();
            if sum != row.values[6] {
                problems.push(format!("E3 {}：各类申请人之和{sum}≠总计", row.label));
            }
        }
        problems
    }
}

/// Counts `cases` for report year `year` (spec §12.3).
pub fn section_three(
    cases: &[CaseFacts],
    year: i32,
    format: Format,
) -> Result<SectionThree, String> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or("年份无效")?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or("年份无效")?;
    let defs: Vec<(&'static str, &'static str)> = match format {
        Format::F2021 => ROWS_2021.to_vec(),
        Format::F2019 => {
            let mut defs: Vec<_> = ROWS_2021
                .iter()
                .copied()
                .filter(|(code, _)| !code.starts_with("R3_6_"))
                .collect();
            let at = defs
                .iter()
                .position(|(code, _)| *code == "R3_7")
                .ok_or("行定义缺少总计")?;
            defs.insert(at, ROW_2019_OTHER);
            defs
        }
    };
    let mut rows: Vec<Row> = defs
        .into_iter()
        .map(|(code, label)| Row {
            code: code.to_string(),
            label: label.to_string(),
            values: [0; 7],
            cases: Default::default(),
        })
        .collect();
    let mut add = |code: &str, column: usize, id: i64| {
        if let Some(row) = rows.iter_mut().find(|r| r.code == code) {
            for at in [column, 6] {
                row.values[at] += 1;
                row.cases[at].push(id);
            }
        }
    };
    for case in cases {
        let column = APPLICANT_TYPES
            .iter()
            .position(|t| *t == case.applicant_type)
            .ok_or_else(|| format!("申请{}的申请人类型“{}”未知", case.id, case.applicant_type))?;
        if let Some((closed_on, _)) = &case.closed
            && *closed_on < case.received_on
        {
            return Err(format!("申请{}的办结日期早于收到申请之日", case.id));
        }
        let closed_on = case.closed.as_ref().map(|(on, _)| *on);
        if case.received_on.year() == year {
            add("R1", column, case.id);
        }
        if case.received_on < start && closed_on.is_none_or(|on| on >= start) {
            add("R2", column, case.id);
        }
        if let Some((on, row)) = &case.closed
            && on.year() == year
        {
            let row = match outcome_row_named(row, format) {
                Some(row) if format == Format::F2019 && row.starts_with("R3_6_") => "R3_6",
                Some(row) => row,
                None => {
                    return Err(format!(
                        "申请{}的办理结果“{row}”不是{}年格式报告中的行",
                        case.id,
                        format.year_label()
                    ));
                }
            };
            add(row, column, case.id);
            add("R3_7", column, case.id);
        }
        if case.received_on <= end && closed_on.is_none_or(|on| on > end) {
            add("R4", column, case.id);
        }
    }
    Ok(SectionThree { year, format, rows })
}
