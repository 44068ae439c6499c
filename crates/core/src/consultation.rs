//! 意见征集 (spec/openness.md §5): the comment window a draft needs by its kind, the articles a
//! comment may address, near-duplicate comments grouped, and the feedback report drawn from
//! the dispositions.

use crate::calendar::{Calendar, CalendarError};
use crate::openness::similarity;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The kind of draft, which sets the minimum comment period (spec §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftKind {
    /// 重大行政决策
    Decision,
    /// 行政规范性文件
    Normative,
    /// 涉及市场主体经营活动的文件
    Business,
    /// 规章
    Rule,
    Other,
}

impl DraftKind {
    pub const ALL: [DraftKind; 5] = [
        DraftKind::Decision,
        DraftKind::Normative,
        DraftKind::Business,
        DraftKind::Rule,
        DraftKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DraftKind::Decision => "decision",
            DraftKind::Normative => "normative",
            DraftKind::Business => "business",
            DraftKind::Rule => "rule",
            DraftKind::Other => "other",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            DraftKind::Decision => "重大行政决策",
            DraftKind::Normative => "行政规范性文件",
            DraftKind::Business => "涉及市场主体经营的文件",
            DraftKind::Rule => "规章",
            DraftKind::Other => "其他",
        }
    }

    pub fn parse(text: &str) -> Option<DraftKind> {
        DraftKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text.trim() || kind.zh() == text.trim())
    }

    /// The parameter holding this kind's minimum period.
    pub fn period_key(self) -> String {
        format!("openness.consultation.min_period.{}", self.as_str())
    }
}

/// A minimum comment period: calendar days (C5) or working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Days(u32),
    WorkingDays(u32),
}

impl Period {
    /// From a parameter's value and unit (`d` or `wd`).
    pub fn from_parameter(value: &str, unit: &str) -> Result<Period, String> {
        let length: u32 = value
            .trim()
            .parse()
            .map_err(|_| format!("征求意见期限“{value}”不是整数"))?;
        match unit.trim() {
            "d" => Ok(Period::Days(length)),
            "wd" => Ok(Period::WorkingDays(length)),
            other => Err(format!("征求意见期限的单位“{other}”无效（应为 d 或 wd）")),
        }
    }

    pub fn zh(self) -> String {
        match self {
            Period::Days(n) => format!("{n}日"),
            Period::WorkingDays(n) => format!("{n}个工作日"),
        }
    }

    /// The earliest day a window opened on `opens_on` may close: the last day of the period
    /// counted from the day after opening (C5 for days, with the roll to a working day when
    /// `rolls`; the N-th working day for working days, C1).
    pub fn earliest_close(
        self,
        calendar: &Calendar,
        opens_on: NaiveDate,
        rolls: bool,
    ) -> Result<NaiveDate, CalendarError> {
        match self {
            Period::WorkingDays(n) => Ok(calendar.due_date(opens_on, n)?.date),
            Period::Days(0) => Ok(opens_on),
            Period::Days(n) => {
                let mut last = opens_on
                    .checked_add_days(Days::new(u64::from(n)))
                    .unwrap_or(NaiveDate::MAX);
                // A day in a year whose holidays are not loaded yet is judged provisionally
                // by the weekday, as working-day periods are (calendar §7): a window that
                // must be at least this long can only be checked against what is known.
                if rolls {
                    while !calendar.day(last).working {
                        last = last.succ_opt().unwrap_or(NaiveDate::MAX);
                    }
                }
                Ok(last)
            }
        }
    }
}

/// The general comment, not on one article.
pub const WHOLE_DRAFT: &str = "总体意见";

/// The parts of a draft a comment may address: the whole draft, then every article heading
/// (a line that starts with 第…条), in order, each once.
pub fn sections(draft: &str) -> Vec<String> {
    let mut found = vec![WHOLE_DRAFT.to_string()];
    for line in draft.lines().map(str::trim) {
        if let Some(heading) = article_heading(line)
            && !found.contains(&heading)
        {
            found.push(heading);
        }
    }
    found
}

/// `第十二条` from a line that starts with it; numbers in Chinese or Arabic digits.
fn article_heading(line: &str) -> Option<String> {
    let rest = line.strip_prefix('第')?;
    let number: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || "零一二三四五六七八九十百千".contains(*c))
        .collect();
    if number.is_empty() || number.chars().count() > 8 {
        return None;
    }
    rest[number.len()..]
        .starts_with('条')
        .then(|| format!("第{number}条"))
}

/// Near-duplicate grouping (campaign comments): each comment joins the first earlier group
/// whose first comment is at least `threshold` similar on the same section, else starts its
/// own. Returns, per comment in order, the index of its group's first comment.
pub fn clusters(comments: &[(&str, &str)], threshold: f64) -> Vec<usize> {
    let mut leaders: Vec<(usize, &str, &str)> = Vec::new();
    let mut result = Vec::with_capacity(comments.len());
    for (index, (section, text)) in comments.iter().enumerate() {
        match group_for(&leaders, section, text, threshold) {
            Some(leader) => result.push(leader),
            None => {
                leaders.push((index, section, text));
                result.push(index);
            }
        }
    }
    result
}

/// The group a new comment joins: the first leader (id, section, text) on the same section
/// whose text is at least `threshold` similar; `None` when it starts a group of its own.
pub fn group_for<Id: Copy>(
    leaders: &[(Id, &str, &str)],
    section: &str,
    text: &str,
    threshold: f64,
) -> Option<Id> {
    leaders
        .iter()
        .find(|(_, leader_section, leader_text)| {
            *leader_section == section && similarity(leader_text, text) >= threshold
        })
        .map(|(id, _, _)| *id)
}

/// What was done with a comment (spec §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    Adopted,
    Partly,
    NotAdopted,
}

impl Disposition {
    pub const ALL: [Disposition; 3] = [
        Disposition::Adopted,
        Disposition::Partly,
        Disposition::NotAdopted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Adopted => "adopted",
            Disposition::Partly => "partly",
            Disposition::NotAdopted => "not_adopted",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Disposition::Adopted => "采纳",
            Disposition::Partly => "部分采纳",
            Disposition::NotAdopted => "未采纳",
        }
    }

    pub fn parse(text: &str) -> Option<Disposition> {
        Disposition::ALL
            .into_iter()
            .find(|d| d.as_str() == text.trim() || d.zh() == text.trim())
    }

    /// A reason is required unless the comment was adopted in full.
    pub fn needs_reason(self) -> bool {
        self != Disposition::Adopted
    }
}

/// One group of comments as the feedback report lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackItem {
    pub section: String,
    /// The group's first comment as the public may read it.
    pub public_text: String,
    /// Comments in the group (1 for a comment without duplicates).
    pub count: usize,
    pub disposition: Disposition,
    pub reason: String,
}

/// 意见采纳情况反馈: the figures and the items, by section in draft order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackReport {
    pub comments: usize,
    pub groups: usize,
    pub adopted: usize,
    pub partly: usize,
    pub not_adopted: usize,
    pub items: Vec<FeedbackItem>,
}

impl FeedbackReport {
    /// Builds the report from the groups; items ordered by the draft's sections.
    pub fn new(sections: &[String], mut items: Vec<FeedbackItem>) -> FeedbackReport {
        let position = |section: &str| {
            sections
                .iter()
                .position(|s| s == section)
                .unwrap_or(usize::MAX)
        };
        items.sort_by_key(|item| position(&item.section));
        let count_of = |disposition: Disposition| {
            items
                .iter()
                .filter(|i| i.disposition == disposition)
                .map(|i| i.count)
                .sum()
        };
        FeedbackReport {
            comments: items.iter().map(|i| i.count).sum(),
            groups: items.len(),
            adopted: count_of(Disposition::Adopted),
            partly: count_of(Disposition::Partly),
            not_adopted: count_of(Disposition::NotAdopted),
            items,
        }
    }

    /// The opening paragraph: how many comments, how many adopted.
    pub fn summary(&self) -> String {
        if self.comments == 0 {
            return "征求意见期间未收到意见。".into();
        }
        format!(
            "征求意见期间共收到意见{}条（内容相同或相近的合并为{}组），其中采纳{}条、部分采纳{}条、未采纳{}条。",
            self.comments, self.groups, self.adopted, self.partly, self.not_adopted
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_minimum_window_follows_the_kind_of_draft() {
        let calendar = Calendar::builtin().unwrap();
        // Opened Thu 2024-09-12: 30 days ends Sat 2024-10-12, a working day (National Day
        // make-up), so no roll.
        assert_eq!(
            Period::Days(30)
                .earliest_close(&calendar, date("2024-09-12"), true)
                .unwrap(),
            date("2024-10-12")
        );
        // Opened 2024-09-01: 30 days ends Tue 2024-10-01 (National Day) and rolls to Tue 10-08.
        assert_eq!(
            Period::Days(30)
                .earliest_close(&calendar, date("2024-09-01"), true)
                .unwrap(),
            date("2024-10-08")
        );
        assert_eq!(
            Period::Days(30)
                .earliest_close(&calendar, date("2024-09-01"), false)
                .unwrap(),
            date("2024-10-01")
        );
        // 7 working days from Mon 2024-09-30: 10-08 … 10-12 (a make-up Saturday), 10-14, 10-15.
        assert_eq!(
            Period::WorkingDays(7)
                .earliest_close(&calendar, date("2024-09-30"), true)
                .unwrap(),
            date("2024-10-15")
        );
        assert_eq!(
            Period::from_parameter("7", "wd"),
            Ok(Period::WorkingDays(7))
        );
        assert!(Period::from_parameter("7", "m").is_err());
        assert!(Period::from_parameter("七", "d").is_err());
    }

    #[test]
    fn articles_are_read_from_the_draft() {
        let draft = "梅州市某某管理办法（征求意见稿）\n第一条 为了规范……\n第二条 本办法适用于……\n  第十二条 本办法自……施行。\n第二条 重复\n第三章 附则\n第3条 数字条号";
        assert_eq!(
            sections(draft),
            vec!["总体意见", "第一条", "第二条", "第十二条", "第3条"]
        );
    }

    #[test]
    fn campaign_comments_group_and_others_stand_alone() {
        let campaign = "强烈建议保留老城区的骑楼街区，不要拆除，这是梅州的历史记忆。";
        let comments = [
            ("第三条", campaign),
            ("第三条", "建议延长公示期限。"),
            (
                "第三条",
                "强烈建议保留老城区的骑楼街区，不要拆除，这是梅州的历史记忆！！",
            ),
            ("第四条", campaign),
            ("第三条", campaign),
        ];
        assert_eq!(clusters(&comments, 0.9), vec![0, 1, 0, 3, 0]);
    }

    #[test]
    fn the_feedback_report_counts_every_comment() {
        let sections = sections("第一条 甲\n第二条 乙");
        let item = |section: &str, count, disposition| FeedbackItem {
            section: section.into(),
            public_text: "意见".into(),
            count,
            disposition,
            reason: String::new(),
        };
        let report = FeedbackReport::new(
            &sections,
            vec![
                item("第二条", 40, Disposition::NotAdopted),
                item("第一条", 1, Disposition::Adopted),
                item(WHOLE_DRAFT, 2, Disposition::Partly),
            ],
        );
        assert_eq!(
            report
                .items
                .iter()
                .map(|i| i.section.as_str())
                .collect::<Vec<_>>(),
            vec![WHOLE_DRAFT, "第一条", "第二条"]
        );
        assert_eq!(
            (
                report.comments,
                report.groups,
                report.adopted,
                report.partly,
                report.not_adopted
            ),
            (43, 3, 1, 2, 40)
        );
        assert!(
            report
                .summary()
                .contains("共收到意见43条（内容相同或相近的合并为3组）")
        );
        assert_eq!(
            FeedbackReport::new(&sections, vec![]).summary(),
            "征求意见期间未收到意见。"
        );
    }
}
