//! 网民留言 (spec/openness.md §6): the channels messages come by, each with its reply period
//! (a parameter per channel, as issue 4 asks; the spec's per-category examples are a local
//! practice), what a message is about, whether it is one to answer, and the caller's rating.

use serde::{Deserialize, Serialize};

/// Where a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 市长信箱 on this site.
    MayorMailbox,
    /// 省长信箱 (广东省政府门户网站), forwarded to the city.
    GovernorForwarded,
    /// 12345 政务服务便民热线, forwarded.
    Hotline,
    /// 咨询投诉栏目 of a department's site, entered by staff.
    ConsultColumn,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::MayorMailbox,
        Channel::GovernorForwarded,
        Channel::Hotline,
        Channel::ConsultColumn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::MayorMailbox => "mayor_mailbox",
            Channel::GovernorForwarded => "governor_forwarded",
            Channel::Hotline => "hotline_12345",
            Channel::ConsultColumn => "consult_column",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Channel::MayorMailbox => "市长信箱",
            Channel::GovernorForwarded => "省长信箱转办",
            Channel::Hotline => "12345热线转办",
            Channel::ConsultColumn => "咨询投诉栏目",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == text.trim() || c.zh() == text.trim())
    }

    /// Forwarded messages carry the other platform's reference.
    pub fn forwarded(self) -> bool {
        matches!(self, Channel::GovernorForwarded | Channel::Hotline)
    }

    /// The parameter holding the reply period, in working days.
    pub fn limit_key(self) -> String {
        format!("openness.messages.limit.{}", self.as_str())
    }
}

/// What a message is.
pub const CATEGORIES: [&str; 5] = ["咨询", "投诉", "建议", "求助", "其他"];

/// Whether a message is one to answer (spec §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    Spam,
    Duplicate,
    OutOfScope,
}

impl Validity {
    pub const ALL: [Validity; 4] = [
        Validity::Valid,
        Validity::Spam,
        Validity::Duplicate,
        Validity::OutOfScope,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::Spam => "spam",
            Validity::Duplicate => "duplicate",
            Validity::OutOfScope => "out_of_scope",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Validity::Valid => "有效",
            Validity::Spam => "无效（垃圾信息）",
            Validity::Duplicate => "重复留言",
            Validity::OutOfScope => "不属于受理范围",
        }
    }

    pub fn parse(text: &str) -> Option<Validity> {
        Validity::ALL
            .into_iter()
            .find(|v| v.as_str() == text.trim())
    }
}

/// The sender's rating of a reply.
pub const SATISFACTION: [&str; 3] = ["满意", "基本满意", "不满意"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_read_by_code_or_name_and_name_their_period() {
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.as_str()), Some(channel));
            assert_eq!(Channel::parse(channel.zh()), Some(channel));
        }
        assert_eq!(
            Channel::Hotline.limit_key(),
            "openness.messages.limit.hotline_12345"
        );
        assert!(Channel::GovernorForwarded.forwarded() && !Channel::MayorMailbox.forwarded());
        assert_eq!(Validity::parse("duplicate"), Some(Validity::Duplicate));
        assert_eq!(Validity::parse("重复"), None);
    }
}
