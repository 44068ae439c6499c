//! The `fazhi` binary's library half: configuration, start-up, the demo loader and the operator
//! commands, so that integration tests drive exactly what users run.

pub mod cli;
pub mod config;
pub mod demo;
pub mod demo_catalogue;
pub mod demo_foi;
pub mod demo_openness;
pub mod office;
pub mod server;
