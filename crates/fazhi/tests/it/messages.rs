//! 网民留言 stored with their deadline, transfers, validity, reply and rating, on both databases.

use crate::support::{self, count, date, refused_with as refused};
use fazhi_core::messages::{Channel, Validity};
use fazhi_db::messages::{NewMessage, Reply, Show, create, judge, queue, rate, reply, transfer};
use fazhi_db::{Actor, Page};

fn letter(channel: Channel, received: &str) -> NewMessage {
    NewMessage {
        channel,
        source_ref: String::new(),
        received_on: date(received),
        sender_name: "赵六".into(),
        sender_contact: "13912345678".into(),
        category: "投诉".into(),
        title: "小区旁工地夜间施工扰民".into(),
        body: "江南街道某工地每晚施工到凌晨，请处理。我的身份证号441402198001011234，电话13912345678。".into(),
        agency_code: "G441400-002".into(),
    }
}

#[tokio::test]
async fn a_message_is_due_by_its_channel_transferred_answered_published_and_rated() {
    for db in support::demo_backends().await {
        let actor = Actor::cli("test");
        let now = fazhi_core::clock::now();
        let today = date("2024-10-31");
        let before = (count(&db, "messages").await, count(&db, "audit_log").await);
        refused(
            create(
                &db,
                &actor,
                now,
                today,
                &letter(Channel::GovernorForwarded, "2024-09-27"),
                None,
            )
            .await,
            "原平台的编号",
        );
        refused(
            create(
                &db,
                &actor,
                now,
                today,
                &NewMessage {
                    title: " ".into(),
                    ..letter(Channel::MayorMailbox, "2024-09-27")
                },
                None,
            )
            .await,
            "标题",
        );
        refused(
            create(
                &db,
                &actor,
                now,
                today,
                &letter(Channel::MayorMailbox, "2024-11-01"),
                None,
            )
            .await,
            "晚于今天",
        );
        assert_eq!(
            (count(&db, "messages").await, count(&db, "audit_log").await),
            before,
            "nothing written"
        );

        // Received Fri 2024-09-27: 10 working days skip National Day (10-01..07) and count the
        // make-up days 09-29 and 10-12: 09-29, 09-30, 10-08 … 10-12, 10-14, 10-15, 10-16.
        let id = create(
            &db,
            &actor,
            now,
            today,
            &letter(Channel::MayorMailbox, "2024-09-27"),
            Some("key-1"),
        )
        .await
        .unwrap();
        assert_eq!(
            create(
                &db,
                &actor,
                now,
                today,
                &letter(Channel::MayorMailbox, "2024-09-27"),
                Some("key-1")
            )
            .await
            .unwrap(),
            id,
            "sent twice, kept once"
        );
        let row = fazhi_db::messages::message(&db, id).await.unwrap().unwrap();
        assert_eq!(row.due_on, date("2024-10-16"));
        assert!(
            row.public_body.contains("[身份证号已隐去]")
                && row.public_body.contains("[电话号码已隐去]")
        );
        let overdue = queue(&db, None, Show::Overdue, today, Page::new(1, 50))
            .await
            .unwrap()
            .0;
        assert!(overdue.iter().any(|m| m.id == id));

        refused(
            transfer(&db, &actor, now, today, id, "G441400-002", "本单位").await,
            "已由该机构办理",
        );
        refused(
            transfer(&db, &actor, now, today, id, "G441400-014", " ").await,
            "转办理由",
        );
        transfer(
            &db,
            &actor,
            now,
            today,
            id,
            "G441400-014",
            "属住房和城乡建设局职责",
        )
        .await
        .unwrap();
        let row = fazhi_db::messages::message(&db, id).await.unwrap().unwrap();
        assert_eq!(row.agency_name, "梅州市住房和城乡建设局");
        assert_eq!(
            row.due_on,
            date("2024-10-16"),
            "a transfer does not move the deadline"
        );

        refused(
            judge(&db, &actor, now, id, Validity::Duplicate, "").await,
            "须说明理由",
        );
        let answer = |publish, body: &str| Reply {
            text: "经查，该工地已办理夜间施工许可，已要求其22时后停止高噪声作业。".into(),
            publish,
            public_title: "小区旁工地夜间施工扰民".into(),
            public_body: body.into(),
        };
        refused(
            reply(&db, &actor, now, today, id, &answer(true, &row.body)).await,
            "公开内容中仍有身份证号或电话号码",
        );
        refused(rate(&db, &actor, now, id, "满意").await, "答复后才能评价");
        reply(&db, &actor, now, today, id, &answer(true, &row.public_body))
            .await
            .unwrap();
        refused(
            reply(&db, &actor, now, today, id, &answer(true, &row.public_body)).await,
            "留言已答复",
        );
        refused(rate(&db, &actor, now, id, "还行").await, "请选择满意");
        rate(&db, &actor, now, id, "基本满意").await.unwrap();
        let (published, total) = fazhi_db::messages::published(&db, Page::new(1, 20))
            .await
            .unwrap();
        assert_eq!((published.len(), total), (1, 1));
        assert!(!published[0].public_body.contains("13912345678"));

        // A spam message is not owed an answer and cannot be answered while so judged.
        let spam = create(
            &db,
            &actor,
            now,
            today,
            &letter(Channel::MayorMailbox, "2024-10-30"),
            None,
        )
        .await
        .unwrap();
        judge(&db, &actor, now, spam, Validity::Spam, "广告内容")
            .await
            .unwrap();
        refused(
            reply(&db, &actor, now, today, spam, &answer(false, "")).await,
            "不予答复",
        );
        let open = queue(&db, None, Show::Open, today, Page::new(1, 50))
            .await
            .unwrap()
            .0;
        assert!(!open.iter().any(|m| m.id == spam || m.id == id));
    }
}
