//! 政策解读 on the web (issue 4 part 2, spec/openness.md §3): staff write an interpretation for
//! the documents it explains and publish it with or after them; both pages link to each other;
//! the checker lists the defects of §3.3 with the interpretation ratio and the single-form share.

use crate::AppState;
use crate::admin::Pager;
use crate::documents::{ListQuery, scopes_of};
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::session::{CsrfForm, NoFields, Staff, Visitor};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use fazhi_core::openness::{Finding, INTERPRETATION_FORMS, vocabulary};
use fazhi_core::org::Action;
use fazhi_db::Page;
use fazhi_db::interpretations::{Coverage, InterpretationRow, Linked, NewInterpretation};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/interpretations", get(admin_list))
        .route("/admin/interpretations/new", get(new_page).post(create))
        .route("/admin/interpretations/check", get(check_page))
        .route("/admin/interpretations/{id}", get(admin_page))
        .route("/admin/interpretations/{id}/publish", post(publish))
        .route("/interpretations", get(public_list))
        .route("/interpretations/{id}", get(public_page))
}

fn status_zh(status: &str) -> &'static str {
    match status {
        "draft" => "草稿",
        "published" => "已发布",
        _ => "",
    }
}

#[derive(Template)]
#[template(path = "interpretations_admin.html")]
struct AdminListPage {
    layout: Layout,
    rows: Vec<InterpretationRow>,
    may_draft: bool,
    pager: Pager,
}

impl AdminListPage {
    fn status(&self, row: &InterpretationRow) -> &'static str {
        status_zh(&row.status)
    }
}

async fn admin_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let scopes = scopes_of(&staff);
    let page = Page::new(query.page.unwrap_or(1), Page::DEFAULT_SIZE);
    let (rows, total) =
        fazhi_db::interpretations::list(&state.db, scopes.as_deref(), false, page).await?;
    html(AdminListPage {
        layout: Layout::new("政策解读", "/admin/interpretations", Some(&staff)),
        rows,
        may_draft: staff.may_somewhere(Action::Draft),
        pager: Pager::new(page, total, ""),
    })
}

#[derive(Deserialize, Default, Clone)]
pub struct InterpretationForm {
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    form: String,
    /// 索引号 of the documents explained, one per line.
    #[serde(default)]
    documents: String,
    #[serde(default)]
    body: String,
}

#[derive(Template)]
#[template(path = "interpretation_new.html")]
struct NewPage {
    layout: Layout,
    form: InterpretationForm,
    forms: Vec<&'static str>,
    error: Option<String>,
}

fn render_new(
    staff: &Staff,
    form: InterpretationForm,
    error: Option<String>,
) -> Result<Response, AppError> {
    let refused = error.is_some();
    let mut response = html(NewPage {
        layout: Layout::new("撰写政策解读", "/admin/interpretations", Some(staff)),
        form,
        forms: vocabulary(INTERPRETATION_FORMS),
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    /// The document the interpretation is written for, from its page.
    #[serde(default)]
    document: Option<i64>,
}

async fn new_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    if !staff.may_somewhere(Action::Draft) {
        return Err(AppError::Forbidden);
    }
    let mut form = InterpretationForm {
        agency_code: staff.user.agency_code.clone(),
        form: fazhi_db::interpretations::TEXT_FORM.into(),
        ..InterpretationForm::default()
    };
    if let Some(id) = query.document
        && let Some(document) = fazhi_db::documents::document(&state.db, id).await?
    {
        form.title = format!("《{}》政策解读", document.title);
        form.documents = document.index_no;
    }
    render_new(&staff, form, None)
}

/// The documents named by their 索引号 in the form, each once.
async fn document_ids(state: &AppState, lines: &str) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for index_no in lines.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let id = fazhi_db::documents::id_by_index_no(&state.db, index_no)
            .await?
            .ok_or_else(|| AppError::Invalid(format!("索引号为“{index_no}”的文件不存在")))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(AppError::Invalid(
            "请填写所解读文件的索引号：解读须与文件关联".into(),
        ));
    }
    Ok(ids)
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<InterpretationForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        staff
            .agency(&state, &form.agency_code, Action::Draft)
            .await?;
        let new = NewInterpretation {
            agency_code: form.agency_code.trim().to_string(),
            title: form.title.clone(),
            form: form.form.clone(),
            body: form.body.clone(),
            document_ids: document_ids(&state, &form.documents).await?,
        };
        let id = fazhi_db::interpretations::create(
            &state.db,
            &staff.actor(),
            fazhi_core::clock::now(),
            &new,
        )
        .await?;
        Ok::<i64, AppError>(id)
    }
    .await;
    match outcome {
        Ok(id) => Ok(Redirect::to(&format!("/admin/interpretations/{id}")).into_response()),
        Err(AppError::Invalid(message)) => render_new(&staff, form, Some(message)),
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "interpretation_admin.html")]
struct AdminPage {
    layout: Layout,
    interpretation: InterpretationRow,
    status: &'static str,
    documents: Vec<Linked>,
    may_review: bool,
    error: Option<String>,
}

async fn allowed(
    state: &AppState,
    staff: &Staff,
    id: i64,
    action: Action,
) -> Result<InterpretationRow, AppError> {
    let interpretation = fazhi_db::interpretations::interpretation(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(action, &interpretation.target())?;
    Ok(interpretation)
}

async fn render_admin(
    state: &AppState,
    staff: &Staff,
    interpretation: InterpretationRow,
    error: Option<String>,
) -> Result<Response, AppError> {
    let refused = error.is_some();
    let mut response = html(AdminPage {
        layout: Layout::new(&interpretation.title, "/admin/interpretations", Some(staff)),
        status: status_zh(&interpretation.status),
        documents: fazhi_db::interpretations::documents_of(&state.db, interpretation.id).await?,
        may_review: staff.may(Action::Review, &interpretation.target()),
        interpretation,
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

async fn admin_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let interpretation = allowed(&state, &staff, id, Action::View).await?;
    render_admin(&state, &staff, interpretation, None).await
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let interpretation = allowed(&state, &staff, id, Action::Review).await?;
    let change = fazhi_db::interpretations::publish(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        fazhi_core::clock::beijing_today(),
    )
    .await;
    match change {
        Ok(()) => Ok(Redirect::to(&format!("/admin/interpretations/{id}")).into_response()),
        Err(fazhi_db::DbError::Invalid(message)) => {
            render_admin(&state, &staff, interpretation, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// A finding as the checker page lists it: what is wrong and the records to open.
struct FindingLine {
    kind: &'static str,
    links: Vec<(String, String)>,
    detail: String,
}

#[derive(Template)]
#[template(path = "interpretations_check.html")]
struct CheckPage {
    layout: Layout,
    year: i32,
    coverage: Coverage,
    lines: Vec<FindingLine>,
}

impl CheckPage {
    fn percent(&self, share: Option<f64>) -> String {
        share.map_or_else(|| "—".into(), |value| format!("{value:.1}%"))
    }
}

#[derive(Deserialize, Default)]
pub struct CheckQuery {
    #[serde(default)]
    year: Option<i32>,
}

/// The link to a document and to an interpretation, when the staff member may open it.
async fn document_link(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<Option<(String, String)>, AppError> {
    Ok(fazhi_db::documents::document(&state.db, id)
        .await?
        .filter(|d| staff.may(Action::View, &d.target()))
        .map(|d| {
            (
                format!("/admin/documents/{id}"),
                format!("文件《{}》", d.title),
            )
        }))
}

async fn interpretation_link(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<Option<(String, String)>, AppError> {
    Ok(fazhi_db::interpretations::interpretation(&state.db, id)
        .await?
        .filter(|i| staff.may(Action::View, &i.target()))
        .map(|i| {
            (
                format!("/admin/interpretations/{id}"),
                format!("解读《{}》", i.title),
            )
        }))
}

/// The checker's line for a finding, or `None` when the staff member may see none of its
/// records.
async fn finding_line(
    state: &AppState,
    staff: &Staff,
    finding: &Finding,
) -> Result<Option<FindingLine>, AppError> {
    let (kind, links, detail) = match finding {
        Finding::Missing { document } => (
            "缺少解读",
            vec![document_link(state, staff, *document).await?],
            "需要解读的文件已发布，超过允许的间隔仍无已发布的解读".to_string(),
        ),
        Finding::Late {
            interpretation,
            document,
        } => (
            "解读滞后",
            vec![
                interpretation_link(state, staff, *interpretation).await?,
                document_link(state, staff, *document).await?,
            ],
            "解读晚于文件发布加允许的间隔".to_string(),
        ),
        Finding::Unlinked { interpretation } => (
            "未关联文件",
            vec![interpretation_link(state, staff, *interpretation).await?],
            "解读没有关联所解读的文件".to_string(),
        ),
        Finding::Homogenised {
            interpretation,
            other_document,
            other_interpretation,
            score,
        } => {
            let mut links = vec![interpretation_link(state, staff, *interpretation).await?];
            if let Some(document) = other_document {
                links.push(document_link(state, staff, *document).await?);
            }
            if let Some(other) = other_interpretation {
                links.push(interpretation_link(state, staff, *other).await?);
            }
            (
                "内容同质化（请人工复核）",
                links,
                format!("文本相似度{:.2}", score),
            )
        }
    };
    let links: Vec<(String, String)> = links.into_iter().flatten().collect();
    Ok((!links.is_empty()).then_some(FindingLine {
        kind,
        links,
        detail,
    }))
}

async fn check_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<CheckQuery>,
) -> Result<Response, AppError> {
    let today = fazhi_core::clock::beijing_today();
    let year = query.year.unwrap_or(today.year());
    if !(2000..=2100).contains(&year) {
        return Err(AppError::Invalid(format!("年份{year}无效")));
    }
    let mut lines = Vec::new();
    for finding in fazhi_db::interpretations::findings(&state.db, today).await? {
        lines.extend(finding_line(&state, &staff, &finding).await?);
    }
    html(CheckPage {
        layout: Layout::new("政策解读检查", "/admin/interpretations", Some(&staff)),
        year,
        coverage: fazhi_db::interpretations::coverage(&state.db, year, today).await?,
        lines,
    })
}

#[derive(Template)]
#[template(path = "interpretations.html")]
struct PublicListPage {
    layout: Layout,
    rows: Vec<InterpretationRow>,
    pager: Pager,
}

async fn public_list(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page = Page::new(query.page.unwrap_or(1), Page::DEFAULT_SIZE);
    let (rows, total) = fazhi_db::interpretations::list(&state.db, None, true, page).await?;
    html(PublicListPage {
        layout: Layout::new("政策解读", "/interpretations", visitor.staff.as_ref()),
        rows,
        pager: Pager::new(page, total, ""),
    })
}

#[derive(Template)]
#[template(path = "interpretation.html")]
struct PublicPage {
    layout: Layout,
    interpretation: InterpretationRow,
    documents: Vec<Linked>,
}

async fn public_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let interpretation = fazhi_db::interpretations::interpretation(&state.db, id)
        .await?
        .filter(|i| i.status == "published")
        .ok_or(AppError::NotFound)?;
    let documents = fazhi_db::interpretations::documents_of(&state.db, id)
        .await?
        .into_iter()
        .filter(|d| d.status == "published" || d.status == "withdrawn")
        .collect();
    html(PublicPage {
        layout: Layout::new(
            &interpretation.title,
            "/interpretations",
            visitor.staff.as_ref(),
        ),
        interpretation,
        documents,
    })
}
