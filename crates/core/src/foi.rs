//! 依申请公开 (spec/foi.md Part A §3): the statutory clock of a disclosure request. A request's
//! timeline is a list of typed events; the answer's due date is derived from them and the
//! holiday calendar, with every counted day explained. Nothing about the clock is stored apart
//! from the events, so a calendar correction changes the derived date visibly.

use crate::calendar::{Calendar, CalendarError, Due};
use crate::params::{ParamError, Parameter, resolve};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The periods of the clock, read from parameters (spec/foi.md §17); there are no built-in values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockParams {
    /// `foi.reply.limit_wd`: the answer period.
    pub reply_wd: u32,
    /// `foi.extension.max_wd`: the most an extension may add.
    pub extension_max_wd: u32,
    /// `foi.correction.notice_limit_wd`: the correction notice must go out within this.
    pub correction_notice_wd: u32,
    /// `foi.third_party.reply_wd`: a third party's time to answer a consultation.
    pub third_party_reply_wd: u32,
    /// `foi.other_agency.reply_wd`: another agency's time to answer a consultation.
    pub other_agency_reply_wd: u32,
    /// `foi.third_party.assumed_delivery_wd`: when a consultation letter's delivery date is not
    /// known, it is taken to arrive this many working days after sending.
    pub assumed_delivery_wd: u32,
    /// `foi.fee.pause_clock`: whether the time from fee notice to payment is not counted.
    pub fee_pauses_clock: bool,
    /// `foi.alert.due_soon_wd`: a request is "due soon" within this many working days.
    pub due_soon_wd: u32,
}

impl ClockParams {
    /// The values in force on `date` for the most specific of `scopes`.
    pub fn from_records(
        records: &[Parameter],
        date: NaiveDate,
        scopes: &[String],
    ) -> Result<ClockParams, ParamError> {
        let number = |key: &'static str| -> Result<u32, ParamError> {
            let record =
                resolve(records, key, date, scopes).ok_or_else(|| ParamError::Missing {
                    key: key.into(),
                    date,
                })?;
            record.value.parse().map_err(|_| ParamError::BadValue {
                key: key.into(),
                value: record.value.clone(),
                expected: "a whole number of working days",
            })
        };
        let fee_pause = resolve(records, "foi.fee.pause_clock", date, scopes).ok_or_else(|| {
            ParamError::Missing {
                key: "foi.fee.pause_clock".into(),
                date,
            }
        })?;
        Ok(ClockParams {
            reply_wd: number("foi.reply.limit_wd")?,
            extension_max_wd: number("foi.extension.max_wd")?,
            correction_notice_wd: number("foi.correction.notice_limit_wd")?,
            third_party_reply_wd: number("foi.third_party.reply_wd")?,
            other_agency_reply_wd: number("foi.other_agency.reply_wd")?,
            assumed_delivery_wd: number("foi.third_party.assumed_delivery_wd")?,
            fee_pauses_clock: match fee_pause.value.as_str() {
                "true" => true,
                "false" => false,
                other => {
                    return Err(ParamError::BadValue {
                        key: "foi.fee.pause_clock".into(),
                        value: other.into(),
                        expected: "true or false",
                    });
                }
            },
            due_soon_wd: number("foi.alert.due_soon_wd")?,
        })
    }
}

/// How an application arrived (Art 31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 当面提交
    InPerson,
    /// 邮寄，签收
    Post,
    /// 平常信函（无需签收）
    LetterUnsigned,
    /// 互联网渠道
    Online,
    /// 政府信息公开工作机构的传真
    Fax,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::InPerson,
        Channel::Post,
        Channel::LetterUnsigned,
        Channel::Online,
        Channel::Fax,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::InPerson => "in_person",
            Channel::Post => "post",
            Channel::LetterUnsigned => "letter_unsigned",
            Channel::Online => "online",
            Channel::Fax => "fax",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Channel::InPerson => "当面提交",
            Channel::Post => "邮寄（签收）",
            Channel::LetterUnsigned => "平常信函",
            Channel::Online => "互联网",
            Channel::Fax => "传真",
        }
    }

    /// Whether the receipt date is the date of a confirmation with the applicant.
    pub fn needs_confirmation(self) -> bool {
        matches!(
            self,
            Channel::LetterUnsigned | Channel::Online | Channel::Fax
        )
    }
}

/// Why a receipt date cannot be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("{channel}的申请，以与申请人确认之日为收到申请之日，须先记录确认日期")]
    NotConfirmed { channel: &'static str },
    #[error("确认日期{confirmed}早于申请到达日期{arrived}")]
    ConfirmedBeforeArrival {
        arrived: NaiveDate,
        confirmed: NaiveDate,
    },
    #[error("{channel}的申请无需确认，收到申请之日即{arrived}")]
    ConfirmationNotApplicable {
        channel: &'static str,
        arrived: NaiveDate,
    },
}

/// 收到申请之日 (spec/foi.md §2, Art 31): the day it was handed in or signed for; for an
/// unsigned letter, an online application or a fax, the day of the confirmation with the
/// applicant.
pub fn receipt_date(
    channel: Channel,
    arrived_on: NaiveDate,
    confirmed_on: Option<NaiveDate>,
) -> Result<NaiveDate, ReceiptError> {
    match (channel.needs_confirmation(), confirmed_on) {
        (false, None) => Ok(arrived_on),
        (false, Some(_)) => Err(ReceiptError::ConfirmationNotApplicable {
            channel: channel.zh(),
            arrived: arrived_on,
        }),
        (true, None) => Err(ReceiptError::NotConfirmed {
            channel: channel.zh(),
        }),
        (true, Some(confirmed)) if confirmed < arrived_on => {
            Err(ReceiptError::ConfirmedBeforeArrival {
                arrived: arrived_on,
                confirmed,
            })
        }
        (true, Some(confirmed)) => Ok(confirmed),
    }
}

/// The applicant types of the annual report's columns (spec/foi.md §1, Part B §12.1).
pub const APPLICANT_TYPES: [&str; 6] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
];

/// How a request ended (spec/foi.md §6): the seven answer types of Art 36 and the other outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutcomeCode {
    #[serde(rename = "A1_ALREADY_PUBLIC")]
    AlreadyPublic,
    #[serde(rename = "A2_DISCLOSE")]
    Disclose,
    #[serde(rename = "A3_WITHHELD")]
    Withheld,
    #[serde(rename = "A4_NOT_EXIST")]
    NotExist,
    #[serde(rename = "A5_NOT_OURS")]
    NotOurs,
    #[serde(rename = "A6_REPEAT")]
    Repeat,
    #[serde(rename = "A7_SPECIAL_ACCESS")]
    SpecialAccess,
    #[serde(rename = "PARTIAL")]
    Partial,
    #[serde(rename = "NEEDS_CREATION")]
    NeedsCreation,
    #[serde(rename = "UNCLEAR_AFTER_CORRECTION")]
    UnclearAfterCorrection,
    #[serde(rename = "PETITION")]
    Petition,
    #[serde(rename = "CONFIRM_REISSUE")]
    ConfirmReissue,
    #[serde(rename = "PUBLICATION")]
    Publication,
    #[serde(rename = "NOT_PROCESSED_VEXATIOUS")]
    NotProcessedVexatious,
    #[serde(rename = "ABANDONED_NO_CORRECTION")]
    AbandonedNoCorrection,
    #[serde(rename = "ABANDONED_FEE_UNPAID")]
    AbandonedFeeUnpaid,
    #[serde(rename = "WITHDRAWN")]
    Withdrawn,
    #[serde(rename = "OTHER")]
    Other,
}

impl OutcomeCode {
    pub const ALL: [OutcomeCode; 18] = [
        OutcomeCode::AlreadyPublic,
        OutcomeCode::Disclose,
        OutcomeCode::Withheld,
        OutcomeCode::NotExist,
        OutcomeCode::NotOurs,
        OutcomeCode::Repeat,
        OutcomeCode::SpecialAccess,
        OutcomeCode::Partial,
        OutcomeCode::NeedsCreation,
        OutcomeCode::UnclearAfterCorrection,
        OutcomeCode::Petition,
        OutcomeCode::ConfirmReissue,
        OutcomeCode::Publication,
        OutcomeCode::NotProcessedVexatious,
        OutcomeCode::AbandonedNoCorrection,
        OutcomeCode::AbandonedFeeUnpaid,
        OutcomeCode::Withdrawn,
        OutcomeCode::Other,
    ];

    /// The code of spec §6 (`A1_ALREADY_PUBLIC` …).
    pub fn code(self) -> &'static str {
        match self {
            OutcomeCode::AlreadyPublic => "A1_ALREADY_PUBLIC",
            OutcomeCode::Disclose => "A2_DISCLOSE",
            OutcomeCode::Withheld => "A3_WITHHELD",
            OutcomeCode::NotExist => "A4_NOT_EXIST",
            OutcomeCode::NotOurs => "A5_NOT_OURS",
            OutcomeCode::Repeat => "A6_REPEAT",
            OutcomeCode::SpecialAccess => "A7_SPECIAL_ACCESS",
            OutcomeCode::Partial => "PARTIAL",
            OutcomeCode::NeedsCreation => "NEEDS_CREATION",
            OutcomeCode::UnclearAfterCorrection => "UNCLEAR_AFTER_CORRECTION",
            OutcomeCode::Petition => "PETITION",
            OutcomeCode::ConfirmReissue => "CONFIRM_REISSUE",
            OutcomeCode::Publication => "PUBLICATION",
            OutcomeCode::NotProcessedVexatious => "NOT_PROCESSED_VEXATIOUS",
            OutcomeCode::AbandonedNoCorrection => "ABANDONED_NO_CORRECTION",
            OutcomeCode::AbandonedFeeUnpaid => "ABANDONED_FEE_UNPAID",
            OutcomeCode::Withdrawn => "WITHDRAWN",
            OutcomeCode::Other => "OTHER",
        }
    }

    pub fn parse(code: &str) -> Option<OutcomeCode> {
        OutcomeCode::ALL.into_iter().find(|o| o.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            OutcomeCode::AlreadyPublic => "已主动公开（告知获取方式）",
            OutcomeCode::Disclose => "予以公开",
            OutcomeCode::Withheld => "不予公开",
            OutcomeCode::NotExist => "经检索没有所申请的信息",
            OutcomeCode::NotOurs => "不属于本机关公开",
            OutcomeCode::Repeat => "重复申请，不予重复处理",
            OutcomeCode::SpecialAccess => "按有关法律法规规定办理（行政查询事项）",
            OutcomeCode::Partial => "部分公开（区分处理）",
            OutcomeCode::NeedsCreation => "需另行制作，不予提供",
            OutcomeCode::UnclearAfterCorrection => "补正后申请内容仍不明确",
            OutcomeCode::Petition => "信访举报投诉类申请",
            OutcomeCode::ConfirmReissue => "要求确认或重新出具已获取信息",
            OutcomeCode::Publication => "要求提供公开出版物",
            OutcomeCode::NotProcessedVexatious => "无正当理由大量反复申请，不予处理",
            OutcomeCode::AbandonedNoCorrection => "逾期不补正，视为放弃申请",
            OutcomeCode::AbandonedFeeUnpaid => "逾期未缴费，视为放弃申请",
            OutcomeCode::Withdrawn => "申请人撤回申请",
            OutcomeCode::Other => "其他",
        }
    }
}

/// The ground of a refusal (spec/foi.md §4, Arts 14–16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    StateSecret,
    ForbiddenByLaw,
    EndangersSecurity,
    ThirdPartyRights,
    InternalAffairs,
    ProcessInformation,
    EnforcementFiles,
}

impl Ground {
    pub const ALL: [Ground; 7] = [
        Ground::StateSecret,
        Ground::ForbiddenByLaw,
        Ground::EndangersSecurity,
        Ground::ThirdPartyRights,
        Ground::InternalAffairs,
        Ground::ProcessInformation,
        Ground::EnforcementFiles,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Ground::StateSecret => "state_secret",
            Ground::ForbiddenByLaw => "forbidden_by_law",
            Ground::EndangersSecurity => "endangers_security",
            Ground::ThirdPartyRights => "third_party_rights",
            Ground::InternalAffairs => "internal_affairs",
            Ground::ProcessInformation => "process_information",
            Ground::EnforcementFiles => "enforcement_files",
        }
    }

    pub fn parse(text: &str) -> Option<Ground> {
        Ground::ALL.into_iter().find(|g| g.as_str() == text)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Ground::StateSecret => "属于国家秘密（第十四条）",
            Ground::ForbiddenByLaw => "其他法律行政法规禁止公开（第十四条）",
            Ground::EndangersSecurity => "危及“三安全一稳定”（第十四条）",
            Ground::ThirdPartyRights => "保护第三方合法权益（第十五条）",
            Ground::InternalAffairs => "属于三类内部事务信息（第十六条）",
            Ground::ProcessInformation => "属于四类过程性信息（第十六条）",
            Ground::EnforcementFiles => "属于行政执法案卷（第十六条）",
        }
    }
}

/// The outcome of a closed request: a refusal names its ground; "not ours" names the agency
/// responsible (when it can be identified) and "other" its reason, in `note`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub code: OutcomeCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground: Option<Ground>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Outcome {
    /// The rules of spec §6 on what an outcome must carry.
    pub fn check(&self) -> Result<(), ClockError> {
        let refusal = self.code == OutcomeCode::Withheld;
        if refusal != self.ground.is_some() {
            return Err(ClockError::BadOutcome(if refusal {
                "不予公开须选择理由（第十四条至第十六条）".into()
            } else {
                "只有“不予公开”需要选择不予公开的理由".into()
            }));
        }
        if self.code == OutcomeCode::Other && self.note.trim().is_empty() {
            return Err(ClockError::BadOutcome(
                "办理结果为“其他”时须写明理由".into(),
            ));
        }
        Ok(())
    }
}

/// Who is consulted while the clock is paused (Art 32, Art 34).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consulted {
    ThirdParty,
    OtherAgency,
}

/// One event of a request's timeline. Dates are Beijing dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClockEvent {
    /// The receipt date by channel (spec §2); the clock starts the day after.
    Received { on: NaiveDate },
    /// 补正告知 (Art 30): once, within the notice limit of the receipt date.
    CorrectionRequested { on: NaiveDate },
    /// The corrected application arrived: the answer period runs again from this date.
    CorrectionReceived { on: NaiveDate },
    /// A 征求意见书 was sent (pause from the day after). `delivered_on`: when the consulted party
    /// received it, if known.
    ConsultationSent {
        on: NaiveDate,
        consulted: Consulted,
        delivered_on: Option<NaiveDate>,
    },
    /// The consulted party answered (the clock runs again from the day after).
    ConsultationAnswered { on: NaiveDate },
    /// 收费通知 sent (pauses when `foi.fee.pause_clock`).
    FeeNoticeSent { on: NaiveDate },
    /// Payment received.
    FeePaid { on: NaiveDate },
    /// 延长答复期限, approved by the head of the disclosure office on `approved_on`.
    Extended {
        approved_on: NaiveDate,
        working_days: u32,
        approved_by: String,
        reason: String,
    },
    /// The request was closed: the written answer issued, or another outcome (spec §6).
    Answered { on: NaiveDate, outcome: Outcome },
}

impl ClockEvent {
    /// The date the event happened on.
    pub fn date(&self) -> NaiveDate {
        match self {
            ClockEvent::Received { on }
            | ClockEvent::CorrectionRequested { on }
            | ClockEvent::CorrectionReceived { on }
            | ClockEvent::ConsultationSent { on, .. }
            | ClockEvent::ConsultationAnswered { on }
            | ClockEvent::FeeNoticeSent { on }
            | ClockEvent::FeePaid { on }
            | ClockEvent::Answered { on, .. } => *on,
            ClockEvent::Extended { approved_on, .. } => *approved_on,
        }
    }

    /// The event's name in the UI.
    pub fn zh(&self) -> &'static str {
        match self {
            ClockEvent::Received { .. } => "收到申请",
            ClockEvent::CorrectionRequested { .. } => "告知补正",
            ClockEvent::CorrectionReceived { .. } => "收到补正",
            ClockEvent::ConsultationSent {
                consulted: Consulted::ThirdParty,
                ..
            } => "征求第三方意见",
            ClockEvent::ConsultationSent {
                consulted: Consulted::OtherAgency,
                ..
            } => "征求其他机关意见",
            ClockEvent::ConsultationAnswered { .. } => "收到征求意见答复",
            ClockEvent::FeeNoticeSent { .. } => "发出收费通知",
            ClockEvent::FeePaid { .. } => "收到缴费",
            ClockEvent::Extended { .. } => "延长答复期限",
            ClockEvent::Answered { .. } => "办结",
        }
    }
}

/// Why a timeline is not possible. Each names the event and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("时间线须以“收到申请”开始，且只能有一次")]
    NotStartedByReceipt,
    #[error("第{index}个事件“{event}”（{date}）早于前一事件，事件须按日期先后记录")]
    OutOfOrder {
        index: usize,
        event: &'static str,
        date: NaiveDate,
    },
    #[error("已告知补正一次，补正须一次性告知，不能再次告知")]
    SecondCorrection,
    #[error("告知补正的日期{on}晚于收到申请后{limit}个工作日的期限{deadline}")]
    LateCorrection {
        on: NaiveDate,
        limit: u32,
        deadline: NaiveDate,
    },
    #[error("“收到补正”之前没有“告知补正”")]
    CorrectionWithoutRequest,
    #[error("“{event}”（{date}）之前没有与之对应的{expected}")]
    UnmatchedResume {
        event: &'static str,
        date: NaiveDate,
        expected: &'static str,
    },
    #[error("“{event}”（{date}）时已有尚未结束的{open}")]
    AlreadyPaused {
        event: &'static str,
        date: NaiveDate,
        open: &'static str,
    },
    #[error("延长期限须由政府信息公开工作机构负责人批准，并写明理由")]
    ExtensionWithoutApproval,
    #[error("延长共{total}个工作日，超过最长{max}个工作日")]
    ExtensionTooLong { total: u32, max: u32 },
    #[error("延长的批准日期{approved_on}晚于当时的答复期限{due}")]
    ExtensionAfterDue {
        approved_on: NaiveDate,
        due: NaiveDate,
    },
    #[error("征求意见书的送达日期{delivered}早于发出日期{sent}")]
    DeliveredBeforeSent {
        sent: NaiveDate,
        delivered: NaiveDate,
    },
    #[error("{0}")]
    BadOutcome(String),
    #[error("“{event}”（{date}）在已作出答复之后")]
    AfterAnswer {
        event: &'static str,
        date: NaiveDate,
    },
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// Where a request stands on the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Counting towards `due`.
    Running,
    /// Waiting for a correction, a consulted party or a payment: not counting.
    Paused,
    Answered,
}

/// The clock derived from a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clock {
    pub received_on: NaiveDate,
    /// The date the answer period runs from: the receipt, or the last correction received.
    pub runs_from: NaiveDate,
    /// The correction notice deadline (Art 30).
    pub correction_notice_due: NaiveDate,
    pub extension_wd: u32,
    /// The answer's due date and its day-by-day derivation (pauses applied).
    pub due: Due,
    pub state: ClockState,
    /// Open pause: what the request waits for, since when.
    pub waiting_since: Option<(&'static str, NaiveDate)>,
    pub answered_on: Option<NaiveDate>,
    /// Whether the answer came on or before the due date.
    pub on_time: Option<bool>,
    /// The "due soon" threshold in force for this request (`foi.alert.due_soon_wd`).
    pub due_soon_wd: u32,
}

/// Where a request stands today, for the queues (spec §3.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Standing {
    Answered {
        late: bool,
    },
    Paused,
    Overdue,
    DueToday,
    /// Running, with at most `due_soon_wd` working days left.
    DueSoon,
    Running,
}

impl Standing {
    pub fn zh(self) -> &'static str {
        match self {
            Standing::Answered { late: true } => "已答复（逾期）",
            Standing::Answered { late: false } => "已答复",
            Standing::Paused => "暂停计时",
            Standing::Overdue => "已逾期",
            Standing::DueToday => "今日到期",
            Standing::DueSoon => "即将到期",
            Standing::Running => "办理中",
        }
    }
}

impl Clock {
    /// Where the request stands on `today`, by the working days left on `calendar`.
    pub fn standing(&self, today: NaiveDate, calendar: &Calendar) -> Standing {
        match self.state {
            ClockState::Answered => Standing::Answered {
                late: self.on_time == Some(false),
            },
            ClockState::Paused => Standing::Paused,
            ClockState::Running if self.due.date < today => Standing::Overdue,
            ClockState::Running if self.due.date == today => Standing::DueToday,
            ClockState::Running => {
                let left = calendar.working_days_between(today, self.due.date).ok();
                if left.is_some_and(|days| days <= self.due_soon_wd) {
                    Standing::DueSoon
                } else {
                    Standing::Running
                }
            }
        }
    }
}

/// A pause being built: the event that opened it and its start.
struct OpenPause {
    what: &'static str,
    from: NaiveDate,
    /// For a consultation: the last day the consulted party may answer, after which the clock
    /// runs again without an answer (spec §3.3, project rule).
    lapses_on: Option<NaiveDate>,
}

impl OpenPause {
    /// The pause as it stands on `on`: it never runs past a consultation's lapse.
    fn until(&self, on: NaiveDate) -> (NaiveDate, NaiveDate) {
        (self.from, self.lapses_on.map_or(on, |lapse| lapse.min(on)))
    }

    /// A consultation whose party's period ended before `on`: the clock already runs again.
    fn lapsed_before(&self, on: NaiveDate) -> bool {
        self.lapses_on.is_some_and(|lapse| lapse < on)
    }
}

/// Derives the clock from `events` (in date order, starting with the receipt). `today` closes
/// a pause that is still open: its days up to today are not counted, and a consultation whose
/// answer period has lapsed counts again from the day after the lapse.
pub fn derive(
    events: &[ClockEvent],
    calendar: &Calendar,
    params: &ClockParams,
    today: NaiveDate,
) -> Result<Clock, ClockError> {
    let Some(ClockEvent::Received { on: received_on }) = events.first() else {
        return Err(ClockError::NotStartedByReceipt);
    };
    let received_on = *received_on;
    let correction_notice_due = calendar
        .due_date(received_on, params.correction_notice_wd)?
        .date;
    let mut runs_from = received_on;
    let mut pauses: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let mut open: Option<OpenPause> = None;
    let mut correction_requested = false;
    let mut extension_wd: u32 = 0;
    let mut answered_on = None;
    let mut previous = received_on;
    for (index, event) in events.iter().enumerate().skip(1) {
        let date = event.date();
        if date < previous {
            return Err(ClockError::OutOfOrder {
                index: index + 1,
                event: event.zh(),
                date,
            });
        }
        previous = date;
        // A consultation whose period has passed no longer pauses; a late answer still closes it.
        let late_answer = matches!(event, ClockEvent::ConsultationAnswered { .. });
        if let Some(pause) = open.take_if(|pause| !late_answer && pause.lapsed_before(date)) {
            pauses.push(pause.until(date));
        }
        if answered_on.is_some() {
            return Err(ClockError::AfterAnswer {
                event: event.zh(),
                date,
            });
        }
        match event {
            ClockEvent::Received { .. } => return Err(ClockError::NotStartedByReceipt),
            ClockEvent::CorrectionRequested { on } => {
                if correction_requested {
                    return Err(ClockError::SecondCorrection);
                }
                if *on > correction_notice_due {
                    return Err(ClockError::LateCorrection {
                        on: *on,
                        limit: params.correction_notice_wd,
                        deadline: correction_notice_due,
                    });
                }
                refuse_if_open(&open, event)?;
                correction_requested = true;
                open = Some(OpenPause {
                    what: "补正",
                    from: *on,
                    lapses_on: None,
                });
            }
            ClockEvent::CorrectionReceived { on } => {
                match open.take() {
                    Some(pause) if pause.what == "补正" => {}
                    Some(other) => {
                        return Err(ClockError::AlreadyPaused {
                            event: event.zh(),
                            date: *on,
                            open: other.what,
                        });
                    }
                    None => return Err(ClockError::CorrectionWithoutRequest),
                }
                // Art 30: the answer period runs afresh; earlier pauses no longer matter.
                runs_from = *on;
                pauses.clear();
            }
            ClockEvent::ConsultationSent {
                on,
                consulted,
                delivered_on,
            } => {
                refuse_if_open(&open, event)?;
                let reply_wd = match consulted {
                    Consulted::ThirdParty => params.third_party_reply_wd,
                    Consulted::OtherAgency => params.other_agency_reply_wd,
                };
                let delivered = match delivered_on {
                    Some(delivered) if delivered < on => {
                        return Err(ClockError::DeliveredBeforeSent {
                            sent: *on,
                            delivered: *delivered,
                        });
                    }
                    Some(delivered) => *delivered,
                    None => calendar.due_date(*on, params.assumed_delivery_wd)?.date,
                };
                open = Some(OpenPause {
                    what: "征求意见",
                    from: *on,
                    lapses_on: Some(calendar.due_date(delivered, reply_wd)?.date),
                });
            }
            ClockEvent::ConsultationAnswered { on } => {
                let pause = close(&mut open, "征求意见", event, *on)?;
                pauses.push(pause.until(*on));
            }
            ClockEvent::FeeNoticeSent { on } => {
                refuse_if_open(&open, event)?;
                if params.fee_pauses_clock {
                    open = Some(OpenPause {
                        what: "缴费",
                        from: *on,
                        lapses_on: None,
                    });
                }
            }
            ClockEvent::FeePaid { on } => {
                if params.fee_pauses_clock {
                    let pause = close(&mut open, "缴费", event, *on)?;
                    pauses.push((pause.from, *on));
                }
            }
            ClockEvent::Extended {
                approved_on,
                working_days,
                approved_by,
                reason,
            } => {
                if approved_by.trim().is_empty() || reason.trim().is_empty() {
                    return Err(ClockError::ExtensionWithoutApproval);
                }
                let total = extension_wd.saturating_add(*working_days);
                if total > params.extension_max_wd {
                    return Err(ClockError::ExtensionTooLong {
                        total,
                        max: params.extension_max_wd,
                    });
                }
                // The due date as it stands on the approval day, an open pause included.
                let mut pauses_then = pauses.clone();
                pauses_then.extend(open.as_ref().map(|pause| pause.until(*approved_on)));
                let due_then = answer_due(calendar, params, runs_from, extension_wd, &pauses_then)?;
                if *approved_on > due_then.date {
                    return Err(ClockError::ExtensionAfterDue {
                        approved_on: *approved_on,
                        due: due_then.date,
                    });
                }
                extension_wd = total;
            }
            ClockEvent::Answered { on, outcome } => {
                outcome.check()?;
                if let Some(pause) = open.take() {
                    pauses.push(pause.until(*on));
                }
                answered_on = Some(*on);
            }
        }
    }
    let waiting_since = match &open {
        Some(pause) => {
            pauses.push(pause.until(today));
            (!pause.lapsed_before(today)).then_some((pause.what, pause.from))
        }
        None => None,
    };
    let due = answer_due(calendar, params, runs_from, extension_wd, &pauses)?;
    let state = match (answered_on, waiting_since) {
        (Some(_), _) => ClockState::Answered,
        (None, Some(_)) => ClockState::Paused,
        (None, None) => ClockState::Running,
    };
    Ok(Clock {
        received_on,
        runs_from,
        correction_notice_due,
        extension_wd,
        on_time: answered_on.map(|on| on <= due.date),
        due_soon_wd: params.due_soon_wd,
        due,
        state,
        waiting_since,
        answered_on,
    })
}

fn answer_due(
    calendar: &Calendar,
    params: &ClockParams,
    runs_from: NaiveDate,
    extension_wd: u32,
    pauses: &[(NaiveDate, NaiveDate)],
) -> Result<Due, ClockError> {
    Ok(calendar.due_date_with_pauses(runs_from, params.reply_wd + extension_wd, pauses)?)
}

fn refuse_if_open(open: &Option<OpenPause>, event: &ClockEvent) -> Result<(), ClockError> {
    match open {
        Some(pause) => Err(ClockError::AlreadyPaused {
            event: event.zh(),
            date: event.date(),
            open: pause.what,
        }),
        None => Ok(()),
    }
}

fn close(
    open: &mut Option<OpenPause>,
    expected: &'static str,
    event: &ClockEvent,
    on: NaiveDate,
) -> Result<OpenPause, ClockError> {
    match open.take() {
        Some(pause) if pause.what == expected => Ok(pause),
        other => {
            *open = other;
            Err(ClockError::UnmatchedResume {
                event: event.zh(),
                date: on,
                expected,
            })
        }
    }
}

pub mod annual;
pub mod dispute;
pub mod fees;
pub mod layout;
pub mod ledger;
pub mod reply;
pub mod report;

#[cfg(test)]
mod tests;
