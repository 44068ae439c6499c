//! The reply letter (政府信息公开申请答复书, spec/foi.md §6): drafted from a template per outcome
//! (`data/foi/reply-letters.txt`, parameter `foi.reply.letter_templates`) and given to staff as a
//! Word document to check and edit before it is signed. The template is data: its sections and
//! placeholders are checked when it is read.

use super::{Outcome, OutcomeCode};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The bundled template.
pub const BUILTIN_TEMPLATES: &str = include_str!("../../../../data/foi/reply-letters.txt");

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 8] = [
    "申请人",
    "收到日期",
    "所需信息",
    "理由",
    "说明",
    "机关",
    "答复日期",
    "案件编号",
];

const HEAD: &str = "开头";
const TAIL: &str = "结尾";

/// The paragraphs of each section, by section name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    sections: BTreeMap<String, Vec<String>>,
}

/// Reads a template file: `[name]` lines start sections, `#` lines are comments. Every outcome
/// and the head and tail must have a section, and only known placeholders may be used.
pub fn parse_templates(text: &str) -> Result<Templates, String> {
    let mut sections: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if sections.insert(name.to_string(), Vec::new()).is_some() {
                return Err(format!("第{}行：“[{name}]”重复", index + 1));
            }
            current = Some(name.to_string());
            continue;
        }
        let name = current
            .as_ref()
            .ok_or_else(|| format!("第{}行：正文前应先有“[名称]”", index + 1))?;
        check_placeholders(line).map_err(|e| format!("第{}行：{e}", index + 1))?;
        sections
            .entry(name.clone())
            .or_default()
            .push(line.to_string());
    }
    let needed = [HEAD, TAIL]
        .into_iter()
        .map(str::to_string)
        .chain(OutcomeCode::ALL.iter().map(|c| c.code().to_string()));
    for name in needed {
        if sections.get(&name).is_none_or(Vec::is_empty) {
            return Err(format!("模板缺少“[{name}]”一节"));
        }
    }
    Ok(Templates { sections })
}

fn check_placeholders(line: &str) -> Result<(), String> {
    let mut rest = line;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| "“{”没有配对的“}”".to_string())?;
        let name = &after[..end];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "未知的占位符“{{{name}}}”，可用：{}",
                PLACEHOLDERS.join("、")
            ));
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

/// What a letter is filled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterFacts {
    pub applicant: String,
    pub received_on: NaiveDate,
    pub description: String,
    pub outcome: Outcome,
    pub agency_name: String,
    pub answered_on: NaiveDate,
    pub case_number: String,
}

/// A drafted letter: title, then paragraphs (the last two are the signature block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub title: String,
    pub paragraphs: Vec<String>,
}

fn chinese_date(date: NaiveDate) -> String {
    date.format("%Y年%-m月%-d日").to_string()
}

/// Drafts the letter for `facts` from `templates`.
pub fn draft(templates: &Templates, facts: &LetterFacts) -> Letter {
    let values: [(&str, String); 8] = [
        ("申请人", facts.applicant.clone()),
        ("收到日期", chinese_date(facts.received_on)),
        ("所需信息", facts.description.clone()),
        (
            "理由",
            facts
                .outcome
                .ground
                .map(|g| g.zh().to_string())
                .unwrap_or_default(),
        ),
        ("说明", facts.outcome.note.clone()),
        ("机关", facts.agency_name.clone()),
        ("答复日期", chinese_date(facts.answered_on)),
        ("案件编号", facts.case_number.clone()),
    ];
    let fill = |line: &String| {
        let mut text = line.clone();
        for (name, value) in &values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text.trim().to_string()
    };
    let section = |name: &str| -> Vec<String> {
        templates
            .sections
            .get(name)
            .map(|lines| lines.iter().map(fill).filter(|l| !l.is_empty()).collect())
            .unwrap_or_default()
    };
    let mut paragraphs = section(HEAD);
    paragraphs.extend(section(facts.outcome.code.code()));
    paragraphs.extend(section(TAIL));
    Letter {
        title: "政府信息公开申请答复书".into(),
        paragraphs,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::foi::Ground;

    fn facts(code: OutcomeCode, ground: Option<Ground>, note: &str) -> LetterFacts {
        LetterFacts {
            applicant: "张三".into(),
            received_on: NaiveDate::from_ymd_opt(2025, 9, 15).unwrap(),
            description: "2024年老旧小区改造项目清单".into(),
            outcome: Outcome {
                code,
                ground,
                note: note.into(),
            },
            agency_name: "梅州市人民政府办公室".into(),
            answered_on: NaiveDate::from_ymd_opt(2025, 10, 9).unwrap(),
            case_number: "2025-G441400-002-0001".into(),
        }
    }

    #[test]
    fn the_bundled_template_covers_every_outcome_and_fills_the_facts() {
        let templates = parse_templates(BUILTIN_TEMPLATES).unwrap();
        let letter = draft(
            &templates,
            &facts(OutcomeCode::Withheld, Some(Ground::ThirdPartyRights), ""),
        );
        assert_eq!(letter.paragraphs[0], "张三：");
        assert!(letter.paragraphs[1].contains("本机关于2025年9月15日收到"));
        assert!(letter.paragraphs[1].contains("“2024年老旧小区改造项目清单”"));
        assert!(letter.paragraphs[2].contains("保护第三方合法权益（第十五条）"));
        assert!(letter.paragraphs[2].contains("第三十六条第（三）项"));
        assert_eq!(letter.paragraphs.last().unwrap(), "2025年10月9日");
        for code in OutcomeCode::ALL {
            let letter = draft(&templates, &facts(code, None, "说明文字"));
            assert!(
                letter.paragraphs.iter().all(|p| !p.contains('{')),
                "{code:?}: {letter:?}"
            );
        }
    }

    #[test]
    fn a_broken_template_is_refused_with_its_line() {
        let missing = parse_templates("[开头]\n{申请人}：\n[结尾]\n{机关}\n").unwrap_err();
        assert!(
            missing.contains("模板缺少“[A1_ALREADY_PUBLIC]”"),
            "{missing}"
        );
        let unknown = parse_templates("[开头]\n{身份证号}\n").unwrap_err();
        assert!(
            unknown.starts_with("第2行：未知的占位符“{身份证号}”"),
            "{unknown}"
        );
        let orphan = parse_templates("正文\n").unwrap_err();
        assert!(orphan.contains("正文前应先有"), "{orphan}");
    }
}
