//! Spreadsheets in and out: CSV and Excel/WPS workbooks become a grid of cells for the pure
//! readers in `fazhi_core`. Row numbers stay those the user sees in the spreadsheet.

use anyhow::{Context, Result, anyhow, bail};
use calamine::Reader;
use fazhi_core::powers::import::{Cell, Grid};
use std::path::Path;

/// Largest spreadsheet accepted (bytes).
pub const MAX_SPREADSHEET_BYTES: u64 = 50 * 1024 * 1024;

/// Reads `path` (.csv, .xlsx, .xls, .ods) into a grid. For workbooks, `sheet` names the
/// worksheet; by default the first.
pub fn read_grid(path: &Path, sheet: Option<&str>) -> Result<Grid> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("无法读取文件 {}", path.display()))?
        .len();
    if size > MAX_SPREADSHEET_BYTES {
        bail!(
            "文件 {} 超过{}MB",
            path.display(),
            MAX_SPREADSHEET_BYTES / 1024 / 1024
        );
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_lowercase();
    match extension.as_str() {
        "csv" => read_csv(path),
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path, sheet),
        other => bail!("不支持的文件类型“.{other}”，请使用 .xlsx、.xls 或 .csv"),
    }
}

fn read_csv(path: &Path) -> Result<Grid> {
    let bytes = std::fs::read(path).with_context(|| format!("无法读取文件 {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("CSV 文件不是UTF-8编码，请在Excel或WPS中另存为“CSV UTF-8”"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut grid = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| anyhow!("第{}行无法解析：{e}", index + 1))?;
        grid.push(
            record
                .iter()
                .map(|field| {
                    if field.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(field.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(grid)
}

fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<Grid> {
    let mut workbook = calamine::open_workbook_auto(path)
        .map_err(|e| anyhow!("无法打开表格文件 {}：{e}", path.display()))?;
    let names = workbook.sheet_names().to_vec();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "找不到工作表“{wanted}”；本文件的工作表有：{}",
                    names.join("、")
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| anyhow!("表格文件中没有工作表"))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| anyhow!("无法读取工作表“{name}”：{e}"))?;
    Ok(fazhi_web::upload::grid_of_range(&range))
}
