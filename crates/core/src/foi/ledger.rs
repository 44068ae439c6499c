//! Earlier years' requests from an office's spreadsheet ledger (issue 5 part 6), so that reports
//! of past years and the carry-over chain (W1) can be made. Header names are fixed Chinese
//! column titles; every problem is reported with its row, column and reason, and a file with any
//! problem is not loaded at all.
//!
//! A ledger gives no filing date for a reconsideration or suit: it is taken as the request's
//! closing date (or its receipt date when it is still open), which puts the dispute in the right
//! year for section 四 when the ledger's conclusion date is given (project rule).

use super::dispute::{Decision, Route};
use super::report::{Format, outcome_row_named};
use super::{APPLICANT_TYPES, Channel};
use crate::powers::import::{Cell, Grid, ImportIssue};
use chrono::{Datelike, NaiveDate};

/// The columns of a ledger: (field, header). The first six are required.
pub const COLUMNS: [(&str, &str); 12] = [
    ("case_number", "案件编号"),
    ("agency", "机构代码"),
    ("channel", "申请渠道"),
    ("received_on", "收到申请日期"),
    ("applicant_type", "申请人类型"),
    ("outcome", "办理结果"),
    ("closed_on", "办结日期"),
    ("reconsideration", "行政复议结果"),
    ("reconsideration_on", "行政复议审结日期"),
    ("suit_route", "行政诉讼途径"),
    ("suit", "行政诉讼结果"),
    ("suit_on", "行政诉讼审结日期"),
];

const REQUIRED: [&str; 5] = [
    "case_number",
    "agency",
    "channel",
    "received_on",
    "applicant_type",
];

/// The word a ledger uses for a dispute not yet concluded.
const PENDING: &str = "尚未审结";

/// One reconsideration or suit of a ledger row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerDispute {
    pub route: Route,
    pub filed_on: NaiveDate,
    pub concluded: Option<(NaiveDate, Decision)>,
}

/// One request of a ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    /// Spreadsheet row number.
    pub row: usize,
    pub case_number: String,
    pub agency_code: String,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub applicant_type: String,
    /// Closing date and report row (2021 coding, or `R3_6` in a 2019-format year).
    pub closed: Option<(NaiveDate, String)>,
    pub disputes: Vec<LedgerDispute>,
}

fn issue(row: usize, header: &str, reason: String) -> ImportIssue {
    ImportIssue {
        row,
        column: header.to_string(),
        reason,
    }
}

fn header_of(field: &str) -> &'static str {
    COLUMNS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or("", |(_, header)| header)
}

/// A channel by its stored code, its Chinese name or the words ledgers use.
fn channel_named(text: &str) -> Option<Channel> {
    Channel::parse(text)
        .or_else(|| Channel::ALL.into_iter().find(|c| c.zh() == text))
        .or(match text {
            "当面" | "现场" => Some(Channel::InPerson),
            "邮寄" | "信函" => Some(Channel::Post),
            "网络" | "网上" | "在线" => Some(Channel::Online),
            _ => None,
        })
}

/// A date cell: a spreadsheet date, or text as YYYY-MM-DD, YYYY/M/D or YYYY年M月D日.
fn date_of(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    let text = match cell {
        Cell::Empty => return Ok(None),
        Cell::Date(date) => return Ok(Some(*date)),
        other => other.text(),
    };
    ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(&text, format).ok())
        .map(Some)
        .ok_or_else(|| format!("“{text}”不是日期（应为YYYY-MM-DD），或该日不存在"))
}

/// Reads a ledger. `first_2021_year` is parameter `foi.report.format_2021_from_year`: the
/// outcome must be a row of the format of the year the request was closed. `today` bounds every
/// date.
pub fn parse_ledger(
    grid: &Grid,
    first_2021_year: i32,
    today: NaiveDate,
) -> Result<Vec<LedgerRow>, Vec<ImportIssue>> {
    let header_cells = grid.first().cloned().unwrap_or_default();
    let mut positions: Vec<(&str, usize)> = Vec::new();
    let mut issues = Vec::new();
    for (index, cell) in header_cells.iter().enumerate() {
        let text = cell.text();
        if text.is_empty() {
            continue;
        }
        match COLUMNS.iter().find(|(_, header)| *header == text) {
            Some((field, _)) if positions.iter().any(|(f, _)| f == field) => {
                issues.push(issue(1, &text, "列名重复".into()));
            }
            Some((field, _)) => positions.push((field, index)),
            None => issues.push(issue(
                1,
                &text,
                format!(
                    "不认识的列名；台账的列为：{}",
                    COLUMNS.map(|(_, h)| h).join("、")
                ),
            )),
        }
    }
    for field in REQUIRED {
        if !positions.iter().any(|(f, _)| *f == field) {
            issues.push(issue(1, header_of(field), "缺少必填列".into()));
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let mut rows = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (index, cells) in grid.iter().enumerate().skip(1) {
        let number = index + 1;
        if cells.iter().all(|c| c.text().is_empty()) {
            continue;
        }
        let cell = |field: &str| -> Cell {
            positions
                .iter()
                .find(|(f, _)| *f == field)
                .and_then(|(_, at)| cells.get(*at).cloned())
                .unwrap_or(Cell::Empty)
        };
        match read_row(number, &cell, first_2021_year, today) {
            Ok(row) => {
                if let Some(first) = seen.insert(row.case_number.clone(), number) {
                    issues.push(issue(
                        number,
                        header_of("case_number"),
                        format!("与第{first}行的案件编号重复"),
                    ));
                }
                rows.push(row);
            }
            Err(mut problems) => issues.append(&mut problems),
        }
    }
    if rows.is_empty() && issues.is_empty() {
        issues.push(issue(
            2,
            header_of("case_number"),
            "台账中没有数据行".into(),
        ));
    }
    if issues.is_empty() {
        Ok(rows)
    } else {
        Err(issues)
    }
}

fn read_row(
    row: usize,
    cell: &dyn Fn(&str) -> Cell,
    first_2021_year: i32,
    today: NaiveDate,
) -> Result<LedgerRow, Vec<ImportIssue>> {
    let mut issues = Vec::new();
    let text = |field: &str, issues: &mut Vec<ImportIssue>| -> String {
        let value = cell(field).text();
        if value.is_empty() && REQUIRED.contains(&field) {
            issues.push(issue(row, header_of(field), "不能为空".into()));
        }
        value
    };
    let case_number = text("case_number", &mut issues);
    if case_number.chars().count() > 60 {
        issues.push(issue(
            row,
            header_of("case_number"),
            "不能超过60个字符".into(),
        ));
    }
    let agency_code = text("agency", &mut issues);
    let channel_text = text("channel", &mut issues);
    let channel = channel_named(&channel_text);
    if channel.is_none() && !channel_text.is_empty() {
        issues.push(issue(
            row,
            header_of("channel"),
            format!("“{channel_text}”不是申请渠道（当面、邮寄、平常信函、互联网、传真）"),
        ));
    }
    let applicant_type = text("applicant_type", &mut issues);
    if !applicant_type.is_empty() && !APPLICANT_TYPES.contains(&applicant_type.as_str()) {
        issues.push(issue(
            row,
            header_of("applicant_type"),
            format!(
                "“{applicant_type}”不是申请人类型（{}）",
                APPLICANT_TYPES.join("、")
            ),
        ));
    }
    let date = |field: &str, issues: &mut Vec<ImportIssue>| -> Option<NaiveDate> {
        match date_of(&cell(field)) {
            Ok(Some(date)) if date > today => {
                issues.push(issue(row, header_of(field), format!("{date}晚于今天")));
                None
            }
            Ok(date) => date,
            Err(reason) => {
                issues.push(issue(row, header_of(field), reason));
                None
            }
        }
    };
    let received_on = date("received_on", &mut issues);
    if received_on.is_none() && cell("received_on").text().is_empty() {
        issues.push(issue(row, header_of("received_on"), "不能为空".into()));
    }
    let closed_on = date("closed_on", &mut issues);
    let outcome = text("outcome", &mut issues);
    let closed = match (closed_on, outcome.is_empty()) {
        (None, true) => None,
        (None, false) if cell("closed_on").text().is_empty() => {
            issues.push(issue(
                row,
                header_of("closed_on"),
                "写了办理结果就须写办结日期".into(),
            ));
            None
        }
        (None, false) => None,
        (Some(_), true) => {
            issues.push(issue(
                row,
                header_of("outcome"),
                "已办结的申请须写办理结果".into(),
            ));
            None
        }
        (Some(on), false) => {
            let format = Format::for_year(on.year(), first_2021_year);
            match outcome_row_named(&outcome, format) {
                Some(code) => Some((on, code.to_string())),
                None => {
                    issues.push(issue(
                        row,
                        header_of("outcome"),
                        format!(
                            "“{outcome}”不是{}年度报告（{}年格式）第三部分的办理结果行",
                            on.year(),
                            format.year_label()
                        ),
                    ));
                    None
                }
            }
        }
    };
    if let (Some(received), Some((closed, _))) = (received_on, &closed)
        && *closed < received
    {
        issues.push(issue(
            row,
            header_of("closed_on"),
            format!("办结日期{closed}早于收到申请日期{received}"),
        ));
    }
    let filed_on = closed.as_ref().map(|(on, _)| *on).or(received_on);
    let mut disputes = Vec::new();
    let reconsideration = dispute(
        row,
        Some(Route::Reconsideration),
        &cell("reconsideration").text(),
        date("reconsideration_on", &mut issues),
        ("reconsideration", "reconsideration_on"),
        filed_on,
        &mut issues,
    );
    disputes.extend(reconsideration);
    let route_text = cell("suit_route").text();
    let suit_route = match route_text.as_str() {
        "" => None,
        text => match Route::parse(text) {
            Some(Route::Reconsideration) | None => {
                issues.push(issue(
                    row,
                    header_of("suit_route"),
                    format!("“{text}”不是诉讼途径（直接起诉或复议后起诉）"),
                ));
                None
            }
            route => route,
        },
    };
    let suit_text = cell("suit").text();
    if suit_route.is_none() && route_text.is_empty() && !suit_text.is_empty() {
        issues.push(issue(
            row,
            header_of("suit_route"),
            "写了诉讼结果就须写诉讼途径".into(),
        ));
    }
    let suit = dispute(
        row,
        suit_route,
        &suit_text,
        date("suit_on", &mut issues),
        ("suit", "suit_on"),
        filed_on,
        &mut issues,
    );
    disputes.extend(suit);
    match (channel, received_on, issues.is_empty()) {
        (Some(channel), Some(received_on), true) => Ok(LedgerRow {
            row,
            case_number,
            agency_code,
            channel,
            received_on,
            applicant_type,
            closed,
            disputes,
        }),
        _ => Err(issues),
    }
}

/// A dispute from its result and conclusion-date cells (both empty: none).
fn dispute(
    row: usize,
    route: Option<Route>,
    result: &str,
    concluded_on: Option<NaiveDate>,
    (result_field, date_field): (&str, &str),
    filed_on: Option<NaiveDate>,
    issues: &mut Vec<ImportIssue>,
) -> Option<LedgerDispute> {
    let route = route?;
    if result.is_empty() {
        if concluded_on.is_some() {
            issues.push(issue(
                row,
                header_of(result_field),
                "写了审结日期就须写结果".into(),
            ));
        }
        if route != Route::Reconsideration {
            issues.push(issue(
                row,
                header_of(result_field),
                "写了诉讼途径就须写结果（维持、纠正、其他或尚未审结）".into(),
            ));
        }
        return None;
    }
    let filed_on = filed_on?;
    let concluded = if result == PENDING {
        if concluded_on.is_some() {
            issues.push(issue(
                row,
                header_of(date_field),
                "尚未审结的不应有审结日期".into(),
            ));
        }
        None
    } else {
        let Some(decision) = Decision::parse(result) else {
            issues.push(issue(
                row,
                header_of(result_field),
                format!("“{result}”不是结果（维持、纠正、其他或尚未审结）"),
            ));
            return None;
        };
        let Some(on) = concluded_on else {
            issues.push(issue(
                row,
                header_of(date_field),
                "已审结的须写审结日期".into(),
            ));
            return None;
        };
        if on < filed_on {
            issues.push(issue(
                row,
                header_of(date_field),
                format!("审结日期{on}早于申请的办结日期{filed_on}"),
            ));
            return None;
        }
        Some((on, decision))
    };
    Some(LedgerDispute {
        route,
        filed_on,
        concluded,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        rows.iter()
            .map(|row| {
                row.iter()
                    .map(|text| {
                        if text.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(text.to_string())
                        }
                    })
                    .collect()
            })
            .collect()
    }

    const HEADER: &[&str] = &[
        "案件编号",
        "机构代码",
        "申请渠道",
        "收到申请日期",
        "申请人类型",
        "办理结果",
        "办结日期",
        "行政复议结果",
        "行政复议审结日期",
        "行政诉讼途径",
        "行政诉讼结果",
        "行政诉讼审结日期",
    ];

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn a_ledger_reads_rows_by_format_of_the_closing_year() {
        let rows = parse_ledger(
            &grid(&[
                HEADER,
                &[
                    "2019-001",
                    "G1",
                    "邮寄",
                    "2019-12-20",
                    "自然人",
                    "其他处理",
                    "2020-01-10",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                &[
                    "2020-002",
                    "G1",
                    "互联网",
                    "2020/3/2",
                    "商业企业",
                    "予以公开",
                    "2020年3月20日",
                    "维持",
                    "2020-06-01",
                    "复议后起诉",
                    "尚未审结",
                    "",
                ],
                &[
                    "2020-003",
                    "G1",
                    "当面提交",
                    "2020-12-28",
                    "其他",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
            ]),
            2021,
            today(),
        )
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0].closed,
            Some((NaiveDate::from_ymd_opt(2020, 1, 10).unwrap(), "R3_6".into()))
        );
        assert_eq!(rows[1].channel, Channel::Online);
        assert_eq!(rows[1].closed.as_ref().unwrap().1, "R3_1");
        assert_eq!(rows[1].disputes.len(), 2);
        assert_eq!(rows[1].disputes[0].route, Route::Reconsideration);
        assert_eq!(
            rows[1].disputes[0].filed_on,
            NaiveDate::from_ymd_opt(2020, 3, 20).unwrap()
        );
        assert_eq!(rows[1].disputes[1].concluded, None);
        assert_eq!(rows[2].closed, None);
    }

    #[test]
    fn every_bad_cell_is_named_and_nothing_is_returned() {
        let issues = parse_ledger(
            &grid(&[
                HEADER,
                // 2021 has no single 其他处理 row.
                &[
                    "2021-001",
                    "G1",
                    "邮寄",
                    "2021-01-04",
                    "自然人",
                    "其他处理",
                    "2021-01-10",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                &[
                    "2021-002",
                    "G1",
                    "飞鸽",
                    "2021-02-30",
                    "个人",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                &[
                    "2021-003",
                    "G1",
                    "传真",
                    "2021-03-10",
                    "自然人",
                    "予以公开",
                    "2021-03-01",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                &[
                    "2021-001",
                    "G1",
                    "传真",
                    "2021-03-10",
                    "自然人",
                    "予以公开",
                    "",
                    "撤销",
                    "",
                    "上诉",
                    "",
                    "",
                ],
                &[
                    "2021-005",
                    "",
                    "传真",
                    "2030-01-01",
                    "自然人",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                &[
                    "2021-006",
                    "G1",
                    "传真",
                    "2021-03-10",
                    "自然人",
                    "予以公开",
                    "2021-03-20",
                    "",
                    "2021-04-01",
                    "",
                    "维持",
                    "",
                ],
            ]),
            2021,
            today(),
        )
        .unwrap_err();
        let text: Vec<String> = issues.iter().map(ToString::to_string).collect();
        let has = |needle: &str| text.iter().any(|t| t.contains(needle));
        assert!(
            has("第2行“办理结果”列：“其他处理”不是2021年度报告（2021年格式）"),
            "{text:?}"
        );
        assert!(has("第3行“申请渠道”列：“飞鸽”"), "{text:?}");
        assert!(
            has("第3行“收到申请日期”列：“2021-02-30”不是日期"),
            "{text:?}"
        );
        assert!(has("第3行“申请人类型”列：“个人”"), "{text:?}");
        assert!(
            has("第4行“办结日期”列：办结日期2021-03-01早于收到申请日期2021-03-10"),
            "{text:?}"
        );
        assert!(
            has("第5行“办结日期”列：写了办理结果就须写办结日期"),
            "{text:?}"
        );
        assert!(has("第5行“行政复议结果”列：“撤销”不是结果"), "{text:?}");
        assert!(has("第5行“行政诉讼途径”列：“上诉”不是诉讼途径"), "{text:?}");
        assert!(has("第6行“机构代码”列：不能为空"), "{text:?}");
        assert!(
            has("第7行“行政复议结果”列：写了审结日期就须写结果"),
            "{text:?}"
        );
        assert!(
            has("第7行“行政诉讼途径”列：写了诉讼结果就须写诉讼途径"),
            "{text:?}"
        );
        assert!(has("第6行“收到申请日期”列：2030-01-01晚于今天"), "{text:?}");
    }

    #[test]
    fn duplicate_case_numbers_and_unknown_headers_are_refused() {
        let issues = parse_ledger(
            &grid(&[
                HEADER,
                &[
                    "A",
                    "G1",
                    "邮寄",
                    "2020-01-02",
                    "自然人",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                &[
                    "A",
                    "G1",
                    "邮寄",
                    "2020-01-03",
                    "自然人",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
            ]),
            2021,
            today(),
        )
        .unwrap_err();
        assert_eq!(
            issues[0].to_string(),
            "第3行“案件编号”列：与第2行的案件编号重复"
        );
        let issues =
            parse_ledger(&grid(&[&["案件编号", "机构", "申请渠道"]]), 2021, today()).unwrap_err();
        let text: Vec<String> = issues.iter().map(ToString::to_string).collect();
        assert!(text[0].contains("“机构”列：不认识的列名"), "{text:?}");
        assert!(
            text.iter()
                .any(|t| t.contains("“收到申请日期”列：缺少必填列")),
            "{text:?}"
        );
    }
}
