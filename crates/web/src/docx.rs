//! Word documents (.docx) that officials open and edit: paragraphs, headings and tables with
//! merged cells, written as plain WordprocessingML. Text is set in 仿宋 (body) and 黑体
//! (headings) as government documents are; Word or WPS falls back to any CJK font it has.

use fazhi_core::foi::layout::{LaidTable, Placed};
use std::io::Write;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// Escapes text for XML content and attributes (also used by the Atom feed and the sitemap).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters other than tab and newline are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// A run of text in `font` at `half_points` size (Word sizes are half-points).
fn run(text: &str, font: &str, half_points: u32, bold: bool) -> String {
    format!(
        r#"<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>{}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
        if bold { "<w:b/>" } else { "" },
        escape(text)
    )
}

/// The width of the text on an A4 page with the margins of `finish` (twips).
const TEXT_WIDTH_TWIPS: u32 = 11906 - 2 * 1247;

/// Column widths in twips: a column where row labels start is three times as wide as a column
/// of figures.
fn column_widths(table: &LaidTable) -> Vec<u32> {
    let width = table.width();
    let mut label = vec![false; width];
    for row in table.placed().iter().skip(table.header_rows) {
        for place in row {
            if let Placed::Cell(column, cell) = place
                && cell.header
            {
                label[*column] = true;
            }
        }
    }
    let weights: Vec<u32> = label.iter().map(|l| if *l { 3 } else { 1 }).collect();
    let total: u32 = weights.iter().sum::<u32>().max(1);
    weights
        .iter()
        .map(|w| TEXT_WIDTH_TWIPS * w / total)
        .collect()
}

/// A document being written.
#[derive(Default)]
pub struct Docx {
    body: String,
}

impl Docx {
    pub fn new() -> Docx {
        Docx::default()
    }

    /// The document title: centred, 小标宋 size 2 (22 pt).
    pub fn title(&mut self, text: &str) {
        self.body.push_str(&format!(
            r#"<w:p><w:pPr><w:jc w:val="center"/><w:spacing w:after="240"/></w:pPr>{}</w:p>"#,
            run(text, "方正小标宋简体", 44, false)
        ));
    }

    /// A section heading (黑体 三号, 16 pt).
    pub fn heading(&mut self, text: &str) {
        self.body.push_str(&format!(
            r#"<w:p><w:pPr><w:spacing w:before="240" w:after="120"/></w:pPr>{}</w:p>"#,
            run(text, "黑体", 32, false)
        ));
    }

    /// Body text (仿宋 三号), one paragraph per line, first line indented two characters.
    pub fn paragraph(&mut self, text: &str) {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            self.body.push_str(&format!(
                r#"<w:p><w:pPr><w:ind w:firstLine="640" w:firstLineChars="200"/></w:pPr>{}</w:p>"#,
                run(line.trim(), "仿宋", 32, false)
            ));
        }
    }

    /// A line without indent (the addressee) or aligned right (the signature).
    pub fn line(&mut self, text: &str, right: bool) {
        self.body.push_str(&format!(
            r#"<w:p><w:pPr><w:jc w:val="{}"/></w:pPr>{}</w:p>"#,
            if right { "right" } else { "left" },
            run(text, "仿宋", 32, false)
        ));
    }

    /// A small note under a table (仿宋 小四).
    pub fn note(&mut self, text: &str) {
        self.body
            .push_str(&format!("<w:p>{}</w:p>", run(text, "仿宋", 24, false)));
    }

    /// A table with its merged cells: a cell spanning rows starts a vertical merge and the rows
    /// below carry continuation cells in its columns.
    pub fn table(&mut self, table: &LaidTable) {
        let widths = column_widths(table);
        let span_width =
            |first: usize, span: usize| -> u32 { widths.iter().skip(first).take(span).sum() };
        self.body.push_str(&format!(
            r#"<w:tbl><w:tblPr><w:tblW w:w="{TEXT_WIDTH_TWIPS}" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblBorders>"#
        ));
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            self.body.push_str(&format!(
                r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>"#
            ));
        }
        self.body.push_str("</w:tblBorders></w:tblPr><w:tblGrid>");
        for width in &widths {
            self.body
                .push_str(&format!(r#"<w:gridCol w:w="{width}"/>"#));
        }
        self.body.push_str("</w:tblGrid>");
        for (index, row) in table.placed().into_iter().enumerate() {
            // Header rows repeat on every page the table runs onto.
            if index < table.header_rows {
                self.body.push_str("<w:tr><w:trPr><w:tblHeader/></w:trPr>");
            } else {
                self.body.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
            }
            for place in row {
                let (column, cell) = match place {
                    Placed::Covered(column, span) => {
                        self.body.push_str(&format!(
                            r#"<w:tc><w:tcPr><w:tcW w:w="{}" w:type="dxa"/><w:gridSpan w:val="{span}"/><w:vMerge/></w:tcPr><w:p/></w:tc>"#,
                            span_width(column, span)
                        ));
                        continue;
                    }
                    Placed::Cell(column, cell) => (column, cell),
                };
                let merge = if cell.rowspan > 1 {
                    r#"<w:vMerge w:val="restart"/>"#
                } else {
                    ""
                };
                self.body.push_str(&format!(
                    r#"<w:tc><w:tcPr><w:tcW w:w="{}" w:type="dxa"/><w:gridSpan w:val="{}"/>{merge}<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:jc w:val="{}"/></w:pPr>{}</w:p></w:tc>"#,
                    span_width(column, cell.colspan),
                    cell.colspan,
                    if cell.header { "left" } else { "center" },
                    run(&cell.text, "仿宋", 18, cell.header && cell.colspan > 1),
                ));
            }
            self.body.push_str("</w:tr>");
        }
        self.body.push_str("</w:tbl>");
    }

    /// The .docx file.
    pub fn finish(self) -> Result<Vec<u8>, String> {
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1247" w:bottom="1440" w:left="1247" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>"#,
            self.body
        );
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("word/document.xml", document.as_str()),
        ] {
            zip.start_file(name, options).map_err(|e| e.to_string())?;
            zip.write_all(content.as_bytes())
                .map_err(|e| e.to_string())?;
        }
        zip.finish().map_err(|e| e.to_string())?;
        Ok(buffer.into_inner())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use fazhi_core::foi::layout::LaidCell;

    fn cell(text: &str, rowspan: usize, colspan: usize) -> LaidCell {
        LaidCell {
            text: text.into(),
            rowspan,
            colspan,
            header: true,
            source: None,
            key: None,
        }
    }

    #[test]
    fn merged_cells_carry_continuations_and_text_is_escaped() {
        let table = LaidTable {
            caption: "t".into(),
            header_rows: 1,
            rows: vec![
                vec![cell("A<&>", 2, 1), cell("B", 1, 2)],
                vec![cell("C", 1, 1), cell("D", 1, 1)],
            ],
        };
        let mut doc = Docx::new();
        doc.table(&table);
        assert!(doc.body.contains("A&lt;&amp;&gt;"));
        assert_eq!(
            doc.body.matches(r#"<w:vMerge w:val="restart"/>"#).count(),
            1
        );
        assert_eq!(doc.body.matches("<w:vMerge/>").count(), 1);
        assert_eq!(doc.body.matches("<w:tc>").count(), 5);
        let bytes = doc.finish().unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert!(archive.by_name("word/document.xml").is_ok());
    }
}
