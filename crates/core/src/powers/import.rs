//! Reading a published list (权责清单) from a spreadsheet grid, whatever its column order: the
//! header names each field may carry are data (`data/powers/import-columns.csv`, parameter
//! `powers.import.column_map`, to be confirmed against the Guangdong layout). Every problem is
//! reported with its row, column and reason; nothing is half-read.

use super::{Item, parse_basis};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// One cell as the spreadsheet reader gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// The cell as trimmed text (whole numbers without decimals, dates as YYYY-MM-DD).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Cell::Number(n) => n.to_string(),
            Cell::Date(date) => date.to_string(),
        }
    }
}

/// Rows of cells; row 0 is spreadsheet row 1.
pub type Grid = Vec<Vec<Cell>>;

/// A problem at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportIssue {
    /// Spreadsheet row number (1-based, as the user sees it).
    pub row: usize,
    /// The column's header (or its letter when the header itself is the problem).
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for ImportIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}行“{}”列：{}", self.row, self.column, self.reason)
    }
}

/// A row of the list: the item, who holds it, and from when (when the file says so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub row: usize,
    pub item: Item,
    /// Agency code or exact agency name, as written in the file.
    pub holder: String,
    pub effective: Option<NaiveDate>,
}

const REQUIRED: [&str; 5] = ["code", "name", "category", "basis", "holder"];

/// How far down the sheet the header is looked for.
const HEADER_SEARCH_ROWS: usize = 10;

/// Parses `field,header` alias lines (the bundled file or a city's own).
pub fn parse_column_map(text: &str) -> Result<HashMap<String, String>, String> {
    let mut map = HashMap::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        let Some((field, header)) = line.split_once(',') else {
            return Err(format!("列名对照表第{}行格式错误", index + 1));
        };
        map.insert(header.trim().to_string(), field.trim().to_string());
    }
    Ok(map)
}

pub const BUILTIN_COLUMN_MAP: &str = include_str!("../../../../data/powers/import-columns.csv");

fn column_letter(index: usize) -> String {
    let mut letters = String::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, (b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    letters
}

/// Reads the grid. `categories` are (code, name) pairs; a category cell may hold either.
pub fn parse_list(
    grid: &Grid,
    column_map: &HashMap<String, String>,
    categories: &[(String, String)],
) -> Result<Vec<ListRow>, Vec<ImportIssue>> {
    let Some(first_filled) = grid
        .iter()
        .position(|row| row.iter().any(|c| !c.text().is_empty()))
    else {
        return Err(vec![ImportIssue {
            row: 1,
            column: "A".into(),
            reason: "表格为空".into(),
        }]);
    };
    // A title row often sits above the header: the header is the first of the top rows that
    // names at least three known columns.
    let known = |row: &Vec<Cell>| {
        row.iter()
            .filter(|c| column_map.contains_key(&c.text()))
            .count()
    };
    let header_index = grid
        .iter()
        .enumerate()
        .skip(first_filled)
        .take(HEADER_SEARCH_ROWS)
        .find(|(_, row)| known(row) >= 3)
        .map_or(first_filled, |(index, _)| index);
    let (fields, mut issues) = read_header(&grid[header_index], header_index + 1, column_map);
    if !issues.is_empty() {
        return Err(issues);
    }
    let mut rows = Vec::new();
    let mut first_row_of: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut item_of_code: HashMap<String, (usize, Item)> = HashMap::new();
    for (offset, cells) in grid.iter().enumerate().skip(header_index + 1) {
        let row_number = offset + 1;
        if cells.iter().all(|c| c.text().is_empty()) {
            continue;
        }
        match read_row(cells, row_number, &fields, categories) {
            Ok(row) => {
                let key = (row.item.code.clone(), row.holder.clone());
                if let Some(first) = first_row_of.insert(key, row_number) {
                    issues.push(issue(
                        row_number,
                        "实施主体",
                        format!("与第{first}行的事项编码和实施主体重复"),
                    ));
                    continue;
                }
                match item_of_code.get(&row.item.code) {
                    Some((first, item)) if *item != row.item => {
                        issues.push(issue(
                            row_number,
                            "事项编码",
                            format!("与第{first}行编码相同但事项内容不同"),
                        ));
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        item_of_code.insert(row.item.code.clone(), (row_number, row.item.clone()));
                    }
                }
                rows.push(row);
            }
            Err(mut row_issues) => issues.append(&mut row_issues),
        }
    }
    if rows.is_empty() && issues.is_empty() {
        issues.push(issue(header_index + 1, "表头", "表头下没有数据行".into()));
    }
    if issues.is_empty() {
        Ok(rows)
    } else {
        Err(issues)
    }
}

/// Column index → (field, header text). Checks for blank (merged) headers, unknown headers are
/// ignored, every required field must be present once.
fn read_header(
    cells: &[Cell],
    row: usize,
    column_map: &HashMap<String, String>,
) -> (Vec<(usize, String, String)>, Vec<ImportIssue>) {
    let mut fields = Vec::new();
    let mut issues = Vec::new();
    let last_named = cells
        .iter()
        .rposition(|c| !c.text().is_empty())
        .unwrap_or(0);
    for (index, cell) in cells.iter().enumerate().take(last_named + 1) {
        let header = cell.text();
        if header.is_empty() {
            issues.push(ImportIssue {
                row,
                column: column_letter(index),
                reason: "表头为空（表头不能使用合并单元格）".into(),
            });
            continue;
        }
        if let Some(field) = column_map.get(&header) {
            if fields
                .iter()
                .any(|(_, f, _): &(usize, String, String)| f == field)
            {
                issues.push(ImportIssue {
                    row,
                    column: header.clone(),
                    reason: "与前面的列重复".into(),
                });
                continue;
            }
            fields.push((index, field.clone(), header));
        }
    }
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|r| !fields.iter().any(|(_, f, _)| f == r))
        .collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|m| field_zh(m)).collect();
        issues.push(ImportIssue {
            row,
            column: "表头".into(),
            reason: format!(
                "缺少必需的列：{}（请确认选择了正确的工作表）",
                names.join("、")
            ),
        });
    }
    (fields, issues)
}

fn field_zh(field: &str) -> &'static str {
    match field {
        "code" => "事项编码",
        "name" => "事项名称",
        "category" => "事项类别",
        "basis" => "设定依据",
        "holder" => "实施主体",
        _ => "其他",
    }
}

fn issue(row: usize, column: &str, reason: String) -> ImportIssue {
    ImportIssue {
        row,
        column: column.to_string(),
        reason,
    }
}

fn read_row(
    cells: &[Cell],
    row: usize,
    fields: &[(usize, String, String)],
    categories: &[(String, String)],
) -> Result<ListRow, Vec<ImportIssue>> {
    let mut issues = Vec::new();
    let get = |field: &str| -> (String, &Cell, String) {
        fields
            .iter()
            .find(|(_, f, _)| f == field)
            .map(|(index, _, header)| {
                let cell = cells.get(*index).unwrap_or(&Cell::Empty);
                (cell.text(), cell, header.clone())
            })
            .unwrap_or((String::new(), &Cell::Empty, field.to_string()))
    };
    let required = |field: &str, issues: &mut Vec<ImportIssue>| {
        let (text, _, header) = get(field);
        if text.is_empty() {
            issues.push(issue(row, &header, "不能为空".into()));
        }
        text
    };
    let code = required("code", &mut issues);
    let name = required("name", &mut issues);
    let holder = required("holder", &mut issues);
    let (category_text, _, category_header) = get("category");
    let category = categories
        .iter()
        .find(|(code, name)| *code == category_text || *name == category_text)
        .map(|(code, _)| code.clone());
    if category.is_none() {
        issues.push(issue(
            row,
            &category_header,
            format!("“{category_text}”不是事项类别表中的类别"),
        ));
    }
    let (basis_text, _, basis_header) = get("basis");
    let basis = parse_basis(&basis_text).unwrap_or_else(|reason| {
        issues.push(issue(row, &basis_header, reason));
        Vec::new()
    });
    let (_, effective_cell, effective_header) = get("effective");
    let effective = match effective_cell {
        Cell::Empty => None,
        Cell::Date(date) => Some(*date),
        other => match NaiveDate::parse_from_str(&other.text(), "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                issues.push(issue(
                    row,
                    &effective_header,
                    format!("“{}”不是日期（应为YYYY-MM-DD）", other.text()),
                ));
                None
            }
        },
    };
    let item = Item {
        code,
        name,
        sub_items: super::split_names(&get("sub_items").0),
        category: category.unwrap_or_default(),
        basis,
        responsibilities: super::split_list(&get("responsibilities").0),
        accountability: get("accountability").0,
        supervision: get("supervision").0,
        note: get("note").0,
        related_items: super::split_names(&get("related_items").0),
    };
    // Empty cells were reported above; what remains is the shape of the code and the name length.
    for problem in super::check_item(
        &item,
        &categories
            .iter()
            .map(|(code, _)| code.clone())
            .collect::<Vec<_>>(),
    ) {
        let shape_problem = (problem.field == "事项编码" && !item.code.is_empty())
            || (problem.field == "事项名称" && !item.name.is_empty());
        if shape_problem {
            issues.push(issue(row, problem.field, problem.message));
        }
    }
    if issues.is_empty() {
        Ok(ListRow {
            row,
            item,
            holder,
            effective,
        })
    } else {
        Err(issues)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn text(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.into())
        }
    }

    fn grid(rows: &[&[&str]]) -> Grid {
        rows.iter()
            .map(|r| r.iter().map(|c| text(c)).collect())
            .collect()
    }

    fn categories() -> Vec<(String, String)> {
        vec![
            ("XK".into(), "行政许可".into()),
            ("CF".into(), "行政处罚".into()),
        ]
    }

    fn map() -> HashMap<String, String> {
        parse_column_map(BUILTIN_COLUMN_MAP).unwrap()
    }

    const HEADER: &[&str] = &[
        "序号",
        "事项编码",
        "事项名称",
        "事项类别",
        "设定依据",
        "实施主体",
        "责任事项",
        "备注",
    ];

    #[test]
    fn a_list_in_any_column_order_with_category_names_is_read() {
        let g = grid(&[
            &["梅州市权责清单"],
            HEADER,
            &[
                "1",
                "XK-QS",
                "取水许可",
                "行政许可",
                "《中华人民共和国水法》第四十八条",
                "梅州市水务局",
                "受理、审查、决定",
                "",
            ],
            &[""],
            &[
                "2",
                "CF-1",
                "对未经批准取水的处罚",
                "CF",
                "《中华人民共和国水法》第六十九条",
                "G441400-016",
                "立案；调查",
                "演示",
            ],
        ]);
        let rows = parse_list(&g, &map(), &categories()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 3, "row numbers are the spreadsheet's");
        assert_eq!(rows[0].item.category, "XK");
        assert_eq!(rows[0].item.responsibilities, ["受理", "审查", "决定"]);
        assert_eq!(rows[1].row, 5);
        assert_eq!(rows[1].holder, "G441400-016");
    }

    #[test]
    fn every_bad_cell_is_named_by_row_and_column() {
        let g = grid(&[
            HEADER,
            &[
                "1",
                "XK-QS",
                "取水许可",
                "行政许诺",
                "",
                "梅州市水务局",
                "",
                "",
            ],
            &["2", "", "无编码", "XK", "《水法》第一条", "", "", ""],
        ]);
        let issues = parse_list(&g, &map(), &categories()).unwrap_err();
        let found: Vec<String> = issues.iter().map(ToString::to_string).collect();
        assert!(
            found.contains(&"第2行“事项类别”列：“行政许诺”不是事项类别表中的类别".to_string()),
            "{found:?}"
        );
        assert!(
            found.contains(&"第2行“设定依据”列：缺少设定依据".to_string()),
            "{found:?}"
        );
        assert!(
            found.contains(&"第3行“事项编码”列：不能为空".to_string()),
            "{found:?}"
        );
        assert!(
            found.contains(&"第3行“实施主体”列：不能为空".to_string()),
            "{found:?}"
        );
    }

    #[test]
    fn merged_or_missing_headers_say_so() {
        let merged = grid(&[
            &["事项编码", "事项名称", "", "设定依据", "实施主体"],
            &["X", "Y", "XK", "《法》第一条", "A"],
        ]);
        let issues = parse_list(&merged, &map(), &categories()).unwrap_err();
        assert!(
            issues
                .iter()
                .any(|i| i.column == "C" && i.reason.contains("合并单元格")),
            "{issues:?}"
        );
        let wrong_sheet = grid(&[&["序号", "单位", "电话"], &["1", "市水务局", "123"]]);
        let issues = parse_list(&wrong_sheet, &map(), &categories()).unwrap_err();
        assert!(
            issues[0].reason.contains("缺少必需的列") && issues[0].reason.contains("正确的工作表"),
            "{issues:?}"
        );
    }

    #[test]
    fn a_date_column_takes_dates_only() {
        let mut g = grid(&[
            &[
                "事项编码",
                "事项名称",
                "事项类别",
                "设定依据",
                "实施主体",
                "生效日期",
            ],
            &["X1", "甲", "XK", "《法》第一条", "A", "2020-03-01"],
            &["X2", "乙", "XK", "《法》第一条", "A", "三月一日"],
        ]);
        g.push(vec![
            text("X3"),
            text("丙"),
            text("XK"),
            text("《法》第一条"),
            text("A"),
            Cell::Date(NaiveDate::from_ymd_opt(2020, 12, 1).unwrap()),
        ]);
        let issues = parse_list(&g, &map(), &categories()).unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(
            issues[0].to_string(),
            "第3行“生效日期”列：“三月一日”不是日期（应为YYYY-MM-DD）"
        );
        g.remove(2);
        let rows = parse_list(&g, &map(), &categories()).unwrap();
        assert_eq!(rows[1].effective, NaiveDate::from_ymd_opt(2020, 12, 1));
    }

    #[test]
    fn one_item_listed_for_two_holders_must_agree() {
        let g = grid(&[
            &["事项编码", "事项名称", "事项类别", "设定依据", "实施主体"],
            &["X1", "甲", "XK", "《法》第一条", "A"],
            &["X1", "甲", "XK", "《法》第一条", "B"],
            &["X1", "甲", "XK", "《法》第一条", "B"],
            &["X1", "甲改", "XK", "《法》第一条", "C"],
        ]);
        let issues = parse_list(&g, &map(), &categories()).unwrap_err();
        let found: Vec<String> = issues.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "第4行“实施主体”列：与第3行的事项编码和实施主体重复",
                "第5行“事项编码”列：与第2行编码相同但事项内容不同"
            ]
        );
    }
}
