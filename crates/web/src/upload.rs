//! Spreadsheets uploaded through a page: a multipart form with its CSRF token and one file,
//! size- and type-checked before anything reads it, turned into the grid the readers in
//! `fazhi_core` take.

use crate::AppState;
use crate::error::AppError;
use crate::session::Visitor;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use calamine::{Data, Range, Reader};
use fazhi_core::auth::tokens_equal;
use fazhi_core::powers::import::{Cell, Grid};

/// Largest file accepted through a page.
pub const UPLOAD_MAX_BYTES: usize = 5 * 1024 * 1024;
/// The request may be this much larger than the file (the other fields and the boundaries).
pub const UPLOAD_BODY_MAX: usize = UPLOAD_MAX_BYTES + 64 * 1024;

/// An uploaded file whose form carried the session's CSRF token.
pub struct CsrfUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn too_big() -> AppError {
    AppError::Invalid(format!("文件不能超过{}MB", UPLOAD_MAX_BYTES / 1024 / 1024))
}

impl FromRequest<AppState> for CsrfUpload {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let visitor = Visitor::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|rejection| {
                AppError::Invalid(format!("表单内容无法识别：{}", rejection.body_text()))
            })?;
        let mut csrf = String::new();
        let mut file: Option<(String, Vec<u8>)> = None;
        while let Some(mut field) = multipart.next_field().await.map_err(|_| too_big())? {
            match field.name() {
                Some("csrf_token") => csrf = field.text().await.map_err(|_| too_big())?,
                Some("file") => {
                    let name = field.file_name().unwrap_or_default().to_string();
                    let mut bytes = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(|_| too_big())? {
                        bytes.extend_from_slice(&chunk);
                        if bytes.len() > UPLOAD_MAX_BYTES {
                            return Err(too_big());
                        }
                    }
                    file = Some((name, bytes));
                }
                _ => {}
            }
        }
        let expected = visitor.csrf_token.ok_or(AppError::Csrf)?;
        if csrf.is_empty() || !tokens_equal(&csrf, &expected) {
            return Err(AppError::Csrf);
        }
        let (file_name, bytes) = file
            .filter(|(name, bytes)| !name.is_empty() || !bytes.is_empty())
            .ok_or_else(|| AppError::Invalid("请选择要上传的文件".into()))?;
        Ok(CsrfUpload { file_name, bytes })
    }
}

/// The first worksheet of an uploaded .xlsx file. The extension and the content must both
/// say xlsx: a renamed file or a damaged one is refused with the reason.
pub fn xlsx_grid(upload: &CsrfUpload) -> Result<Grid, AppError> {
    if !upload.file_name.to_lowercase().ends_with(".xlsx") {
        return Err(AppError::Invalid(format!(
            "只接受 .xlsx 表格文件，“{}”不是",
            upload.file_name
        )));
    }
    let not_xlsx = || {
        AppError::Invalid(format!(
            "“{}”的内容不是xlsx表格（扩展名与内容不符或文件已损坏）",
            upload.file_name
        ))
    };
    if !upload.bytes.starts_with(b"PK\x03\x04") {
        return Err(not_xlsx());
    }
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(upload.bytes.as_slice()))
        .map_err(|_| not_xlsx())?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| AppError::Invalid("表格文件中没有工作表".into()))?
        .map_err(|_| not_xlsx())?;
    Ok(grid_of_range(&range))
}

/// A worksheet as a grid whose row and column numbers are the sheet's (the range starts at
/// its first used cell, so it is padded).
pub fn grid_of_range(range: &Range<Data>) -> Grid {
    let (first_row, first_column) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut grid: Grid = vec![Vec::new(); first_row];
    for row in range.rows() {
        let mut cells = vec![Cell::Empty; first_column];
        cells.extend(row.iter().map(cell_of));
        grid.push(cells);
    }
    grid
}

pub fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) => {
            if text.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(text.clone())
            }
        }
        Data::Float(n) => Cell::Number(*n),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        Data::DateTime(value) => value
            .as_datetime()
            .map_or(Cell::Text(value.to_string()), |dt| Cell::Date(dt.date())),
        Data::DateTimeIso(text) => {
            chrono::NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d")
                .map_or(Cell::Text(text.clone()), Cell::Date)
        }
        Data::DurationIso(text) => Cell::Text(text.clone()),
        Data::Error(error) => Cell::Text(format!("#错误:{error}")),
    }
}
