//! Chinese search: a query is cut into words with jieba (precise mode, dictionary words only, so
//! one query always gives the same words), and a text matches when it contains every word.
//! "取水 许可 延续" and "取水许可延续" both find “取水许可（延续）”, which a plain substring search
//! would miss for the second form.
//!
//! Words are matched as substrings of the stored text, not against words cut from it: jieba
//! may cut the same characters differently in a longer sentence, and a substring never misses.
//! The catalogue query already narrows rows to one division and date, so no separate index is
//! kept (measured in `bench/powers_scale.sh`).

use std::sync::LazyLock;

static JIEBA: LazyLock<jieba_rs::Jieba> = LazyLock::new(jieba_rs::Jieba::new);

/// Most words a query may have; the rest are ignored.
pub const MAX_WORDS: usize = 10;

/// Loads the dictionary now (it takes a few hundred milliseconds), so the first search does not.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// The words of `query` in order, without spaces, punctuation or repeats, at most `MAX_WORDS`.
pub fn query_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in JIEBA.cut(query, false) {
        let word = word.word.trim();
        if !word.chars().any(char::is_alphanumeric) || words.iter().any(|w| w == word) {
            continue;
        }
        words.push(word.to_string());
        if words.len() == MAX_WORDS {
            break;
        }
    }
    words
}

/// Whether `text` contains every word of `query` (ASCII letters in any case); what the database
/// query does, for checking in tests and for filtering in memory.
pub fn matches(text: &str, query: &str) -> bool {
    let text = text.to_ascii_uppercase();
    query_words(query)
        .iter()
        .all(|word| text.contains(&word.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_query_is_cut_into_dictionary_words() {
        assert_eq!(query_words("取水许可延续"), ["取水", "许可", "延续"]);
        assert_eq!(query_words("  取水，许可  取水 "), ["取水", "许可"]);
        assert_eq!(query_words("行政处罚"), ["行政处罚"]);
        assert!(query_words("，。、 ").is_empty());
    }

    #[test]
    fn every_word_must_occur_but_in_any_order_and_place() {
        assert!(matches("取水许可（延续）", "取水许可延续"));
        assert!(matches("取水许可（延续）", "延续 取水"));
        assert!(!matches("取水许可（变更）", "取水许可延续"));
        assert!(matches("441400-XK-00006 食品经营许可", "xk 食品"));
    }

    #[test]
    fn long_queries_keep_their_first_words() {
        let query = "甲 乙 丙 丁 戊 己 庚 辛 壬 癸 子 丑";
        assert_eq!(query_words(query).len(), MAX_WORDS);
    }

    proptest! {
        #[test]
        fn a_text_always_matches_itself(text in "[\\u{4e00}-\\u{4fff}a-zA-Z0-9（）、 ]{0,30}") {
            prop_assert!(matches(&text, &text));
        }
    }
}
