//! 权责清单 public pages: the catalogue as of any date (by division, agency, category, with
//! search and a CSV download) and an item page with its history. The list is public law.

use crate::AppState;
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::session::Visitor;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use fazhi_db::Page;
use fazhi_db::powers::{CatalogueFilter, CatalogueRow, HistoryRow, ItemDetail};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/powers", get(catalogue_page))
        .route("/powers/catalogue.csv", get(catalogue_csv))
        .route("/powers/catalogue.xlsx", get(catalogue_xlsx))
        .route("/powers/items/{code}", get(item_page))
        .route("/powers/changes", get(changes_page))
        .route("/powers/changes.csv", get(changes_csv))
        .route("/powers/changes.xlsx", get(changes_xlsx))
        .route("/powers/figures", get(figures_page))
        .route("/powers/towns", get(towns_page))
}

#[derive(Deserialize, Default)]
struct CatalogueQuery {
    division: Option<String>,
    agency: Option<String>,
    category: Option<String>,
    q: Option<String>,
    on: Option<String>,
    page: Option<u32>,
    /// city | county | town
    level: Option<String>,
    /// Part of a law's name in the legal basis.
    basis: Option<String>,
    /// power (default) | service | all
    kind: Option<String>,
}

fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_ref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The home division followed by its counties: the choices of the pages' division selector.
async fn home_and_counties(state: &AppState) -> Result<Vec<fazhi_db::org::DivisionRow>, AppError> {
    let Some(home) =
        fazhi_db::org::division_by_code(&state.db, &state.config.home_division).await?
    else {
        return Ok(Vec::new());
    };
    let mut divisions = fazhi_db::org::child_divisions(&state.db, Some(home.id)).await?;
    divisions.insert(0, home);
    Ok(divisions)
}

/// The filter a query describes, with the division it names (the home division by default).
async fn filter_of(
    state: &AppState,
    query: &CatalogueQuery,
) -> Result<(CatalogueFilter, fazhi_db::org::DivisionRow), AppError> {
    let code = non_empty(&query.division).unwrap_or_else(|| state.config.home_division.clone());
    let division = fazhi_db::org::division_by_code(&state.db, &code)
        .await?
        .ok_or_else(|| AppError::Invalid(format!("区划“{code}”不存在")))?;
    let on = match non_empty(&query.on) {
        Some(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| AppError::Invalid(format!("日期“{text}”格式错误，应为YYYY-MM-DD")))?,
        None => fazhi_core::clock::beijing_today(),
    };
    let search = non_empty(&query.q);
    if search.as_ref().is_some_and(|s| s.chars().count() > 50) {
        return Err(AppError::Invalid("查询文字不能超过50个字符".into()));
    }
    let level = non_empty(&query.level);
    if level
        .as_deref()
        .is_some_and(|l| !matches!(l, "city" | "county" | "town"))
    {
        return Err(AppError::Invalid("层级应为 city、county 或 town".into()));
    }
    let basis = non_empty(&query.basis);
    if basis.as_ref().is_some_and(|b| b.chars().count() > 50) {
        return Err(AppError::Invalid("依据文字不能超过50个字符".into()));
    }
    // 行政权力事项 and 公共服务事项 are listed apart (spec/powers.md §1); powers by default.
    let kind = match non_empty(&query.kind).as_deref() {
        None | Some("power") => Some("power".to_string()),
        Some("service") => Some("service".to_string()),
        Some("all") => None,
        Some(_) => {
            return Err(AppError::Invalid(
                "事项种类应为 power、service 或 all".into(),
            ));
        }
    };
    let filter = CatalogueFilter {
        division_path: division.path.clone(),
        agency: non_empty(&query.agency),
        category: non_empty(&query.category),
        search,
        item: None,
        level,
        basis,
        kind,
        on,
    };
    Ok((filter, division))
}

#[derive(Template)]
#[template(path = "powers.html")]
struct CataloguePage {
    layout: Layout,
    division: fazhi_db::org::DivisionRow,
    divisions: Vec<fazhi_db::org::DivisionRow>,
    agencies: Vec<(String, String)>,
    categories: Vec<fazhi_db::powers::CategoryRow>,
    rows: Vec<CatalogueRow>,
    agency: String,
    category: String,
    q: String,
    /// The query's words as jieba cut them, shown so a reader sees what was searched.
    q_words: String,
    level: String,
    basis: String,
    kind: String,
    on: String,
    pager: crate::admin::Pager,
    query_string: String,
}

async fn catalogue_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response, AppError> {
    let (filter, division) = filter_of(&state, &query).await?;
    let page = Page::new(query.page.unwrap_or(1), Page::DEFAULT_SIZE);
    let (rows, total) = fazhi_db::powers::catalogue_page(&state.db, &filter, Some(page)).await?;
    let divisions = home_and_counties(&state).await?;
    let query_string = format!(
        "division={}&agency={}&category={}&q={}&level={}&basis={}&kind={}&on={}&",
        division.code,
        crate::error::percent_encode(filter.agency.as_deref().unwrap_or("")),
        crate::error::percent_encode(filter.category.as_deref().unwrap_or("")),
        crate::error::percent_encode(filter.search.as_deref().unwrap_or("")),
        filter.level.as_deref().unwrap_or(""),
        crate::error::percent_encode(filter.basis.as_deref().unwrap_or("")),
        filter.kind.as_deref().unwrap_or("all"),
        filter.on
    );
    html(CataloguePage {
        layout: Layout::new("权责清单", "/powers", visitor.staff.as_ref()),
        agencies: fazhi_db::powers::holders_within(&state.db, &division.path, filter.on).await?,
        categories: fazhi_db::powers::categories(&state.db).await?,
        divisions,
        rows,
        agency: filter.agency.clone().unwrap_or_default(),
        category: filter.category.clone().unwrap_or_default(),
        q: filter.search.clone().unwrap_or_default(),
        q_words: filter
            .search
            .as_deref()
            .map(fazhi_core::search::query_words)
            .unwrap_or_default()
            .join(" / "),
        level: filter.level.clone().unwrap_or_default(),
        basis: filter.basis.clone().unwrap_or_default(),
        kind: filter.kind.clone().unwrap_or_else(|| "all".into()),
        on: filter.on.to_string(),
        pager: crate::admin::Pager::new(page, total, &query_string),
        query_string,
        division,
    })
}

/// Quotes a CSV field when it needs it (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Formats of a downloadable table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// UTF-8 with a byte-order mark so that Excel and WPS open it in Chinese.
    Csv,
    Xlsx,
}

impl TableFormat {
    pub fn parse(text: &str) -> Option<TableFormat> {
        match text {
            "csv" => Some(TableFormat::Csv),
            "xlsx" => Some(TableFormat::Xlsx),
            _ => None,
        }
    }

    /// The format a `format=` query parameter asks for, or a clear refusal.
    pub fn asked(text: &str) -> Result<TableFormat, AppError> {
        TableFormat::parse(text)
            .ok_or_else(|| AppError::Invalid(format!("下载格式“{text}”无效，应为 csv 或 xlsx")))
    }

    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Xlsx => "xlsx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            TableFormat::Csv => "text/csv; charset=utf-8",
            TableFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// A table as file bytes: a header row and text rows.
pub fn table_bytes(
    format: TableFormat,
    header: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, AppError> {
    match format {
        TableFormat::Csv => {
            let mut csv = format!("\u{feff}{}\r\n", header.join(","));
            for row in rows {
                csv.push_str(
                    &row.iter()
                        .map(|f| csv_field(f))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                csv.push_str("\r\n");
            }
            Ok(csv.into_bytes())
        }
        TableFormat::Xlsx => xlsx_bytes(header, rows),
    }
}

/// A table as a download in the asked format.
pub fn table_download(
    format: TableFormat,
    file_stem: &str,
    header: &[&str],
    rows: Vec<Vec<String>>,
) -> Result<Response, AppError> {
    let body = table_bytes(format, header, &rows)?;
    let disposition = format!(
        "attachment; filename=\"{file_stem}.{}\"",
        format.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

fn xlsx_bytes(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (column, title) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, column as u16, *title, &bold)
            .map_err(fail)?;
    }
    for (index, row) in rows.iter().enumerate() {
        for (column, value) in row.iter().enumerate() {
            sheet
                .write_string(index as u32 + 1, column as u16, value)
                .map_err(fail)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    workbook.save_to_buffer().map_err(fail)
}

/// One catalogue row as the cells of [`CATALOGUE_HEADER`].
pub fn catalogue_cells(row: CatalogueRow) -> Vec<String> {
    vec![
        row.item_code,
        row.name,
        row.category,
        row.holder_name,
        row.holder,
        row.valid_from.to_string(),
        row.condition_text.unwrap_or_default(),
    ]
}

pub const CATALOGUE_HEADER: [&str; 7] = [
    "事项编码",
    "事项名称",
    "事项类别",
    "实施主体",
    "机构代码",
    "持有起始日",
    "适用条件",
];

async fn catalogue_download(
    state: &AppState,
    query: &CatalogueQuery,
    format: TableFormat,
) -> Result<Response, AppError> {
    let (filter, division) = filter_of(state, query).await?;
    let (rows, _) = fazhi_db::powers::catalogue_page(&state.db, &filter, None).await?;
    let rows = rows
        .into_iter()
        .map(|row| {
            vec![
                row.item_code,
                row.name,
                row.category,
                row.holder_name,
                row.holder,
                row.valid_from.to_string(),
                row.condition_text.unwrap_or_default(),
            ]
        })
        .collect();
    table_download(
        format,
        &format!("powers-{}-{}", division.code, filter.on),
        &CATALOGUE_HEADER,
        rows,
    )
}

async fn catalogue_csv(
    State(state): State<AppState>,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response, AppError> {
    catalogue_download(&state, &query, TableFormat::Csv).await
}

async fn catalogue_xlsx(
    State(state): State<AppState>,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response, AppError> {
    catalogue_download(&state, &query, TableFormat::Xlsx).await
}

#[derive(Template)]
#[template(path = "power_item.html")]
struct ItemPage {
    layout: Layout,
    detail: ItemDetail,
    holdings: Vec<CatalogueRow>,
    history: Vec<HistoryRow>,
    on: String,
    /// The reader may draft a change (the form then checks that their agency holds the item).
    may_draft: bool,
}

async fn item_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response, AppError> {
    let detail = fazhi_db::powers::item_detail(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let (mut filter, _) = filter_of(
        &state,
        &CatalogueQuery {
            division: Some("".into()),
            ..query
        },
    )
    .await?;
    filter.division_path = "/".into();
    filter.item = Some(code.clone());
    filter.kind = None;
    let (holdings, _) = fazhi_db::powers::catalogue_page(&state.db, &filter, None).await?;
    html(ItemPage {
        layout: Layout::new(
            &format!("{}（{}）", detail.item.name, detail.item.code),
            "/powers",
            visitor.staff.as_ref(),
        ),
        history: fazhi_db::powers::item_history(&state.db, &code).await?,
        may_draft: visitor
            .staff
            .as_ref()
            .is_some_and(|staff| staff.may_somewhere(fazhi_core::org::Action::Draft)),
        holdings,
        on: filter.on.to_string(),
        detail,
    })
}

// ---------------------------------------------------------------------------------------------
// Q3: what changed between two dates

#[derive(Deserialize, Default)]
struct ChangesQuery {
    division: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// add | abolish | take_over | devolve | entrust | take_back | change
    kind: Option<String>,
    /// county | town: only adjustments with a receiver at that level
    level: Option<String>,
}

fn parse_date(text: Option<&str>, default: NaiveDate, label: &str) -> Result<NaiveDate, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| AppError::Invalid(format!("{label}“{text}”格式错误，应为YYYY-MM-DD"))),
        None => Ok(default),
    }
}

/// The division and the two dates of a comparison (default: the past year up to today).
async fn changes_of(
    state: &AppState,
    query: &ChangesQuery,
) -> Result<
    (
        fazhi_db::org::DivisionRow,
        NaiveDate,
        NaiveDate,
        Vec<fazhi_db::powers::ChangeRow>,
    ),
    AppError,
> {
    let code = non_empty(&query.division).unwrap_or_else(|| state.config.home_division.clone());
    let division = fazhi_db::org::division_by_code(&state.db, &code)
        .await?
        .ok_or_else(|| AppError::Invalid(format!("区划“{code}”不存在")))?;
    let today = fazhi_core::clock::beijing_today();
    let to = parse_date(query.to.as_deref(), today, "截止日期")?;
    let from = parse_date(
        query.from.as_deref(),
        to - chrono::Duration::days(365),
        "起始日期",
    )?;
    let kind = match non_empty(&query.kind) {
        Some(text) => Some(
            fazhi_core::powers::AdjustmentKind::parse(&text)
                .ok_or_else(|| AppError::Invalid(format!("调整类型“{text}”无效")))?,
        ),
        None => None,
    };
    let level = non_empty(&query.level);
    if level
        .as_deref()
        .is_some_and(|l| !matches!(l, "county" | "town"))
    {
        return Err(AppError::Invalid("层级应为 county 或 town".into()));
    }
    let changes = fazhi_db::powers::changes_filtered(
        &state.db,
        &division.path,
        from,
        to,
        kind,
        level.as_deref(),
    )
    .await?;
    Ok((division, from, to, changes))
}

#[derive(Template)]
#[template(path = "power_changes.html")]
struct ChangesPage {
    layout: Layout,
    division: fazhi_db::org::DivisionRow,
    divisions: Vec<fazhi_db::org::DivisionRow>,
    from: String,
    to: String,
    changes: Vec<fazhi_db::powers::ChangeRow>,
    counts: Vec<(&'static str, usize)>,
}

async fn changes_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<ChangesQuery>,
) -> Result<Response, AppError> {
    let (division, from, to, changes) = changes_of(&state, &query).await?;
    let divisions = home_and_counties(&state).await?;
    let counts = fazhi_core::powers::AdjustmentKind::ALL
        .into_iter()
        .map(|kind| {
            (
                kind.zh(),
                changes.iter().filter(|c| c.kind == kind.as_str()).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    html(ChangesPage {
        layout: Layout::new("权责清单变化", "/powers", visitor.staff.as_ref()),
        division,
        divisions,
        from: from.to_string(),
        to: to.to_string(),
        changes,
        counts,
    })
}

/// One change as the cells of [`CHANGES_HEADER`].
pub fn change_cells(change: fazhi_db::powers::ChangeRow) -> Vec<String> {
    vec![
        change.effective.to_string(),
        change.kind_zh().to_string(),
        change.item_code,
        change.item_name,
        change.from_name.unwrap_or_default(),
        change.receivers.unwrap_or_default(),
        change.condition_text.unwrap_or_default(),
        change.term_end.map(|d| d.to_string()).unwrap_or_default(),
        change.decision_title,
        change.decision_doc_number.unwrap_or_default(),
        change.decided_on.to_string(),
    ]
}

pub const CHANGES_HEADER: [&str; 11] = [
    "生效日期",
    "调整类型",
    "事项编码",
    "事项名称",
    "交出单位",
    "承接单位",
    "条件",
    "委托期限至",
    "依据文件",
    "文号",
    "决定日期",
];

async fn changes_download(
    state: &AppState,
    query: &ChangesQuery,
    format: TableFormat,
) -> Result<Response, AppError> {
    let (division, from, to, changes) = changes_of(state, query).await?;
    let rows = changes.into_iter().map(change_cells).collect();
    table_download(
        format,
        &format!("power-changes-{}-{from}-{to}", division.code),
        &CHANGES_HEADER,
        rows,
    )
}

async fn changes_csv(
    State(state): State<AppState>,
    Query(query): Query<ChangesQuery>,
) -> Result<Response, AppError> {
    changes_download(&state, &query, TableFormat::Csv).await
}

async fn changes_xlsx(
    State(state): State<AppState>,
    Query(query): Query<ChangesQuery>,
) -> Result<Response, AppError> {
    changes_download(&state, &query, TableFormat::Xlsx).await
}

// ---------------------------------------------------------------------------------------------
// Figures for the annual report, and the towns' catalogue

#[derive(Deserialize, Default)]
struct FiguresQuery {
    division: Option<String>,
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "power_figures.html")]
struct FiguresPage {
    layout: Layout,
    division: fazhi_db::org::DivisionRow,
    year: i32,
    figures: Vec<FigureLink>,
    by_category: Vec<(String, i64)>,
}

struct FigureLink {
    label: &'static str,
    items: usize,
    adjustments: usize,
    href: String,
}

async fn figures_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<FiguresQuery>,
) -> Result<Response, AppError> {
    let code = non_empty(&query.division).unwrap_or_else(|| state.config.home_division.clone());
    let division = fazhi_db::org::division_by_code(&state.db, &code)
        .await?
        .ok_or_else(|| AppError::Invalid(format!("区划“{code}”不存在")))?;
    let year = query
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&fazhi_core::clock::beijing_today()));
    if !(2000..=2100).contains(&year) {
        return Err(AppError::Invalid("年份应在2000至2100之间".into()));
    }
    let figures = fazhi_db::powers::figures_for_year(&state.db, &division.path, year)
        .await?
        .into_iter()
        .map(|f| FigureLink {
            label: f.label,
            items: f.items,
            adjustments: f.adjustments,
            href: format!(
                "/powers/changes?division={}&from={}-12-31&to={year}-12-31&kind={}&level={}",
                division.code,
                year - 1,
                f.kind.as_str(),
                f.receiver_level.unwrap_or("")
            ),
        })
        .collect();
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| AppError::Invalid("年份无效".into()))?;
    html(FiguresPage {
        layout: Layout::new("权责清单年度数据", "/powers", visitor.staff.as_ref()),
        by_category: fazhi_db::powers::counts_by_category(&state.db, &division.path, year_end)
            .await?,
        division,
        year,
        figures,
    })
}

#[derive(Deserialize, Default)]
struct TownsQuery {
    county: Option<String>,
    on: Option<String>,
}

#[derive(Template)]
#[template(path = "power_towns.html")]
struct TownsPage {
    layout: Layout,
    county: fazhi_db::org::DivisionRow,
    counties: Vec<fazhi_db::org::DivisionRow>,
    on: String,
    towns: Vec<fazhi_db::powers::TownHolding>,
}

/// The public list of towns and streets exercising county powers (spec/powers.md §5), per county.
async fn towns_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<TownsQuery>,
) -> Result<Response, AppError> {
    let home = fazhi_db::org::division_by_code(&state.db, &state.config.home_division)
        .await?
        .ok_or(AppError::NotFound)?;
    let counties = fazhi_db::org::child_divisions(&state.db, Some(home.id)).await?;
    let county = match non_empty(&query.county) {
        Some(code) => counties
            .iter()
            .find(|c| c.code == code)
            .cloned()
            .ok_or_else(|| AppError::Invalid(format!("“{code}”不是本市的县（市、区）")))?,
        None => counties.first().cloned().ok_or(AppError::NotFound)?,
    };
    let on = parse_date(
        query.on.as_deref(),
        fazhi_core::clock::beijing_today(),
        "日期",
    )?;
    html(TownsPage {
        layout: Layout::new("镇街综合行政执法事项", "/powers", visitor.staff.as_ref()),
        towns: fazhi_db::powers::town_holdings(&state.db, &county.path, on).await?,
        county,
        counties,
        on: on.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("取水许可"), "取水许可");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("说\"明\""), "\"说\"\"明\"\"\"");
    }
}
