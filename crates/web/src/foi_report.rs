//! The 政府信息公开工作年度报告 on the web (issue 5 part 5): staff fill in the hand-entered
//! parts, see the equations checked and every counted figure's cases, and publish; the public
//! reads the published copy. Both download it as DOCX (to edit), xlsx or JSON.

use crate::AppState;
use crate::docx::Docx;
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::session::{CsrfForm, Staff, Visitor};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use fazhi_core::foi::annual::{AnnualReport, Narrative};
use fazhi_core::foi::layout::{self, LaidCell, LaidTable, Placed};
use fazhi_core::org::Action;
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/foi/report", get(staff_page))
        .route("/admin/foi/report/entries", post(save_entries))
        .route("/admin/foi/report/publish", post(publish))
        .route("/admin/foi/report/cell", get(cell_page))
        .route("/admin/foi/report/download", get(staff_download))
        .route("/admin/foi/figures", get(figures_page))
        .route("/admin/foi/figures/cases", get(figure_cases))
        .route("/foi/reports", get(public_list))
        .route("/foi/reports/{agency}/{year}", get(public_page))
        .route(
            "/foi/reports/{agency}/{year}/download",
            get(public_download),
        )
}

/// The note printed under section 二 while its figures are entered by hand.
const HAND_NOTE: &str = "注：本部分数据为手工填报（本系统尚未保存相应的规章、规范性文件、许可处罚强制决定和收费记录）。";

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    notice: String,
}

/// The agency and year a staff page is about: by default the staff member's agency, last year.
fn agency_and_year(staff: &Staff, query: &ReportQuery) -> Result<(String, i32), AppError> {
    let agency = match query.agency.trim() {
        "" => staff.user.agency_code.clone(),
        code => code.to_string(),
    };
    let year = match query.year.trim() {
        "" => fazhi_core::clock::beijing_today().year() - 1,
        text => text
            .parse()
            .map_err(|_| AppError::Invalid(format!("年份“{text}”无效")))?,
    };
    Ok((agency, year))
}

#[derive(Template)]
#[template(path = "foi_report.html")]
struct ReportPage {
    layout: Layout,
    report: AnnualReport,
    two: Vec<LaidTable>,
    three: LaidTable,
    four: LaidTable,
    /// Staff view: inputs for the hand-entered parts and links to the cases.
    staff: bool,
    editable: bool,
    may_publish: bool,
    published: Option<String>,
    download_base: String,
    query: String,
    notice: Option<String>,
    error: Option<String>,
}

impl ReportPage {
    fn new(layout: Layout, report: AnnualReport) -> ReportPage {
        ReportPage {
            two: layout::section_two(&report),
            three: layout::section_three(&report),
            four: layout::section_four(&report),
            query: format!("agency={}&year={}", report.agency_code, report.year),
            layout,
            report,
            staff: false,
            editable: false,
            may_publish: false,
            published: None,
            download_base: String::new(),
            notice: None,
            error: None,
        }
    }

    /// The link to the cases a counted cell is made of (staff only).
    fn cell_link(&self, cell: &LaidCell) -> Option<String> {
        let source = cell.source.as_ref().filter(|_| self.staff)?;
        Some(format!(
            "/admin/foi/report/cell?{}&section={}&row={}&column={}",
            self.query, source.section, source.row, source.column
        ))
    }

    /// A readable name for an entry key, for screen readers.
    fn label_of(&self, key: &str) -> String {
        key.replace('/', " ")
    }

    /// The fees entered by hand, for the form.
    fn fees(&self) -> String {
        self.report.fees_yuan.clone().unwrap_or_default()
    }
}

async fn render_staff(
    state: &AppState,
    staff: &Staff,
    code: &str,
    year: i32,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let agency = staff.agency(state, code, Action::View).await?;
    let today = fazhi_core::clock::beijing_today();
    let report = fazhi_db::foi_report::assemble(&state.db, code, year, None, today).await?;
    let published = fazhi_db::foi_report::published(&state.db, agency.id, year)
        .await?
        .map(|p| format!("第{}版，{}", p.version, p.published_at.date_naive()));
    let refused = error.is_some();
    let mut page = ReportPage::new(
        Layout::new(&report.title, "/admin/foi", Some(staff)),
        report,
    );
    page.staff = true;
    page.editable = staff.may(Action::Draft, &agency.target());
    page.may_publish = staff.may(Action::Review, &agency.target());
    page.published = published;
    page.download_base = format!("/admin/foi/report/download?{}", page.query);
    page.notice = notice;
    page.error = error;
    let mut response = html(page)?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

async fn staff_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let (code, year) = agency_and_year(&staff, &query)?;
    let notice = match query.notice.as_str() {
        "saved" => Some("已保存填报内容。".to_string()),
        "published" => Some("报告已发布，公众可在“政府信息公开年度报告”栏目查看。".to_string()),
        _ => None,
    };
    render_staff(&state, &staff, &code, year, notice, None).await
}

#[derive(Deserialize, Default)]
pub struct EntriesForm {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    year: String,
    #[serde(flatten)]
    values: BTreeMap<String, String>,
}

impl EntriesForm {
    fn year(&self) -> Result<i32, AppError> {
        self.year
            .trim()
            .parse()
            .map_err(|_| AppError::Invalid(format!("年份“{}”无效", self.year)))
    }
}

async fn save_entries(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<EntriesForm>,
) -> Result<Response, AppError> {
    let year = form.year()?;
    let agency = staff.agency(&state, &form.agency, Action::Draft).await?;
    let changes: Vec<(String, String)> = form.values.clone().into_iter().collect();
    let saved = fazhi_db::foi_report::save_entries(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        &agency,
        year,
        &changes,
    )
    .await
    .map(|_| ());
    back_to_report(&state, &staff, &agency.code, year, saved, "saved").await
}

/// Back to the report with `notice` when `change` was done; the report with the reason when it
/// was refused.
async fn back_to_report(
    state: &AppState,
    staff: &Staff,
    code: &str,
    year: i32,
    change: Result<(), fazhi_db::DbError>,
    notice: &str,
) -> Result<Response, AppError> {
    match change {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/foi/report?agency={code}&year={year}&notice={notice}"
        ))
        .into_response()),
        Err(fazhi_db::DbError::Invalid(message)) => {
            render_staff(state, staff, code, year, None, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<EntriesForm>,
) -> Result<Response, AppError> {
    let year = form.year()?;
    let agency = staff.agency(&state, &form.agency, Action::Review).await?;
    let published = fazhi_db::foi_report::publish(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        &agency.code,
        year,
    )
    .await
    .map(|_| ());
    back_to_report(&state, &staff, &agency.code, year, published, "published").await
}

#[derive(Deserialize, Default)]
pub struct CellQuery {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    section: u8,
    #[serde(default)]
    row: String,
    #[serde(default)]
    column: usize,
}

#[derive(Template)]
#[template(path = "foi_report_cell.html")]
struct CellPage {
    layout: Layout,
    what: String,
    requests: Vec<fazhi_db::foi::RequestRow>,
    back: String,
}

/// The requests one counted cell is made of (for section 四, the requests disputed).
async fn cell_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<CellQuery>,
) -> Result<Response, AppError> {
    let (code, year) = agency_and_year(
        &staff,
        &ReportQuery {
            agency: query.agency.clone(),
            year: query.year.clone(),
            ..ReportQuery::default()
        },
    )?;
    staff.agency(&state, &code, Action::View).await?;
    let today = fazhi_core::clock::beijing_today();
    let report = fazhi_db::foi_report::assemble(&state.db, &code, year, None, today).await?;
    let (what, request_ids) = match query.section {
        3 => {
            let row = report
                .section_three
                .rows
                .iter()
                .find(|r| r.code == query.row)
                .ok_or(AppError::NotFound)?;
            let cases = row.cases.get(query.column).ok_or(AppError::NotFound)?;
            let column = [
                "自然人",
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他",
                "总计",
            ]
            .get(query.column)
            .copied()
            .unwrap_or_default();
            (format!("第三部分“{}”·{column}", row.label), cases.clone())
        }
        4 => {
            let disputes = report
                .section_four
                .records
                .get(query.column)
                .ok_or(AppError::NotFound)?;
            let column = fazhi_core::foi::dispute::COLUMN_CODES
                .get(query.column)
                .copied()
                .unwrap_or_default();
            let ids = fazhi_db::foi::requests_of_disputes(&state.db, disputes).await?;
            (format!("第四部分 {column} 列"), ids)
        }
        _ => return Err(AppError::NotFound),
    };
    let requests = fazhi_db::foi::requests_by_ids(&state.db, &request_ids).await?;
    html(CellPage {
        layout: Layout::new(
            &format!("{}：{what}", report.title),
            "/admin/foi",
            Some(&staff),
        ),
        what,
        requests,
        back: format!("/admin/foi/report?agency={code}&year={year}"),
    })
}

/// A narrative section as DOCX paragraphs: the generated sentences, then the staff's text.
fn narrative_docx(doc: &mut Docx, narrative: &Narrative) {
    doc.heading(&narrative.title);
    for sentence in &narrative.generated {
        doc.paragraph(sentence);
    }
    doc.paragraph(&narrative.text);
}

fn report_docx(report: &AnnualReport) -> Result<Vec<u8>, AppError> {
    let mut doc = Docx::new();
    doc.title(&report.title);
    narrative_docx(&mut doc, &report.section_one);
    doc.heading(&report.section_two_title);
    for table in layout::section_two(report) {
        doc.table(&table);
        doc.note("");
    }
    doc.note(HAND_NOTE);
    doc.heading(&report.section_three_title);
    doc.table(&layout::section_three(report));
    doc.heading(&report.section_four_title);
    doc.table(&layout::section_four(report));
    narrative_docx(&mut doc, &report.section_five);
    narrative_docx(&mut doc, &report.section_six);
    doc.finish().map_err(AppError::Internal)
}

fn report_xlsx(report: &AnnualReport) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("年度报告").map_err(fail)?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let boxed = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let mut at: u32 = 0;
    sheet
        .write_string_with_format(at, 0, &report.title, &title)
        .map_err(fail)?;
    at += 2;
    let write_narrative = |sheet: &mut rust_xlsxwriter::Worksheet,
                           at: &mut u32,
                           narrative: &Narrative|
     -> Result<(), AppError> {
        sheet
            .write_string_with_format(*at, 0, &narrative.title, &bold)
            .map_err(fail)?;
        *at += 1;
        for line in narrative
            .generated
            .iter()
            .map(String::as_str)
            .chain(narrative.text.lines())
            .filter(|l| !l.trim().is_empty())
        {
            sheet.write_string(*at, 0, line).map_err(fail)?;
            *at += 1;
        }
        *at += 1;
        Ok(())
    };
    let write_table = |sheet: &mut rust_xlsxwriter::Worksheet,
                       at: &mut u32,
                       table: &LaidTable|
     -> Result<(), AppError> {
        for (offset, row) in table.placed().into_iter().enumerate() {
            let top = *at + offset as u32;
            for place in row {
                let Placed::Cell(column, cell) = place else {
                    continue;
                };
                let (first, last) = (column as u16, (column + cell.colspan - 1) as u16);
                let bottom = top + cell.rowspan as u32 - 1;
                if cell.rowspan > 1 || cell.colspan > 1 {
                    sheet
                        .merge_range(top, first, bottom, last, &cell.text, &boxed)
                        .map_err(fail)?;
                } else if let (false, Ok(number)) = (cell.header, cell.text.parse::<f64>()) {
                    sheet
                        .write_number_with_format(top, first, number, &boxed)
                        .map_err(fail)?;
                } else {
                    sheet
                        .write_string_with_format(top, first, &cell.text, &boxed)
                        .map_err(fail)?;
                }
            }
        }
        *at += table.rows.len() as u32 + 1;
        Ok(())
    };
    write_narrative(sheet, &mut at, &report.section_one)?;
    sheet
        .write_string_with_format(at, 0, &report.section_two_title, &bold)
        .map_err(fail)?;
    at += 1;
    for table in layout::section_two(report) {
        write_table(sheet, &mut at, &table)?;
    }
    sheet.write_string(at, 0, HAND_NOTE).map_err(fail)?;
    at += 2;
    sheet
        .write_string_with_format(at, 0, &report.section_three_title, &bold)
        .map_err(fail)?;
    at += 1;
    write_table(sheet, &mut at, &layout::section_three(report))?;
    sheet
        .write_string_with_format(at, 0, &report.section_four_title, &bold)
        .map_err(fail)?;
    at += 1;
    write_table(sheet, &mut at, &layout::section_four(report))?;
    write_narrative(sheet, &mut at, &report.section_five)?;
    write_narrative(sheet, &mut at, &report.section_six)?;
    sheet.set_column_width(0, 24).map_err(fail)?;
    workbook.save_to_buffer().map_err(fail)
}

/// The report as a file: docx, xlsx or json.
fn report_file(report: &AnnualReport, format: &str) -> Result<Response, AppError> {
    let (body, content_type, extension) = match format {
        "docx" => (
            report_docx(report)?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        "xlsx" => (
            report_xlsx(report)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        "json" => (
            serde_json::to_vec_pretty(report).map_err(|e| AppError::Internal(e.to_string()))?,
            "application/json",
            "json",
        ),
        other => {
            return Err(AppError::Invalid(format!(
                "下载格式“{other}”无效，应为 docx、xlsx 或 json"
            )));
        }
    };
    // The file name in ASCII for old clients and in UTF-8 (RFC 5987) for the rest.
    let ascii = format!(
        "foi-report-{}-{}.{extension}",
        report.agency_code, report.year
    );
    let utf8 = crate::error::percent_encode(&format!("{}.{extension}", report.title));
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{utf8}");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

async fn staff_download(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let (code, year) = agency_and_year(&staff, &query)?;
    staff.agency(&state, &code, Action::View).await?;
    let today = fazhi_core::clock::beijing_today();
    let report = fazhi_db::foi_report::assemble(&state.db, &code, year, None, today).await?;
    report_file(&report, &query.format)
}

struct ListedReport {
    agency_code: String,
    title: String,
    year: i32,
    published: String,
}

#[derive(Template)]
#[template(path = "foi_reports.html")]
struct ListPage {
    layout: Layout,
    reports: Vec<ListedReport>,
}

async fn public_list(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, AppError> {
    let reports = fazhi_db::foi_report::published_list(&state.db)
        .await?
        .into_iter()
        .map(|(code, name, year, version, at)| ListedReport {
            title: format!("{name}{year}年政府信息公开工作年度报告"),
            agency_code: code,
            year,
            published: format!("{}（第{version}版）", at.date_naive()),
        })
        .collect();
    html(ListPage {
        layout: Layout::new(
            "政府信息公开工作年度报告",
            "/foi/reports",
            visitor.staff.as_ref(),
        ),
        reports,
    })
}

/// The latest published copy of a report.
async fn published_report(
    state: &AppState,
    code: &str,
    year: i32,
) -> Result<fazhi_db::foi_report::Published, AppError> {
    let agency = fazhi_db::org::agency_by_code(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)?;
    fazhi_db::foi_report::published(&state.db, agency.id, year)
        .await?
        .ok_or(AppError::NotFound)
}

async fn public_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((code, year)): Path<(String, i32)>,
) -> Result<Response, AppError> {
    let published = published_report(&state, &code, year).await?;
    let mut page = ReportPage::new(
        Layout::new(
            &published.report.title,
            "/foi/reports",
            visitor.staff.as_ref(),
        ),
        published.report,
    );
    page.published = Some(format!(
        "第{}版，{}",
        published.version,
        published.published_at.date_naive()
    ));
    page.download_base = format!("/foi/reports/{code}/{year}/download?");
    html(page)
}

async fn public_download(
    State(state): State<AppState>,
    Path((code, year)): Path<(String, i32)>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let published = published_report(&state, &code, year).await?;
    report_file(&published.report, &query.format)
}

#[derive(Deserialize, Default)]
pub struct FiguresQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    figure: String,
}

/// The year asked for, by default last year.
fn figures_year(text: &str) -> Result<i32, AppError> {
    match text.trim() {
        "" => Ok(fazhi_core::clock::beijing_today().year() - 1),
        text => text
            .parse()
            .map_err(|_| AppError::Invalid(format!("年份“{text}”无效"))),
    }
}

/// The figures of the agencies `staff` may see.
async fn figures_of(
    state: &AppState,
    staff: &Staff,
    year: i32,
) -> Result<Vec<fazhi_db::foi_figures::AgencyFigures>, AppError> {
    let scopes = if staff.may(Action::View, &fazhi_core::org::Target::Global) {
        None
    } else {
        Some(fazhi_core::org::scopes_allowing(
            &staff.grants,
            Action::View,
        ))
    };
    Ok(fazhi_db::foi_figures::figures(
        &state.db,
        scopes.as_deref(),
        year,
        fazhi_core::clock::beijing_today(),
    )
    .await?)
}

/// The columns of the figures table and its download.
const FIGURES_HEADER: [&str; 8] = [
    "机构代码",
    "机构",
    "新收申请",
    "办结",
    "按期答复",
    "逾期答复",
    "无法判断是否按期（台账导入）",
    "按办理结果",
];

#[derive(Template)]
#[template(path = "foi_figures.html")]
struct FiguresPage {
    layout: Layout,
    year: i32,
    rows: Vec<fazhi_db::foi_figures::AgencyFigures>,
}

impl FiguresPage {
    /// The list of requests behind a figure: `received`, `closed`, … or an outcome label.
    fn link(&self, row: &fazhi_db::foi_figures::AgencyFigures, figure: &str) -> String {
        let known = ["received", "closed", "on_time", "late", "unknown"];
        let figure = if known.contains(&figure) {
            figure.to_string()
        } else {
            format!("outcome:{figure}")
        };
        format!(
            "/admin/foi/figures/cases?year={}&agency={}&figure={}",
            self.year,
            crate::error::percent_encode(&row.agency_code),
            crate::error::percent_encode(&figure)
        )
    }
}

async fn figures_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<FiguresQuery>,
) -> Result<Response, AppError> {
    let year = figures_year(&query.year)?;
    let rows = figures_of(&state, &staff, year).await?;
    if !query.format.is_empty() {
        let format = crate::powers::TableFormat::asked(&query.format)?;
        let cells = rows
            .iter()
            .map(|row| {
                vec![
                    row.agency_code.clone(),
                    row.agency_name.clone(),
                    row.received.len().to_string(),
                    row.closed.len().to_string(),
                    row.on_time.len().to_string(),
                    row.late.len().to_string(),
                    row.timeliness_unknown.len().to_string(),
                    row.by_outcome
                        .iter()
                        .map(|(label, ids)| format!("{label}{}", ids.len()))
                        .collect::<Vec<_>>()
                        .join("；"),
                ]
            })
            .collect();
        return crate::powers::table_download(
            format,
            &format!("foi-figures-{year}"),
            &FIGURES_HEADER,
            cells,
        );
    }
    html(FiguresPage {
        layout: Layout::new(
            &format!("{year}年依申请公开情况（法治政府建设年度报告用）"),
            "/admin/foi",
            Some(&staff),
        ),
        year,
        rows,
    })
}

/// The requests one figure counts.
async fn figure_cases(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<FiguresQuery>,
) -> Result<Response, AppError> {
    let year = figures_year(&query.year)?;
    let rows = figures_of(&state, &staff, year).await?;
    let row = rows
        .iter()
        .find(|r| r.agency_code == query.agency)
        .ok_or(AppError::NotFound)?;
    let (what, ids) = match query.figure.as_str() {
        "received" => ("新收申请", &row.received),
        "closed" => ("办结", &row.closed),
        "on_time" => ("按期答复", &row.on_time),
        "late" => ("逾期答复", &row.late),
        "unknown" => ("无法判断是否按期", &row.timeliness_unknown),
        other => match other.strip_prefix("outcome:") {
            Some(label) => (label, row.by_outcome.get(label).ok_or(AppError::NotFound)?),
            None => return Err(AppError::NotFound),
        },
    };
    let requests = fazhi_db::foi::requests_by_ids(&state.db, ids).await?;
    let what = format!("{}{year}年{what}", row.agency_name);
    html(CellPage {
        layout: Layout::new(&what, "/admin/foi", Some(&staff)),
        what,
        requests,
        back: format!("/admin/foi/figures?year={year}"),
    })
}
