//! 主动公开 documents on the web (issue 4 part 1): staff draft, send for review, publish and
//! withdraw; the public reads published documents with the metadata labels of spec/openness.md
//! §2.1 and, for a withdrawn one, its notice.

use crate::AppState;
use crate::admin::Pager;
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::session::{CsrfForm, NoFields, Staff, Visitor, form_date};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use fazhi_core::foi::Ground;
use fazhi_core::openness::{Disclosure, GENRES, SUBJECTS, vocabulary};
use fazhi_core::org::{Action, Target, scopes_allowing};
use fazhi_db::Page;
use fazhi_db::documents::{DocumentRow, NewDocument};
use fazhi_db::interpretations::Linked;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/documents", get(admin_list))
        .route("/admin/documents/new", get(new_page).post(create))
        .route("/admin/documents/{id}", get(admin_page))
        .route("/admin/documents/{id}/submit", post(submit))
        .route("/admin/documents/{id}/publish", post(publish))
        .route("/admin/documents/{id}/withdraw", post(withdraw))
        .route("/documents", get(public_list))
        .route("/documents/feed.atom", get(atom_feed))
        .route("/sitemap.xml", get(sitemap))
        .route("/documents/{id}", get(public_page))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub(crate) page: Option<u32>,
}

fn status_zh(status: &str) -> &'static str {
    match status {
        "draft" => "草稿",
        "review" => "待审核",
        "published" => "已发布",
        "withdrawn" => "已撤回",
        _ => "",
    }
}

#[derive(Template)]
#[template(path = "documents_admin.html")]
struct AdminListPage {
    layout: Layout,
    rows: Vec<DocumentRow>,
    overdue: Vec<(DocumentRow, NaiveDate)>,
    may_draft: bool,
    pager: Pager,
}

impl AdminListPage {
    fn status(&self, row: &DocumentRow) -> &'static str {
        status_zh(&row.status)
    }
}

pub(crate) fn scopes_of(staff: &Staff) -> Option<Vec<fazhi_core::org::Scope>> {
    if staff.may(Action::View, &Target::Global) {
        None
    } else {
        Some(scopes_allowing(&staff.grants, Action::View))
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
        fazhi_db::documents::list(&state.db, scopes.as_deref(), false, page).await?;
    let today = fazhi_core::clock::beijing_today();
    html(AdminListPage {
        layout: Layout::new("主动公开文件", "/admin/documents", Some(&staff)),
        rows,
        overdue: fazhi_db::documents::overdue(&state.db, scopes.as_deref(), today).await?,
        may_draft: staff.may_somewhere(Action::Draft),
        pager: Pager::new(page, total, ""),
    })
}

#[derive(Deserialize, Default, Clone)]
pub struct DocumentForm {
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    doc_number: String,
    #[serde(default)]
    written_on: String,
    #[serde(default)]
    formed_on: String,
    #[serde(default)]
    formed_reason: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    genre: String,
    #[serde(default)]
    disclosure: String,
    #[serde(default)]
    withhold_ground: String,
    #[serde(default)]
    needs_interpretation: String,
    #[serde(default)]
    body: String,
}

impl DocumentForm {
    fn to_document(&self) -> Result<NewDocument, AppError> {
        let formed = match self.formed_on.trim() {
            "" => None,
            text => Some((form_date(text, "形成日期")?, self.formed_reason.clone())),
        };
        Ok(NewDocument {
            agency_code: self.agency_code.trim().to_string(),
            title: self.title.clone(),
            doc_number: self.doc_number.clone(),
            written_on: form_date(&self.written_on, "成文日期")?,
            formed,
            subject: self.subject.clone(),
            genre: self.genre.clone(),
            disclosure: Disclosure::parse(&self.disclosure)
                .ok_or_else(|| AppError::Invalid("请选择公开属性".into()))?,
            withhold_ground: match self.withhold_ground.trim() {
                "" => None,
                text => Some(
                    Ground::parse(text)
                        .ok_or_else(|| AppError::Invalid("不予公开的理由无效".into()))?,
                ),
            },
            needs_interpretation: !self.needs_interpretation.is_empty(),
            body: self.body.clone(),
        })
    }
}

#[derive(Template)]
#[template(path = "document_new.html")]
struct NewPage {
    layout: Layout,
    form: DocumentForm,
    subjects: Vec<&'static str>,
    genres: Vec<&'static str>,
    disclosures: Vec<&'static str>,
    grounds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

fn render_new(
    staff: &Staff,
    form: DocumentForm,
    error: Option<String>,
) -> Result<Response, AppError> {
    let refused = error.is_some();
    let mut response = html(NewPage {
        layout: Layout::new("起草主动公开文件", "/admin/documents", Some(staff)),
        form,
        subjects: vocabulary(SUBJECTS),
        genres: vocabulary(GENRES),
        disclosures: Disclosure::ALL.iter().map(|d| d.zh()).collect(),
        grounds: Ground::ALL.iter().map(|g| (g.as_str(), g.zh())).collect(),
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

async fn new_page(staff: Staff) -> Result<Response, AppError> {
    if !staff.may_somewhere(Action::Draft) {
        return Err(AppError::Forbidden);
    }
    let form = DocumentForm {
        agency_code: staff.user.agency_code.clone(),
        disclosure: Disclosure::Proactive.zh().into(),
        ..DocumentForm::default()
    };
    render_new(&staff, form, None)
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<DocumentForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let new = form.to_document()?;
        staff
            .agency(&state, &new.agency_code, Action::Draft)
            .await?;
        let created = fazhi_db::documents::create(
            &state.db,
            &staff.actor(),
            fazhi_core::clock::now(),
            fazhi_core::clock::beijing_today(),
            &new,
        )
        .await?;
        Ok::<i64, AppError>(created.id)
    }
    .await;
    match outcome {
        Ok(id) => Ok(Redirect::to(&format!("/admin/documents/{id}")).into_response()),
        Err(AppError::Invalid(message)) => render_new(&staff, form, Some(message)),
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "document_admin.html")]
struct AdminPage {
    layout: Layout,
    document: DocumentRow,
    status: &'static str,
    deadline: NaiveDate,
    may_draft: bool,
    may_review: bool,
    interpretations: Vec<Linked>,
    error: Option<String>,
}

async fn allowed(
    state: &AppState,
    staff: &Staff,
    id: i64,
    action: Action,
) -> Result<DocumentRow, AppError> {
    let document = fazhi_db::documents::document(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(action, &document.target())?;
    Ok(document)
}

async fn render_admin(
    state: &AppState,
    staff: &Staff,
    document: DocumentRow,
    error: Option<String>,
) -> Result<Response, AppError> {
    let refused = error.is_some();
    let mut response = html(AdminPage {
        layout: Layout::new(&document.title, "/admin/documents", Some(staff)),
        deadline: fazhi_db::documents::deadline(&state.db, &document).await?,
        status: status_zh(&document.status),
        may_draft: staff.may(Action::Draft, &document.target()),
        may_review: staff.may(Action::Review, &document.target()),
        interpretations: fazhi_db::interpretations::of_document(&state.db, document.id, false)
            .await?,
        document,
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
    let document = allowed(&state, &staff, id, Action::View).await?;
    render_admin(&state, &staff, document, None).await
}

/// Back to the document's page when `change` was done; the page with the reason when refused.
async fn after(
    state: &AppState,
    staff: &Staff,
    document: DocumentRow,
    change: Result<(), fazhi_db::DbError>,
) -> Result<Response, AppError> {
    match change {
        Ok(()) => Ok(Redirect::to(&format!("/admin/documents/{}", document.id)).into_response()),
        Err(fazhi_db::DbError::Invalid(message)) => {
            render_admin(state, staff, document, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn submit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let document = allowed(&state, &staff, id, Action::Draft).await?;
    let change =
        fazhi_db::documents::submit(&state.db, &staff.actor(), fazhi_core::clock::now(), id).await;
    after(&state, &staff, document, change).await
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let document = allowed(&state, &staff, id, Action::Review).await?;
    let change = fazhi_db::documents::publish(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        fazhi_core::clock::beijing_today(),
    )
    .await
    .map(|_| ());
    after(&state, &staff, document, change).await
}

#[derive(Deserialize, Default)]
pub struct WithdrawForm {
    #[serde(default)]
    notice: String,
}

async fn withdraw(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<WithdrawForm>,
) -> Result<Response, AppError> {
    let document = allowed(&state, &staff, id, Action::Review).await?;
    let change = fazhi_db::documents::withdraw(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        &form.notice,
    )
    .await;
    after(&state, &staff, document, change).await
}

#[derive(Template)]
#[template(path = "documents.html")]
struct PublicListPage {
    layout: Layout,
    rows: Vec<DocumentRow>,
    pager: Pager,
}

async fn public_list(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page = Page::new(query.page.unwrap_or(1), Page::DEFAULT_SIZE);
    let (rows, total) = fazhi_db::documents::list(&state.db, None, true, page).await?;
    html(PublicListPage {
        layout: Layout::new("政府信息公开文件", "/documents", visitor.staff.as_ref()),
        rows,
        pager: Pager::new(page, total, ""),
    })
}

#[derive(Template)]
#[template(path = "document.html")]
struct PublicPage {
    layout: Layout,
    document: DocumentRow,
    interpretations: Vec<Linked>,
}

async fn public_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let key = format!("/documents/{id}");
    let anonymous = visitor.staff.is_none();
    if anonymous && let Some(page) = state.page_cache.get(&key) {
        return Ok(axum::response::Html(page).into_response());
    }
    let document = fazhi_db::documents::document(&state.db, id)
        .await?
        .filter(|d| d.status == "published" || d.status == "withdrawn")
        .ok_or(AppError::NotFound)?;
    let page = PublicPage {
        layout: Layout::new(&document.title, "/documents", visitor.staff.as_ref()),
        interpretations: fazhi_db::interpretations::of_document(&state.db, document.id, true)
            .await?,
        document,
    }
    .render()?;
    if anonymous {
        state.page_cache.put(&key, &page);
    }
    Ok(axum::response::Html(page).into_response())
}

/// Entries in the Atom feed and documents in the sitemap, at most.
const FEED_ENTRIES: i64 = 50;
const SITEMAP_DOCUMENTS: i64 = 50_000;

/// The site's address as the visitor reached it: https when cookies are marked Secure.
fn site_base(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{}", crate::docx::escape(host))
}

fn xml_response(content_type: &'static str, body: String) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// The newest published documents as an Atom feed.
async fn atom_feed(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    use crate::docx::escape;
    let base = site_base(&state, &headers);
    let entries = fazhi_db::documents::published(&state.db, FEED_ENTRIES).await?;
    let updated = entries
        .first()
        .map_or_else(fazhi_core::clock::now, |e| e.published_at)
        .to_rfc3339();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>梅州市法治政府建设平台·主动公开文件</title>\n<id>{base}/documents</id>\n\
         <link rel=\"self\" href=\"{base}/documents/feed.atom\"/>\n<link href=\"{base}/documents\"/>\n\
         <updated>{updated}</updated>\n"
    );
    for entry in entries {
        xml.push_str(&format!(
            "<entry><title>{}</title><id>{base}/documents/{id}</id><link href=\"{base}/documents/{id}\"/>\
             <updated>{}</updated><author><name>{}</name></author></entry>\n",
            escape(&entry.title),
            entry.published_at.to_rfc3339(),
            escape(&entry.agency_name),
            id = entry.id,
        ));
    }
    xml.push_str("</feed>\n");
    Ok(xml_response("application/atom+xml; charset=utf-8", xml))
}

/// The public pages and every published document and annual report, for search engines and
/// the supervision crawlers.
async fn sitemap(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let base = site_base(&state, &headers);
    let mut urls: Vec<(String, Option<String>)> = [
        "/",
        "/powers",
        "/calendar",
        "/documents",
        "/interpretations",
        "/consultations",
        "/catalogues",
        "/search",
        "/messages",
        "/messages/new",
        "/gazette",
        "/foi/apply",
        "/foi/reports",
    ]
    .iter()
    .map(|path| (format!("{base}{path}"), None))
    .collect();
    // Documents, interpretations, consultations and answered messages: what is published is
    // what the search index holds.
    for (path, published_on) in
        fazhi_db::search::published_pages(&state.db, SITEMAP_DOCUMENTS).await?
    {
        urls.push((format!("{base}{path}"), Some(published_on.to_string())));
    }
    for issue in fazhi_db::gazette::issues(&state.db, true).await? {
        urls.push((
            format!("{base}/gazette/{}/{}", issue.year, issue.number),
            issue.published_on.map(|on| on.to_string()),
        ));
    }
    for (code, _, year, _, at) in fazhi_db::foi_report::published_list(&state.db).await? {
        urls.push((
            format!(
                "{base}/foi/reports/{}/{year}",
                crate::error::percent_encode(&code)
            ),
            Some(at.date_naive().to_string()),
        ));
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in urls {
        xml.push_str(&format!("<url><loc>{loc}</loc>"));
        if let Some(day) = lastmod {
            xml.push_str(&format!("<lastmod>{day}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Ok(xml_response("application/xml; charset=utf-8", xml))
}
