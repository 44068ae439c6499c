//! 基层政务公开标准目录 on the web (issue 4 part 3, spec/openness.md §4): the city's progress
//! (which counties are done, and when) for staff and the public; a territory's 26 areas; a
//! catalogue's entries with xlsx export and, for drafts, xlsx import and publication.

use crate::AppState;
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::powers::{TableFormat, table_download};
use crate::session::{CsrfForm, Staff, Visitor};
use crate::upload::{CsrfUpload, UPLOAD_BODY_MAX, xlsx_grid};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fazhi_core::catalogue::{AREAS, COLUMNS, Entry, parse_sheet};
use fazhi_core::openness::vocabulary;
use fazhi_core::org::{Action, DivisionLevel};
use fazhi_db::catalogues::{CatalogueRow, Progress};
use fazhi_db::org::DivisionRow;
use serde::Deserialize;

/// The city whose progress the pages open on.
const CITY: &str = "441400";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/catalogues", get(public_progress))
        .route("/catalogues/{id}", get(public_catalogue))
        .route("/catalogues/{id}/xlsx", get(public_xlsx))
        .route("/admin/catalogues", get(admin_progress))
        .route("/admin/catalogues/new", post(create))
        .route("/admin/catalogues/{id}", get(admin_catalogue))
        .route("/admin/catalogues/{id}/xlsx", get(admin_xlsx))
        .route(
            "/admin/catalogues/{id}/import",
            post(import).layer(DefaultBodyLimit::max(UPLOAD_BODY_MAX)),
        )
        .route("/admin/catalogues/{id}/publish", post(publish))
}

#[derive(Deserialize, Default)]
pub struct DivisionQuery {
    #[serde(default)]
    division: Option<String>,
}

/// One area of a territory: the version in force and a draft, if any.
struct AreaLine {
    area: &'static str,
    current: Option<CatalogueRow>,
    draft: Option<CatalogueRow>,
}

/// What the progress pages show for a division: the way up, the progress of the divisions
/// under it, and its own areas when it compiles catalogues.
struct Overview {
    division: DivisionRow,
    ancestry: Vec<DivisionRow>,
    progress: Vec<Progress>,
    areas: Vec<AreaLine>,
    compiles: bool,
}

async fn overview(state: &AppState, code: Option<&str>) -> Result<Overview, AppError> {
    let code = code
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or(CITY);
    let division = fazhi_db::org::division_by_code(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let compiles = matches!(
        DivisionLevel::parse(&division.level),
        Some(DivisionLevel::County | DivisionLevel::Town | DivisionLevel::Village)
    );
    let catalogues = fazhi_db::catalogues::of_division(&state.db, division.id).await?;
    let areas = if compiles {
        vocabulary(AREAS)
            .into_iter()
            .map(|area| AreaLine {
                area,
                current: catalogues
                    .iter()
                    .find(|c| c.area == area && c.status == "published")
                    .cloned(),
                draft: catalogues
                    .iter()
                    .find(|c| c.area == area && c.status == "draft")
                    .cloned(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Overview {
        ancestry: fazhi_db::org::division_ancestry(&state.db, &division.path).await?,
        progress: fazhi_db::catalogues::progress(&state.db, &division.code).await?,
        areas,
        compiles,
        division,
    })
}

#[derive(Template)]
#[template(path = "catalogues.html")]
struct ProgressPage {
    layout: Layout,
    overview: Overview,
    /// `/catalogues` or `/admin/catalogues`.
    base: &'static str,
    may_draft: bool,
    agency_code: String,
}

impl ProgressPage {
    fn complete_count(&self) -> usize {
        self.overview
            .progress
            .iter()
            .filter(|p| p.complete())
            .count()
    }
}

async fn public_progress(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<DivisionQuery>,
) -> Result<Response, AppError> {
    let overview = overview(&state, query.division.as_deref()).await?;
    html(ProgressPage {
        layout: Layout::new(
            &format!("{}基层政务公开标准目录", overview.division.name),
            "/catalogues",
            visitor.staff.as_ref(),
        ),
        overview,
        base: "/catalogues",
        may_draft: false,
        agency_code: String::new(),
    })
}

/// The agency that compiles a territory's catalogues by default: its own government, else
/// the staff member's agency.
async fn compiler_of(
    state: &AppState,
    staff: &Staff,
    division: &DivisionRow,
) -> Result<String, AppError> {
    let agencies = fazhi_db::org::agencies_in_division(&state.db, division.id).await?;
    Ok(agencies
        .into_iter()
        .find(|a| a.kind == "government")
        .map_or_else(|| staff.user.agency_code.clone(), |a| a.code))
}

async fn admin_progress(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<DivisionQuery>,
) -> Result<Response, AppError> {
    let overview = overview(&state, query.division.as_deref()).await?;
    let agency_code = compiler_of(&state, &staff, &overview.division).await?;
    let may_draft = overview.compiles
        && match fazhi_db::org::agency_by_code(&state.db, &agency_code).await? {
            Some(agency) => staff.may(
                Action::Draft,
                &fazhi_core::org::Target::Owned {
                    agency_id: agency.id,
                    division_path: overview.division.path.clone(),
                },
            ),
            None => false,
        };
    html(ProgressPage {
        layout: Layout::new(
            &format!("{}基层政务公开标准目录", overview.division.name),
            "/admin/catalogues",
            Some(&staff),
        ),
        overview,
        base: "/admin/catalogues",
        may_draft,
        agency_code,
    })
}

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    division: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    agency_code: String,
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<NewForm>,
) -> Result<Response, AppError> {
    let agency = fazhi_db::org::agency_by_code(&state.db, form.agency_code.trim())
        .await?
        .ok_or_else(|| AppError::Invalid(format!("机构“{}”不存在", form.agency_code.trim())))?;
    let division = fazhi_db::org::division_by_code(&state.db, form.division.trim())
        .await?
        .ok_or_else(|| AppError::Invalid(format!("行政区划“{}”不存在", form.division.trim())))?;
    staff.require(
        Action::Draft,
        &fazhi_core::org::Target::Owned {
            agency_id: agency.id,
            division_path: division.path.clone(),
        },
    )?;
    let id = fazhi_db::catalogues::create(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        &division.code,
        form.area.trim(),
        &agency.code,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/catalogues/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "catalogue.html")]
struct CataloguePage {
    layout: Layout,
    catalogue: CatalogueRow,
    entries: Vec<Entry>,
    columns: [&'static str; 10],
    admin: bool,
    may_draft: bool,
    may_review: bool,
    issues: Vec<String>,
    error: Option<String>,
}

async fn public_catalogue(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let catalogue = published(&state, id).await?;
    html(CataloguePage {
        layout: Layout::new(&title_of(&catalogue), "/catalogues", visitor.staff.as_ref()),
        entries: fazhi_db::catalogues::entries(&state.db, id).await?,
        catalogue,
        columns: COLUMNS,
        admin: false,
        may_draft: false,
        may_review: false,
        issues: Vec::new(),
        error: None,
    })
}

fn title_of(catalogue: &CatalogueRow) -> String {
    format!(
        "{}{}领域基层政务公开标准目录（第{}版）",
        catalogue.division_name, catalogue.area, catalogue.version
    )
}

async fn published(state: &AppState, id: i64) -> Result<CatalogueRow, AppError> {
    fazhi_db::catalogues::catalogue(&state.db, id)
        .await?
        .filter(|c| c.status != "draft")
        .ok_or(AppError::NotFound)
}

async fn allowed(
    state: &AppState,
    staff: &Staff,
    id: i64,
    action: Action,
) -> Result<CatalogueRow, AppError> {
    let catalogue = fazhi_db::catalogues::catalogue(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(action, &catalogue.target())?;
    Ok(catalogue)
}

async fn render_admin(
    state: &AppState,
    staff: &Staff,
    catalogue: CatalogueRow,
    issues: Vec<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let refused = error.is_some() || !issues.is_empty();
    let mut response = html(CataloguePage {
        layout: Layout::new(&title_of(&catalogue), "/admin/catalogues", Some(staff)),
        entries: fazhi_db::catalogues::entries(&state.db, catalogue.id).await?,
        may_draft: staff.may(Action::Draft, &catalogue.target()),
        may_review: staff.may(Action::Review, &catalogue.target()),
        catalogue,
        columns: COLUMNS,
        admin: true,
        issues,
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

async fn admin_catalogue(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let catalogue = allowed(&state, &staff, id, Action::View).await?;
    render_admin(&state, &staff, catalogue, Vec::new(), None).await
}

async fn download(state: &AppState, catalogue: &CatalogueRow) -> Result<Response, AppError> {
    let mut header = vec!["序号"];
    header.extend(COLUMNS);
    let rows = fazhi_db::catalogues::entries(&state.db, catalogue.id)
        .await?
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let mut cells = vec![(index + 1).to_string()];
            cells.extend(entry.cells());
            cells
        })
        .collect();
    table_download(
        TableFormat::Xlsx,
        &format!(
            "catalogue-{}-v{}",
            catalogue.division_code, catalogue.version
        ),
        &header,
        rows,
    )
}

async fn public_xlsx(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let catalogue = published(&state, id).await?;
    download(&state, &catalogue).await
}

async fn admin_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let catalogue = allowed(&state, &staff, id, Action::View).await?;
    download(&state, &catalogue).await
}

async fn import(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    upload: Result<CsrfUpload, AppError>,
) -> Result<Response, AppError> {
    let catalogue = allowed(&state, &staff, id, Action::Draft).await?;
    let read = upload.and_then(|upload| xlsx_grid(&upload));
    let grid = match read {
        Ok(grid) => grid,
        Err(AppError::Invalid(message)) => {
            return render_admin(&state, &staff, catalogue, Vec::new(), Some(message)).await;
        }
        Err(other) => return Err(other),
    };
    let entries = match parse_sheet(&grid) {
        Ok(entries) => entries,
        Err(issues) => {
            let message = format!("表格有{}处问题，未导入任何条目：", issues.len());
            let issues = issues.iter().map(ToString::to_string).collect();
            return render_admin(&state, &staff, catalogue, issues, Some(message)).await;
        }
    };
    match fazhi_db::catalogues::replace_entries(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        &entries,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/catalogues/{id}")).into_response()),
        Err(fazhi_db::DbError::Invalid(message)) => {
            render_admin(&state, &staff, catalogue, Vec::new(), Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct PublishForm {
    #[serde(default)]
    approval: String,
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PublishForm>,
) -> Result<Response, AppError> {
    let catalogue = allowed(&state, &staff, id, Action::Review).await?;
    match fazhi_db::catalogues::publish(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        fazhi_core::clock::beijing_today(),
        &form.approval,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/catalogues/{id}")).into_response()),
        Err(fazhi_db::DbError::Invalid(message)) => {
            render_admin(&state, &staff, catalogue, Vec::new(), Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}
