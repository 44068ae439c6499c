//! The two migration folders must describe the same tables and columns.

use crate::support;
use std::collections::BTreeMap;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations");

/// Migration file names per backend, in order.
fn migration_files(backend: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!("{ROOT}/{backend}"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn both_backends_have_the_same_migration_versions_and_names() {
    let sqlite = migration_files("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, migration_files("postgres"));
}

/// Table → columns, read from the CREATE TABLE statements of a backend's migrations.
fn declared_schema(backend: &str) -> BTreeMap<String, Vec<String>> {
    let mut schema = BTreeMap::new();
    for name in migration_files(backend) {
        let text = std::fs::read_to_string(format!("{ROOT}/{backend}/{name}")).unwrap();
        let without_comments: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        for statement in without_comments.split(';') {
            let statement = statement.trim();
            if let Some(rest) = statement.strip_prefix("ALTER TABLE ") {
                alter(&mut schema, rest);
                continue;
            }
            let Some(rest) = statement.strip_prefix("CREATE TABLE ") else {
                continue;
            };
            let (table, body) = rest.split_once('(').unwrap();
            let mut columns: Vec<String> = body
                .lines()
                .map(str::trim)
                // Column definitions start with a lowercase name; constraints and their
                // continuation lines start with upper-case keywords or punctuation.
                .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
                .map(|line| line.split_whitespace().next().unwrap().to_string())
                .collect();
            columns.sort();
            schema.insert(table.trim().to_string(), columns);
        }
    }
    schema
}

/// Applies `ALTER TABLE <rest>`: ADD COLUMN and RENAME COLUMN are the forms the migrations use.
fn alter(schema: &mut BTreeMap<String, Vec<String>>, rest: &str) {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let columns = schema.get_mut(words[0]).unwrap();
    match words[1..] {
        ["ADD", "COLUMN", column, ..] => columns.push(column.to_string()),
        ["RENAME", "COLUMN", old, "TO", new] => {
            let at = columns.iter().position(|c| c == old).unwrap();
            columns[at] = new.to_string();
        }
        _ => panic!("ALTER TABLE form not understood: {rest}"),
    }
    columns.sort();
}

#[test]
fn migration_files_declare_the_same_tables_and_columns() {
    let sqlite = declared_schema("sqlite");
    assert!(sqlite.contains_key("audit_log"), "{sqlite:?}");
    assert_eq!(sqlite, declared_schema("postgres"));
}

#[tokio::test]
async fn migrated_databases_have_the_same_tables_and_columns() {
    let dbs = support::backends().await;
    let sqlite = dbs[0].schema().await.unwrap();
    assert_eq!(
        sqlite,
        declared_schema("sqlite"),
        "live SQLite schema differs from its migration files"
    );
    match dbs.get(1) {
        Some(postgres) => assert_eq!(sqlite, postgres.schema().await.unwrap()),
        None => {
            eprintln!("FAZHI_TEST_PG_URL not set: compared SQLite with the migration files only")
        }
    }
}
