//! 基层政务公开标准目录 (spec/openness.md §4): the 26 areas, the entry columns of published
//! catalogues, the starting entries per area, and reading a catalogue from a spreadsheet grid
//! with every problem reported by row and column.

use crate::openness::vocabulary;
use crate::powers::import::{Cell, ImportIssue};
use serde::{Deserialize, Serialize};

/// The areas (parameter `openness.catalogue.areas`, to confirm).
pub const AREAS: &str = include_str!("../../../data/openness/catalogue-areas.txt");
/// The channels of the 公开渠道和载体 column (parameter `openness.catalogue.channels`).
pub const CHANNELS: &str = include_str!("../../../data/openness/catalogue-channels.txt");
/// Starting entries per area (parameter `openness.catalogue.templates`, to confirm against
/// the State Council's 标准指引 of each area).
pub const TEMPLATES: &str = include_str!("../../../data/openness/catalogue-templates.csv");

/// 公开对象
pub const AUDIENCES: [&str; 2] = ["全社会", "特定群众"];
/// 公开方式
pub const MANNERS: [&str; 2] = ["主动", "依申请公开"];
/// 公开层级
pub const LEVELS: [&str; 3] = ["县级", "乡级", "村级"];

/// The columns after 序号, as published catalogues head them.
pub const COLUMNS: [&str; 10] = [
    "一级事项",
    "二级事项",
    "公开内容（要素）",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    "公开方式",
    "公开层级",
];

/// One entry of a catalogue (spec §4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub item: String,
    pub sub_item: String,
    pub content: String,
    pub basis: String,
    pub time_limit: String,
    pub body: String,
    pub channels: Vec<String>,
    pub audience: String,
    pub manner: String,
    pub levels: Vec<String>,
}

impl Entry {
    /// The cells of the entry in [`COLUMNS`] order, sets joined with 、.
    pub fn cells(&self) -> [String; 10] {
        [
            self.item.clone(),
            self.sub_item.clone(),
            self.content.clone(),
            self.basis.clone(),
            self.time_limit.clone(),
            self.body.clone(),
            self.channels.join("、"),
            self.audience.clone(),
            self.manner.clone(),
            self.levels.join("、"),
        ]
    }

    /// The parsed 公开时限, when it has the usual shape.
    pub fn limit(&self) -> Option<TimeLimit> {
        parse_time_limit(&self.time_limit)
    }
}

/// A 公开时限 read as a rule: from an event, N days or working days (spec §4.3, §1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeLimit {
    pub trigger: String,
    pub length: u32,
    pub working_days: bool,
}

/// Reads "信息形成或者变更之日起20个工作日内", "作出行政决定之日起7个工作日内",
/// "发放后7个工作日内", "批复后20日内"; other wording ("实时", "每月") has no rule.
pub fn parse_time_limit(text: &str) -> Option<TimeLimit> {
    let text = text.trim();
    let (trigger, rest) = text
        .split_once("之日起")
        .or_else(|| text.split_once('后'))?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let length: u32 = digits.parse().ok()?;
    let unit = &rest[digits.len()..];
    let working_days = if unit.starts_with("个工作日") {
        true
    } else if unit.starts_with('日') || unit.starts_with('天') {
        false
    } else {
        return None;
    };
    Some(TimeLimit {
        trigger: trigger.to_string(),
        length,
        working_days,
    })
}

/// Splits a set cell on 、，,；; and line breaks, dropping tick marks (■ ☑ √).
fn split_set(text: &str) -> Vec<String> {
    text.split(['、', '，', ',', '；', ';', '\n'])
        .map(|part| part.trim().trim_start_matches(['■', '☑', '√']).trim())
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect()
}

fn normalise_level(text: &str) -> Option<&'static str> {
    match text.trim_end_matches('级') {
        "县" | "区" | "市" => Some("县级"),
        "乡" | "镇" | "街道" | "乡镇" => Some("乡级"),
        "村" | "社区" => Some("村级"),
        _ => None,
    }
}

/// Checks and normalises one entry's cells (in [`COLUMNS`] order); the reasons by column.
pub fn entry_from_cells(cells: &[String; 10]) -> Result<Entry, Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    for (index, column) in COLUMNS.iter().enumerate() {
        let optional = index == 1; // 二级事项 may be empty
        if !optional && cells[index].trim().is_empty() {
            problems.push((*column, "不能为空".to_string()));
        }
        if cells[index].chars().count() > 2_000 {
            problems.push((*column, "不能超过2000个字符".to_string()));
        }
    }
    let known_channels = vocabulary(CHANNELS);
    let channels = split_set(&cells[6]);
    for channel in &channels {
        if !known_channels.contains(&channel.as_str()) {
            problems.push((
                COLUMNS[6],
                format!(
                    "“{channel}”不在公开渠道表中（{}）",
                    known_channels.join("、")
                ),
            ));
        }
    }
    let audience = match cells[7].trim() {
        "特定群体" => "特定群众".to_string(),
        other => other.to_string(),
    };
    if !audience.is_empty() && !AUDIENCES.contains(&audience.as_str()) {
        problems.push((COLUMNS[7], format!("应为{}", AUDIENCES.join("或"))));
    }
    let manner = match cells[8].trim() {
        "主动公开" => "主动".to_string(),
        "依申请" => "依申请公开".to_string(),
        other => other.to_string(),
    };
    if !manner.is_empty() && !MANNERS.contains(&manner.as_str()) {
        problems.push((COLUMNS[8], format!("应为{}", MANNERS.join("或"))));
    }
    let mut levels: Vec<String> = Vec::new();
    for part in split_set(&cells[9]) {
        match normalise_level(&part) {
            Some(level) => {
                if !levels.iter().any(|l| l == level) {
                    levels.push(level.to_string());
                }
            }
            None => problems.push((COLUMNS[9], format!("“{part}”不是县级、乡级或村级"))),
        }
    }
    levels.sort_by_key(|level| LEVELS.iter().position(|l| l == level));
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Entry {
        item: cells[0].trim().to_string(),
        sub_item: cells[1].trim().to_string(),
        content: cells[2].trim().to_string(),
        basis: cells[3].trim().to_string(),
        time_limit: cells[4].trim().to_string(),
        body: cells[5].trim().to_string(),
        channels,
        audience,
        manner,
        levels,
    })
}

/// How far down the sheet the header is looked for.
const HEADER_SEARCH_ROWS: usize = 10;

/// The column of each of [`COLUMNS`] in a header row: a header cell matches when it starts
/// with the column's name before any bracket (so "公开内容" and "公开内容（要素）" both do).
fn header_columns(row: &[Cell]) -> Option<[usize; 10]> {
    let texts: Vec<String> = row.iter().map(Cell::text).collect();
    let mut found = [0usize; 10];
    for (slot, column) in COLUMNS.iter().enumerate() {
        let stem = column.split('（').next().unwrap_or(column);
        found[slot] = texts.iter().position(|t| t.starts_with(stem))?;
    }
    Some(found)
}

/// Reads the entries of a catalogue sheet: the header (one row with the ten column names,
/// within the first rows; a merged 公开事项 row above it is fine), then one entry per
/// non-empty row. All problems are returned together; no entry is returned with them.
pub fn parse_sheet(grid: &[Vec<Cell>]) -> Result<Vec<Entry>, Vec<ImportIssue>> {
    let Some((header_row, columns)) = grid
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(index, row)| header_columns(row).map(|columns| (index, columns)))
    else {
        return Err(vec![ImportIssue {
            row: 1,
            column: "表头".into(),
            reason: format!(
                "前{HEADER_SEARCH_ROWS}行中找不到含有{}的表头行",
                COLUMNS.join("、")
            ),
        }]);
    };
    let mut entries = Vec::new();
    let mut issues = Vec::new();
    for (index, row) in grid.iter().enumerate().skip(header_row + 1) {
        let cells: [String; 10] =
            std::array::from_fn(|slot| row.get(columns[slot]).map(Cell::text).unwrap_or_default());
        if cells.iter().all(String::is_empty) {
            continue;
        }
        match entry_from_cells(&cells) {
            Ok(entry) => entries.push(entry),
            Err(problems) => {
                issues.extend(problems.into_iter().map(|(column, reason)| ImportIssue {
                    row: index + 1,
                    column: column.to_string(),
                    reason,
                }))
            }
        }
    }
    if entries.is_empty() && issues.is_empty() {
        issues.push(ImportIssue {
            row: header_row + 2,
            column: "全部".into(),
            reason: "表头下没有目录条目".into(),
        });
    }
    if issues.is_empty() {
        Ok(entries)
    } else {
        Err(issues)
    }
}

/// The bundled starting entries of an area.
pub fn template(area: &str) -> Vec<Entry> {
    TEMPLATES
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields = split_csv_line(line);
            if fields.len() != 11 || fields[0] != area {
                return None;
            }
            let cells: [String; 10] = std::array::from_fn(|slot| fields[slot + 1].clone());
            entry_from_cells(&cells).ok()
        })
        .collect()
}

/// One line of the bundled CSV (fields may be quoted; no line breaks inside).
fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            other => field.push(other),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn text_row(cells: &[&str]) -> Vec<Cell> {
        cells.iter().map(|c| Cell::Text((*c).to_string())).collect()
    }

    #[test]
    fn every_area_has_starting_entries_and_they_are_valid() {
        let areas = vocabulary(AREAS);
        assert_eq!(areas.len(), 26);
        assert_eq!(vocabulary(CHANNELS).len(), 13);
        for area in &areas {
            assert!(template(area).len() >= 2, "{area}");
        }
        let lines = TEMPLATES.lines().skip(1).count();
        let read: usize = areas.iter().map(|a| template(a).len()).sum();
        assert_eq!(read, lines, "no template line is dropped as invalid");
    }

    #[test]
    fn time_limits_of_the_usual_shapes_are_read() {
        assert_eq!(
            parse_time_limit("信息形成或者变更之日起20个工作日内"),
            Some(TimeLimit {
                trigger: "信息形成或者变更".into(),
                length: 20,
                working_days: true
            })
        );
        assert_eq!(
            parse_time_limit("作出行政决定之日起7个工作日内").map(|l| (l.length, l.working_days)),
            Some((7, true))
        );
        assert_eq!(
            parse_time_limit("批复后20日内"),
            Some(TimeLimit {
                trigger: "批复".into(),
                length: 20,
                working_days: false
            })
        );
        assert_eq!(parse_time_limit("实时"), None);
        assert_eq!(parse_time_limit("每月"), None);
    }

    #[test]
    fn a_sheet_with_a_two_row_header_and_variants_is_read() {
        let grid = vec![
            text_row(&["梅江区财政预决算领域基层政务公开标准目录"]),
            text_row(&[
                "序号",
                "公开事项",
                "",
                "公开内容",
                "公开依据",
                "公开时限",
                "公开主体",
                "公开渠道和载体",
                "公开对象",
                "公开方式",
                "公开层级",
            ]),
            text_row(&[
                "",
                "一级事项",
                "二级事项",
                "公开内容（要素）",
                "公开依据",
                "公开时限",
                "公开主体",
                "公开渠道和载体",
                "公开对象",
                "公开方式",
                "公开层级",
            ]),
            text_row(&[
                "1",
                "预算",
                "部门预算",
                "部门预算及说明",
                "《预算法》第十四条",
                "批复后20日内",
                "区财政局",
                "■政府网站，■公开查阅点",
                "全社会",
                "主动公开",
                "区级、乡、村级",
            ]),
            text_row(&["", "", "", "", "", "", "", "", "", "", ""]),
            text_row(&[
                "2",
                "决算",
                "",
                "部门决算",
                "《预算法》第十四条",
                "批复后20日内",
                "区财政局",
                "政府网站",
                "特定群体",
                "依申请",
                "县级",
            ]),
        ];
        let entries = parse_sheet(&grid).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].channels, vec!["政府网站", "公开查阅点"]);
        assert_eq!(entries[0].levels, vec!["县级", "乡级", "村级"]);
        assert_eq!(entries[0].manner, "主动");
        assert_eq!(entries[1].audience, "特定群众");
        assert_eq!(entries[1].manner, "依申请公开");
    }

    #[test]
    fn bad_rows_are_reported_by_row_and_column_and_nothing_is_read() {
        let header = text_row(&[
            "序号",
            "一级事项",
            "二级事项",
            "公开内容",
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体",
            "公开对象",
            "公开方式",
            "公开层级",
        ]);
        let grid = vec![
            header,
            text_row(&[
                "1",
                "预算",
                "部门预算",
                "部门预算",
                "《预算法》",
                "批复后20日内",
                "区财政局",
                "政府网站",
                "全社会",
                "主动",
                "县级",
            ]),
            text_row(&[
                "2",
                "",
                "部门决算",
                "部门决算",
                "《预算法》",
                "批复后20日内",
                "区财政局",
                "微博",
                "所有人",
                "主动",
                "省级",
            ]),
        ];
        let issues = parse_sheet(&grid).unwrap_err();
        let shown: Vec<String> = issues.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            vec![
                "第3行“一级事项”列：不能为空",
                &format!(
                    "第3行“公开渠道和载体”列：“微博”不在公开渠道表中（{}）",
                    vocabulary(CHANNELS).join("、")
                ),
                "第3行“公开对象”列：应为全社会或特定群众",
                "第3行“公开层级”列：“省级”不是县级、乡级或村级",
            ]
        );
        let no_header = parse_sheet(&[text_row(&["名称", "内容"])]).unwrap_err();
        assert!(no_header[0].reason.contains("找不到"));
    }
}
