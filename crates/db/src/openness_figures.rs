//! The 政务公开 figures of a year for the annual reports (issue 4 part 8): per agency, what was
//! published, interpreted, consulted on and answered. Each figure is one query over the
//! records; the same query lists the records a figure counts, so every number can be opened.

use crate::{Db, DbError, Result, on_pool};
use chrono::NaiveDate;

/// A figure: its name, its column label, and the query selecting (agency_id, record id, title)
/// of the records it counts in the year ($1 first day, $2 last day).
pub struct Figure {
    pub code: &'static str,
    pub label: &'static str,
    sql: &'static str,
    /// The staff page of a record.
    page: &'static str,
}

pub const FIGURES: [Figure; 9] = [
    Figure {
        code: "documents",
        label: "主动公开文件",
        sql: "SELECT agency_id, id, title FROM documents WHERE status IN ('published', 'withdrawn') \
              AND published_on >= $1 AND published_on <= $2",
        page: "/admin/documents/",
    },
    Figure {
        code: "needing",
        label: "须配发解读的文件",
        sql: "SELECT agency_id, id, title FROM documents WHERE status IN ('published', 'withdrawn') \
              AND needs_interpretation AND published_on >= $1 AND published_on <= $2",
        page: "/admin/documents/",
    },
    Figure {
        code: "interpreted",
        label: "已配发解读的文件",
        sql: "SELECT t.agency_id, t.id, t.title FROM documents t WHERE t.status IN ('published', 'withdrawn') \
              AND t.needs_interpretation AND t.published_on >= $1 AND t.published_on <= $2 \
              AND EXISTS (SELECT 1 FROM interpretation_documents l JOIN interpretations i ON i.id = l.interpretation_id \
              WHERE l.document_id = t.id AND i.status = 'published')",
        page: "/admin/documents/",
    },
    Figure {
        code: "consultations",
        label: "公开征求意见",
        sql: "SELECT agency_id, id, title FROM consultations WHERE status = 'published' \
              AND opens_on >= $1 AND opens_on <= $2",
        page: "/admin/consultations/",
    },
    Figure {
        code: "feedbacks",
        label: "已公布意见采纳情况",
        sql: "SELECT agency_id, id, title FROM consultations WHERE status = 'published' \
              AND feedback_published_on IS NOT NULL AND opens_on >= $1 AND opens_on <= $2",
        page: "/admin/consultations/",
    },
    Figure {
        code: "comments",
        label: "收到意见（条）",
        sql: "SELECT c.agency_id, c.id, c.title FROM consultation_comments m JOIN consultations c \
              ON c.id = m.consultation_id WHERE m.received_on >= $1 AND m.received_on <= $2",
        page: "/admin/consultations/",
    },
    Figure {
        code: "messages",
        label: "收到网民留言",
        sql: "SELECT agency_id, id, title FROM messages WHERE received_on >= $1 AND received_on <= $2",
        page: "/admin/messages/",
    },
    Figure {
        code: "answered",
        label: "已答复留言",
        sql: "SELECT agency_id, id, title FROM messages WHERE replied_on >= $1 AND replied_on <= $2",
        page: "/admin/messages/",
    },
    Figure {
        code: "late",
        label: "逾期答复留言",
        sql: "SELECT agency_id, id, title FROM messages WHERE replied_on >= $1 AND replied_on <= $2 \
              AND replied_on > due_on",
        page: "/admin/messages/",
    },
];

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate)> {
    match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(first), Some(last)) if (2000..=2100).contains(&year) => Ok((first, last)),
        _ => Err(DbError::Invalid(format!("年份{year}无效"))),
    }
}

async fn rows_of(db: &Db, figure: &Figure, year: i32) -> Result<Vec<(i64, i64, String)>> {
    let (first, last) = year_bounds(year)?;
    let sql = figure.sql;
    on_pool!(db, pool => {
        sqlx::query_as(sql).bind(first).bind(last).fetch_all(pool).await
    })
    .map_err(Into::into)
}

/// One agency's figures, in [`FIGURES`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyFigures {
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub values: Vec<i64>,
}

/// The figures of `year` for the agencies in `agency_ids` (all when `None`) that have any.
pub async fn figures(db: &Db, year: i32, agency_ids: Option<&[i64]>) -> Result<Vec<AgencyFigures>> {
    let mut by_agency: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
    for (index, figure) in FIGURES.iter().enumerate() {
        for (agency, _, _) in rows_of(db, figure, year).await? {
            if agency_ids.is_some_and(|ids| !ids.contains(&agency)) {
                continue;
            }
            by_agency
                .entry(agency)
                .or_insert_with(|| vec![0; FIGURES.len()])[index] += 1;
        }
    }
    let mut result = Vec::with_capacity(by_agency.len());
    for (agency_id, values) in by_agency {
        let agency = crate::org::agency_by_id(db, agency_id)
            .await?
            .ok_or(DbError::NotFound)?;
        result.push(AgencyFigures {
            agency_id,
            agency_code: agency.code,
            agency_name: agency.name,
            values,
        });
    }
    result.sort_by(|a, b| a.agency_code.cmp(&b.agency_code));
    Ok(result)
}

/// The records one figure counts for one agency: (staff page, title), in order.
pub async fn records(
    db: &Db,
    year: i32,
    agency_id: i64,
    code: &str,
) -> Result<(&'static str, Vec<(String, String)>)> {
    let figure = FIGURES
        .iter()
        .find(|f| f.code == code)
        .ok_or_else(|| DbError::Invalid(format!("没有名为“{code}”的数字")))?;
    let found = rows_of(db, figure, year)
        .await?
        .into_iter()
        .filter(|(agency, _, _)| *agency == agency_id)
        .map(|(_, id, title)| (format!("{}{id}", figure.page), title))
        .collect();
    Ok((figure.label, found))
}
