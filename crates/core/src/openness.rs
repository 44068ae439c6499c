//! 政务公开 (spec/openness.md): the identifiers of published documents. A 文号 is read in the
//! variants real pages print and kept both as written and in the canonical form of GB/T
//! 9704-2012 (§2.3); a 索引号 follows a per-site pattern (§2.4).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The bundled 主题分类 (parameter `openness.subject_categories`).
pub const SUBJECTS: &str = include_str!("../../../data/openness/subjects.txt");
/// The bundled 体裁 (the 15 kinds of 公文 and 其他).
pub const GENRES: &str = include_str!("../../../data/openness/genres.txt");

/// The validity values of a document (parameter `openness.validity_values`, spec §2.1).
pub const VALIDITY_VALUES: &str = include_str!("../../../data/openness/validity-values.txt");

/// The forms of an interpretation (spec §3.2).
pub const INTERPRETATION_FORMS: &str =
    include_str!("../../../data/openness/interpretation-forms.txt");

/// The entries of a vocabulary file: one per line, `#` lines are comments.
pub fn vocabulary(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
}

/// 公开属性 (spec §1.3), set when a document is drafted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Disclosure {
    /// 主动公开: published, with the 20-working-day clock from the formed date.
    Proactive,
    /// 依申请公开
    OnRequest,
    /// 不予公开, with a ground.
    Withheld,
}

impl Disclosure {
    pub const ALL: [Disclosure; 3] = [
        Disclosure::Proactive,
        Disclosure::OnRequest,
        Disclosure::Withheld,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            Disclosure::Proactive => "主动公开",
            Disclosure::OnRequest => "依申请公开",
            Disclosure::Withheld => "不予公开",
        }
    }

    pub fn parse(text: &str) -> Option<Disclosure> {
        Disclosure::ALL.into_iter().find(|d| d.zh() == text.trim())
    }
}

/// What the 文号 parser changed to reach the canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Normalisation {
    /// Spaces removed.
    Spaces,
    /// Full-width digits made ASCII.
    FullWidthDigits,
    /// Other brackets (【】, [], (), （）, ［］, 〖〗) made 〔〕.
    Brackets,
    /// A missing closing bracket added.
    ClosingBracket,
    /// 第 before the serial removed (only decrees are numbered 令第N号).
    Di,
    /// Leading zeros of the serial removed.
    LeadingZeros,
    /// 号 added at the end.
    Hao,
}

impl Normalisation {
    pub fn zh(self) -> &'static str {
        match self {
            Normalisation::Spaces => "去除空格",
            Normalisation::FullWidthDigits => "全角数字改为半角",
            Normalisation::Brackets => "年份括号改为六角括号〔〕",
            Normalisation::ClosingBracket => "补全年份的右括号",
            Normalisation::Di => "去除序号前的“第”",
            Normalisation::LeadingZeros => "去除序号的前导零",
            Normalisation::Hao => "补全“号”",
        }
    }
}

/// A parsed 文号: as written, canonical, and its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocNumber {
    pub original: String,
    pub canonical: String,
    /// 发文机关代字, e.g. 梅市府办函; for a decree including 令, e.g. 粤府令.
    pub issuer: String,
    /// None for a decree (令第N号), which is numbered without a year.
    pub year: Option<i32>,
    pub serial: u32,
    pub normalisations: Vec<Normalisation>,
}

const OPENING: [(char, char); 7] = [
    ('〔', '〕'),
    ('【', '】'),
    ('[', ']'),
    ('(', ')'),
    ('（', '）'),
    ('［', '］'),
    ('〖', '〗'),
];

/// Years a 文号 may carry.
const YEARS: std::ops::RangeInclusive<i32> = 1949..=2100;

/// Reads a 文号 in the variants published pages use (spec §2.3).
pub fn parse_doc_number(text: &str) -> Result<DocNumber, String> {
    let original = text.to_string();
    let mut normalisations = Vec::new();
    let mut cleaned = String::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            c if c.is_whitespace() => {
                if !normalisations.contains(&Normalisation::Spaces) {
                    normalisations.push(Normalisation::Spaces);
                }
            }
            '０'..='９' => {
                if !normalisations.contains(&Normalisation::FullWidthDigits) {
                    normalisations.push(Normalisation::FullWidthDigits);
                }
                let digit = u32::from(c) - u32::from('０');
                cleaned.push(char::from_digit(digit, 10).unwrap_or('0'));
            }
            c => cleaned.push(c),
        }
    }
    if text.trim() != text && !normalisations.contains(&Normalisation::Spaces) {
        normalisations.push(Normalisation::Spaces);
    }
    if cleaned.is_empty() {
        return Err("文号为空".into());
    }
    if let Some(decree) = parse_decree(&cleaned, &original, &normalisations) {
        return decree;
    }
    let (open_at, (open, close)) = cleaned
        .char_indices()
        .find_map(|(at, c)| {
            OPENING
                .iter()
                .find(|(o, _)| *o == c)
                .map(|pair| (at, *pair))
        })
        .ok_or_else(|| format!("文号“{original}”中找不到〔年份〕"))?;
    let issuer = cleaned[..open_at].to_string();
    if issuer.is_empty() {
        return Err(format!("文号“{original}”缺少发文机关代字"));
    }
    if open != '〔' {
        normalisations.push(Normalisation::Brackets);
    }
    let rest = &cleaned[open_at + open.len_utf8()..];
    // Exactly four digits: with the closing bracket missing the serial follows at once.
    let year_text: String = rest.chars().take(4).collect();
    let year: i32 = Some(&year_text)
        .filter(|t| t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()))
        .and_then(|t| t.parse().ok())
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| format!("文号“{original}”的年份应为四位数字"))?;
    let mut rest = &rest[year_text.len()..];
    match rest.strip_prefix(close) {
        Some(after) => rest = after,
        None if OPENING.iter().any(|(_, c)| rest.starts_with(*c)) => {
            return Err(format!("文号“{original}”的年份括号不成对"));
        }
        None => normalisations.push(Normalisation::ClosingBracket),
    }
    if let Some(after) = rest.strip_prefix('第') {
        normalisations.push(Normalisation::Di);
        rest = after;
    }
    let (serial, rest) = serial_of(rest, &original, &mut normalisations)?;
    finish(rest, &original, &mut normalisations)?;
    Ok(DocNumber {
        canonical: format!("{issuer}〔{year}〕{serial}号"),
        original,
        issuer,
        year: Some(year),
        serial,
        normalisations,
    })
}

/// A decree: `<issuer>令第N号` (no year).
fn parse_decree(
    cleaned: &str,
    original: &str,
    normalisations: &[Normalisation],
) -> Option<Result<DocNumber, String>> {
    let at = cleaned.find("令第")?;
    let issuer = cleaned[..at + '令'.len_utf8()].to_string();
    if OPENING.iter().any(|(o, _)| cleaned.contains(*o)) {
        return None;
    }
    let mut normalisations = normalisations.to_vec();
    let rest = &cleaned[at + "令第".len()..];
    Some((|| {
        let (serial, rest) = serial_of(rest, original, &mut normalisations)?;
        finish(rest, original, &mut normalisations)?;
        Ok(DocNumber {
            canonical: format!("{issuer}第{serial}号"),
            original: original.to_string(),
            issuer,
            year: None,
            serial,
            normalisations,
        })
    })())
}

fn serial_of<'a>(
    rest: &'a str,
    original: &str,
    normalisations: &mut Vec<Normalisation>,
) -> Result<(u32, &'a str), String> {
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let serial: u32 = digits
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("文号“{original}”缺少序号"))?;
    if digits.starts_with('0') {
        normalisations.push(Normalisation::LeadingZeros);
    }
    Ok((serial, &rest[digits.len()..]))
}

fn finish(
    rest: &str,
    original: &str,
    normalisations: &mut Vec<Normalisation>,
) -> Result<(), String> {
    match rest {
        "号" => Ok(()),
        "" => {
            normalisations.push(Normalisation::Hao);
            Ok(())
        }
        _ => Err(format!("文号“{original}”在序号后有多余的内容")),
    }
}

/// A per-site 索引号 pattern (spec §2.4, parameter `openness.index_no.pattern.<site>`):
/// literal text with `{code}`, `{year}` and `{serial:N}` (the serial zero-padded to N digits),
/// e.g. `{code}/{year}-{serial:5}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPattern {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Code,
    Year,
    Serial(usize),
}

/// The parts of a 索引号.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexNumber {
    pub code: String,
    pub year: i32,
    pub serial: u32,
}

impl IndexPattern {
    pub fn parse(text: &str) -> Result<IndexPattern, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_string()));
            }
            let end = rest[start..]
                .find('}')
                .map(|e| start + e)
                .ok_or_else(|| format!("索引号格式“{text}”的“{{”没有配对的“}}”"))?;
            let name = &rest[start + 1..end];
            parts.push(match name {
                "code" => Part::Code,
                "year" => Part::Year,
                _ => match name.strip_prefix("serial:").map(str::parse::<usize>) {
                    Some(Ok(width)) if (1..=10).contains(&width) => Part::Serial(width),
                    _ => {
                        return Err(format!(
                            "索引号格式“{text}”中的“{{{name}}}”无效，可用 {{code}}、{{year}}、{{serial:N}}"
                        ));
                    }
                },
            });
            rest = &rest[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        for needed in [Part::Code, Part::Year] {
            if !parts.contains(&needed) {
                return Err(format!("索引号格式“{text}”须包含{{code}}和{{year}}"));
            }
        }
        if !parts.iter().any(|p| matches!(p, Part::Serial(_))) {
            return Err(format!("索引号格式“{text}”须包含{{serial:N}}"));
        }
        // A code directly followed by another field could not be read back.
        for pair in parts.windows(2) {
            if pair[0] == Part::Code && !matches!(pair[1], Part::Text(_)) {
                return Err(format!("索引号格式“{text}”中{{code}}后须有分隔符"));
            }
        }
        Ok(IndexPattern { parts })
    }

    /// The number for `code`, `year` and `serial`; refused when the serial does not fit.
    pub fn format(&self, number: &IndexNumber) -> Result<String, String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Code => out.push_str(&number.code),
                Part::Year => out.push_str(&number.year.to_string()),
                Part::Serial(width) => {
                    let serial = format!("{:0width$}", number.serial);
                    if serial.len() > *width {
                        return Err(format!("序号{}超过{width}位", number.serial));
                    }
                    out.push_str(&serial);
                }
            }
        }
        Ok(out)
    }

    /// Reads a number written in this pattern.
    pub fn read(&self, text: &str) -> Result<IndexNumber, String> {
        let bad = || format!("索引号“{text}”不符合格式");
        let mut rest = text.trim();
        let mut number = IndexNumber {
            code: String::new(),
            year: 0,
            serial: 0,
        };
        for (index, part) in self.parts.iter().enumerate() {
            match part {
                Part::Text(literal) => {
                    rest = rest.strip_prefix(literal.as_str()).ok_or_else(bad)?
                }
                Part::Year => {
                    let digits: String = rest.chars().take(4).collect();
                    number.year = digits
                        .parse()
                        .ok()
                        .filter(|y| YEARS.contains(y) && digits.len() == 4)
                        .ok_or_else(bad)?;
                    rest = &rest[4..];
                }
                Part::Serial(_) => {
                    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    number.serial = digits.parse().map_err(|_| bad())?;
                    rest = &rest[digits.len()..];
                }
                Part::Code => {
                    let end = match self.parts.get(index + 1) {
                        Some(Part::Text(literal)) => rest.find(literal.as_str()).ok_or_else(bad)?,
                        _ => rest.len(),
                    };
                    number.code = rest[..end].to_string();
                    if number.code.is_empty() {
                        return Err(bad());
                    }
                    rest = &rest[end..];
                }
            }
        }
        if rest.is_empty() {
            Ok(number)
        } else {
            Err(bad())
        }
    }
}

/// How alike two texts are, from 0 (nothing shared) to 1 (the same): the cosine of their
/// character-bigram counts, over letters and digits only (punctuation and spaces do not count).
/// Used to flag homogenised interpretations (spec §3.3) for a person to review.
pub fn similarity(a: &str, b: &str) -> f64 {
    TextProfile::new(a).similarity(&TextProfile::new(b))
}

/// A text's character-bigram counts, computed once when a text is compared with many others.
#[derive(Debug, Clone)]
pub struct TextProfile {
    counts: std::collections::HashMap<(char, char), f64>,
    norm: f64,
}

impl TextProfile {
    pub fn new(text: &str) -> TextProfile {
        let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
        let mut counts = std::collections::HashMap::new();
        for pair in chars.windows(2) {
            *counts.entry((pair[0], pair[1])).or_insert(0.0) += 1.0;
        }
        let norm = counts.values().map(|n| n * n).sum::<f64>().sqrt();
        TextProfile { counts, norm }
    }

    /// [`similarity`] of the two texts.
    pub fn similarity(&self, other: &TextProfile) -> f64 {
        if self.norm == 0.0 || other.norm == 0.0 {
            return 0.0;
        }
        let (small, large) = if self.counts.len() <= other.counts.len() {
            (self, other)
        } else {
            (other, self)
        };
        let dot: f64 = small
            .counts
            .iter()
            .filter_map(|(pair, n)| large.counts.get(pair).map(|m| n * m))
            .sum();
        (dot / (self.norm * other.norm)).clamp(0.0, 1.0)
    }
}

/// A document that needs an interpretation (规章, 行政规范性文件, or flagged 政策性文件).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    pub id: i64,
    pub published_on: NaiveDate,
    pub text: String,
}

/// An interpretation and the documents it explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpretation {
    pub id: i64,
    pub document_ids: Vec<i64>,
    pub published_on: NaiveDate,
    pub text: String,
}

/// A defect of spec §3.3 found in the records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Finding {
    /// A document without an interpretation, past the allowed lag.
    Missing { document: i64 },
    /// An interpretation published after its document plus the lag.
    Late { interpretation: i64, document: i64 },
    /// An interpretation linked to no document.
    Unlinked { interpretation: i64 },
    /// An interpretation that mostly restates its document (`other_document`) or another
    /// interpretation, for a person to review.
    Homogenised {
        interpretation: i64,
        other_document: Option<i64>,
        other_interpretation: Option<i64>,
        score: f64,
    },
}

/// What the interpretation checker needs besides the records.
pub struct CheckRules<'a> {
    pub calendar: &'a crate::calendar::Calendar,
    /// `openness.interpretation.max_lag_wd`
    pub max_lag_wd: u32,
    /// `openness.interpretation.similarity_max`
    pub similarity_max: f64,
    pub today: NaiveDate,
}

/// The defects of spec §3.3 (all but "single form" and the crawled links) in the records.
pub fn check_interpretations(
    documents: &[PolicyDocument],
    interpretations: &[Interpretation],
    rules: &CheckRules<'_>,
) -> Vec<Finding> {
    let latest_allowed = |published_on: NaiveDate| {
        if rules.max_lag_wd == 0 {
            Some(published_on)
        } else {
            rules
                .calendar
                .due_date(published_on, rules.max_lag_wd)
                .ok()
                .map(|due| due.date)
        }
    };
    let document_profiles: std::collections::HashMap<i64, TextProfile> = documents
        .iter()
        .map(|d| (d.id, TextProfile::new(&d.text)))
        .collect();
    let profiles: Vec<TextProfile> = interpretations
        .iter()
        .map(|i| TextProfile::new(&i.text))
        .collect();
    let mut findings = Vec::new();
    for document in documents {
        let explained = interpretations
            .iter()
            .any(|i| i.document_ids.contains(&document.id));
        let lag_over = latest_allowed(document.published_on).is_some_and(|last| last < rules.today);
        if !explained && lag_over {
            findings.push(Finding::Missing {
                document: document.id,
            });
        }
    }
    for (index, interpretation) in interpretations.iter().enumerate() {
        if interpretation.document_ids.is_empty() {
            findings.push(Finding::Unlinked {
                interpretation: interpretation.id,
            });
        }
        for document in documents
            .iter()
            .filter(|d| interpretation.document_ids.contains(&d.id))
        {
            if latest_allowed(document.published_on)
                .is_some_and(|last| interpretation.published_on > last)
            {
                findings.push(Finding::Late {
                    interpretation: interpretation.id,
                    document: document.id,
                });
            }
            let score = profiles[index].similarity(&document_profiles[&document.id]);
            if score >= rules.similarity_max {
                findings.push(Finding::Homogenised {
                    interpretation: interpretation.id,
                    other_document: Some(document.id),
                    other_interpretation: None,
                    score,
                });
            }
        }
        for (other_index, other) in interpretations
            .iter()
            .enumerate()
            .filter(|(_, o)| o.id > interpretation.id)
        {
            let score = profiles[index].similarity(&profiles[other_index]);
            if score >= rules.similarity_max {
                findings.push(Finding::Homogenised {
                    interpretation: other.id,
                    other_document: None,
                    other_interpretation: Some(interpretation.id),
                    score,
                });
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_bundled_vocabularies_are_read() {
        let subjects = vocabulary(SUBJECTS);
        assert_eq!(subjects.len(), 21);
        assert_eq!(subjects[0], "综合政务");
        assert_eq!(vocabulary(GENRES).len(), 16);
        assert_eq!(
            vocabulary(VALIDITY_VALUES),
            vec!["有效", "失效", "废止", "已修改"]
        );
        assert_eq!(Disclosure::parse("不予公开"), Some(Disclosure::Withheld));
    }

    #[test]
    fn canonical_numbers_read_unchanged() {
        for (text, issuer, year, serial) in [
            ("梅市府办函〔2020〕43号", "梅市府办函", 2020, 43),
            ("国办秘函〔2019〕19号", "国办秘函", 2019, 19),
            ("梅市府〔2024〕6号", "梅市府", 2024, 6),
        ] {
            let number = parse_doc_number(text).unwrap();
            assert_eq!(number.canonical, text);
            assert_eq!(
                (number.issuer.as_str(), number.year, number.serial),
                (issuer, Some(year), serial)
            );
            assert!(number.normalisations.is_empty(), "{text}");
        }
        let decree = parse_doc_number("粤府令第277号").unwrap();
        assert_eq!(
            (decree.issuer.as_str(), decree.year, decree.serial),
            ("粤府令", None, 277)
        );
        assert_eq!(decree.canonical, "粤府令第277号");
    }

    #[test]
    fn published_variants_are_normalised_and_say_how() {
        use Normalisation::*;
        for (text, expected) in [
            ("梅市府办函【2020】43号", vec![Brackets]),
            ("梅市府办函[2020]43号", vec![Brackets]),
            ("梅市府办函（2020）43号", vec![Brackets]),
            ("梅市府办函〔２０２０〕４３号", vec![FullWidthDigits]),
            (" 梅市府办函 〔2020〕 43 号", vec![Spaces]),
            ("梅市府办函〔2020 43号", vec![Spaces, ClosingBracket]),
            ("梅市府办函〔202043号", vec![ClosingBracket]),
            ("梅市府办函〔2020〕43", vec![Hao]),
            ("梅市府办函〔2020〕第043号", vec![Di, LeadingZeros]),
        ] {
            let number = parse_doc_number(text).unwrap();
            assert_eq!(number.canonical, "梅市府办函〔2020〕43号", "{text}");
            assert_eq!(number.original, text);
            assert_eq!(number.normalisations, expected, "{text}");
        }
    }

    #[test]
    fn numbers_that_do_not_parse_say_why() {
        for (text, reason) in [
            ("", "文号为空"),
            ("〔2020〕43号", "缺少发文机关代字"),
            ("梅市府办函2020年43号", "找不到〔年份〕"),
            ("梅市府办函〔20〕43号", "年份应为四位数字"),
            ("梅市府办函〔2020】43号", "括号不成对"),
            ("梅市府办函〔2020〕号", "缺少序号"),
            ("梅市府办函〔2020〕0号", "缺少序号"),
            ("梅市府办函〔2020〕43号附件", "多余的内容"),
        ] {
            let error = parse_doc_number(text).unwrap_err();
            assert!(error.contains(reason), "{text}: {error}");
        }
    }

    #[test]
    fn index_numbers_are_issued_and_read_by_the_sites_pattern() {
        let pattern = IndexPattern::parse("{code}/{year}-{serial:5}").unwrap();
        let number = IndexNumber {
            code: "11441400007238012X".into(),
            year: 2024,
            serial: 12,
        };
        let text = pattern.format(&number).unwrap();
        assert_eq!(text, "11441400007238012X/2024-00012");
        assert_eq!(pattern.read(&text).unwrap(), number);
        assert!(pattern.read("11441400007238012X-2024-00012").is_err());
        assert!(
            pattern
                .format(&IndexNumber {
                    serial: 123_456,
                    ..number
                })
                .unwrap_err()
                .contains("超过5位")
        );
        assert!(
            IndexPattern::parse("{code}{year}-{serial:5}")
                .unwrap_err()
                .contains("分隔符")
        );
        assert!(
            IndexPattern::parse("{code}/{serial:5}")
                .unwrap_err()
                .contains("{year}")
        );
        assert!(
            IndexPattern::parse("{code}/{year}-{n}")
                .unwrap_err()
                .contains("无效")
        );
    }

    const DOCUMENT: &str = "为进一步优化营商环境，市政府决定在全市推行企业开办一网通办，申请人可通过广东政务服务网一次提交全部材料，\
        市场监管、税务、社保等部门同步办理，企业开办时间压缩至一个工作日以内。各县（市、区）要在本通知印发之日起三个月内完成系统对接。";

    #[test]
    fn similarity_is_one_for_a_restatement_and_low_for_a_real_explanation() {
        assert!((similarity(DOCUMENT, DOCUMENT) - 1.0).abs() < 1e-9);
        assert_eq!(similarity(DOCUMENT, ""), 0.0);
        let copied = format!("解读：{DOCUMENT}");
        assert!(similarity(&copied, DOCUMENT) > 0.9);
        let explained = "问：企业开办有哪些变化？答：以前要分别跑市场监管、税务和社保窗口，现在在网上填一次表，一天内就能拿到营业执照和发票。";
        let score = similarity(explained, DOCUMENT);
        assert!(score < 0.5, "{score}");
        assert!(
            (similarity("梅州，市政府！", "梅州市政府") - 1.0).abs() < 1e-9,
            "punctuation does not count"
        );
    }

    #[test]
    fn the_checker_finds_missing_late_unlinked_and_copied_interpretations() {
        let calendar = crate::calendar::Calendar::builtin().unwrap();
        let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        let documents = [
            PolicyDocument {
                id: 1,
                published_on: date("2025-03-03"),
                text: DOCUMENT.into(),
            },
            PolicyDocument {
                id: 2,
                published_on: date("2025-03-03"),
                text: "另一份文件的正文内容".into(),
            },
            PolicyDocument {
                id: 3,
                published_on: date("2025-03-10"),
                text: "第三份文件".into(),
            },
        ];
        let explained =
            "问：企业开办有哪些变化？答：现在在网上填一次表，一天内就能拿到营业执照和发票。";
        let interpretations = [
            // On time and in its own words.
            Interpretation {
                id: 10,
                document_ids: vec![1],
                published_on: date("2025-03-03"),
                text: explained.into(),
            },
            // Copies document 1, published three days after document 2.
            Interpretation {
                id: 11,
                document_ids: vec![2],
                published_on: date("2025-03-06"),
                text: format!("解读：{DOCUMENT}"),
            },
            // Linked to nothing; nearly the same as 10.
            Interpretation {
                id: 12,
                document_ids: vec![],
                published_on: date("2025-03-04"),
                text: explained.into(),
            },
        ];
        let rules = CheckRules {
            calendar: &calendar,
            max_lag_wd: 0,
            similarity_max: 0.8,
            today: date("2025-04-01"),
        };
        let findings = check_interpretations(&documents, &interpretations, &rules);
        assert!(
            findings.contains(&Finding::Missing { document: 3 }),
            "{findings:?}"
        );
        assert!(
            !findings
                .iter()
                .any(|f| matches!(f, Finding::Missing { document: 1 | 2 }))
        );
        assert!(findings.contains(&Finding::Late {
            interpretation: 11,
            document: 2
        }));
        assert!(findings.contains(&Finding::Unlinked { interpretation: 12 }));
        assert!(findings.iter().any(|f| matches!(
            f,
            Finding::Homogenised {
                interpretation: 12,
                other_interpretation: Some(10),
                ..
            }
        )));
        assert_eq!(findings.len(), 4, "{findings:?}");
        // With a lag of five working days, 11 is in time and document 3 not yet missing on 03-14.
        let lenient = CheckRules {
            max_lag_wd: 5,
            today: date("2025-03-14"),
            ..rules
        };
        let findings = check_interpretations(&documents, &interpretations, &lenient);
        assert!(
            !findings
                .iter()
                .any(|f| matches!(f, Finding::Late { .. } | Finding::Missing { .. })),
            "{findings:?}"
        );
    }

    proptest::proptest! {
        #[test]
        fn similarity_is_symmetric_and_between_zero_and_one(a in "[梅州市政府文件通知解读 ]{0,30}", b in "[梅州市政府文件通知解读 ]{0,30}") {
            let forward = similarity(&a, &b);
            proptest::prop_assert!((0.0..=1.0).contains(&forward));
            proptest::prop_assert!((forward - similarity(&b, &a)).abs() < 1e-9);
        }

        #[test]
        fn a_canonical_number_reads_back_to_itself(year in 1990i32..2099, serial in 1u32..100_000) {
            let text = format!("梅市府办函〔{year}〕{serial}号");
            let number = parse_doc_number(&text).unwrap();
            proptest::prop_assert_eq!(&number.canonical, &text);
            proptest::prop_assert_eq!(parse_doc_number(&number.canonical).unwrap().canonical, text);
        }
    }
}
