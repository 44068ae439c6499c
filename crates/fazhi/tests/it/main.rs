//! The one integration-test binary (one binary links once; every file under tests/ would be
//! another link on a 2-core machine). Each database test runs on SQLite and, when
//! `FAZHI_TEST_PG_URL` is set, on a fresh PostgreSQL database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audit;
mod calendar;
mod catalogues;
mod cli;
mod consultations;
mod documents;
mod foi;
mod messages;
mod org;
mod powers;
mod schema;
mod support;
mod users;
mod web;
