//! Personal data in free text that the public will read: a comment on a draft or a message to
//! the mayor may carry the writer's ID number or phone. Public pages show the text with them
//! masked; the stored original is for staff only.

/// What a masked ID number shows instead.
pub const ID_MASK: &str = "[身份证号已隐去]";
/// What a masked phone number shows instead.
pub const PHONE_MASK: &str = "[电话号码已隐去]";

/// The text with 18-character resident ID numbers (17 digits and a digit or X), 11-digit mobile
/// numbers (1 then 3–9) and landline numbers with an area code (0 + 2–3 digits, an optional
/// hyphen or space, 7–8 digits) replaced by masks. Digits are read half- or full-width.
/// Longer runs of digits (account numbers, amounts) are left alone.
pub fn mask_personal(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < chars.len() {
        if digit(chars[index]).is_some() && (index == 0 || !is_digit_like(chars[index - 1])) {
            if let Some((length, mask)) = personal_number_at(&chars[index..]) {
                out.push_str(mask);
                index += length;
                continue;
            }
            // Not personal: copy the whole run so that its tail is not read as a number.
            while index < chars.len() && is_digit_like(chars[index]) {
                out.push(chars[index]);
                index += 1;
            }
            continue;
        }
        out.push(chars[index]);
        index += 1;
    }
    out
}

/// Whether the text holds an ID number or a phone number.
pub fn has_personal(text: &str) -> bool {
    mask_personal(text) != text
}

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn is_digit_like(c: char) -> bool {
    digit(c).is_some() || matches!(c, 'X' | 'x' | 'Ｘ')
}

/// The length of the personal number starting at the first character and its mask.
fn personal_number_at(chars: &[char]) -> Option<(usize, &'static str)> {
    let run = chars.iter().take_while(|c| digit(**c).is_some()).count();
    let ends_run = |length: usize| chars.get(length).is_none_or(|c| !is_digit_like(*c));
    if run == 17 && matches!(chars.get(17), Some('X' | 'x' | 'Ｘ')) && ends_run(18) {
        return Some((18, ID_MASK));
    }
    if run == 18 {
        return Some((18, ID_MASK));
    }
    let first = digit(chars[0])?;
    if run == 11 && first == 1 && digit(chars[1]).is_some_and(|d| d >= 3) {
        return Some((11, PHONE_MASK));
    }
    if first == 0 {
        for area in [3, 4] {
            if run == area {
                let separated = matches!(chars.get(area), Some('-' | ' ' | '－'));
                let rest = &chars[area + usize::from(separated)..];
                let local = rest.iter().take_while(|c| digit(**c).is_some()).count();
                if separated
                    && (7..=8).contains(&local)
                    && rest.get(local).is_none_or(|c| !is_digit_like(*c))
                {
                    return Some((area + 1 + local, PHONE_MASK));
                }
            }
            if run == area + 7 || run == area + 8 {
                return Some((run, PHONE_MASK));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_and_phones_are_masked() {
        for (text, masked) in [
            (
                "我的身份证号是44140219800101123X，请回复",
                "我的身份证号是[身份证号已隐去]，请回复",
            ),
            ("身份证441402198001011234。", "身份证[身份证号已隐去]。"),
            ("电话13812345678", "电话[电话号码已隐去]"),
            (
                "座机0753-2222222或0753 22223333",
                "座机[电话号码已隐去]或[电话号码已隐去]",
            ),
            ("拨075322222222", "拨[电话号码已隐去]"),
            ("全角１３８１２３４５６７８", "全角[电话号码已隐去]"),
        ] {
            assert_eq!(mask_personal(text), masked, "{text}");
            assert!(has_personal(text));
        }
    }

    #[test]
    fn other_numbers_are_left_alone() {
        for text in [
            "2020年第3期",
            "资金1200000元",
            "梅市府办函〔2020〕43号",
            "账号6222021234567890123",
            "12345热线",
            "编号123456789012",
            "",
        ] {
            assert_eq!(mask_personal(text), text);
            assert!(!has_personal(text));
        }
    }
}
