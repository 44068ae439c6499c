//! 行政复议 and 行政诉讼 about an agency's disclosure work, and section 四 of the annual report
//! (spec/foi.md §14): one row of 15 cells, 复议 then 直接起诉 then 复议后起诉, each as 结果维持,
//! 结果纠正, 其他结果, 尚未审结, 总计. Every cell keeps the ids of the records it counts.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The route of a dispute. One that went through reconsideration and then to court is two
/// records: a `Reconsideration` and a `SuitAfterReconsideration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// 行政复议
    Reconsideration,
    /// 未经复议直接起诉
    DirectSuit,
    /// 复议后起诉
    SuitAfterReconsideration,
}

impl Route {
    pub const ALL: [Route; 3] = [
        Route::Reconsideration,
        Route::DirectSuit,
        Route::SuitAfterReconsideration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Route::Reconsideration => "reconsideration",
            Route::DirectSuit => "direct_suit",
            Route::SuitAfterReconsideration => "suit_after_reconsideration",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Route::Reconsideration => "行政复议",
            Route::DirectSuit => "未经复议直接起诉",
            Route::SuitAfterReconsideration => "复议后起诉",
        }
    }

    /// The stored code or the Chinese name (also the short 复议 / 直接起诉).
    pub fn parse(text: &str) -> Option<Route> {
        let text = text.trim();
        Route::ALL
            .into_iter()
            .find(|r| r.as_str() == text || r.zh() == text)
            .or(match text {
                "复议" => Some(Route::Reconsideration),
                "直接起诉" => Some(Route::DirectSuit),
                _ => None,
            })
    }

    /// The position of the route's group of five cells in the row.
    fn group(self) -> usize {
        match self {
            Route::Reconsideration => 0,
            Route::DirectSuit => 1,
            Route::SuitAfterReconsideration => 2,
        }
    }
}

/// The result of a concluded dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 维持
    Upheld,
    /// 纠正
    Corrected,
    /// 其他
    Other,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Upheld, Decision::Corrected, Decision::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Upheld => "upheld",
            Decision::Corrected => "corrected",
            Decision::Other => "other",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Decision::Upheld => "维持",
            Decision::Corrected => "纠正",
            Decision::Other => "其他",
        }
    }

    /// The stored code or the Chinese word (also 结果维持 etc. as the form prints them).
    pub fn parse(text: &str) -> Option<Decision> {
        let text = text.trim();
        let text = text.strip_prefix("结果").unwrap_or(text);
        let text = text.strip_suffix("结果").unwrap_or(text);
        Decision::ALL
            .into_iter()
            .find(|d| d.as_str() == text || d.zh() == text)
    }

    /// The cell of the decision within its group.
    fn cell(self) -> usize {
        match self {
            Decision::Upheld => 0,
            Decision::Corrected => 1,
            Decision::Other => 2,
        }
    }
}

/// The cell of a pending dispute within its group, and of the group's total.
const PENDING_CELL: usize = 3;
const TOTAL_CELL: usize = 4;

/// What section 四 needs to know about one dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisputeFacts {
    pub id: i64,
    pub route: Route,
    pub filed_on: NaiveDate,
    pub concluded: Option<(NaiveDate, Decision)>,
}

/// Which disputes a year counts (parameter `foi.report.litigation_window`, spec §14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Window {
    /// Concluded in the year, by result, plus pending on 12-31 under 尚未审结 (the default).
    ConcludedOrPending,
    /// Filed in the year, by their state on 12-31.
    FiledInYear,
}

impl Window {
    pub fn parse(text: &str) -> Option<Window> {
        match text.trim() {
            "concluded_or_pending" => Some(Window::ConcludedOrPending),
            "filed_in_year" => Some(Window::FiledInYear),
            _ => None,
        }
    }
}

/// The column codes of section 四 (spec §14), in form order.
pub const COLUMN_CODES: [&str; 15] = [
    "F1", "F2", "F3", "F4", "F5", "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9", "L10",
];

/// The cell labels under each group (spec §14 header row 3).
pub const CELL_LABELS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// Section 四 of one year: 15 values and the dispute ids behind each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionFour {
    pub year: i32,
    pub values: [u64; 15],
    pub records: [Vec<i64>; 15],
}

impl SectionFour {
    /// The CSV form: a header of the 15 column paths, then the values.
    pub fn csv(&self) -> String {
        let mut headers = Vec::new();
        for route in Route::ALL {
            let group = match route {
                Route::Reconsideration => "行政复议".to_string(),
                other => format!("行政诉讼/{}", other.zh()),
            };
            headers.extend(CELL_LABELS.iter().map(|cell| format!("{group}/{cell}")));
        }
        let values: Vec<String> = self.values.iter().map(u64::to_string).collect();
        format!("{}\n{}\n", headers.join(","), values.join(","))
    }

    /// E4/E5 of spec §15: each group's 总计 is the sum of its four cells.
    pub fn violations(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for route in Route::ALL {
            let base = route.group() * 5;
            let sum: u64 = self.values[base..base + TOTAL_CELL].iter().sum();
            if sum != self.values[base + TOTAL_CELL] {
                problems.push(format!(
                    "E5 {}：各结果之和{sum}≠总计{}",
                    route.zh(),
                    self.values[base + TOTAL_CELL]
                ));
            }
        }
        problems
    }
}

/// Counts `disputes` for report year `year` under `window`.
pub fn section_four(
    disputes: &[DisputeFacts],
    year: i32,
    window: Window,
) -> Result<SectionFour, String> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or("年份无效")?;
    let mut section = SectionFour {
        year,
        values: [0; 15],
        records: Default::default(),
    };
    for dispute in disputes {
        if let Some((on, _)) = dispute.concluded
            && on < dispute.filed_on
        {
            return Err(format!("复议诉讼记录{}的审结日期早于受理日期", dispute.id));
        }
        let concluded_by_year_end = dispute.concluded.filter(|(on, _)| *on <= end);
        let counted = match window {
            Window::ConcludedOrPending => {
                dispute.filed_on <= end
                    && dispute
                        .concluded
                        .is_none_or(|(on, _)| on.year() == year || on > end)
            }
            Window::FiledInYear => dispute.filed_on.year() == year,
        };
        if !counted {
            continue;
        }
        let cell = concluded_by_year_end.map_or(PENDING_CELL, |(_, decision)| decision.cell());
        let base = dispute.route.group() * 5;
        for at in [base + cell, base + TOTAL_CELL] {
            section.values[at] += 1;
            section.records[at].push(dispute.id);
        }
    }
    Ok(section)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn dispute(
        id: i64,
        route: Route,
        filed: &str,
        concluded: Option<(&str, Decision)>,
    ) -> DisputeFacts {
        DisputeFacts {
            id,
            route,
            filed_on: date(filed),
            concluded: concluded.map(|(on, d)| (date(on), d)),
        }
    }

    #[test]
    fn default_window_counts_concluded_in_year_by_result_and_pending_at_year_end() {
        let disputes = [
            // Concluded in 2020: counted by result.
            dispute(
                1,
                Route::Reconsideration,
                "2020-03-01",
                Some(("2020-05-01", Decision::Upheld)),
            ),
            // Filed 2019, concluded 2020: counted in 2020.
            dispute(
                2,
                Route::Reconsideration,
                "2019-11-01",
                Some(("2020-01-20", Decision::Corrected)),
            ),
            // Pending on 2020-12-31 (concluded 2021): 尚未审结 in 2020.
            dispute(
                3,
                Route::DirectSuit,
                "2020-10-01",
                Some(("2021-02-01", Decision::Other)),
            ),
            // Never concluded: 尚未审结.
            dispute(4, Route::SuitAfterReconsideration, "2020-06-01", None),
            // Concluded in 2019: not in 2020.
            dispute(
                5,
                Route::DirectSuit,
                "2019-01-01",
                Some(("2019-06-01", Decision::Upheld)),
            ),
            // Filed 2021: not in 2020.
            dispute(6, Route::Reconsideration, "2021-01-05", None),
        ];
        let section = section_four(&disputes, 2020, Window::ConcludedOrPending).unwrap();
        assert_eq!(
            section.values,
            [1, 1, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1]
        );
        assert_eq!(section.records[0], vec![1]);
        assert_eq!(section.records[4], vec![1, 2]);
        assert_eq!(section.records[8], vec![3]);
        assert!(section.violations().is_empty());
        // The next year: 3 concluded (其他), 4 and 6 pending.
        let next = section_four(&disputes, 2021, Window::ConcludedOrPending).unwrap();
        assert_eq!(next.values, [0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1]);
    }

    #[test]
    fn filed_in_year_window_counts_by_filing_year_and_state_at_year_end() {
        let disputes = [
            dispute(
                1,
                Route::Reconsideration,
                "2019-11-01",
                Some(("2020-01-20", Decision::Corrected)),
            ),
            dispute(
                2,
                Route::DirectSuit,
                "2020-10-01",
                Some(("2021-02-01", Decision::Other)),
            ),
        ];
        let section = section_four(&disputes, 2020, Window::FiledInYear).unwrap();
        assert_eq!(
            section.values,
            [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn a_conclusion_before_filing_is_refused() {
        let disputes = [dispute(
            7,
            Route::Reconsideration,
            "2020-03-01",
            Some(("2020-02-01", Decision::Upheld)),
        )];
        let error = section_four(&disputes, 2020, Window::ConcludedOrPending).unwrap_err();
        assert!(error.contains("记录7"), "{error}");
    }

    #[test]
    fn routes_and_decisions_read_their_chinese_names() {
        assert_eq!(Route::parse("复议"), Some(Route::Reconsideration));
        assert_eq!(
            Route::parse("复议后起诉"),
            Some(Route::SuitAfterReconsideration)
        );
        assert_eq!(Route::parse("未经复议直接起诉"), Some(Route::DirectSuit));
        assert_eq!(Route::parse("上诉"), None);
        assert_eq!(Decision::parse("结果纠正"), Some(Decision::Corrected));
        assert_eq!(Decision::parse("其他结果"), Some(Decision::Other));
        assert_eq!(Decision::parse("维持"), Some(Decision::Upheld));
        assert_eq!(Decision::parse("撤销"), None);
    }

    proptest::proptest! {
        #[test]
        fn every_group_total_is_the_sum_of_its_cells(
            raw in proptest::collection::vec((0usize..3, 0i64..1500, proptest::option::of((0i64..800, 0usize..3))), 0..60),
            year in 2019i32..2024,
        ) {
            let base = date("2018-01-01");
            let disputes: Vec<DisputeFacts> = raw
                .iter()
                .enumerate()
                .map(|(id, (route, filed, concluded))| DisputeFacts {
                    id: id as i64,
                    route: Route::ALL[*route],
                    filed_on: base + chrono::Days::new(*filed as u64),
                    concluded: concluded.map(|(after, decision)| {
                        (base + chrono::Days::new((*filed + after) as u64), Decision::ALL[decision])
                    }),
                })
                .collect();
            for window in [Window::ConcludedOrPending, Window::FiledInYear] {
                let section = section_four(&disputes, year, window).unwrap();
                proptest::prop_assert!(section.violations().is_empty());
                for (cell, ids) in section.records.iter().enumerate() {
                    proptest::prop_assert_eq!(section.values[cell], ids.len() as u64);
                }
            }
        }
    }
}
