//! 基层政务公开标准目录 stored in versions with their entries and each territory's progress,
//! on both databases.

use crate::support::{self, count, date, refused_with as refused};
use fazhi_core::catalogue::{AREAS, template};
use fazhi_core::openness::vocabulary;
use fazhi_db::Actor;
use fazhi_db::catalogues::{create, entries, progress, publish, replace_entries};

#[tokio::test]
async fn a_county_catalogue_starts_from_the_template_and_completion_is_dated() {
    for db in support::demo_backends().await {
        let actor = Actor::cli("test");
        let now = fazhi_core::clock::now();
        let before = (
            count(&db, "catalogues").await,
            count(&db, "audit_log").await,
        );
        refused(
            create(&db, &actor, now, "441402", "天气预报", "G441402-001").await,
            "不在标准目录的领域表中",
        );
        refused(
            create(&db, &actor, now, "441400", "扶贫", "G441400-001").await,
            "由县（市、区）、乡镇（街道）和村（社区）编制",
        );
        refused(
            create(&db, &actor, now, "441422", "扶贫", "G441402-001").await,
            "梅江区人民政府不能编制大埔县的目录",
        );
        assert_eq!(
            (
                count(&db, "catalogues").await,
                count(&db, "audit_log").await
            ),
            before,
            "nothing written"
        );

        let areas = vocabulary(AREAS);
        let mut first = None;
        for (index, area) in areas.iter().enumerate() {
            let id = create(&db, &actor, now, "441402", area, "G441402-001")
                .await
                .unwrap();
            assert_eq!(entries(&db, id).await.unwrap(), template(area));
            if index == 0 {
                first = Some(id);
                refused(
                    create(&db, &actor, now, "441402", area, "G441402-001").await,
                    "已有草稿（第1版）",
                );
                refused(
                    replace_entries(&db, &actor, now, id, &[]).await,
                    "至少应有一个条目",
                );
                refused(
                    publish(&db, &actor, now, id, date("2020-09-09"), " ").await,
                    "审定情况",
                );
            }
            // All but the last area by November; the last on 2020-12-15.
            let on = if index + 1 == areas.len() {
                date("2020-12-15")
            } else {
                date("2020-09-09") + chrono::Days::new(index as u64)
            };
            if index + 1 < areas.len() {
                publish(&db, &actor, now, id, on, "区政府常务会议审定")
                    .await
                    .unwrap();
            } else {
                let counties = progress(&db, "441400").await.unwrap();
                let meijiang = counties
                    .iter()
                    .find(|p| p.division_code == "441402")
                    .unwrap();
                assert_eq!(
                    (
                        meijiang.areas_published,
                        meijiang.areas,
                        meijiang.completed_on
                    ),
                    (25, 26, None)
                );
                publish(&db, &actor, now, id, on, "区政府常务会议审定")
                    .await
                    .unwrap();
            }
        }
        let counties = progress(&db, "441400").await.unwrap();
        assert_eq!(counties.len(), 8, "the city's eight counties");
        let meijiang = counties
            .iter()
            .find(|p| p.division_code == "441402")
            .unwrap();
        assert_eq!(meijiang.first_published_on, Some(date("2020-09-09")));
        assert_eq!(meijiang.completed_on, Some(date("2020-12-15")));
        let dabu = counties
            .iter()
            .find(|p| p.division_code == "441422")
            .unwrap();
        assert_eq!((dabu.areas_published, dabu.completed_on), (0, None));

        // A second version starts from the one in force and replaces it when published; the
        // completion date stays the first publication.
        let first = first.unwrap();
        let second = create(&db, &actor, now, "441402", areas[0], "G441402-001")
            .await
            .unwrap();
        assert_eq!(
            entries(&db, second).await.unwrap(),
            entries(&db, first).await.unwrap()
        );
        let mut changed = template(areas[0]);
        changed.truncate(1);
        changed[0].content = "修订后的公开内容".into();
        replace_entries(&db, &actor, now, second, &changed)
            .await
            .unwrap();
        publish(
            &db,
            &actor,
            now,
            second,
            date("2021-03-01"),
            "区政府常务会议审定",
        )
        .await
        .unwrap();
        let old = fazhi_db::catalogues::catalogue(&db, first)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(old.status, "superseded");
        refused(
            replace_entries(&db, &actor, now, second, &changed).await,
            "只能修改草稿",
        );
        let again = progress(&db, "441400").await.unwrap();
        assert_eq!(
            again
                .iter()
                .find(|p| p.division_code == "441402")
                .unwrap()
                .completed_on,
            Some(date("2020-12-15"))
        );
    }
}
