//! 全文检索 (issue 4 part 7): one public page searching published documents,
//! interpretations, consultations and answered messages by the Chinese words inside them,
//! with filters and highlighted snippets.

use crate::AppState;
use crate::admin::Pager;
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::session::Visitor;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use fazhi_core::openness::{GENRES, SUBJECTS, VALIDITY_VALUES, vocabulary};
use fazhi_core::search::Segment;
use fazhi_db::Page;
use fazhi_db::search::{COUNT_CAP, Hit, KINDS, SearchQuery};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search_page))
}

/// Characters of text shown around a match.
const SNIPPET_WIDTH: usize = 120;

#[derive(Deserialize, Default, Clone)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    genre: String,
    #[serde(default)]
    validity: String,
    #[serde(default)]
    page: Option<u32>,
}

fn chosen(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

impl SearchForm {
    /// The query string without the page, for the pager's links.
    fn query_without_page(&self) -> String {
        let mut query = String::new();
        for (name, value) in [
            ("q", &self.q),
            ("kind", &self.kind),
            ("agency", &self.agency),
            ("year", &self.year),
            ("subject", &self.subject),
            ("genre", &self.genre),
            ("validity", &self.validity),
        ] {
            if !value.trim().is_empty() {
                query.push_str(&format!(
                    "{name}={}&",
                    crate::error::percent_encode(value.trim())
                ));
            }
        }
        query
    }
}

struct Result {
    hit: Hit,
    snippet: Vec<Segment>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    form: SearchForm,
    kinds: Vec<(&'static str, &'static str)>,
    agencies: Vec<(String, String)>,
    subjects: Vec<&'static str>,
    genres: Vec<&'static str>,
    validities: Vec<&'static str>,
    results: Vec<Result>,
    searched: bool,
    total: i64,
    capped: bool,
    pager: Pager,
    error: Option<String>,
}

async fn search_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(form): Query<SearchForm>,
) -> std::result::Result<Response, AppError> {
    let agencies = fazhi_db::org::agencies(&state.db, None).await?;
    let page = Page::new(form.page.unwrap_or(1), Page::DEFAULT_SIZE);
    let mut results = Vec::new();
    let mut total = 0;
    let mut error = None;
    let searched = !form.q.trim().is_empty();
    if searched {
        let agency_id = match chosen(&form.agency) {
            Some(code) => Some(
                agencies
                    .iter()
                    .find(|a| a.code == code)
                    .map(|a| a.id)
                    .ok_or_else(|| AppError::Invalid(format!("机构“{code}”不存在")))?,
            ),
            None => None,
        };
        let year = match chosen(&form.year) {
            Some(text) => Some(
                text.parse::<i32>()
                    .ok()
                    .filter(|y| (1990..=2100).contains(y))
                    .ok_or_else(|| AppError::Invalid(format!("年份“{text}”无效")))?,
            ),
            None => None,
        };
        let query = SearchQuery {
            text: form.q.chars().take(100).collect(),
            kind: chosen(&form.kind),
            agency_id,
            year,
            subject: chosen(&form.subject),
            genre: chosen(&form.genre),
            validity: chosen(&form.validity),
        };
        match fazhi_db::search::search(&state.db, &query, page).await {
            Ok(found) => {
                total = found.total;
                for hit in found.hits {
                    let text = fazhi_db::search::text_of(&state.db, &hit).await?;
                    results.push(Result {
                        snippet: fazhi_core::search::snippet(&text, &found.words, SNIPPET_WIDTH),
                        hit,
                    });
                }
            }
            Err(fazhi_db::DbError::Invalid(message)) => error = Some(message),
            Err(other) => return Err(other.into()),
        }
    }
    let capped = total > COUNT_CAP;
    html(SearchPage {
        layout: Layout::new("全文检索", "/search", visitor.staff.as_ref()),
        pager: Pager::new(page, total.min(COUNT_CAP), &form.query_without_page()),
        kinds: KINDS.to_vec(),
        agencies: agencies.into_iter().map(|a| (a.code, a.name)).collect(),
        subjects: vocabulary(SUBJECTS),
        genres: vocabulary(GENRES),
        validities: vocabulary(VALIDITY_VALUES),
        results,
        searched,
        total: total.min(COUNT_CAP),
        capped,
        form,
        error,
    })
}
