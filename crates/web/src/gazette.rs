//! 政府公报 on the web (issue 4 part 6): the city office assembles an issue from the published
//! documents of the city and its counties and publishes it; the public reads the archive and a
//! printable issue with its table of contents.

use crate::AppState;
use crate::error::AppError;
use crate::portal::{Layout, home_office, html};
use crate::session::{CsrfForm, NoFields, Staff, Visitor};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use fazhi_core::org::{Action, Target};
use fazhi_db::gazette::{IssueRow, ItemRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gazette", get(archive))
        .route("/gazette/{year}/{number}", get(public_issue))
        .route("/admin/gazette", get(admin_page).post(create))
        .route("/admin/gazette/{id}", get(admin_issue))
        .route("/admin/gazette/{id}/publish", post(publish))
}

/// Candidates shown when assembling an issue, at most.
const CANDIDATES_SHOWN: i64 = 200;

async fn office_target(state: &AppState) -> Result<Target, AppError> {
    let office = home_office(state).await?;
    Ok(Target::Owned {
        agency_id: office.id,
        division_path: office.division_path,
    })
}

#[derive(Template)]
#[template(path = "gazette_archive.html")]
struct ArchivePage {
    layout: Layout,
    issues: Vec<IssueRow>,
}

async fn archive(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    html(ArchivePage {
        layout: Layout::new("政府公报", "/gazette", visitor.staff.as_ref()),
        issues: fazhi_db::gazette::issues(&state.db, true).await?,
    })
}

#[derive(Template)]
#[template(path = "gazette_issue.html")]
struct IssuePage {
    layout: Layout,
    issue: IssueRow,
    items: Vec<ItemRow>,
    sections: Vec<&'static str>,
    admin: bool,
    may_review: bool,
}

impl IssuePage {
    /// Whether the issue has anything in `section`.
    fn has(&self, section: &str) -> bool {
        self.items.iter().any(|item| item.section == section)
    }
}

async fn public_issue(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((year, number)): Path<(i32, i32)>,
) -> Result<Response, AppError> {
    let issue = fazhi_db::gazette::issue_by_number(&state.db, year, number)
        .await?
        .filter(|i| i.status == "published")
        .ok_or(AppError::NotFound)?;
    html(IssuePage {
        layout: Layout::new(
            &format!("梅州市人民政府公报 {}", issue.label()),
            "/gazette",
            visitor.staff.as_ref(),
        ),
        items: fazhi_db::gazette::items(&state.db, issue.id).await?,
        issue,
        sections: fazhi_db::gazette::SECTIONS.to_vec(),
        admin: false,
        may_review: false,
    })
}

#[derive(Template)]
#[template(path = "gazette_admin.html")]
struct AdminPage {
    layout: Layout,
    issues: Vec<IssueRow>,
    candidates: Vec<ItemRow>,
    year: i32,
    may_draft: bool,
    error: Option<String>,
}

async fn render_admin(
    state: &AppState,
    staff: &Staff,
    error: Option<String>,
) -> Result<Response, AppError> {
    let target = office_target(state).await?;
    let refused = error.is_some();
    let mut response = html(AdminPage {
        layout: Layout::new("政府公报编辑", "/admin/gazette", Some(staff)),
        issues: fazhi_db::gazette::issues(&state.db, false).await?,
        candidates: fazhi_db::gazette::candidates(
            &state.db,
            &state.config.home_division,
            CANDIDATES_SHOWN,
        )
        .await?,
        year: fazhi_core::clock::beijing_today().year(),
        may_draft: staff.may(Action::Draft, &target),
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

async fn admin_page(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    render_admin(&state, &staff, None).await
}

/// The issue form: year, number and a `doc_<id>` checkbox per chosen document.
async fn create(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(fields): CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.require(Action::Draft, &office_target(&state).await?)?;
    let value = |name: &str| {
        fields
            .get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut documents: Result<Vec<i64>, _> = fields
        .keys()
        .filter_map(|key| key.strip_prefix("doc_"))
        .map(str::parse::<i64>)
        .collect();
    if let Ok(ids) = &mut documents {
        ids.sort_unstable();
    }
    let outcome = async {
        let year: i32 = value("year")
            .parse()
            .map_err(|_| AppError::Invalid("年份应为四位数字".into()))?;
        let number: i32 = value("number")
            .parse()
            .map_err(|_| AppError::Invalid("期号应为数字".into()))?;
        let documents = documents.map_err(|_| AppError::Invalid("所选文件无效".into()))?;
        Ok::<i64, AppError>(
            fazhi_db::gazette::create(
                &state.db,
                &staff.actor(),
                fazhi_core::clock::now(),
                &state.config.home_division,
                year,
                number,
                &documents,
            )
            .await?,
        )
    }
    .await;
    match outcome {
        Ok(id) => Ok(Redirect::to(&format!("/admin/gazette/{id}")).into_response()),
        Err(AppError::Invalid(message)) => render_admin(&state, &staff, Some(message)).await,
        Err(other) => Err(other),
    }
}

async fn admin_issue(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let target = office_target(&state).await?;
    staff.require(Action::View, &target)?;
    let issue = fazhi_db::gazette::issue(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    html(IssuePage {
        layout: Layout::new(
            &format!("政府公报 {}", issue.label()),
            "/admin/gazette",
            Some(&staff),
        ),
        items: fazhi_db::gazette::items(&state.db, issue.id).await?,
        issue,
        sections: fazhi_db::gazette::SECTIONS.to_vec(),
        admin: true,
        may_review: staff.may(Action::Review, &target),
    })
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    staff.require(Action::Review, &office_target(&state).await?)?;
    fazhi_db::gazette::publish(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        fazhi_core::clock::beijing_today(),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/gazette/{id}")).into_response())
}
