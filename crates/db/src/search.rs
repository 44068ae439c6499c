//! Full-text search over what is published (issue 4 part 7): documents, interpretations,
//! consultations and answered messages. A record is indexed by the jieba search-mode words of
//! its title and text when it is published, in the same transaction, and taken out when it is
//! withdrawn. A query's words must all be in a record; the rarest word's postings are read
//! newest first and the others checked by key, so a search reads few rows on both databases.

use crate::{Db, DbError, Page, Result, Tx, on_pool, on_tx};
use chrono::{Datelike, NaiveDate};
use fazhi_core::search::{index_terms, query_words};
use serde::Serialize;

/// What a search result can be.
pub const KINDS: [(&str, &str); 4] = [
    ("document", "政府文件"),
    ("interpretation", "政策解读"),
    ("consultation", "意见征集"),
    ("message", "网民留言"),
];

/// Matches counted exactly up to this many; beyond it the page says "more than".
pub const COUNT_CAP: i64 = 1_000;

/// Postings written per statement (three parameters each).
const POSTINGS_PER_INSERT: usize = 2_000;

/// A published record as the index holds it.
#[derive(Debug, Clone)]
pub struct Searchable<'a> {
    pub kind: &'static str,
    pub record_id: i64,
    pub title: &'a str,
    pub text: &'a str,
    pub agency_id: i64,
    pub published_on: NaiveDate,
    pub subject: &'a str,
    pub genre: &'a str,
    pub validity: &'a str,
}

/// Takes a record out of the index, if it is there.
pub async fn remove(tx: &mut Tx, kind: &str, record_id: i64) -> Result<()> {
    let found: Option<(i64, NaiveDate, String)> = on_tx!(tx, conn => {
        sqlx::query_as("SELECT id, published_on, terms FROM search_records WHERE kind = $1 AND record_id = $2")
            .bind(kind)
            .bind(record_id)
            .fetch_optional(&mut *conn)
            .await
    })?;
    let Some((id, published_on, terms)) = found else {
        return Ok(());
    };
    let terms: Vec<&str> = terms.split(' ').filter(|t| !t.is_empty()).collect();
    for chunk in terms.chunks(POSTINGS_PER_INSERT) {
        on_tx!(tx, conn => {
            let mut query = sqlx::QueryBuilder::new("DELETE FROM search_postings WHERE published_on = ");
            query.push_bind(published_on).push(" AND record = ").push_bind(id).push(" AND term IN (");
            let mut list = query.separated(", ");
            for term in chunk {
                list.push_bind(*term);
            }
            query.push(")");
            query.build().execute(&mut *conn).await.map(|done| done.rows_affected())
        })?;
    }
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM search_records WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// Puts a record in the index (replacing what was there for it).
pub async fn index(tx: &mut Tx, record: &Searchable<'_>) -> Result<()> {
    remove(tx, record.kind, record.record_id).await?;
    let terms: Vec<String> = index_terms(&[record.title, record.text])
        .into_iter()
        .filter(|term| !term.contains(' '))
        .collect();
    let id: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO search_records (kind, record_id, title, agency_id, published_on, year, subject, genre, \
             validity, terms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(record.kind)
        .bind(record.record_id)
        .bind(record.title)
        .bind(record.agency_id)
        .bind(record.published_on)
        .bind(record.published_on.year())
        .bind(record.subject)
        .bind(record.genre)
        .bind(record.validity)
        .bind(terms.join(" "))
        .fetch_one(&mut *conn)
        .await
    })?;
    for chunk in terms.chunks(POSTINGS_PER_INSERT) {
        on_tx!(tx, conn => {
            let mut query = sqlx::QueryBuilder::new("INSERT INTO search_postings (term, published_on, record) ");
            query.push_values(chunk, |mut row, term| {
                row.push_bind(term.as_str()).push_bind(record.published_on).push_bind(id);
            });
            query.build().execute(&mut *conn).await.map(|done| done.rows_affected())
        })?;
    }
    Ok(())
}

/// What the public searches with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub kind: Option<String>,
    pub agency_id: Option<i64>,
    pub year: Option<i32>,
    pub subject: Option<String>,
    pub genre: Option<String>,
    pub validity: Option<String>,
}

impl SearchQuery {
    /// Whether anything besides the words narrows the search.
    pub fn has_filters(&self) -> bool {
        self.kind.is_some()
            || self.agency_id.is_some()
            || self.year.is_some()
            || self.subject.is_some()
            || self.genre.is_some()
            || self.validity.is_some()
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Hit {
    pub id: i64,
    pub kind: String,
    pub record_id: i64,
    pub title: String,
    pub agency_name: String,
    pub published_on: NaiveDate,
}

impl Hit {
    pub fn kind_zh(&self) -> &'static str {
        KINDS
            .iter()
            .find(|(code, _)| *code == self.kind)
            .map_or("", |(_, label)| label)
    }

    /// The public page of the record.
    pub fn path(&self) -> String {
        record_path(&self.kind, self.record_id)
    }
}

/// The public page of a searchable record.
pub fn record_path(kind: &str, record_id: i64) -> String {
    match kind {
        "document" => format!("/documents/{record_id}"),
        "interpretation" => format!("/interpretations/{record_id}"),
        "consultation" => format!("/consultations/{record_id}"),
        _ => format!("/messages/{record_id}"),
    }
}

/// Every published record's page and publication date, newest first, at most `limit` (for
/// the sitemap).
pub async fn published_pages(db: &Db, limit: i64) -> Result<Vec<(String, NaiveDate)>> {
    let rows: Vec<(String, i64, NaiveDate)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT kind, record_id, published_on FROM search_records \
             ORDER BY published_on DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(kind, id, on)| (record_path(&kind, id), on))
        .collect())
}

/// The results of a search: a page of hits, the number of matches (at most [`COUNT_CAP`]),
/// and the query's words (for highlighting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    pub hits: Vec<Hit>,
    pub total: i64,
    pub words: Vec<String>,
}

fn push_filters<DB>(query: &mut sqlx::QueryBuilder<DB>, filters: &SearchQuery)
where
    DB: sqlx::Database,
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> i32: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some(kind) = &filters.kind {
        query.push(" AND r.kind = ").push_bind(kind.clone());
    }
    if let Some(agency) = filters.agency_id {
        query.push(" AND r.agency_id = ").push_bind(agency);
    }
    if let Some(year) = filters.year {
        query.push(" AND r.year = ").push_bind(year);
    }
    for (column, value) in [
        ("r.subject", &filters.subject),
        ("r.genre", &filters.genre),
        ("r.validity", &filters.validity),
    ] {
        if let Some(value) = value {
            query
                .push(format!(" AND {column} = "))
                .push_bind(value.clone());
        }
    }
}

/// The matches of every word of `words[0]`'s postings: the rarest word first, the others
/// checked by key.
fn push_matches<DB>(
    query: &mut sqlx::QueryBuilder<DB>,
    words: &[String],
    filters: &SearchQuery,
    with_agency: bool,
) where
    DB: sqlx::Database,
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> i32: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    query.push(" FROM search_postings p");
    if with_agency || filters.has_filters() {
        query.push(" JOIN search_records r ON r.id = p.record");
    }
    if with_agency {
        query.push(" JOIN agencies a ON a.id = r.agency_id");
    }
    query.push(" WHERE p.term = ");
    query.push_bind(words[0].clone());
    for word in &words[1..] {
        query.push(" AND EXISTS (SELECT 1 FROM search_postings q WHERE q.term = ");
        query.push_bind(word.clone());
        query.push(" AND q.published_on = p.published_on AND q.record = p.record)");
    }
    push_filters(query, filters);
}

/// Records with every word of the query, newest first.
pub async fn search(db: &Db, filters: &SearchQuery, page: Page) -> Result<Results> {
    let mut words = query_words(&filters.text);
    if words.is_empty() {
        return Err(DbError::Invalid("请输入检索词".into()));
    }
    let mut frequencies = Vec::with_capacity(words.len());
    for word in &words {
        let count: i64 = on_pool!(db, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM search_postings WHERE term = $1 LIMIT $2) t")
                .bind(word)
                .bind(COUNT_CAP + 1)
                .fetch_one(pool)
                .await
        })?;
        frequencies.push(count);
    }
    let shown_words = words.clone();
    if frequencies.contains(&0) {
        return Ok(Results {
            hits: Vec::new(),
            total: 0,
            words: shown_words,
        });
    }
    let mut order: Vec<usize> = (0..words.len()).collect();
    order.sort_by_key(|&index| frequencies[index]);
    words = order
        .into_iter()
        .map(|index| words[index].clone())
        .collect();
    let hits: Vec<Hit> = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT r.id, r.kind, r.record_id, r.title, a.name AS agency_name, r.published_on",
        );
        push_matches(&mut query, &words, filters, true);
        query.push(" ORDER BY p.published_on DESC, p.record DESC LIMIT ");
        query.push_bind(page.limit());
        query.push(" OFFSET ");
        query.push_bind(page.offset());
        query.build_query_as().fetch_all(pool).await
    })?;
    let total: i64 = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1");
        push_matches(&mut query, &words, filters, false);
        query.push(" LIMIT ");
        query.push_bind(COUNT_CAP + 1);
        query.push(") t");
        query.build_query_scalar().fetch_one(pool).await
    })?;
    Ok(Results {
        hits,
        total,
        words: shown_words,
    })
}

/// The text a hit's snippet is cut from.
pub async fn text_of(db: &Db, hit: &Hit) -> Result<String> {
    let sql = match hit.kind.as_str() {
        "document" => "SELECT body FROM documents WHERE id = $1",
        "interpretation" => "SELECT body FROM interpretations WHERE id = $1",
        "consultation" => "SELECT draft_text FROM consultations WHERE id = $1",
        // Only what was published: the public wording of the question and the reply.
        "message" => {
            "SELECT public_body || ' ' || COALESCE(reply, '') FROM messages WHERE id = $1 AND published"
        }
        _ => return Ok(String::new()),
    };
    let text: Option<String> = on_pool!(db, pool => {
        sqlx::query_scalar(sql).bind(hit.record_id).fetch_optional(pool).await
    })?;
    Ok(text.unwrap_or_default())
}

/// (id, title, body, agency, published on, subject, genre, validity)
type PublishedDocument = (i64, String, String, i64, NaiveDate, String, String, String);

/// Rebuilds the index from the published records (after a restore, or a change of the
/// dictionary). Returns how many records were indexed.
pub async fn reindex(db: &Db) -> Result<usize> {
    let mut tx = db.begin().await?;
    for table in ["search_postings", "search_records"] {
        let sql = format!("DELETE FROM {table}");
        on_tx!(&mut tx, conn => {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&mut *conn)
                .await
                .map(|done| done.rows_affected())
        })?;
    }
    tx.commit().await?;
    let documents: Vec<PublishedDocument> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, title, body, agency_id, published_on, subject, genre, validity FROM documents \
             WHERE status = 'published' AND published_on IS NOT NULL ORDER BY id",
        )
        .fetch_all(pool)
        .await
    })?;
    let others: Vec<(String, i64, String, String, i64, NaiveDate)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT 'interpretation', id, title, body, agency_id, published_on FROM interpretations \
             WHERE status = 'published' AND published_on IS NOT NULL \
             UNION ALL SELECT 'consultation', id, title, draft_text, agency_id, published_on FROM consultations \
             WHERE status = 'published' AND published_on IS NOT NULL ORDER BY 1, 2",
        )
        .fetch_all(pool)
        .await
    })?;
    let mut tx = db.begin().await?;
    for (id, title, body, agency_id, published_on, subject, genre, validity) in &documents {
        index(
            &mut tx,
            &Searchable {
                kind: "document",
                record_id: *id,
                title,
                text: body,
                agency_id: *agency_id,
                published_on: *published_on,
                subject,
                genre,
                validity,
            },
        )
        .await?;
    }
    for (kind, id, title, text, agency_id, published_on) in &others {
        index(
            &mut tx,
            &Searchable {
                kind: if kind == "interpretation" {
                    "interpretation"
                } else {
                    "consultation"
                },
                record_id: *id,
                title,
                text,
                agency_id: *agency_id,
                published_on: *published_on,
                subject: "",
                genre: "",
                validity: "",
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(documents.len() + others.len())
}

/// Builds the index when it is empty but published records exist: a database from before the
/// index was added. Returns how many records were indexed (0 when nothing was to do).
pub async fn index_if_empty(db: &Db) -> Result<usize> {
    let (indexed, published): (i64, i64) = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM search_records), \
             (SELECT COUNT(*) FROM documents WHERE status = 'published') \
             + (SELECT COUNT(*) FROM interpretations WHERE status = 'published') \
             + (SELECT COUNT(*) FROM consultations WHERE status = 'published')",
        )
        .fetch_one(pool)
        .await
    })?;
    if indexed > 0 || published == 0 {
        return Ok(0);
    }
    reindex(db).await
}
