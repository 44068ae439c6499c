//! The whole 政府信息公开工作年度报告 (spec/foi.md Part B): six sections, of which 三 and 四
//! are counted from the cases and disputes, 二 is filled in by hand until fazhi keeps the records
//! it counts (each such figure is marked as entered by hand), and 一, 五, 六 are staff text with
//! the figures fazhi can count put in front, marked as generated.
//!
//! Hand-entered values are stored by key: `二/<heading>/<row>/<column>` for section 二,
//! `六/信息处理费` for fees collected outside fazhi (e.g. before it was used), and `一`, `五`,
//! `六` for the narrative texts.

use super::dispute::SectionFour;
use super::report::{Format, SectionThree};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a section 二 cell's value must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CellKind {
    /// A count: 0, 1, 2…
    Count,
    /// A signed change: +2, -1, 0 (2019 format's 本年增/减).
    Change,
    /// An amount with up to `decimals` decimals (parameter `foi.report.fee_decimals` for 万元).
    Amount,
}

/// One sub-table of section 二 (spec §10, §11): its heading (the clause of Art 20), the column
/// labels after 信息内容, the row labels, and the kind of each column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SubTable {
    pub heading: &'static str,
    pub columns: &'static [(&'static str, CellKind)],
    pub rows: &'static [&'static str],
}

use CellKind::{Amount, Change, Count};

const SECTION_TWO_2021: [SubTable; 4] = [
    SubTable {
        heading: "第二十条第（一）项",
        columns: &[
            ("本年制发件数", Count),
            ("本年废止件数", Count),
            ("现行有效件数", Count),
        ],
        rows: &["规章", "行政规范性文件"],
    },
    SubTable {
        heading: "第二十条第（五）项",
        columns: &[("本年处理决定数量", Count)],
        rows: &["行政许可"],
    },
    SubTable {
        heading: "第二十条第（六）项",
        columns: &[("本年处理决定数量", Count)],
        rows: &["行政处罚", "行政强制"],
    },
    SubTable {
        heading: "第二十条第（八）项",
        columns: &[("本年收费金额（单位：万元）", Amount)],
        rows: &["行政事业性收费"],
    },
];

const SECTION_TWO_2019: [SubTable; 5] = [
    SubTable {
        heading: "第二十条第（一）项",
        columns: &[
            ("本年新制作数量", Count),
            ("本年新公开数量", Count),
            ("对外公开总数量", Count),
        ],
        rows: &["规章", "规范性文件"],
    },
    SubTable {
        heading: "第二十条第（五）项",
        columns: &[
            ("上一年项目数量", Count),
            ("本年增/减", Change),
            ("处理决定数量", Count),
        ],
        rows: &["行政许可", "其他对外管理服务事项"],
    },
    SubTable {
        heading: "第二十条第（六）项",
        columns: &[
            ("上一年项目数量", Count),
            ("本年增/减", Change),
            ("处理决定数量", Count),
        ],
        rows: &["行政处罚", "行政强制"],
    },
    SubTable {
        heading: "第二十条第（八）项",
        columns: &[("上一年项目数量", Count), ("本年增/减", Change)],
        rows: &["行政事业性收费"],
    },
    SubTable {
        heading: "第二十条第（九）项",
        columns: &[("采购项目数量", Count), ("采购总金额", Amount)],
        rows: &["政府集中采购"],
    },
];

/// The sub-tables of section 二 in `format`.
pub fn section_two_tables(format: Format) -> &'static [SubTable] {
    match format {
        Format::F2021 => &SECTION_TWO_2021,
        Format::F2019 => &SECTION_TWO_2019,
    }
}

/// The key a section 二 cell's value is stored under.
pub fn cell_key(table: &SubTable, row: &str, column: &str) -> String {
    format!("二/{}/{row}/{column}", table.heading)
}

/// The key of the fees collected in the year outside fazhi's records (元), added to the recorded
/// ones in section 六 (spec §5.4).
pub const FEES_KEY: &str = "六/信息处理费";

/// The narrative sections and their titles in each format (spec §9).
pub fn section_title(number: u8, format: Format) -> &'static str {
    match (number, format) {
        (1, _) => "一、总体情况",
        (2, _) => "二、主动公开政府信息情况",
        (3, _) => "三、收到和处理政府信息公开申请情况",
        (4, Format::F2021) => "四、政府信息公开行政复议、行政诉讼情况",
        (4, Format::F2019) => "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        (5, _) => "五、存在的主要问题及改进情况",
        _ => "六、其他需要报告的事项",
    }
}

/// Checks a hand-entered value for a cell of `kind`; returns it as it will be printed.
pub fn check_value(kind: CellKind, text: &str, decimals: u32) -> Result<String, String> {
    let text = text.trim();
    let digits = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit());
    let ok = match kind {
        Count => digits(text),
        Change => {
            text == "0"
                || text
                    .strip_prefix('+')
                    .or_else(|| text.strip_prefix('-'))
                    .is_some_and(|rest| digits(rest) && rest != "0")
        }
        Amount => match text.split_once('.') {
            None => digits(text),
            Some((whole, fraction)) => {
                digits(whole)
                    && digits(fraction)
                    && u32::try_from(fraction.len()).is_ok_and(|n| n <= decimals)
            }
        },
    };
    if ok {
        return Ok(text.to_string());
    }
    Err(match kind {
        Count => format!("“{text}”应为不小于0的整数"),
        Change => format!("“{text}”应为带符号的整数，如 +2、-1 或 0"),
        Amount => format!("“{text}”应为不小于0的数，最多{decimals}位小数"),
    })
}

/// A section 二 cell as printed: the value entered by hand, or nothing yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandCell {
    pub key: String,
    pub kind: CellKind,
    pub value: Option<String>,
}

/// A row of a section 二 sub-table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandRow {
    pub label: String,
    pub cells: Vec<HandCell>,
}

/// A sub-table of section 二 with its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilledTable {
    pub heading: String,
    pub columns: Vec<String>,
    pub rows: Vec<HandRow>,
}

/// A narrative section: the sentences fazhi generates from its records, then the staff's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Narrative {
    pub title: String,
    pub key: String,
    pub generated: Vec<String>,
    pub text: String,
}

/// The whole report of an agency (or a government with its departments) for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualReport {
    pub title: String,
    pub agency_code: String,
    pub agency_name: String,
    /// Codes of the agencies whose requests are counted.
    pub covers: Vec<String>,
    pub year: i32,
    pub format: Format,
    pub section_one: Narrative,
    pub section_two: Vec<FilledTable>,
    pub section_two_title: String,
    pub section_three: SectionThree,
    pub section_three_title: String,
    pub section_four: SectionFour,
    pub section_four_title: String,
    pub section_five: Narrative,
    pub section_six: Narrative,
    /// The 信息处理费 collected in the year (元), entered by hand.
    pub fees_yuan: Option<String>,
    /// Failed E equations: the report cannot be published.
    pub errors: Vec<String>,
    /// Failed W checks and missing hand-entered figures.
    pub warnings: Vec<String>,
}

/// What the report is built from besides the two counted tables.
pub struct Inputs<'a> {
    pub agency_code: &'a str,
    pub agency_name: &'a str,
    pub covers: Vec<String>,
    pub year: i32,
    /// Hand-entered values by key (section 二 cells, fees, narrative texts).
    pub entries: &'a BTreeMap<String, String>,
    /// The 信息处理费 recorded in fazhi as paid in the year (元).
    pub fees_recorded_yuan: u64,
    /// R4 of the previous year's report as published in fazhi (the seven columns in form
    /// order), if it was.
    pub previous_carried: Option<[u64; 7]>,
}

fn value_of(section: &SectionThree, code: &str) -> u64 {
    section
        .rows
        .iter()
        .find(|r| r.code == code)
        .map_or(0, |r| r.values[6])
}

/// An amount in 元 as fen (the hand-entered value is checked to two decimals at most).
fn fen_of(yuan: &str) -> Option<u64> {
    let (whole, fraction) = yuan.split_once('.').unwrap_or((yuan, ""));
    let fraction = format!("{fraction:0<2}");
    Some(whole.parse::<u64>().ok()? * 100 + fraction.get(..2)?.parse::<u64>().ok()?)
}

fn yuan_text(fen: u64) -> String {
    if fen.is_multiple_of(100) {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

/// Section 六's statement of the fees collected (spec §5.4): fazhi's records, plus what was
/// entered by hand for fees collected outside them.
fn fees_sentence(recorded_yuan: u64, hand: Option<&str>) -> String {
    let hand_fen = hand.and_then(fen_of).unwrap_or(0);
    let total = recorded_yuan * 100 + hand_fen;
    if hand_fen == 0 {
        format!("本年度收取信息处理费{}元。", yuan_text(total))
    } else {
        format!(
            "本年度收取信息处理费{}元（其中{}元为本系统以外收取、手工填报）。",
            yuan_text(total),
            yuan_text(hand_fen)
        )
    }
}

/// Assembles the report from the counted tables and the hand-entered values.
pub fn assemble(inputs: Inputs<'_>, three: SectionThree, four: SectionFour) -> AnnualReport {
    let format = three.format;
    let entries = inputs.entries;
    let mut warnings = Vec::new();
    let section_two: Vec<FilledTable> = section_two_tables(format)
        .iter()
        .map(|table| FilledTable {
            heading: table.heading.to_string(),
            columns: table
                .columns
                .iter()
                .map(|(label, _)| label.to_string())
                .collect(),
            rows: table
                .rows
                .iter()
                .map(|row| HandRow {
                    label: row.to_string(),
                    cells: table
                        .columns
                        .iter()
                        .map(|(column, kind)| {
                            let key = cell_key(table, row, column);
                            HandCell {
                                value: entries.get(&key).cloned(),
                                key,
                                kind: *kind,
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let missing = section_two
        .iter()
        .flat_map(|t| t.rows.iter())
        .flat_map(|r| r.cells.iter())
        .filter(|c| c.value.is_none())
        .count();
    if missing > 0 {
        warnings.push(format!("第二部分尚有{missing}项数据未填报"));
    }
    let fees = entries.get(FEES_KEY).cloned();
    if let Some(previous) = inputs.previous_carried {
        let carried = three
            .rows
            .iter()
            .find(|r| r.code == "R2")
            .map(|r| r.values)
            .unwrap_or_default();
        if carried != previous {
            warnings.push(format!(
                "W1 本年“上年结转”{:?}与上年已发布报告的“结转下年度继续办理”{:?}不一致",
                carried, previous
            ));
        }
    }
    let lawsuits = four.values[9] + four.values[14];
    let section_one = Narrative {
        title: section_title(1, format).to_string(),
        key: "一".into(),
        generated: vec![format!(
            "{}年，本机关新收政府信息公开申请{}件，上年结转{}件，办结{}件，结转下年度继续办理{}件；因政府信息公开工作被申请行政复议{}件，被提起行政诉讼{}件。",
            inputs.year,
            value_of(&three, "R1"),
            value_of(&three, "R2"),
            value_of(&three, "R3_7"),
            value_of(&three, "R4"),
            four.values[4],
            lawsuits,
        )],
        text: entries.get("一").cloned().unwrap_or_default(),
    };
    let section_six = Narrative {
        title: section_title(6, format).to_string(),
        key: "六".into(),
        generated: vec![fees_sentence(inputs.fees_recorded_yuan, fees.as_deref())],
        text: entries.get("六").cloned().unwrap_or_default(),
    };
    let errors: Vec<String> = three
        .violations()
        .into_iter()
        .chain(four.violations())
        .collect();
    AnnualReport {
        title: format!(
            "{}{}年政府信息公开工作年度报告",
            inputs.agency_name, inputs.year
        ),
        agency_code: inputs.agency_code.to_string(),
        agency_name: inputs.agency_name.to_string(),
        covers: inputs.covers,
        year: inputs.year,
        format,
        section_one,
        section_two,
        section_two_title: section_title(2, format).to_string(),
        section_three: three,
        section_three_title: section_title(3, format).to_string(),
        section_four: four,
        section_four_title: section_title(4, format).to_string(),
        section_five: Narrative {
            title: section_title(5, format).to_string(),
            key: "五".into(),
            generated: Vec::new(),
            text: entries.get("五").cloned().unwrap_or_default(),
        },
        section_six,
        fees_yuan: fees,
        errors,
        warnings,
    }
}

impl AnnualReport {
    /// Why the report cannot be published yet (empty when it can): failed equations, and
    /// figures not filled in (a statutory table may not print a blank).
    pub fn publication_blockers(&self) -> Vec<String> {
        let mut blockers = self.errors.clone();
        blockers.extend(
            self.warnings
                .iter()
                .filter(|w| w.contains("未填报"))
                .cloned(),
        );
        blockers
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::foi::dispute::{Window, section_four};
    use crate::foi::report::section_three;

    #[test]
    fn values_are_checked_by_the_kind_of_their_column() {
        assert_eq!(check_value(Count, " 12 ", 4), Ok("12".into()));
        assert!(check_value(Count, "-1", 4).is_err());
        assert!(check_value(Count, "1.5", 4).is_err());
        assert_eq!(check_value(Change, "+2", 4), Ok("+2".into()));
        assert_eq!(check_value(Change, "-1", 4), Ok("-1".into()));
        assert_eq!(check_value(Change, "0", 4), Ok("0".into()));
        assert!(check_value(Change, "2", 4).unwrap_err().contains("+2"));
        assert!(check_value(Change, "+0", 4).is_err());
        assert_eq!(check_value(Amount, "12.3456", 4), Ok("12.3456".into()));
        assert!(
            check_value(Amount, "12.34567", 4)
                .unwrap_err()
                .contains("最多4位小数")
        );
        assert!(check_value(Amount, "12.", 4).is_err());
    }

    #[test]
    fn both_formats_have_the_spec_sub_tables() {
        let cells = |format| -> usize {
            section_two_tables(format)
                .iter()
                .map(|t| t.rows.len() * t.columns.len())
                .sum()
        };
        assert_eq!(cells(Format::F2021), 6 + 1 + 2 + 1);
        assert_eq!(cells(Format::F2019), 6 + 6 + 6 + 2 + 2);
        assert_eq!(
            section_two_tables(Format::F2019)[4].heading,
            "第二十条第（九）项"
        );
        assert_eq!(
            section_title(4, Format::F2019),
            "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"
        );
    }

    #[test]
    fn the_report_marks_missing_figures_and_a_broken_carry_over() {
        let three = section_three(&[], 2021, Format::F2021).unwrap();
        let four = section_four(&[], 2021, Window::ConcludedOrPending).unwrap();
        let mut entries = BTreeMap::new();
        entries.insert("一".to_string(), "全年工作平稳。".to_string());
        let report = assemble(
            Inputs {
                agency_code: "G1",
                agency_name: "梅州市人民政府办公室",
                covers: vec!["G1".into()],
                year: 2021,
                entries: &entries,
                fees_recorded_yuan: 300,
                previous_carried: Some([1, 0, 0, 0, 0, 0, 1]),
            },
            three,
            four,
        );
        assert_eq!(
            report.title,
            "梅州市人民政府办公室2021年政府信息公开工作年度报告"
        );
        assert!(report.errors.is_empty());
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w == "第二部分尚有10项数据未填报")
        );
        assert!(report.warnings.iter().any(|w| w.starts_with("W1 ")));
        assert_eq!(report.publication_blockers().len(), 1);
        assert_eq!(
            report.section_six.generated,
            ["本年度收取信息处理费300元。"]
        );
        assert_eq!(
            fees_sentence(300, Some("12.5")),
            "本年度收取信息处理费312.50元（其中12.50元为本系统以外收取、手工填报）。"
        );
        assert_eq!(report.section_one.text, "全年工作平稳。");
        assert!(report.section_one.generated[0].contains("新收政府信息公开申请0件"));
    }
}
