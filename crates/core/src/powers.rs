//! 权责清单 as a point-in-time register (spec/powers.md): adjustments are dated events, never
//! in-place edits; replaying them gives, for every item, who held it where and when. The
//! queries of spec §7 (Q1 holder on a date, Q2 catalogue as of a date, Q3 changes between two
//! dates, Q7 entrustments ending soon) read the replayed ledger.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The seven adjustment types of spec §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentKind {
    /// 新增: a new power appears, held by the receivers.
    Add,
    /// 取消: the power ends (for every holder, or for the named giver only).
    Abolish,
    /// 承接: the receiving side of a hand-down from outside the platform (e.g. a province
    /// department), recorded once; the giver may be external.
    TakeOver,
    /// 下放: legal responsibility passes to the receivers; the giver supervises them.
    Devolve,
    /// 委托: the receivers exercise the power in the giver's name until the term ends.
    Entrust,
    /// 收回: a devolution or entrustment ends; the power returns to the original holder.
    TakeBack,
    /// 变更: fields of the item change; holders do not.
    Change,
}

impl AdjustmentKind {
    pub const ALL: [AdjustmentKind; 7] = [
        AdjustmentKind::Add,
        AdjustmentKind::Abolish,
        AdjustmentKind::TakeOver,
        AdjustmentKind::Devolve,
        AdjustmentKind::Entrust,
        AdjustmentKind::TakeBack,
        AdjustmentKind::Change,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            AdjustmentKind::Add => "新增",
            AdjustmentKind::Abolish => "取消",
            AdjustmentKind::TakeOver => "承接",
            AdjustmentKind::Devolve => "下放",
            AdjustmentKind::Entrust => "委托",
            AdjustmentKind::TakeBack => "收回",
            AdjustmentKind::Change => "变更",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.zh() == text || kind.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AdjustmentKind::Add => "add",
            AdjustmentKind::Abolish => "abolish",
            AdjustmentKind::TakeOver => "take_over",
            AdjustmentKind::Devolve => "devolve",
            AdjustmentKind::Entrust => "entrust",
            AdjustmentKind::TakeBack => "take_back",
            AdjustmentKind::Change => "change",
        }
    }
}

/// An organisation on one side of an adjustment, with the territory it acts for (the
/// materialised path of its division). A giver outside the platform has no territory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Party {
    /// Agency code on the platform, or the name of an outside body (e.g. 广东省水利厅).
    pub agency: String,
    pub territory: Option<String>,
}

impl Party {
    pub fn on_platform(agency: &str, territory: &str) -> Party {
        Party {
            agency: agency.to_string(),
            territory: Some(territory.to_string()),
        }
    }

    pub fn external(name: &str) -> Party {
        Party {
            agency: name.to_string(),
            territory: None,
        }
    }
}

/// A condition restricting a holding to some cases (spec §4.3), e.g. 取水许可 devolved to the
/// counties except intakes spanning several counties: `intake_spans_counties = false`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Condition {
    pub attribute: String,
    pub value: String,
    /// Human-readable, e.g. 不含跨县（市、区）取水.
    pub text: String,
}

impl Condition {
    /// With no case attributes the condition is undecided (`None`).
    fn matches(&self, attributes: Option<&CaseAttributes>) -> Option<bool> {
        attributes.map(|attrs| attrs.get(&self.attribute) == Some(&self.value))
    }
}

pub type CaseAttributes = BTreeMap<String, String>;

/// The deciding document (spec §3 `decision`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub title: String,
    /// 文号, e.g. 梅市府〔2020〕25号.
    pub doc_number: Option<String>,
    pub date: NaiveDate,
}

/// One adjustment applied to one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    /// Stable id (database key), used to order adjustments of the same day and to cite them.
    pub id: i64,
    pub kind: AdjustmentKind,
    pub item_code: String,
    /// From this date the new position applies (the handover date when recorded; §4.2 rule 1).
    pub effective: NaiveDate,
    /// The giver: for 下放/委托/收回/取消-of-one-holder. `None` for 新增 and 变更.
    pub from: Option<Party>,
    /// The receivers: for 新增/承接/下放/委托, and the holder taking a power back in 收回.
    pub to: Vec<Party>,
    /// 委托: end of the 委托期限 (exclusive: the entrustment no longer applies on this date).
    pub term_end: Option<NaiveDate>,
    /// Restricts the receivers' holding (spec §4.3).
    pub condition: Option<Condition>,
    /// 下放 with a condition or to part of the territory: the giver keeps the rest.
    pub giver_keeps_residual: bool,
    pub decision: Decision,
}

/// A legal holding over an interval `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holding {
    pub item_code: String,
    pub holder: Party,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub condition: Option<Condition>,
    /// After a 下放, the former holder supervises the receiver.
    pub supervised_by: Option<Party>,
    /// The adjustment that opened this holding.
    pub opened_by: i64,
    pub closed_by: Option<i64>,
}

impl Holding {
    fn active_on(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date < to)
    }

    fn is_open(&self) -> bool {
        self.to.is_none()
    }

    /// Does this holding's territory contain the division with materialised path `place`?
    fn covers(&self, place: &str) -> bool {
        self.holder
            .territory
            .as_deref()
            .is_some_and(|territory| place.starts_with(territory))
    }
}

/// An entrustment `[from, to)`: `exercised_by` acts in the name of `legal_holder`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entrustment {
    pub item_code: String,
    pub legal_holder: Party,
    pub exercised_by: Party,
    pub from: NaiveDate,
    /// The earlier of the term end and a 收回.
    pub to: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub opened_by: i64,
    pub taken_back_by: Option<i64>,
}

impl Entrustment {
    fn active_on(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date < to)
    }

    fn overlaps(&self, from: NaiveDate, to: Option<NaiveDate>) -> bool {
        let starts_before_other_ends = to.is_none_or(|to| self.from < to);
        let other_starts_before_self_ends = self.to.is_none_or(|end| from < end);
        starts_before_other_ends && other_starts_before_self_ends
    }
}

/// Why an adjustment cannot be applied; the message names the item, date and parties.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("调整{id}（{kind}，事项{item}）：{message}")]
    Invalid {
        id: i64,
        kind: &'static str,
        item: String,
        message: String,
    },
}

/// The replayed register.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Ledger {
    pub holdings: Vec<Holding>,
    pub entrustments: Vec<Entrustment>,
    /// Every adjustment applied, in the order applied (effective date, then id).
    pub adjustments: Vec<Adjustment>,
}

impl Ledger {
    /// Replays `adjustments` in date order. The first adjustment that contradicts the
    /// register (a giver that does not hold the item on that date, overlapping entrustments,
    /// dates out of order) stops the replay with an error naming it.
    pub fn replay(mut adjustments: Vec<Adjustment>) -> Result<Ledger, LedgerError> {
        adjustments.sort_by_key(|a| (a.effective, a.id));
        let mut ledger = Ledger::default();
        for adjustment in adjustments {
            ledger.apply(&adjustment)?;
            ledger.adjustments.push(adjustment);
        }
        Ok(ledger)
    }

    fn apply(&mut self, adjustment: &Adjustment) -> Result<(), LedgerError> {
        check_dates(adjustment)?;
        match adjustment.kind {
            AdjustmentKind::Add | AdjustmentKind::TakeOver => {
                self.open_for_receivers(adjustment, None)
            }
            AdjustmentKind::Abolish => self.abolish(adjustment),
            AdjustmentKind::Devolve => self.devolve(adjustment),
            AdjustmentKind::Entrust => self.entrust(adjustment),
            AdjustmentKind::TakeBack => self.take_back(adjustment),
            AdjustmentKind::Change => self.require_some_holding(adjustment),
        }
    }

    fn open_for_receivers(
        &mut self,
        adjustment: &Adjustment,
        supervised_by: Option<&Party>,
    ) -> Result<(), LedgerError> {
        if adjustment.to.is_empty() {
            return Err(invalid(adjustment, "未指定承接（实施）单位".into()));
        }
        for receiver in &adjustment.to {
            if receiver.territory.is_none() {
                return Err(invalid(
                    adjustment,
                    format!("承接单位“{}”不是平台内的机构", receiver.agency),
                ));
            }
            if self
                .open_holding_index(&adjustment.item_code, &receiver.agency)
                .is_some()
            {
                return Err(invalid(
                    adjustment,
                    format!("“{}”在该日已持有此事项", receiver.agency),
                ));
            }
            self.holdings.push(Holding {
                item_code: adjustment.item_code.clone(),
                holder: receiver.clone(),
                from: adjustment.effective,
                to: None,
                condition: adjustment.condition.clone(),
                supervised_by: supervised_by.cloned(),
                opened_by: adjustment.id,
                closed_by: None,
            });
        }
        Ok(())
    }

    fn open_holding_index(&self, item_code: &str, agency: &str) -> Option<usize> {
        self.holdings
            .iter()
            .position(|h| h.item_code == item_code && h.holder.agency == agency && h.is_open())
    }

    /// The giver must hold the item on the effective date.
    fn giver_holding(&self, adjustment: &Adjustment) -> Result<usize, LedgerError> {
        let giver = adjustment
            .from
            .as_ref()
            .ok_or_else(|| invalid(adjustment, "未指定交出单位".into()))?;
        self.open_holding_index(&adjustment.item_code, &giver.agency)
            .ok_or_else(|| {
                invalid(
                    adjustment,
                    format!(
                        "“{}”在{}未持有此事项，不能交出",
                        giver.agency, adjustment.effective
                    ),
                )
            })
    }

    fn close(&mut self, index: usize, adjustment: &Adjustment) {
        let holding = &mut self.holdings[index];
        holding.to = Some(adjustment.effective);
        holding.closed_by = Some(adjustment.id);
    }

    fn abolish(&mut self, adjustment: &Adjustment) -> Result<(), LedgerError> {
        let open: Vec<usize> = match &adjustment.from {
            Some(_) => vec![self.giver_holding(adjustment)?],
            None => (0..self.holdings.len())
                .filter(|&i| {
                    self.holdings[i].item_code == adjustment.item_code && self.holdings[i].is_open()
                })
                .collect(),
        };
        if open.is_empty() {
            return Err(invalid(
                adjustment,
                format!("该事项在{}已无持有单位", adjustment.effective),
            ));
        }
        let giver = adjustment.from.as_ref().map(|party| party.agency.as_str());
        for index in open {
            self.close(index, adjustment);
        }
        // An abolished power can no longer be exercised for its (former) holders either.
        for entrustment in &mut self.entrustments {
            let ends = entrustment.item_code == adjustment.item_code
                && giver.is_none_or(|agency| entrustment.legal_holder.agency == agency)
                && entrustment.active_on(adjustment.effective);
            if ends {
                entrustment.to = Some(adjustment.effective);
                entrustment.taken_back_by = Some(adjustment.id);
            }
        }
        Ok(())
    }

    fn devolve(&mut self, adjustment: &Adjustment) -> Result<(), LedgerError> {
        let giver_index = self.giver_holding(adjustment)?;
        let giver = self.holdings[giver_index].holder.clone();
        let giver_territory = giver.territory.clone().unwrap_or_default();
        if let Some(outside) = adjustment.to.iter().find(|r| {
            !r.territory
                .as_deref()
                .is_some_and(|t| t.starts_with(&giver_territory))
        }) {
            return Err(invalid(
                adjustment,
                format!("“{}”不在交出单位“{}”的辖区内", outside.agency, giver.agency),
            ));
        }
        self.open_for_receivers(adjustment, Some(&giver))?;
        if !adjustment.giver_keeps_residual {
            self.close(giver_index, adjustment);
        }
        Ok(())
    }

    fn entrust(&mut self, adjustment: &Adjustment) -> Result<(), LedgerError> {
        let giver_index = self.giver_holding(adjustment)?;
        let legal_holder = self.holdings[giver_index].holder.clone();
        if adjustment.to.is_empty() {
            return Err(invalid(adjustment, "未指定受委托单位".into()));
        }
        for receiver in &adjustment.to {
            let overlapping = self.entrustments.iter().any(|e| {
                e.item_code == adjustment.item_code
                    && e.legal_holder.agency == legal_holder.agency
                    && e.exercised_by.territory == receiver.territory
                    && e.overlaps(adjustment.effective, adjustment.term_end)
            });
            if overlapping {
                return Err(invalid(
                    adjustment,
                    format!("与“{}”已有的委托期间重叠", receiver.agency),
                ));
            }
            self.entrustments.push(Entrustment {
                item_code: adjustment.item_code.clone(),
                legal_holder: legal_holder.clone(),
                exercised_by: receiver.clone(),
                from: adjustment.effective,
                to: adjustment.term_end,
                term_end: adjustment.term_end,
                opened_by: adjustment.id,
                taken_back_by: None,
            });
        }
        Ok(())
    }

    /// 收回: ends the giver's entrustment if it has one active, otherwise its devolved holding,
    /// and gives the power back to the receiver named in `to` (the original holder).
    fn take_back(&mut self, adjustment: &Adjustment) -> Result<(), LedgerError> {
        let from = adjustment
            .from
            .as_ref()
            .ok_or_else(|| invalid(adjustment, "未指定收回自哪个单位".into()))?;
        if self.end_entrustments_exercised_by(adjustment, &from.agency) > 0 {
            return Ok(());
        }
        let index = self.giver_holding(adjustment)?;
        let original = self.holdings[index].supervised_by.clone().ok_or_else(|| {
            invalid(
                adjustment,
                format!("“{}”的持有并非由下放取得，无可收回", from.agency),
            )
        })?;
        self.close(index, adjustment);
        if self
            .open_holding_index(&adjustment.item_code, &original.agency)
            .is_none()
        {
            let mut back = adjustment.clone();
            back.to = vec![original];
            back.condition = None;
            self.open_for_receivers(&back, None)?;
        }
        Ok(())
    }

    /// Ends the item's active entrustments exercised by `exercised_by` on the adjustment's
    /// date. Returns how many ended.
    fn end_entrustments_exercised_by(
        &mut self,
        adjustment: &Adjustment,
        exercised_by: &str,
    ) -> usize {
        let mut ended = 0;
        for entrustment in &mut self.entrustments {
            let matches = entrustment.item_code == adjustment.item_code
                && entrustment.exercised_by.agency == exercised_by
                && entrustment.active_on(adjustment.effective);
            if matches {
                entrustment.to = Some(adjustment.effective);
                entrustment.taken_back_by = Some(adjustment.id);
                ended += 1;
            }
        }
        ended
    }

    fn require_some_holding(&self, adjustment: &Adjustment) -> Result<(), LedgerError> {
        let held = self
            .holdings
            .iter()
            .any(|h| h.item_code == adjustment.item_code && h.is_open());
        if held {
            Ok(())
        } else {
            Err(invalid(
                adjustment,
                "该事项在该日无持有单位，不能变更".into(),
            ))
        }
    }

    // -----------------------------------------------------------------------------------------
    // Queries

    /// Q1: who holds `item` for the place with materialised path `place` on `date`. The most
    /// specific territory wins; a conditional holding applies when the case attributes satisfy
    /// it. Without attributes, every candidate is returned with its condition, most specific
    /// first (spec §4.3).
    pub fn holder(
        &self,
        item: &str,
        place: &str,
        date: NaiveDate,
        attributes: Option<&CaseAttributes>,
    ) -> Vec<HolderAnswer> {
        let mut candidates: Vec<&Holding> = self
            .holdings
            .iter()
            .filter(|h| h.item_code == item && h.active_on(date) && h.covers(place))
            .collect();
        candidates
            .sort_by_key(|h| std::cmp::Reverse(h.holder.territory.as_ref().map_or(0, String::len)));
        let mut answers = Vec::new();
        for holding in candidates {
            let applies = holding
                .condition
                .as_ref()
                .map_or(Some(true), |c| c.matches(attributes));
            match applies {
                Some(false) => continue,
                Some(true) => {
                    answers.push(self.answer(holding, place, date));
                    break;
                }
                None => answers.push(self.answer(holding, place, date)),
            }
        }
        answers
    }

    fn answer(&self, holding: &Holding, place: &str, date: NaiveDate) -> HolderAnswer {
        let for_holder = |e: &&Entrustment| {
            e.item_code == holding.item_code
                && e.legal_holder.agency == holding.holder.agency
                && e.exercised_by
                    .territory
                    .as_deref()
                    .is_some_and(|t| place.starts_with(t))
        };
        let active = self
            .entrustments
            .iter()
            .filter(for_holder)
            .find(|e| e.active_on(date));
        let lapsed = self
            .entrustments
            .iter()
            .filter(for_holder)
            .filter(|e| e.taken_back_by.is_none())
            .find(|e| e.term_end.is_some_and(|end| end <= date));
        HolderAnswer {
            legal_holder: holding.holder.clone(),
            exercised_by: active.map_or_else(|| holding.holder.clone(), |e| e.exercised_by.clone()),
            supervised_by: holding.supervised_by.clone(),
            condition: holding.condition.clone(),
            basis_adjustment: holding.opened_by,
            entrustment: active.map(|e| e.opened_by),
            lapsed_entrustment: if active.is_none() {
                lapsed.map(|e| e.opened_by)
            } else {
                None
            },
        }
    }
}

/// The answer to Q1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolderAnswer {
    pub legal_holder: Party,
    /// The legal holder, or the entrusted unit acting in its name.
    pub exercised_by: Party,
    pub supervised_by: Option<Party>,
    /// The holding applies only to cases meeting this condition.
    pub condition: Option<Condition>,
    /// The adjustment that made the legal holder hold the item.
    pub basis_adjustment: i64,
    pub entrustment: Option<i64>,
    /// An entrustment whose term has passed without renewal (spec §4.2 rule 3: warn; the legal
    /// holder exercises the power again).
    pub lapsed_entrustment: Option<i64>,
}

fn invalid(adjustment: &Adjustment, message: String) -> LedgerError {
    LedgerError::Invalid {
        id: adjustment.id,
        kind: adjustment.kind.zh(),
        item: adjustment.item_code.clone(),
        message,
    }
}

/// Dates out of order: the effective date cannot precede the decision, and a term cannot end
/// before it starts. Only 委托 has a term.
fn check_dates(adjustment: &Adjustment) -> Result<(), LedgerError> {
    if adjustment.effective < adjustment.decision.date {
        return Err(invalid(
            adjustment,
            format!(
                "生效日期{}早于决定日期{}",
                adjustment.effective, adjustment.decision.date
            ),
        ));
    }
    match (adjustment.kind, adjustment.term_end) {
        (AdjustmentKind::Entrust, Some(end)) if end <= adjustment.effective => Err(invalid(
            adjustment,
            format!("委托期限截止日{end}不晚于生效日期{}", adjustment.effective),
        )),
        (kind, Some(_)) if kind != AdjustmentKind::Entrust => {
            Err(invalid(adjustment, "只有委托才有期限".into()))
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Items (spec §2)

/// One provision of the legal basis: 《law》, the article, and optionally the provision's words,
/// e.g. 《中华人民共和国水法》第四十八条：直接从江河、湖泊或者地下取用水资源的单位和个人……
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub law: String,
    pub article: String,
    /// The provision's text, when the list quotes it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// An item of the list with the fields of spec §2 that do not change with the holder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub code: String,
    pub name: String,
    /// 子项名称: the parts of an item that lists publish one by one.
    #[serde(default)]
    pub sub_items: Vec<String>,
    /// A code of the category vocabulary (`data/powers/categories.csv`).
    pub category: String,
    pub basis: Vec<Citation>,
    /// 责任事项, e.g. 受理、审查、决定、送达、事后监管.
    pub responsibilities: Vec<String>,
    /// 追责情形 / 问责依据
    pub accountability: String,
    /// 监督方式
    pub supervision: String,
    pub note: String,
    /// 关联事项: codes of the inspection and coercive powers that move with this item when it is
    /// handed down (spec §5; the link is data).
    #[serde(default)]
    pub related_items: Vec<String>,
}

/// A short digest of an item's content: a form carries the digest of the item it showed, so a
/// change published meanwhile is noticed instead of overwritten.
pub fn item_fingerprint(item: &Item) -> String {
    use sha2::Digest;
    let json = serde_json::to_vec(item).unwrap_or_default();
    hex::encode(&sha2::Sha256::digest(&json)[..8])
}

/// A problem with one field of an item (the import names the row around it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

pub const MAX_ITEM_NAME_CHARS: usize = 200;

/// Parses 设定依据 text: provisions separated by `；` or `;`, each `《law》article` with the
/// provision's words after `：` when quoted (a `；` inside quoted words does not separate, only
/// one followed by `《`).
pub fn parse_basis(text: &str) -> Result<Vec<Citation>, String> {
    let provisions = provisions_of(text);
    if provisions.is_empty() {
        return Err("缺少设定依据".into());
    }
    provisions
        .into_iter()
        .map(|provision| {
            let rest = provision
                .strip_prefix('《')
                .ok_or_else(|| format!("依据“{provision}”应以《法规名称》开头"))?;
            let (law, reference) = rest
                .split_once('》')
                .ok_or_else(|| format!("依据“{provision}”缺少》"))?;
            if law.trim().is_empty() {
                return Err(format!("依据“{provision}”缺少法规名称"));
            }
            let (article, text) = reference.split_once(['：', ':']).unwrap_or((reference, ""));
            Ok(Citation {
                law: law.trim().to_string(),
                article: article.trim().to_string(),
                text: text.trim().to_string(),
            })
        })
        .collect()
}

/// Splits basis text at each `；`/`;` that starts a new provision (is followed by `《`).
fn provisions_of(text: &str) -> Vec<&str> {
    let mut provisions = Vec::new();
    let mut start = 0;
    for (at, separator) in text.match_indices(['；', ';']) {
        let after = at + separator.len();
        if text[after..].trim_start().starts_with('《') {
            provisions.push(text[start..at].trim());
            start = after;
        }
    }
    provisions.push(text[start..].trim());
    provisions.retain(|p| !p.is_empty());
    provisions
}

/// The text form of a basis, as parsed by [`parse_basis`].
pub fn basis_text(basis: &[Citation]) -> String {
    basis
        .iter()
        .map(|c| {
            if c.text.is_empty() {
                format!("《{}》{}", c.law, c.article)
            } else {
                format!("《{}》{}：{}", c.law, c.article, c.text)
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// 责任事项 written in one cell or text box: short words separated by 、，,；; or new lines.
pub fn split_list(text: &str) -> Vec<String> {
    split_at(text, &['、', '，', ',', '；', ';', '\n'])
}

/// 子项名称 written in one cell or text box: names (which may contain 、 or ，) separated by ；;
/// or new lines.
pub fn split_names(text: &str) -> Vec<String> {
    split_at(text, &['；', ';', '\n'])
}

fn split_at(text: &str, separators: &[char]) -> Vec<String> {
    text.split(separators)
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks an item against the category vocabulary; every problem is returned.
pub fn check_item(item: &Item, categories: &[String]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let code_ok = (1..=64).contains(&item.code.len())
        && item
            .code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !code_ok {
        errors.push(FieldError {
            field: "事项编码",
            message: format!("“{}”应为1至64位字母、数字或“-_.”", item.code),
        });
    }
    let name_chars = item.name.trim().chars().count();
    if name_chars == 0 || name_chars > MAX_ITEM_NAME_CHARS {
        errors.push(FieldError {
            field: "事项名称",
            message: format!("应为1至{MAX_ITEM_NAME_CHARS}个字符"),
        });
    }
    if let Some(long) = item
        .sub_items
        .iter()
        .find(|s| s.chars().count() > MAX_ITEM_NAME_CHARS)
    {
        errors.push(FieldError {
            field: "子项名称",
            message: format!("“{long}”超过{MAX_ITEM_NAME_CHARS}个字符"),
        });
    }
    if item.related_items.contains(&item.code) {
        errors.push(FieldError {
            field: "关联事项",
            message: "事项不能关联自身".into(),
        });
    }
    if !categories.contains(&item.category) {
        errors.push(FieldError {
            field: "事项类别",
            message: format!("“{}”不在事项类别表中", item.category),
        });
    }
    if item.basis.is_empty() {
        errors.push(FieldError {
            field: "设定依据",
            message: "缺少设定依据".into(),
        });
    }
    errors
}

pub mod import;

#[cfg(test)]
mod tests;
