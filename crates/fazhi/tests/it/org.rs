//! Divisions and agencies: import is idempotent and all-or-nothing, errors carry line numbers.

use crate::support::{self, count};
use fazhi::demo::{DEMO_AGENCIES, MEIZHOU_DIVISIONS};
use fazhi_db::Actor;
use fazhi_db::org::{ImportError, import_agencies, import_divisions};
use std::io::Read;

fn actor() -> Actor {
    Actor::cli("test")
}

fn now() -> chrono::DateTime<chrono::Utc> {
    fazhi_core::clock::now()
}

#[tokio::test]
async fn meizhou_imports_with_every_level_and_twice_changes_nothing() {
    for db in support::backends().await {
        let first = import_divisions(&db, &actor(), now(), MEIZHOU_DIVISIONS)
            .await
            .unwrap();
        assert_eq!(first.added, 2396, "{}", db.backend_name());
        let levels = fazhi_db::org::count_divisions_by_level(&db).await.unwrap();
        let expected = [
            ("province", 1),
            ("city", 1),
            ("county", 8),
            ("town", 117),
            ("village", 2269),
        ];
        for (level, n) in expected {
            assert!(
                levels.contains(&(level.to_string(), n)),
                "{level}: {levels:?}"
            );
        }
        let audit_before = count(&db, "audit_log").await;
        let second = import_divisions(&db, &actor(), now(), MEIZHOU_DIVISIONS)
            .await
            .unwrap();
        assert_eq!(
            (second.added, second.renamed, second.unchanged),
            (0, 0, 2396)
        );
        assert_eq!(count(&db, "divisions").await, 2396);
        assert_eq!(
            count(&db, "audit_log").await,
            audit_before,
            "an import that changes nothing records nothing"
        );
        let renamed =
            MEIZHOU_DIVISIONS.replace("441402102,三角镇,", "441402102,三角镇（更名测试）,");
        let third = import_divisions(&db, &actor(), now(), &renamed)
            .await
            .unwrap();
        assert_eq!((third.added, third.renamed), (0, 1));
        let filter = fazhi_db::audit::AuditFilter {
            entity_id: Some("441402102".into()),
            ..Default::default()
        };
        let (entries, _) = fazhi_db::audit::list(&db, &filter, fazhi_db::Page::new(1, 5))
            .await
            .unwrap();
        assert_eq!(entries.len(), 1);
        assert!(
            entries[0].summary.contains("三角镇 → 三角镇（更名测试）"),
            "{}",
            entries[0].summary
        );
        let meijiang = fazhi_db::org::division_by_code(&db, "441402")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(meijiang.path, "/440000/441400/441402/");
        assert_eq!(meijiang.children, 7);
    }
}

async fn expect_refused(db: &fazhi_db::Db, csv: &str, line: u64, fragment: &str) {
    let divisions_before = count(db, "divisions").await;
    let audit_before = count(db, "audit_log").await;
    match import_divisions(db, &actor(), now(), csv).await {
        Err(ImportError::Rows(errors)) => {
            assert!(
                errors
                    .iter()
                    .any(|e| e.line == line && e.message.contains(fragment)),
                "expected line {line} “{fragment}”, got {errors:?}"
            );
        }
        other => panic!("expected row errors, got {other:?}"),
    }
    assert_eq!(
        count(db, "divisions").await,
        divisions_before,
        "nothing written"
    );
    assert_eq!(
        count(db, "audit_log").await,
        audit_before,
        "nothing audited"
    );
}

#[tokio::test]
async fn malformed_division_rows_are_reported_by_line_and_nothing_is_written() {
    for db in support::backends().await {
        let head =
            "code,name,level,parent_code\n440000,广东省,province,\n441400,梅州市,city,440000\n";
        expect_refused(
            &db,
            &format!("{head}44140X,坏代码,county,441400\n"),
            4,
            "区划代码",
        )
        .await;
        expect_refused(
            &db,
            &format!("{head}441402,梅江区,county,449900\n"),
            4,
            "上级区划“449900”不存在",
        )
        .await;
        expect_refused(
            &db,
            &format!("{head}441402,梅江区,county,441400\n441402,梅江区,county,441400\n"),
            5,
            "与第4行重复",
        )
        .await;
        expect_refused(
            &db,
            &format!("{head}441402,梅江区,district,441400\n"),
            4,
            "层级",
        )
        .await;
        expect_refused(
            &db,
            &format!("{head}441402,,county,441400\n"),
            4,
            "名称不能为空",
        )
        .await;
        expect_refused(
            &db,
            &format!("{head}441402,{},county,441400\n", "长".repeat(101)),
            4,
            "超过100",
        )
        .await;
        expect_refused(
            &db,
            &format!("{head}440102,越秀区,county,441400\n"),
            4,
            "代码前缀不符",
        )
        .await;
        expect_refused(&db, "code;name\n1;2\n", 1, "表头").await;
        // A good file afterwards still imports: the refused ones left nothing behind.
        assert_eq!(
            import_divisions(&db, &actor(), now(), head)
                .await
                .unwrap()
                .added,
            2
        );
    }
}

#[tokio::test]
async fn agencies_import_refers_to_divisions_and_is_idempotent() {
    for db in support::backends().await {
        import_divisions(&db, &actor(), now(), MEIZHOU_DIVISIONS)
            .await
            .unwrap();
        let first = import_agencies(&db, &actor(), now(), DEMO_AGENCIES)
            .await
            .unwrap();
        assert_eq!(first.added, 67);
        let second = import_agencies(&db, &actor(), now(), DEMO_AGENCIES)
            .await
            .unwrap();
        assert_eq!((second.added, second.unchanged), (0, 67));
        let found = fazhi_db::org::agencies(&db, Some("司法局")).await.unwrap();
        let names: Vec<&str> = found.iter().map(|a| a.name.as_str()).collect();
        assert!(
            names.contains(&"梅州市司法局") && names.contains(&"梅江区司法局"),
            "{names:?}"
        );
        let agencies_before = count(&db, "agencies").await;
        let bad = "code,name,kind,division_code,parent_code\nG441400-901,新机构,department,441400,\nG441400-902,错机构,department,999999,\n12345,坏代码,department,441400,\n";
        match import_agencies(&db, &actor(), now(), bad).await {
            Err(ImportError::Rows(errors)) => {
                let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
                assert!(lines.contains(&4), "{errors:?}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(count(&db, "agencies").await, agencies_before);
        let self_parent = "code,name,kind,division_code,parent_code\nG441400-903,自指机构,department,441400,G441400-903\n";
        assert!(
            matches!(import_agencies(&db, &actor(), now(), self_parent).await, Err(ImportError::Rows(e)) if e[0].message.contains("以自己为上级"))
        );
        let wrong_division =
            "code,name,kind,division_code,parent_code\nG441400-904,错区划,department,441402,\n";
        assert!(
            matches!(import_agencies(&db, &actor(), now(), wrong_division).await, Err(ImportError::Rows(e)) if e[0].message.contains("不一致"))
        );
        let unknown_division =
            "code,name,kind,division_code,parent_code\nG441400-902,错机构,department,999999,\n";
        assert!(
            matches!(import_agencies(&db, &actor(), now(), unknown_division).await, Err(ImportError::Rows(e)) if e[0].message.contains("999999"))
        );
        assert_eq!(count(&db, "agencies").await, agencies_before);
    }
}

/// Scale: the all-China town-level file (44 700 rows) imports in one transaction.
#[tokio::test]
async fn all_china_town_level_file_imports() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/china-towns-2023.csv.gz"
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    for db in support::backends().await {
        let report = import_divisions(&db, &actor(), now(), &text).await.unwrap();
        assert_eq!(report.added, 44_700, "{}", db.backend_name());
        let dongguan = fazhi_db::org::division_by_code(&db, "441900")
            .await
            .unwrap()
            .unwrap();
        assert!(
            dongguan.children > 20,
            "东莞's towns hang directly under the city"
        );
        // Meizhou's file on top: shared rows unchanged, villages added.
        let meizhou = import_divisions(&db, &actor(), now(), MEIZHOU_DIVISIONS)
            .await
            .unwrap();
        assert_eq!(meizhou.added, 2269);
    }
}
