//! 主动公开 documents stored with their metadata and workflow, on both databases.

use crate::support::{self, count};
use chrono::NaiveDate;
use fazhi_core::openness::Disclosure;
use fazhi_db::documents::{NewDocument, create, overdue, publish, submit, withdraw};
use fazhi_db::{Actor, Db, DbError};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn actor() -> Actor {
    Actor::cli("test")
}

fn draft(doc_number: &str, written: &str) -> NewDocument {
    NewDocument {
        agency_code: "G441400-002".into(),
        title: "梅州市人民政府办公室关于印发某某工作方案的通知".into(),
        doc_number: doc_number.into(),
        written_on: date(written),
        formed: None,
        subject: "综合政务".into(),
        genre: "通知".into(),
        disclosure: Disclosure::Proactive,
        withhold_ground: None,
        needs_interpretation: false,
        body: "各县（市、区）人民政府……".into(),
    }
}

async fn refused(db: &Db, new: NewDocument, fragment: &str) {
    let before = (count(db, "documents").await, count(db, "audit_log").await);
    match create(
        db,
        &actor(),
        fazhi_core::clock::now(),
        date("2026-11-28"),
        &new,
    )
    .await
    {
        Err(DbError::Invalid(message)) => {
            assert!(
                message.contains(fragment),
                "expected “{fragment}” in “{message}”"
            )
        }
        other => panic!("expected “{fragment}”, got {other:?}"),
    }
    assert_eq!(
        (count(db, "documents").await, count(db, "audit_log").await),
        before,
        "nothing written"
    );
}

#[tokio::test]
async fn a_document_gets_a_canonical_number_an_index_number_and_a_deadline() {
    for db in support::demo_backends().await {
        let now = fazhi_core::clock::now();
        let today = date("2026-11-28");
        let first = create(
            &db,
            &actor(),
            now,
            today,
            &draft("梅市府办函【2025】43号", "2025-09-15"),
        )
        .await
        .unwrap();
        assert_eq!(first.doc_number.as_deref(), Some("梅市府办函【2025】43号"));
        assert_eq!(
            first.doc_number_canonical.as_deref(),
            Some("梅市府办函〔2025〕43号")
        );
        assert_eq!(first.index_no, "G441400-002/2026-00001");
        assert_eq!(first.status, "draft");
        // 20 working days from 2025-09-15 across National Day and the Mid-Autumn Festival.
        assert_eq!(
            fazhi_db::documents::deadline(&db, &first).await.unwrap(),
            date("2025-10-17")
        );
        let second = create(&db, &actor(), now, today, &draft("", "2026-11-20"))
            .await
            .unwrap();
        assert_eq!(second.index_no, "G441400-002/2026-00002");
        assert_eq!(second.doc_number, None);

        refused(&db, draft("梅市府办函〔2025〕43号", "2025-09-15"), "已被《").await;
        refused(
            &db,
            draft("梅市府办函〔25〕43号", "2025-09-15"),
            "年份应为四位数字",
        )
        .await;
        refused(&db, draft("", "2026-12-01"), "晚于今天").await;
        refused(
            &db,
            NewDocument {
                subject: "杂项".into(),
                ..draft("", "2026-11-20")
            },
            "主题分类",
        )
        .await;
        refused(
            &db,
            NewDocument {
                genre: "便条".into(),
                ..draft("", "2026-11-20")
            },
            "体裁",
        )
        .await;
        refused(
            &db,
            NewDocument {
                disclosure: Disclosure::Withheld,
                ..draft("", "2026-11-20")
            },
            "须选择理由",
        )
        .await;
        refused(
            &db,
            NewDocument {
                withhold_ground: Some(fazhi_core::foi::Ground::StateSecret),
                ..draft("", "2026-11-20")
            },
            "只有不予公开",
        )
        .await;
        refused(
            &db,
            NewDocument {
                formed: Some((date("2026-11-25"), String::new())),
                ..draft("", "2026-11-20")
            },
            "须写明理由",
        )
        .await;
        refused(
            &db,
            NewDocument {
                title: " ".into(),
                ..draft("", "2026-11-20")
            },
            "标题",
        )
        .await;
    }
}

#[tokio::test]
async fn a_document_is_reviewed_published_with_todays_date_and_withdrawn_with_a_notice() {
    for db in support::demo_backends().await {
        let now = fazhi_core::clock::now();
        let today = date("2026-11-28");
        let doc = create(
            &db,
            &actor(),
            now,
            today,
            &draft("梅市府〔2026〕6号", "2026-11-20"),
        )
        .await
        .unwrap();
        let early = publish(&db, &actor(), now, doc.id, today).await;
        assert!(
            matches!(&early, Err(DbError::Invalid(m)) if m.contains("待审核")),
            "{early:?}"
        );
        submit(&db, &actor(), now, doc.id).await.unwrap();
        let backdated = publish(&db, &actor(), now, doc.id, date("2026-11-19")).await;
        assert!(
            matches!(&backdated, Err(DbError::Invalid(m)) if m.contains("不能早于成文日期")),
            "{backdated:?}"
        );
        publish(&db, &actor(), now, doc.id, today).await.unwrap();
        let published = fazhi_db::documents::document(&db, doc.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (published.status.as_str(), published.published_on),
            ("published", Some(today))
        );
        let silent = withdraw(&db, &actor(), now, doc.id, " ").await;
        assert!(
            matches!(&silent, Err(DbError::Invalid(m)) if m.contains("撤回说明")),
            "{silent:?}"
        );
        withdraw(&db, &actor(), now, doc.id, "该文件已被新文件替代。")
            .await
            .unwrap();
        let withdrawn = fazhi_db::documents::document(&db, doc.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(withdrawn.status, "withdrawn");
        assert_eq!(
            withdrawn.withdrawal_notice.as_deref(),
            Some("该文件已被新文件替代。")
        );

        // Only 主动公开 documents are published.
        let on_request = create(
            &db,
            &actor(),
            now,
            today,
            &NewDocument {
                disclosure: Disclosure::OnRequest,
                ..draft("", "2026-11-20")
            },
        )
        .await
        .unwrap();
        submit(&db, &actor(), now, on_request.id).await.unwrap();
        let refused = publish(&db, &actor(), now, on_request.id, today).await;
        assert!(
            matches!(&refused, Err(DbError::Invalid(m)) if m.contains("不主动发布")),
            "{refused:?}"
        );
    }
}

#[tokio::test]
async fn proactive_documents_past_their_deadline_are_listed_as_overdue() {
    for db in support::demo_backends().await {
        let now = fazhi_core::clock::now();
        let today = date("2026-11-28");
        let late = create(&db, &actor(), now, today, &draft("", "2026-09-01"))
            .await
            .unwrap();
        let recent = create(&db, &actor(), now, today, &draft("", "2026-11-20"))
            .await
            .unwrap();
        let on_request = create(
            &db,
            &actor(),
            now,
            today,
            &NewDocument {
                disclosure: Disclosure::OnRequest,
                ..draft("", "2026-09-01")
            },
        )
        .await
        .unwrap();
        let listed = overdue(&db, None, today).await.unwrap();
        let ids: Vec<i64> = listed.iter().map(|(row, _)| row.id).collect();
        assert_eq!(ids, [late.id], "{recent:?} {on_request:?}");
        assert_eq!(listed[0].1, date("2026-09-29"));
    }
}

#[tokio::test]
async fn interpretations_link_to_published_documents_and_the_checker_finds_the_defects() {
    use fazhi_core::openness::Finding;
    use fazhi_db::interpretations::{
        NewInterpretation, create as interpret, findings, publish as publish_interpretation,
    };
    for db in support::demo_backends().await {
        let now = fazhi_core::clock::now();
        let today = date("2026-11-28");
        let policy = |number: &'static str| {
            NewDocument {
            needs_interpretation: true,
            body: "为进一步优化营商环境，市政府决定在全市推行企业开办一网通办，企业开办时间压缩至一个工作日以内。".into(),
            ..draft(number, "2026-11-20")
        }
        };
        let explained = create(&db, &actor(), now, today, &policy("梅市府〔2026〕7号"))
            .await
            .unwrap();
        let unexplained = create(&db, &actor(), now, today, &policy("梅市府〔2026〕8号"))
            .await
            .unwrap();
        let new = |documents: Vec<i64>, body: &str| NewInterpretation {
            agency_code: "G441400-002".into(),
            title: "一图读懂企业开办一网通办".into(),
            form: "图解".into(),
            body: body.into(),
            document_ids: documents,
        };
        let bad_form = interpret(
            &db,
            &actor(),
            now,
            &NewInterpretation {
                form: "漫谈".into(),
                ..new(vec![explained.id], "")
            },
        )
        .await;
        assert!(
            matches!(&bad_form, Err(DbError::Invalid(m)) if m.contains("解读形式")),
            "{bad_form:?}"
        );
        let missing = interpret(&db, &actor(), now, &new(vec![9_999], "")).await;
        assert!(
            matches!(&missing, Err(DbError::Invalid(m)) if m.contains("不存在")),
            "{missing:?}"
        );
        assert_eq!(count(&db, "interpretations").await, 0);

        let id = interpret(
            &db,
            &actor(),
            now,
            &new(
                vec![explained.id],
                "问：有什么变化？答：网上填一次表，一天拿到执照。",
            ),
        )
        .await
        .unwrap();
        // Not before its document.
        let early = publish_interpretation(&db, &actor(), now, id, today).await;
        assert!(
            matches!(&early, Err(DbError::Invalid(m)) if m.contains("尚未发布")),
            "{early:?}"
        );
        for document in [explained.id, unexplained.id] {
            submit(&db, &actor(), now, document).await.unwrap();
            publish(&db, &actor(), now, document, date("2026-11-25"))
                .await
                .unwrap();
        }
        publish_interpretation(&db, &actor(), now, id, date("2026-11-25"))
            .await
            .unwrap();
        // A copy of the document, linked to nothing.
        let copy = interpret(&db, &actor(), now, &new(vec![], "解读：为进一步优化营商环境，市政府决定在全市推行企业开办一网通办，企业开办时间压缩至一个工作日以内。")).await.unwrap();
        publish_interpretation(&db, &actor(), now, copy, date("2026-11-25"))
            .await
            .unwrap();
        let found = findings(&db, today).await.unwrap();
        assert!(
            found.contains(&Finding::Missing {
                document: unexplained.id
            }),
            "{found:?}"
        );
        assert!(
            found.contains(&Finding::Unlinked {
                interpretation: copy
            }),
            "{found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|f| matches!(f, Finding::Missing { document } if *document == explained.id))
        );
        // 解读比例 over the year's documents: one of two explained, by a diagram.
        let coverage = fazhi_db::interpretations::coverage(&db, 2026, today)
            .await
            .unwrap();
        assert_eq!(
            (coverage.needing, coverage.interpreted, coverage.text_only),
            (2, 1, 0)
        );
        assert_eq!(coverage.ratio(), Some(50.0));
        assert!(!coverage.single_form());
        // A second, text-only interpretation of the same document keeps it multi-form.
        let text = interpret(
            &db,
            &actor(),
            now,
            &NewInterpretation {
                form: "文字解读".into(),
                ..new(vec![explained.id], "文字说明。")
            },
        )
        .await
        .unwrap();
        publish_interpretation(&db, &actor(), now, text, date("2026-11-26"))
            .await
            .unwrap();
        let coverage = fazhi_db::interpretations::coverage(&db, 2026, today)
            .await
            .unwrap();
        assert_eq!((coverage.interpreted, coverage.text_only), (1, 0));
        assert_eq!(
            fazhi_db::interpretations::coverage(&db, 2025, today)
                .await
                .unwrap()
                .ratio(),
            None,
            "no documents that year"
        );
    }
}
