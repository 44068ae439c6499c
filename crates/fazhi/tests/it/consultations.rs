//! 意见征集 stored with its window, comments, groups, dispositions and feedback, on both
//! databases.

use crate::support::{self, count, date, refused_with as refused};
use fazhi_core::consultation::{Disposition, DraftKind};
use fazhi_db::consultations::{
    NewComment, NewConsultation, add_comment, create, dispose, moderate, publish, publish_feedback,
};
use fazhi_db::{Actor, Db};

fn actor() -> Actor {
    Actor::cli("test")
}

const DRAFT: &str = "梅州市城市绿化管理办法（征求意见稿）\n第一条 为了加强城市绿化管理……\n第二条 本办法适用于本市城市规划区。\n第三条 老城区骑楼街区的绿化改造应当保留历史风貌。";

fn consultation(kind: DraftKind, opens: &str, closes: &str) -> NewConsultation {
    NewConsultation {
        agency_code: "G441400-002".into(),
        title: "《梅州市城市绿化管理办法（征求意见稿）》公开征求意见".into(),
        kind,
        draft_text: DRAFT.into(),
        opens_on: date(opens),
        closes_on: date(closes),
        short_reason: String::new(),
    }
}

fn citizen(section: &str, content: &str, received: &str) -> NewComment {
    NewComment {
        channel: "网站".into(),
        received_on: date(received),
        commenter_type: "公民".into(),
        commenter_name: "张三".into(),
        commenter_contact: "13812345678".into(),
        section: section.into(),
        content: content.into(),
    }
}

async fn rows(db: &Db) -> (i64, i64, i64) {
    (
        count(db, "consultations").await,
        count(db, "consultation_comments").await,
        count(db, "audit_log").await,
    )
}

#[tokio::test]
async fn the_window_must_be_as_long_as_the_kind_of_draft_requires() {
    for db in support::demo_backends().await {
        let now = fazhi_core::clock::now();
        let before = rows(&db).await;
        // 30 days from 2024-09-01 end on National Day and roll to 2024-10-08 (C5).
        refused(
            create(
                &db,
                &actor(),
                now,
                &consultation(DraftKind::Decision, "2024-09-01", "2024-10-07"),
            )
            .await,
            "重大行政决策草案征求意见一般不少于30日：2024-09-01开始的，最早于2024-10-08截止",
        );
        // 7 working days from 2024-09-30 end on 2024-10-15.
        refused(
            create(
                &db,
                &actor(),
                now,
                &consultation(DraftKind::Normative, "2024-09-30", "2024-10-14"),
            )
            .await,
            "最早于2024-10-15截止",
        );
        refused(
            create(
                &db,
                &actor(),
                now,
                &consultation(DraftKind::Rule, "2024-09-30", "2024-09-29"),
            )
            .await,
            "截止日期不能早于开始日期",
        );
        refused(
            create(
                &db,
                &actor(),
                now,
                &NewConsultation {
                    title: " ".into(),
                    ..consultation(DraftKind::Other, "2024-09-30", "2024-10-30")
                },
            )
            .await,
            "标题",
        );
        assert_eq!(rows(&db).await, before, "nothing written");
        create(
            &db,
            &actor(),
            now,
            &consultation(DraftKind::Decision, "2024-09-01", "2024-10-08"),
        )
        .await
        .unwrap();
        create(
            &db,
            &actor(),
            now,
            &consultation(DraftKind::Normative, "2024-09-30", "2024-10-15"),
        )
        .await
        .unwrap();
        // Shorter for urgency, with the reason stated (713 Art 15).
        create(
            &db,
            &actor(),
            now,
            &NewConsultation {
                short_reason: "防汛应急需要".into(),
                ..consultation(DraftKind::Decision, "2024-09-01", "2024-09-10")
            },
        )
        .await
        .unwrap();
        assert_eq!(count(&db, "consultations").await, 3);
    }
}

#[tokio::test]
async fn comments_are_moderated_grouped_decided_and_reported() {
    for db in support::demo_backends().await {
        let now = fazhi_core::clock::now();
        let id = create(
            &db,
            &actor(),
            now,
            &consultation(DraftKind::Decision, "2024-09-01", "2024-10-08"),
        )
        .await
        .unwrap();
        refused(
            add_comment(
                &db,
                &actor(),
                now,
                date("2024-09-02"),
                id,
                &citizen("第一条", "意见", "2024-09-02"),
                None,
            )
            .await,
            "尚未发布",
        );
        refused(
            publish(&db, &actor(), now, id, date("2024-09-02")).await,
            "开始日期2024-09-01已过",
        );
        publish(&db, &actor(), now, id, date("2024-08-30"))
            .await
            .unwrap();

        let before = rows(&db).await;
        refused(
            add_comment(
                &db,
                &actor(),
                now,
                date("2024-10-09"),
                id,
                &citizen("第一条", "意见", "2024-10-09"),
                None,
            )
            .await,
            "征求意见期限为2024-09-01至2024-10-08，2024-10-09收到的意见不在期限内",
        );
        refused(
            add_comment(
                &db,
                &actor(),
                now,
                date("2024-09-02"),
                id,
                &citizen("第九条", "意见", "2024-09-02"),
                None,
            )
            .await,
            "征求意见稿中没有“第九条”",
        );
        refused(
            add_comment(
                &db,
                &actor(),
                now,
                date("2024-09-02"),
                id,
                &citizen("第一条", "  ", "2024-09-02"),
                None,
            )
            .await,
            "请填写意见内容",
        );
        refused(
            add_comment(
                &db,
                &actor(),
                now,
                date("2024-09-02"),
                id,
                &NewComment {
                    channel: "微博".into(),
                    ..citizen("第一条", "意见", "2024-09-02")
                },
                None,
            )
            .await,
            "意见来源“微博”无效",
        );
        assert_eq!(rows(&db).await, before, "nothing written");

        let campaign = "强烈建议保留老城区的骑楼街区，不要拆除，这是梅州的历史记忆。";
        let day = date("2024-09-10");
        let first = add_comment(
            &db,
            &actor(),
            now,
            day,
            id,
            &citizen("第三条", campaign, "2024-09-10"),
            Some("k1"),
        )
        .await
        .unwrap();
        let again = add_comment(
            &db,
            &actor(),
            now,
            day,
            id,
            &citizen("第三条", campaign, "2024-09-10"),
            Some("k1"),
        )
        .await
        .unwrap();
        assert_eq!(first, again, "the same form sent twice is one comment");
        let copy = add_comment(
            &db,
            &actor(),
            now,
            day,
            id,
            &citizen("第三条", &format!("{campaign}！！"), "2024-09-10"),
            Some("k2"),
        )
        .await
        .unwrap();
        let other = add_comment(
            &db,
            &actor(),
            now,
            day,
            id,
            &citizen(
                "总体意见",
                "建议增加社区绿地的数量。我的电话13812345678",
                "2024-09-10",
            ),
            Some("k3"),
        )
        .await
        .unwrap();
        assert_eq!(count(&db, "consultation_comments").await, 3);
        let stored = fazhi_db::consultations::comment(&db, other)
            .await
            .unwrap()
            .unwrap();
        assert!(
            stored.public_text.ends_with("我的电话[电话号码已隐去]"),
            "{}",
            stored.public_text
        );
        assert!(
            stored.content.contains("13812345678"),
            "staff keep the original"
        );
        let grouped = fazhi_db::consultations::comment(&db, copy)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(grouped.cluster_id, Some(first));

        refused(
            moderate(&db, &actor(), now, first, true, "电话13812345678").await,
            "仍有身份证号或电话号码",
        );
        moderate(&db, &actor(), now, first, true, campaign)
            .await
            .unwrap();
        refused(
            dispose(&db, &actor(), now, copy, Disposition::Adopted, "").await,
            &format!("编号{first}"),
        );
        refused(
            dispose(&db, &actor(), now, first, Disposition::NotAdopted, " ").await,
            "未采纳的意见须说明理由",
        );
        dispose(
            &db,
            &actor(),
            now,
            first,
            Disposition::Partly,
            "保留骑楼立面，允许内部改造。",
        )
        .await
        .unwrap();

        refused(
            publish_feedback(&db, &actor(), now, id, date("2024-10-08")).await,
            "截止后才能发布反馈",
        );
        refused(
            publish_feedback(&db, &actor(), now, id, date("2024-10-09")).await,
            "还有1组意见未审核",
        );
        moderate(&db, &actor(), now, other, false, "")
            .await
            .unwrap();
        refused(
            publish_feedback(&db, &actor(), now, id, date("2024-10-09")).await,
            &format!("还有1组意见未处理（编号{other}）"),
        );
        dispose(&db, &actor(), now, other, Disposition::Adopted, "")
            .await
            .unwrap();
        let report = publish_feedback(&db, &actor(), now, id, date("2024-10-09"))
            .await
            .unwrap();
        assert_eq!(
            (
                report.comments,
                report.groups,
                report.adopted,
                report.partly
            ),
            (3, 2, 1, 2)
        );
        assert_eq!(report.items[0].section, "总体意见");
        assert_eq!(
            report.items[0].public_text,
            fazhi_db::consultations::WITHHELD_TEXT
        );
        assert_eq!(report.items[1].count, 2);
        let row = fazhi_db::consultations::consultation(&db, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.feedback_report(), Some(report));
        assert_eq!(row.feedback_published_on, Some(date("2024-10-09")));
        refused(
            dispose(&db, &actor(), now, first, Disposition::Adopted, "").await,
            "反馈已发布",
        );
        let shown = fazhi_db::consultations::shown(&db, id).await.unwrap();
        assert_eq!(shown.len(), 1);
        assert_eq!((shown[0].id, shown[0].count), (first, 2));
    }
}
