//! Domain types and pure rules of fazhi. Nothing in this crate does I/O.

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalogue;
pub mod clock;
pub mod consultation;
pub mod foi;
pub mod messages;
pub mod openness;
pub mod org;
pub mod params;
pub mod powers;
pub mod privacy;
pub mod search;
