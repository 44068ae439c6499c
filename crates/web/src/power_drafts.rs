//! Staff side of 权责清单: a clerk (经办人) drafts an adjustment, which is checked at once by a
//! trial run against the register; a reviewer (审核人) publishes or returns it. Every route asks
//! the one permission function about the draft's owning agency.

use crate::AppState;
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::session::{CsrfForm, Staff};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fazhi_core::org::{Action, Target, scopes_allowing};
use fazhi_core::powers::{
    AdjustmentKind, Condition, Decision, Item, basis_text, parse_basis, split_list, split_names,
};
use fazhi_db::powers::{DraftContent, DraftRow, Giver, ItemChange, NewAdjustment, NewBatch};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/powers", get(drafts_page).post(create_draft))
        .route(
            "/admin/powers/item",
            get(item_form_page).post(create_item_draft),
        )
        .route("/admin/powers/drafts/{id}/publish", post(publish))
        .route("/admin/powers/drafts/{id}/reject", post(reject))
}

#[derive(Deserialize, Default, Clone)]
pub struct DraftForm {
    #[serde(default)]
    decision_title: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    doc_number: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    item_code: String,
    #[serde(default)]
    effective: String,
    #[serde(default)]
    from_agency: String,
    #[serde(default)]
    from_external: String,
    #[serde(default)]
    to_agencies: String,
    #[serde(default)]
    term_end: String,
    #[serde(default)]
    condition_text: String,
    #[serde(default)]
    condition_attribute: String,
    #[serde(default)]
    condition_value: String,
    #[serde(default)]
    residual: String,
}

impl DraftForm {
    fn to_batch(&self) -> Result<NewBatch, AppError> {
        let title = self.decision_title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(AppError::Invalid("依据文件标题须为1至200个字符".into()));
        }
        let kind = AdjustmentKind::parse(self.kind.trim())
            .ok_or_else(|| AppError::Invalid("请选择调整类型".into()))?;
        let from = match (self.from_agency.trim(), self.from_external.trim()) {
            ("", "") => None,
            (code, "") => Some(Giver::Agency(code.to_string())),
            ("", name) => Some(Giver::External(name.to_string())),
            _ => {
                return Err(AppError::Invalid(
                    "交出单位只能填写平台内机构代码或平台外单位名称之一".into(),
                ));
            }
        };
        let condition = match (self.condition_attribute.trim(), self.condition_value.trim()) {
            ("", "") => None,
            ("", _) | (_, "") => {
                return Err(AppError::Invalid("适用条件须同时填写属性和取值".into()));
            }
            (attribute, value) => Some(Condition {
                attribute: attribute.to_string(),
                value: value.to_string(),
                text: self.condition_text.trim().to_string(),
            }),
        };
        let term_end = match self.term_end.trim() {
            "" => None,
            text => Some(crate::session::form_date(text, "委托期限")?),
        };
        let adjustment = NewAdjustment {
            kind,
            item_code: self.item_code.trim().to_string(),
            effective: crate::session::form_date(&self.effective, "生效日期")?,
            from,
            to: self
                .to_agencies
                .split([',', '，', ' ', '\n', '、'])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
            term_end,
            condition,
            giver_keeps_residual: self.residual == "1",
        };
        let doc_number = Some(self.doc_number.trim().to_string()).filter(|d| !d.is_empty());
        Ok(NewBatch {
            decision: Decision {
                title: title.to_string(),
                doc_number,
                date: crate::session::form_date(&self.decided_on, "决定日期")?,
            },
            url: None,
            adjustments: vec![adjustment],
        })
    }

    /// The agency that owns the draft: the giver on the platform, else the first receiver.
    fn owner_code(&self, batch: &NewBatch) -> Option<String> {
        let adjustment = batch.adjustments.first()?;
        match &adjustment.from {
            Some(Giver::Agency(code)) => Some(code.clone()),
            _ => adjustment.to.first().cloned(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_powers.html")]
struct DraftsPage {
    layout: Layout,
    drafts: Vec<DraftView>,
    kinds: Vec<(&'static str, &'static str)>,
    form: DraftForm,
    may_draft: bool,
    expiring: Vec<fazhi_db::powers::EntrustmentDue>,
    expiring_days: i64,
    error: Option<String>,
    notice: Option<String>,
}

/// How far ahead the page looks for entrustments whose term ends (spec/powers.md Q7).
const EXPIRING_DAYS: i64 = 90;

/// Q7 for the home division: entrustments whose term ends within `EXPIRING_DAYS`.
async fn expiring_entrustments(
    state: &AppState,
) -> Result<Vec<fazhi_db::powers::EntrustmentDue>, AppError> {
    let Some(home) =
        fazhi_db::org::division_by_code(&state.db, &state.config.home_division).await?
    else {
        return Ok(Vec::new());
    };
    Ok(fazhi_db::powers::entrustments_ending(
        &state.db,
        &home.path,
        fazhi_core::clock::beijing_today(),
        EXPIRING_DAYS,
    )
    .await?)
}

struct DraftView {
    row: DraftRow,
    may_review: bool,
    /// For an item draft, what it changes, field by field.
    changes: Vec<FieldChange>,
}

/// Drafts the staff member may see: where they may draft or review.
async fn visible_drafts(state: &AppState, staff: &Staff) -> Result<Vec<DraftView>, AppError> {
    let everywhere =
        staff.may(Action::Draft, &Target::Global) || staff.may(Action::Review, &Target::Global);
    let mut scopes = scopes_allowing(&staff.grants, Action::Draft);
    scopes.extend(scopes_allowing(&staff.grants, Action::Review));
    let rows =
        fazhi_db::powers::drafts(&state.db, if everywhere { None } else { Some(&scopes) }).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let may_review = row.status == "draft" && staff.may(Action::Review, &row.target());
            let changes = match row.content() {
                Ok(DraftContent::Item(change)) => {
                    item_changes(change.before.as_ref(), &change.after)
                }
                _ => Vec::new(),
            };
            DraftView {
                row,
                may_review,
                changes,
            }
        })
        .collect())
}

async fn render(
    state: &AppState,
    staff: &Staff,
    form: DraftForm,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    html(DraftsPage {
        layout: Layout::new("权责调整", "/admin/powers", Some(staff)),
        drafts: visible_drafts(state, staff).await?,
        kinds: AdjustmentKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), k.zh()))
            .collect(),
        form,
        may_draft: staff.may_somewhere(Action::Draft),
        expiring: expiring_entrustments(state).await?,
        expiring_days: EXPIRING_DAYS,
        error,
        notice,
    })
}

async fn drafts_page(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    if !staff.may_somewhere(Action::Draft) && !staff.may_somewhere(Action::Review) {
        return Err(AppError::Forbidden);
    }
    render(&state, &staff, DraftForm::default(), None, None).await
}

async fn create_draft(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<DraftForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let batch = form.to_batch()?;
        let owner_code = form
            .owner_code(&batch)
            .ok_or_else(|| AppError::Invalid("请填写交出单位或承接单位".into()))?;
        let owner = fazhi_db::org::agency_by_code(&state.db, &owner_code)
            .await?
            .ok_or_else(|| AppError::Invalid(format!("机构“{owner_code}”不存在")))?;
        staff.require(Action::Draft, &owner.target())?;
        let adjustment = &batch.adjustments[0];
        let summary = format!(
            "{} {} {}（{}）",
            adjustment.effective,
            adjustment.kind.zh(),
            adjustment.item_code,
            owner.name
        );
        fazhi_db::powers::save_draft(
            &state.db,
            &staff.actor(),
            fazhi_core::clock::now(),
            owner.id,
            &summary,
            &DraftContent::Adjustment(batch),
        )
        .await?;
        Ok::<String, AppError>(summary)
    }
    .await;
    match outcome {
        Ok(summary) => submitted(&state, &staff, &summary).await,
        Err(AppError::Invalid(message)) => {
            let mut response = render(&state, &staff, form, Some(message), None).await?;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

/// The drafts page after a draft was saved.
async fn submitted(state: &AppState, staff: &Staff, summary: &str) -> Result<Response, AppError> {
    let notice = format!("已提交草稿：{summary}，待审核人发布。");
    render(state, staff, DraftForm::default(), None, Some(notice)).await
}

/// The draft, after checking that `staff` may review drafts of its agency.
async fn reviewable(state: &AppState, staff: &Staff, id: i64) -> Result<DraftRow, AppError> {
    let row = fazhi_db::powers::draft(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(Action::Review, &row.target())?;
    Ok(row)
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::session::NoFields>,
) -> Result<Response, AppError> {
    reviewable(&state, &staff, id).await?;
    match fazhi_db::powers::publish_draft(&state.db, &staff.actor(), fazhi_core::clock::now(), id)
        .await
    {
        Ok(()) => Ok(Redirect::to("/admin/powers").into_response()),
        Err(fazhi_db::DbError::Invalid(message)) => {
            let mut response = render(
                &state,
                &staff,
                DraftForm::default(),
                Some(format!("发布失败：{message}")),
                None,
            )
            .await?;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
struct RejectForm {
    note: String,
}

async fn reject(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RejectForm>,
) -> Result<Response, AppError> {
    reviewable(&state, &staff, id).await?;
    fazhi_db::powers::reject_draft(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        &form.note,
    )
    .await?;
    Ok(Redirect::to("/admin/powers").into_response())
}

// ---------------------------------------------------------------------------------------------
// Item drafts: a new item, or a new description of an existing one

#[derive(Deserialize, Default, Clone)]
pub struct ItemForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    sub_items: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    responsibilities: String,
    #[serde(default)]
    accountability: String,
    #[serde(default)]
    supervision: String,
    #[serde(default)]
    note: String,
    /// Codes of the related inspection and coercive items, one a line.
    #[serde(default)]
    related_items: String,
    /// The proposing agency's code: for an existing item, one that holds it today.
    #[serde(default)]
    owner: String,
    /// Fingerprint of the item as the form showed it (empty for a new item).
    #[serde(default)]
    base: String,
}

/// Longest free-text field of an item form, in characters.
const MAX_ITEM_TEXT: usize = 2000;

impl ItemForm {
    fn of(item: &Item, owner: &str) -> ItemForm {
        ItemForm {
            code: item.code.clone(),
            name: item.name.clone(),
            sub_items: item.sub_items.join("\n"),
            category: item.category.clone(),
            basis: basis_text(&item.basis),
            responsibilities: item.responsibilities.join("、"),
            accountability: item.accountability.clone(),
            supervision: item.supervision.clone(),
            note: item.note.clone(),
            related_items: item.related_items.join("\n"),
            owner: owner.to_string(),
            base: fazhi_core::powers::item_fingerprint(item),
        }
    }

    fn to_item(&self) -> Result<Item, AppError> {
        let texts = [
            (&self.sub_items, "子项名称"),
            (&self.basis, "设定依据"),
            (&self.responsibilities, "责任事项"),
            (&self.accountability, "追责情形"),
            (&self.supervision, "监督方式"),
            (&self.note, "备注"),
            (&self.related_items, "关联事项"),
        ];
        if let Some((_, label)) = texts
            .iter()
            .find(|(text, _)| text.chars().count() > MAX_ITEM_TEXT)
        {
            return Err(AppError::Invalid(format!(
                "{label}不能超过{MAX_ITEM_TEXT}个字符"
            )));
        }
        Ok(Item {
            code: self.code.trim().to_string(),
            name: self.name.trim().to_string(),
            sub_items: split_names(&self.sub_items),
            category: self.category.trim().to_string(),
            basis: parse_basis(&self.basis).map_err(AppError::Invalid)?,
            responsibilities: split_list(&self.responsibilities),
            accountability: self.accountability.trim().to_string(),
            supervision: self.supervision.trim().to_string(),
            note: self.note.trim().to_string(),
            related_items: split_names(&self.related_items),
        })
    }
}

/// One field a draft changes: its name, the text before and the text proposed.
pub struct FieldChange {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// The fields of `after` that differ from `before` (every filled field of a new item), as the
/// reviewer reads them.
fn item_changes(before: Option<&Item>, after: &Item) -> Vec<FieldChange> {
    let texts = |item: &Item| {
        [
            ("事项名称", item.name.clone()),
            ("子项名称", item.sub_items.join("；")),
            ("事项类别", item.category.clone()),
            ("设定依据", basis_text(&item.basis)),
            ("责任事项", item.responsibilities.join("、")),
            ("追责情形", item.accountability.clone()),
            ("监督方式", item.supervision.clone()),
            ("备注", item.note.clone()),
            ("关联事项", item.related_items.join("；")),
        ]
    };
    let old = before.map(texts);
    texts(after)
        .into_iter()
        .enumerate()
        .filter_map(|(index, (field, new))| {
            let previous = old
                .as_ref()
                .map(|fields| fields[index].1.clone())
                .unwrap_or_default();
            (previous != new).then_some(FieldChange {
                field,
                before: previous,
                after: new,
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin_power_item.html")]
struct ItemFormPage {
    layout: Layout,
    form: ItemForm,
    existing: bool,
    categories: Vec<fazhi_db::powers::CategoryRow>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct ItemQuery {
    #[serde(default)]
    code: String,
}

async fn render_item_form(
    state: &AppState,
    staff: &Staff,
    form: ItemForm,
    existing: bool,
    error: Option<String>,
) -> Result<Response, AppError> {
    let mut response = html(ItemFormPage {
        layout: Layout::new("事项草稿", "/admin/powers", Some(staff)),
        form,
        existing,
        categories: fazhi_db::powers::categories(&state.db).await?,
        error: error.clone(),
    })?;
    if error.is_some() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// The form for a new item (no `code`) or for changing the description of item `code`.
async fn item_form_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ItemQuery>,
) -> Result<Response, AppError> {
    if !staff.may_somewhere(Action::Draft) {
        return Err(AppError::Forbidden);
    }
    let code = query.code.trim();
    if code.is_empty() {
        let form = ItemForm {
            owner: staff.user.agency_code.clone(),
            ..ItemForm::default()
        };
        return render_item_form(&state, &staff, form, false, None).await;
    }
    let detail = fazhi_db::powers::item_detail(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = ItemForm::of(&detail.item, &staff.user.agency_code);
    render_item_form(&state, &staff, form, true, None).await
}

/// Checks who may propose `item` for `owner_code` against the item as the form showed it
/// (`base`), and describes the proposal. An existing item may be changed by an agency that holds
/// it today and whose division contains every holder's, so a county cannot rewrite an item the
/// city or other counties also hold.
async fn item_draft(
    state: &AppState,
    staff: &Staff,
    item: Item,
    owner_code: &str,
    base: &str,
) -> Result<(i64, String, ItemChange), AppError> {
    let owner = fazhi_db::org::agency_by_code(&state.db, owner_code)
        .await?
        .ok_or_else(|| AppError::Invalid(format!("提出单位“{owner_code}”不存在")))?;
    staff.require(Action::Draft, &owner.target())?;
    let current = fazhi_db::powers::item_detail(&state.db, &item.code)
        .await?
        .map(|detail| detail.item);
    let shown = current
        .as_ref()
        .map(fazhi_core::powers::item_fingerprint)
        .unwrap_or_default();
    if shown != base {
        return Err(AppError::Invalid(format!(
            "事项“{}”在您打开表单后已有变化（他人发布了修改或新建了同一编码），请重新打开后填写",
            item.code
        )));
    }
    let summary = match &current {
        None => format!("新建事项 {} {}", item.code, item.name),
        Some(current) => {
            let today = fazhi_core::clock::beijing_today();
            if !fazhi_db::powers::holds(&state.db, &item.code, &owner.code, today).await? {
                return Err(AppError::Invalid(format!(
                    "{}今天未持有事项“{}”，只有持有单位可以提出修改",
                    owner.name, item.code
                )));
            }
            let territories =
                fazhi_db::powers::holding_territories(&state.db, &item.code, today).await?;
            if territories
                .iter()
                .any(|t| !t.starts_with(&owner.division_path))
            {
                return Err(AppError::Invalid(format!(
                    "事项“{}”还由{}以外的单位持有，须由上级持有单位提出修改",
                    item.code, owner.division_name
                )));
            }
            let fields: Vec<&str> = item_changes(Some(current), &item)
                .iter()
                .map(|change| change.field)
                .collect();
            if fields.is_empty() {
                return Err(AppError::Invalid("内容与现有记录相同，无需修改".into()));
            }
            format!("修改事项 {}：{}", item.code, fields.join("、"))
        }
    };
    let change = ItemChange {
        before: current,
        after: item,
    };
    Ok((owner.id, format!("{summary}（{}）", owner.name), change))
}

async fn create_item_draft(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<ItemForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let item = form.to_item()?;
        let (owner_id, summary, change) =
            item_draft(&state, &staff, item, form.owner.trim(), form.base.trim()).await?;
        fazhi_db::powers::save_draft(
            &state.db,
            &staff.actor(),
            fazhi_core::clock::now(),
            owner_id,
            &summary,
            &DraftContent::Item(Box::new(change)),
        )
        .await?;
        Ok::<String, AppError>(summary)
    }
    .await;
    match outcome {
        Ok(summary) => submitted(&state, &staff, &summary).await,
        Err(AppError::Invalid(message)) => {
            let existing = fazhi_db::powers::item(&state.db, form.code.trim())
                .await?
                .is_some();
            render_item_form(&state, &staff, form, existing, Some(message)).await
        }
        Err(other) => Err(other),
    }
}
