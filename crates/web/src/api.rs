//! JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.

use crate::AppState;
use crate::error::{ApiError, AppError};
use crate::session::ApiClient;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use fazhi_core::calendar::StepOutcome;
use fazhi_core::org::Action;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(title = "fazhi API", version = "1", description = "梅州市法治政府建设平台 JSON API。除日历与区划外均需 `Authorization: Bearer <令牌>`。"),
    paths(calendar_due, division, me, agencies, power_holder, power_catalogue, power_changes),
    components(schemas(DueResponse, DueStep, DivisionResponse, DivisionSummary, MeResponse, GrantResponse, AgencyResponse, PowerHolderResponse, BasisAdjustment, CatalogueEntry, ChangeEntry, Problem)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/calendar/due", get(calendar_due))
        .route("/api/v1/org/divisions/{code}", get(division))
        .route("/api/v1/me", get(me))
        .route("/api/v1/org/agencies", get(agencies))
        .route("/api/v1/powers/items/{code}/holder", get(power_holder))
        .route("/api/v1/powers/catalogue", get(power_catalogue))
        .route("/api/v1/powers/changes", get(power_changes))
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// RFC 9457 problem details, the body of every API error.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    pub r#type: String,
    pub title: String,
    pub status: u16,
    /// 中文说明
    pub detail: String,
}

#[derive(Deserialize, IntoParams)]
pub struct DueQuery {
    /// 起算日（第0日，不计入），YYYY-MM-DD
    pub from: String,
    /// 工作日数，0–1000
    pub working_days: String,
}

#[derive(Serialize, ToSchema)]
pub struct DueResponse {
    /// 到期日，YYYY-MM-DD
    pub due: String,
    pub due_weekday: String,
    pub from: String,
    pub working_days: u32,
    /// 行程中有未导入节假日安排的日期时为 true（结果为暂定）
    pub provisional: bool,
    pub uncovered_years: Vec<i32>,
    pub calendar_version: String,
    pub steps: Vec<DueStep>,
    /// 推算过程（中文）
    pub explanation: String,
}

#[derive(Serialize, ToSchema)]
pub struct DueStep {
    pub date: String,
    /// counted | counted_adjusted | skipped_rest_day | skipped_holiday | skipped_paused
    pub outcome: String,
    /// 计入的第几个工作日
    pub count: Option<u32>,
    /// 节假日或调休名称
    pub name: Option<String>,
}

fn step_view(step: &fazhi_core::calendar::Step) -> DueStep {
    let (outcome, count, name) = match &step.outcome {
        StepOutcome::Counted(n) => ("counted", Some(*n), None),
        StepOutcome::CountedAdjusted(n, name) => ("counted_adjusted", Some(*n), Some(name.clone())),
        StepOutcome::SkippedRestDay => ("skipped_rest_day", None, None),
        StepOutcome::SkippedHoliday(name) => ("skipped_holiday", None, Some(name.clone())),
        StepOutcome::SkippedPaused => ("skipped_paused", None, None),
    };
    DueStep {
        date: step.date.to_string(),
        outcome: outcome.to_string(),
        count,
        name,
    }
}

/// 期限计算：起算日之后第N个工作日（起算日不计入）。
#[utoipa::path(
    get,
    path = "/api/v1/calendar/due",
    params(DueQuery),
    responses(
        (status = 200, description = "到期日及推算过程", body = DueResponse),
        (status = 422, description = "参数错误", body = Problem, content_type = "application/problem+json")
    ),
    tag = "calendar"
)]
pub async fn calendar_due(
    State(state): State<AppState>,
    Query(query): Query<DueQuery>,
) -> Result<Json<DueResponse>, ApiError> {
    let (start, count) = crate::portal::parse_due_input(&query.from, &query.working_days)
        .map_err(AppError::Invalid)?;
    let due = state
        .calendar()
        .due_date(start, count)
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    Ok(Json(DueResponse {
        due: due.date.to_string(),
        due_weekday: fazhi_core::calendar::weekday_zh(due.date).to_string(),
        from: due.start.to_string(),
        working_days: due.working_days,
        provisional: due.provisional,
        uncovered_years: due.uncovered_years.clone(),
        calendar_version: due.calendar_version.clone(),
        steps: due.steps.iter().map(step_view).collect(),
        explanation: due.explain(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct DivisionSummary {
    pub code: String,
    pub name: String,
    /// province | city | county | town | village
    pub level: String,
}

#[derive(Serialize, ToSchema)]
pub struct DivisionResponse {
    pub code: String,
    pub name: String,
    pub level: String,
    /// 从省到本级的区划代码路径，如 /440000/441400/441402/
    pub path: String,
    pub children: Vec<DivisionSummary>,
}

/// 行政区划及其直接下级。
#[utoipa::path(
    get,
    path = "/api/v1/org/divisions/{code}",
    params(("code" = String, Path, description = "区划代码")),
    responses((status = 200, body = DivisionResponse), (status = 404, body = Problem, content_type = "application/problem+json")),
    tag = "org"
)]
pub async fn division(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<DivisionResponse>, ApiError> {
    let row = fazhi_db::org::division_by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let children = fazhi_db::org::child_divisions(&state.db, Some(row.id))
        .await?
        .into_iter()
        .map(|c| DivisionSummary {
            code: c.code,
            name: c.name,
            level: c.level,
        })
        .collect();
    Ok(Json(DivisionResponse {
        code: row.code,
        name: row.name,
        level: row.level,
        path: row.path,
        children,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct GrantResponse {
    pub role: String,
    pub role_zh: String,
    pub scope: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub username: String,
    pub display_name: String,
    pub agency_code: String,
    pub agency_name: String,
    pub grants: Vec<GrantResponse>,
}

/// 当前令牌所属用户及其授权。
#[utoipa::path(
    get,
    path = "/api/v1/me",
    responses((status = 200, body = MeResponse), (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])),
    tag = "account"
)]
pub async fn me(
    State(state): State<AppState>,
    ApiClient(staff): ApiClient,
) -> Result<Json<MeResponse>, ApiError> {
    let grants = fazhi_db::users::grants_of(&state.db, staff.user.id)
        .await?
        .into_iter()
        .map(|g| GrantResponse {
            role_zh: g.role_zh().to_string(),
            role: g.role,
            scope: g.scope_name,
        })
        .collect();
    Ok(Json(MeResponse {
        username: staff.user.username,
        display_name: staff.user.display_name,
        agency_code: staff.user.agency_code,
        agency_name: staff.user.agency_name,
        grants,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct AgencyQuery {
    /// 名称包含的文字
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AgencyResponse {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub division_code: String,
    pub division_name: String,
}

/// 调用者有查看权限的机构。
#[utoipa::path(
    get,
    path = "/api/v1/org/agencies",
    params(AgencyQuery),
    responses((status = 200, body = [AgencyResponse]), (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])),
    tag = "org"
)]
pub async fn agencies(
    State(state): State<AppState>,
    ApiClient(staff): ApiClient,
    Query(query): Query<AgencyQuery>,
) -> Result<Json<Vec<AgencyResponse>>, ApiError> {
    let rows =
        fazhi_db::org::agencies(&state.db, query.name.as_deref().filter(|n| !n.is_empty())).await?;
    Ok(Json(
        rows.into_iter()
            .filter(|agency| staff.may(Action::View, &agency.target()))
            .map(|a| AgencyResponse {
                code: a.code,
                name: a.name,
                kind: a.kind,
                division_code: a.division_code,
                division_name: a.division_name,
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct PowerHolderQuery {
    /// 区划代码（县级6位或镇级9位）
    pub division: String,
    /// 日期，YYYY-MM-DD
    pub on: String,
}

#[derive(Serialize, ToSchema)]
pub struct BasisAdjustment {
    pub id: i64,
    /// add | abolish | take_over | devolve | entrust | take_back | change
    pub kind: String,
    pub effective: String,
    pub decision_title: String,
    pub decision_doc_number: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PowerHolderResponse {
    /// 法定持有单位名称
    pub agency: String,
    pub agency_code: String,
    /// 实际行使单位（受委托时为受托单位）
    pub exercised_by: String,
    pub supervised_by: Option<String>,
    /// 该持有仅适用于满足此条件的案件
    pub condition: Option<String>,
    pub division: String,
    pub on: String,
    pub basis_adjustment: Option<BasisAdjustment>,
    /// 委托期限已过且未续期
    pub entrustment_lapsed: bool,
}

/// 权责事项在某日、某区划的持有单位（最具体的一个；有条件时按条件依次列出）。
#[utoipa::path(
    get,
    path = "/api/v1/powers/items/{code}/holder",
    params(("code" = String, Path, description = "事项编码"), PowerHolderQuery),
    responses(
        (status = 200, body = [PowerHolderResponse]),
        (status = 422, body = Problem, content_type = "application/problem+json")
    ),
    tag = "powers"
)]
pub async fn power_holder(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<PowerHolderQuery>,
) -> Result<Json<Vec<PowerHolderResponse>>, ApiError> {
    let on = chrono::NaiveDate::parse_from_str(query.on.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Invalid(format!("日期“{}”格式错误，应为YYYY-MM-DD", query.on)))?;
    let reports =
        fazhi_db::powers::holder_reports(&state.db, &code, query.division.trim(), on, None).await?;
    Ok(Json(
        reports
            .into_iter()
            .map(|r| PowerHolderResponse {
                agency: r.agency,
                agency_code: r.agency_code,
                exercised_by: r.exercised_by,
                supervised_by: r.supervised_by,
                condition: r.condition,
                division: r.division,
                on: r.on.to_string(),
                basis_adjustment: r.basis_adjustment.map(|a| BasisAdjustment {
                    id: a.id,
                    kind: a.kind,
                    effective: a.effective.to_string(),
                    decision_title: a.decision_title,
                    decision_doc_number: a.decision_doc_number,
                }),
                entrustment_lapsed: r.entrustment_lapsed,
            })
            .collect(),
    ))
}

fn api_date(text: &str, label: &str) -> Result<chrono::NaiveDate, AppError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Invalid(format!("{label}“{text}”格式错误，应为YYYY-MM-DD")))
}

async fn division_path(state: &AppState, code: &str) -> Result<String, AppError> {
    fazhi_db::org::division_by_code(&state.db, code.trim())
        .await?
        .map(|d| d.path)
        .ok_or_else(|| AppError::Invalid(format!("区划“{code}”不存在")))
}

#[derive(Deserialize, IntoParams)]
pub struct PowerCatalogueQuery {
    /// 区划代码：返回该区划及其下级各单位持有的事项
    pub division: String,
    /// 日期，YYYY-MM-DD
    pub on: String,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogueEntry {
    pub item_code: String,
    pub name: String,
    pub category: String,
    pub holder: String,
    pub holder_name: String,
    pub valid_from: String,
    pub condition: Option<String>,
}

/// 某日某区划的权责清单（该区划及下级各单位持有的事项）。
#[utoipa::path(
    get,
    path = "/api/v1/powers/catalogue",
    params(PowerCatalogueQuery),
    responses((status = 200, body = [CatalogueEntry]), (status = 422, body = Problem, content_type = "application/problem+json")),
    tag = "powers"
)]
pub async fn power_catalogue(
    State(state): State<AppState>,
    Query(query): Query<PowerCatalogueQuery>,
) -> Result<Json<Vec<CatalogueEntry>>, ApiError> {
    let filter = fazhi_db::powers::CatalogueFilter {
        division_path: division_path(&state, &query.division).await?,
        on: api_date(&query.on, "日期")?,
        ..Default::default()
    };
    let (rows, _) = fazhi_db::powers::catalogue_page(&state.db, &filter, None).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| CatalogueEntry {
                item_code: r.item_code,
                name: r.name,
                category: r.category,
                holder: r.holder,
                holder_name: r.holder_name,
                valid_from: r.valid_from.to_string(),
                condition: r.condition_text,
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct PowerChangesQuery {
    pub division: String,
    /// 起始日期（不含）
    pub from: String,
    /// 截止日期（含）
    pub to: String,
}

#[derive(Serialize, ToSchema)]
pub struct ChangeEntry {
    pub id: i64,
    /// add | abolish | take_over | devolve | entrust | take_back | change
    pub kind: String,
    pub kind_zh: String,
    pub item_code: String,
    pub item_name: String,
    pub effective: String,
    pub from: Option<String>,
    pub receivers: Option<String>,
    pub condition: Option<String>,
    pub term_end: Option<String>,
    pub decision_title: String,
    pub decision_doc_number: Option<String>,
    pub decided_on: String,
}

/// 两个日期之间生效的权责调整（起始日不含、截止日含），每项附依据文件。
#[utoipa::path(
    get,
    path = "/api/v1/powers/changes",
    params(PowerChangesQuery),
    responses((status = 200, body = [ChangeEntry]), (status = 422, body = Problem, content_type = "application/problem+json")),
    tag = "powers"
)]
pub async fn power_changes(
    State(state): State<AppState>,
    Query(query): Query<PowerChangesQuery>,
) -> Result<Json<Vec<ChangeEntry>>, ApiError> {
    let path = division_path(&state, &query.division).await?;
    let (from, to) = (
        api_date(&query.from, "起始日期")?,
        api_date(&query.to, "截止日期")?,
    );
    let changes = fazhi_db::powers::changes_between(&state.db, &path, from, to).await?;
    Ok(Json(
        changes
            .into_iter()
            .map(|c| ChangeEntry {
                kind_zh: c.kind_zh().to_string(),
                id: c.id,
                kind: c.kind,
                item_code: c.item_code,
                item_name: c.item_name,
                effective: c.effective.to_string(),
                from: c.from_name,
                receivers: c.receivers,
                condition: c.condition_text,
                term_end: c.term_end.map(|d| d.to_string()),
                decision_title: c.decision_title,
                decision_doc_number: c.decision_doc_number,
                decided_on: c.decided_on.to_string(),
            })
            .collect(),
    ))
}
