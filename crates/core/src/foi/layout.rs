//! The annual report's tables laid out as the official form prints them (spec/foi.md §10–§14,
//! §16): cells with their row and column spans, so that the web page, the DOCX and the xlsx
//! are drawn from one layout.

use super::annual::AnnualReport;
use super::dispute::{CELL_LABELS, Route};
use serde::Serialize;

/// Where a counted cell's records are: section 3 or 4, the row code (section 三) and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellSource {
    pub section: u8,
    pub row: String,
    pub column: usize,
}

/// One cell of a laid-out table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LaidCell {
    pub text: String,
    pub rowspan: usize,
    pub colspan: usize,
    /// A header (label) cell rather than a figure.
    pub header: bool,
    /// A counted figure: where its records are.
    pub source: Option<CellSource>,
    /// A figure entered by hand: its entry key.
    pub key: Option<String>,
}

impl LaidCell {
    fn label(text: &str, rowspan: usize, colspan: usize) -> LaidCell {
        LaidCell {
            text: text.to_string(),
            rowspan,
            colspan,
            header: true,
            source: None,
            key: None,
        }
    }

    fn figure(value: u64, source: CellSource) -> LaidCell {
        LaidCell {
            text: value.to_string(),
            rowspan: 1,
            colspan: 1,
            header: false,
            source: Some(source),
            key: None,
        }
    }
}

/// A table: its caption and rows of cells (a cell spanned from above is not repeated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LaidTable {
    pub caption: String,
    /// Header rows at the top.
    pub header_rows: usize,
    pub rows: Vec<Vec<LaidCell>>,
}

/// A cell placed on the grid: its first column, or a column covered from above by a cell
/// spanning rows (with that cell's column span).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed<'a> {
    Cell(usize, &'a LaidCell),
    Covered(usize, usize),
}

impl LaidTable {
    /// The number of grid columns.
    pub fn width(&self) -> usize {
        self.rows
            .first()
            .map_or(0, |row| row.iter().map(|c| c.colspan).sum())
    }

    /// Each row's cells with their grid columns, in column order, including the places covered
    /// by a cell spanning down from a row above. A row with too many cells is cut at the width.
    pub fn placed(&self) -> Vec<Vec<Placed<'_>>> {
        let width = self.width();
        // For each grid column: rows still covered from above, and the covering cell's span.
        let mut covered: Vec<(usize, usize)> = vec![(0, 1); width];
        let mut out = Vec::with_capacity(self.rows.len());
        for row in &self.rows {
            let mut placed = Vec::new();
            let mut cells = row.iter();
            let mut column = 0;
            while column < width {
                let (left, span) = covered[column];
                if left > 0 {
                    placed.push(Placed::Covered(column, span));
                    covered[column].0 -= 1;
                    column += span.max(1);
                    continue;
                }
                let Some(cell) = cells.next() else { break };
                placed.push(Placed::Cell(column, cell));
                covered[column] = (cell.rowspan.saturating_sub(1), cell.colspan);
                column += cell.colspan.max(1);
            }
            out.push(placed);
        }
        out
    }
}

/// Section 二's sub-tables: the clause heading across the table, the column labels, the rows.
pub fn section_two(report: &AnnualReport) -> Vec<LaidTable> {
    report
        .section_two
        .iter()
        .map(|table| {
            let width = table.columns.len() + 1;
            let mut rows = vec![
                vec![LaidCell::label(&table.heading, 1, width)],
                std::iter::once(LaidCell::label("信息内容", 1, 1))
                    .chain(table.columns.iter().map(|c| LaidCell::label(c, 1, 1)))
                    .collect(),
            ];
            for row in &table.rows {
                let mut cells = vec![LaidCell::label(&row.label, 1, 1)];
                cells.extend(row.cells.iter().map(|cell| LaidCell {
                    text: cell.value.clone().unwrap_or_default(),
                    rowspan: 1,
                    colspan: 1,
                    header: false,
                    source: None,
                    key: Some(cell.key.clone()),
                }));
                rows.push(cells);
            }
            LaidTable {
                caption: table.heading.clone(),
                header_rows: 2,
                rows,
            }
        })
        .collect()
}

/// The label cells of each row of section 三 from the label paths: a part shared by the rows
/// below spans them; a path shorter than the deepest spans the remaining label columns.
fn label_cells(paths: &[Vec<&str>], depth: usize) -> Vec<Vec<LaidCell>> {
    let mut out = Vec::with_capacity(paths.len());
    for (index, path) in paths.iter().enumerate() {
        let mut cells = Vec::new();
        for level in 0..path.len() {
            let prefix = &path[..=level];
            let starts_group = index == 0
                || paths[index - 1].len() <= level
                || paths[index - 1][..=level] != *prefix;
            if !starts_group {
                continue;
            }
            let rowspan = paths[index..]
                .iter()
                .take_while(|other| other.len() > level && other[..=level] == *prefix)
                .count();
            let last = level + 1 == path.len();
            let colspan = if last { depth - level } else { 1 };
            cells.push(LaidCell::label(path[level], rowspan, colspan));
        }
        out.push(cells);
    }
    out
}

/// Section 三 as the official form: three header rows and the label columns.
pub fn section_three(report: &AnnualReport) -> LaidTable {
    let three = &report.section_three;
    let paths: Vec<Vec<&str>> = three
        .rows
        .iter()
        .map(|row| row.label.split('/').collect())
        .collect();
    let depth = paths.iter().map(Vec::len).max().unwrap_or(1);
    let mut rows = vec![
        vec![
            LaidCell::label(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                3,
                depth,
            ),
            LaidCell::label("申请人情况", 1, 7),
        ],
        vec![
            LaidCell::label("自然人", 2, 1),
            LaidCell::label("法人或其他组织", 1, 5),
            LaidCell::label("总计", 2, 1),
        ],
        [
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
        ]
        .iter()
        .map(|label| LaidCell::label(label, 1, 1))
        .collect(),
    ];
    for (row, labels) in three.rows.iter().zip(label_cells(&paths, depth)) {
        let mut cells = labels;
        cells.extend(row.values.iter().enumerate().map(|(column, value)| {
            LaidCell::figure(
                *value,
                CellSource {
                    section: 3,
                    row: row.code.clone(),
                    column,
                },
            )
        }));
        rows.push(cells);
    }
    LaidTable {
        caption: "收到和处理政府信息公开申请情况".into(),
        header_rows: 3,
        rows,
    }
}

/// Section 四: 行政复议 (5) | 行政诉讼 (10: 未经复议直接起诉 5, 复议后起诉 5), one data row.
pub fn section_four(report: &AnnualReport) -> LaidTable {
    let cell_labels: Vec<LaidCell> = CELL_LABELS
        .iter()
        .map(|label| LaidCell::label(label, 1, 1))
        .collect();
    let mut rows = vec![
        vec![
            LaidCell::label(Route::Reconsideration.zh(), 2, 5),
            LaidCell::label("行政诉讼", 1, 10),
        ],
        vec![
            LaidCell::label(Route::DirectSuit.zh(), 1, 5),
            LaidCell::label(Route::SuitAfterReconsideration.zh(), 1, 5),
        ],
    ];
    rows.push(
        Route::ALL
            .iter()
            .flat_map(|_| cell_labels.iter().cloned())
            .collect(),
    );
    rows.push(
        report
            .section_four
            .values
            .iter()
            .enumerate()
            .map(|(column, value)| {
                LaidCell::figure(
                    *value,
                    CellSource {
                        section: 4,
                        row: String::new(),
                        column,
                    },
                )
            })
            .collect(),
    );
    LaidTable {
        caption: "政府信息公开行政复议、行政诉讼情况".into(),
        header_rows: 3,
        rows,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::foi::annual::{Inputs, assemble};
    use crate::foi::dispute::{Window, section_four as count_four};
    use crate::foi::report::{Format, section_three as count_three};

    fn report(format: Format) -> AnnualReport {
        assemble(
            Inputs {
                agency_code: "G1",
                agency_name: "测试机关",
                covers: vec!["G1".into()],
                year: 2021,
                entries: &Default::default(),
                fees_recorded_yuan: 0,
                previous_carried: None,
            },
            count_three(&[], 2021, format).unwrap(),
            count_four(&[], 2021, Window::ConcludedOrPending).unwrap(),
        )
    }

    /// Every row of a table fills the grid exactly once spans are counted: all its cells are
    /// placed and the last one ends at the width.
    fn assert_rectangular(table: &LaidTable) {
        let width = table.width();
        for (index, (row, placed)) in table.rows.iter().zip(table.placed()).enumerate() {
            let cells = placed
                .iter()
                .filter(|p| matches!(p, Placed::Cell(..)))
                .count();
            assert_eq!(cells, row.len(), "row {index} has cells beyond the width");
            let end = match placed.last() {
                Some(Placed::Cell(column, cell)) => column + cell.colspan,
                Some(Placed::Covered(column, span)) => column + span,
                None => 0,
            };
            assert_eq!(end, width, "row {index} is short: {row:?}");
        }
    }

    #[test]
    fn section_three_is_laid_out_as_the_form_in_both_formats() {
        for (format, data_rows) in [(Format::F2021, 25), (Format::F2019, 23)] {
            let table = section_three(&report(format));
            assert_eq!(table.width(), 10);
            assert_eq!(table.rows.len(), 3 + data_rows);
            assert_rectangular(&table);
            // 三、本年度办理结果 spans all its rows.
            let third = &table.rows[3 + 2][0];
            assert_eq!(third.text, "三、本年度办理结果");
            assert_eq!(third.rowspan, data_rows - 3);
        }
        let table = section_three(&report(Format::F2021));
        let withheld = &table.rows[3 + 4][0];
        assert_eq!(
            (withheld.text.as_str(), withheld.rowspan),
            ("（三）不予公开", 8)
        );
        let first = &table.rows[3][0];
        assert_eq!(
            (first.text.as_str(), first.colspan),
            ("一、本年新收政府信息公开申请数量", 3)
        );
    }

    #[test]
    fn sections_two_and_four_are_rectangular() {
        for format in [Format::F2021, Format::F2019] {
            for table in section_two(&report(format)) {
                assert_rectangular(&table);
            }
        }
        let four = section_four(&report(Format::F2021));
        assert_eq!(four.width(), 15);
        assert_rectangular(&four);
    }
}
