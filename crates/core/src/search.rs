//! Chinese search with jieba. An item is indexed by the words of its name and code in search
//! mode (whole words and the shorter dictionary words inside long ones); a query is cut in
//! precise mode, and an item matches when every query word is one of its words. So "许可 取水",
//! "取水许可" and "取水 许可" find “取水许可（延续）”, and "行政处罚" finds “……的行政处罚”.
//!
//! Both cuts use the dictionary only (no HMM guessing), so the same text always gives the same
//! words, and every word of a precise cut is also a word of the search-mode cut of the same text:
//! an item's own name always finds it. ASCII letters are upper-cased, so codes match in any case.
//! The words are stored per item (`power_item_terms`), so a search is an index lookup on both
//! databases.

use std::collections::BTreeSet;
use std::sync::LazyLock;

static JIEBA: LazyLock<jieba_rs::Jieba> = LazyLock::new(jieba_rs::Jieba::new);

/// Most words a query may have; the rest are ignored.
pub const MAX_WORDS: usize = 10;

/// Longest word kept, in characters.
const MAX_WORD_CHARS: usize = 64;

/// Loads the dictionary now (it takes a few hundred milliseconds), so the first search does not.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// A word worth keeping: it has a letter or digit and is not absurdly long.
fn normalized(token: jieba_rs::Token<'_>) -> Option<String> {
    let word = token.word.trim();
    let keep = word.chars().any(char::is_alphanumeric) && word.chars().count() <= MAX_WORD_CHARS;
    keep.then(|| word.to_ascii_uppercase())
}

/// The words of `query` in order, without spaces, punctuation or repeats, at most `MAX_WORDS`.
pub fn query_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in JIEBA.cut(query, false).into_iter().filter_map(normalized) {
        if !words.contains(&word) {
            words.push(word);
        }
        if words.len() == MAX_WORDS {
            break;
        }
    }
    words
}

/// The words `texts` are found by.
pub fn index_terms(texts: &[&str]) -> BTreeSet<String> {
    texts
        .iter()
        .flat_map(|text| JIEBA.cut_for_search(text, false))
        .filter_map(normalized)
        .collect()
}

/// A piece of a snippet; `true` when it is one of the query's words (shown highlighted).
pub type Segment = (String, bool);

/// About `width` characters of `text` around the first place one of `words` occurs, cut into
/// highlighted and plain pieces; the start of the text when no word occurs (the match was in
/// the title). Words compare with ASCII upper-cased, as they are indexed.
pub fn snippet(text: &str, words: &[String], width: usize) -> Vec<Segment> {
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let upper: Vec<char> = chars.iter().map(char::to_ascii_uppercase).collect();
    let patterns: Vec<Vec<char>> = words
        .iter()
        .map(|w| w.chars().collect::<Vec<char>>())
        .filter(|w| !w.is_empty())
        .collect();
    let matches_at = |index: usize| -> Option<usize> {
        patterns
            .iter()
            .filter(|p| upper[index..].starts_with(p))
            .map(Vec::len)
            .max()
    };
    let first = (0..upper.len()).find(|&index| matches_at(index).is_some());
    let start = first.map_or(0, |at| at.saturating_sub(width / 4));
    let end = (start + width).min(chars.len());
    let mut segments: Vec<Segment> = Vec::new();
    let mut plain = String::new();
    if start > 0 {
        plain.push('…');
    }
    let mut index = start;
    while index < end {
        if let Some(length) = matches_at(index) {
            if !plain.is_empty() {
                segments.push((std::mem::take(&mut plain), false));
            }
            let stop = (index + length).min(chars.len());
            segments.push((chars[index..stop].iter().collect(), true));
            index = stop;
        } else {
            plain.push(chars[index]);
            index += 1;
        }
    }
    if end < chars.len() {
        plain.push('…');
    }
    if !plain.is_empty() {
        segments.push((plain, false));
    }
    segments
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn a_snippet_highlights_the_words_around_the_first_match() {
        let text = "为进一步优化营商环境，市政府决定在全市推行企业开办一网通办，企业开办时间压缩至一个工作日以内。";
        let words = vec!["企业开办".to_string(), "一网通办".to_string()];
        let pieces = super::snippet(text, &words, 20);
        let marked: Vec<&str> = pieces
            .iter()
            .filter(|(_, m)| *m)
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(marked, vec!["企业开办", "一网通办", "企业开办"]);
        let joined: String = pieces.iter().map(|(t, _)| t.as_str()).collect();
        assert!(joined.starts_with('…') && joined.ends_with('…'), "{joined}");
        assert!(joined.contains("推行企业开办一网通办"));
        let none = super::snippet("短文本", &["无关".to_string()], 20);
        assert_eq!(none, vec![("短文本".to_string(), false)]);
        let ascii = super::snippet("apply via 5g now", &["5G".to_string()], 40);
        assert!(ascii.contains(&("5g".to_string(), true)));
    }
    use super::*;
    use proptest::prelude::*;

    /// Whether a text with words `terms` matches `query` (what the database query does).
    fn matches(terms: &BTreeSet<String>, query: &str) -> bool {
        query_words(query).iter().all(|word| terms.contains(word))
    }

    fn found(text: &str, query: &str) -> bool {
        matches(&index_terms(&[text]), query)
    }

    #[test]
    fn a_query_is_cut_into_dictionary_words() {
        assert_eq!(query_words("取水许可延续"), ["取水", "许可", "延续"]);
        assert_eq!(query_words("  取水，许可  取水 "), ["取水", "许可"]);
        assert_eq!(query_words("demo-xk-qs"), ["DEMO", "XK", "QS"]);
        assert!(query_words("，。、 ").is_empty());
    }

    #[test]
    fn every_word_must_occur_but_in_any_order_and_place() {
        assert!(found("取水许可（延续）", "取水许可延续"));
        assert!(found("取水许可（延续）", "延续 取水"));
        assert!(!found("取水许可（变更）", "取水许可延续"));
        assert!(found("对违反城乡规划管理规定行为的行政处罚", "行政处罚"));
        assert!(found("对违反城乡规划管理规定行为的行政处罚", "处罚 规划"));
        assert!(matches(
            &index_terms(&["食品经营许可", "441400-XK-00006"]),
            "xk 食品"
        ));
    }

    #[test]
    fn long_queries_keep_their_first_words() {
        let query = "甲 乙 丙 丁 戊 己 庚 辛 壬 癸 子 丑";
        assert_eq!(query_words(query).len(), MAX_WORDS);
    }

    proptest! {
        #[test]
        fn a_text_is_found_by_itself(text in "[\\u{4e00}-\\u{4fff}a-zA-Z0-9（）、 ]{0,30}") {
            prop_assert!(found(&text, &text));
        }
    }
}
