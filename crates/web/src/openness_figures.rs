//! 政务公开 figures of a year (issue 4 part 8) for the annual reports: per agency, each figure
//! opening the records it counts; the gazette and the catalogues' completion for the city.

use crate::AppState;
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::powers::{TableFormat, table_download};
use crate::session::Staff;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::Datelike;
use fazhi_core::org::{Action, Target, scopes_allowing};
use fazhi_db::catalogues::Progress;
use fazhi_db::openness_figures::{AgencyFigures, FIGURES};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/openness/figures", get(figures_page))
        .route("/admin/openness/figures/records", get(records_page))
}

#[derive(Deserialize, Default)]
pub struct FiguresQuery {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    format: String,
}

/// The agencies whose figures the staff member may see (`None`: all).
async fn visible_agencies(state: &AppState, staff: &Staff) -> Result<Option<Vec<i64>>, AppError> {
    if staff.may(Action::View, &Target::Global) {
        return Ok(None);
    }
    let scopes = scopes_allowing(&staff.grants, Action::View);
    let agencies = fazhi_db::org::agencies(&state.db, None).await?;
    Ok(Some(
        agencies
            .into_iter()
            .filter(|a| scopes.iter().any(|scope| scope.covers(&a.target())))
            .map(|a| a.id)
            .collect(),
    ))
}

#[derive(Template)]
#[template(path = "openness_figures.html")]
struct FiguresPage {
    layout: Layout,
    year: i32,
    labels: Vec<(&'static str, &'static str)>,
    rows: Vec<AgencyFigures>,
    totals: Vec<i64>,
    gazette_issues: usize,
    counties: Vec<Progress>,
}

impl FiguresPage {
    fn complete_counties(&self) -> usize {
        self.counties.iter().filter(|p| p.complete()).count()
    }

    fn last_completion(&self) -> String {
        self.counties
            .iter()
            .filter_map(|p| p.completed_on)
            .max()
            .map_or_else(|| "—".into(), |on| on.to_string())
    }
}

async fn figures_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<FiguresQuery>,
) -> Result<Response, AppError> {
    let year = query
        .year
        .unwrap_or_else(|| fazhi_core::clock::beijing_today().year());
    let visible = visible_agencies(&state, &staff).await?;
    let rows = fazhi_db::openness_figures::figures(&state.db, year, visible.as_deref()).await?;
    let totals: Vec<i64> = (0..FIGURES.len())
        .map(|index| rows.iter().map(|r| r.values[index]).sum())
        .collect();
    if query.format == "xlsx" {
        let mut header = vec!["机构代码", "机构"];
        header.extend(FIGURES.iter().map(|f| f.label));
        let cells = rows
            .iter()
            .map(|row| {
                let mut cells = vec![row.agency_code.clone(), row.agency_name.clone()];
                cells.extend(row.values.iter().map(ToString::to_string));
                cells
            })
            .collect();
        return table_download(
            TableFormat::Xlsx,
            &format!("openness-figures-{year}"),
            &header,
            cells,
        );
    }
    let gazette_issues = fazhi_db::gazette::issues(&state.db, true)
        .await?
        .iter()
        .filter(|issue| issue.year == year)
        .count();
    html(FiguresPage {
        layout: Layout::new(
            &format!("{year}年政务公开数据"),
            "/admin/openness/figures",
            Some(&staff),
        ),
        year,
        labels: FIGURES.iter().map(|f| (f.code, f.label)).collect(),
        rows,
        totals,
        gazette_issues,
        counties: fazhi_db::catalogues::progress(&state.db, &state.config.home_division).await?,
    })
}

#[derive(Deserialize, Default)]
pub struct RecordsQuery {
    year: i32,
    agency: String,
    figure: String,
}

#[derive(Template)]
#[template(path = "openness_figure_records.html")]
struct RecordsPage {
    layout: Layout,
    year: i32,
    agency_name: String,
    label: &'static str,
    records: Vec<(String, String)>,
}

async fn records_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<RecordsQuery>,
) -> Result<Response, AppError> {
    let agency = staff.agency(&state, &query.agency, Action::View).await?;
    let (label, records) =
        fazhi_db::openness_figures::records(&state.db, query.year, agency.id, &query.figure)
            .await?;
    html(RecordsPage {
        layout: Layout::new(
            &format!("{}年{}：{label}", query.year, agency.name),
            "/admin/openness/figures",
            Some(&staff),
        ),
        year: query.year,
        agency_name: agency.name,
        label,
        records,
    })
}
