//! The `fazhi` binary as an operator runs it: results on stdout, one error line on stderr.

use std::process::{Command, Output};

fn temp_db() -> String {
    let dir = std::env::temp_dir().join("fazhi-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "sqlite://{}/cli-{}-{n}.db",
        dir.display(),
        std::process::id()
    )
}

fn fazhi(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .arg("--database-url")
        .arg(db)
        .args(args)
        .env_remove("FAZHI_DATABASE_URL")
        .env("FAZHI_LOG", "error")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).to_string()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

/// A fresh demo database made by `fazhi demo --no-serve`; returns its path.
fn demo_database(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join("fazhi-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let path = dir.join(format!("{label}-{}-{stamp}.db", std::process::id()));
    let demo = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(["demo", "--no-serve", "--db"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(demo.status.success(), "{}", stderr(&demo));
    assert!(
        stdout(&demo).contains("fb.clerk"),
        "the demo prints its accounts"
    );
    path
}

#[test]
fn calendar_due_prints_the_date_on_the_first_line() {
    let db = temp_db();
    let output = fazhi(
        &db,
        &[
            "calendar",
            "due",
            "--from",
            "2020-09-28",
            "--working-days",
            "20",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().next(), Some("2020-11-02"));
    let explained = fazhi(
        &db,
        &[
            "calendar",
            "due",
            "--from",
            "2024-09-20",
            "--working-days",
            "20",
            "--explain",
        ],
    );
    let text = stdout(&explained);
    assert_eq!(text.lines().next(), Some("2024-10-23"));
    assert!(text.contains("调休上班：国庆节调休上班"));
}

#[test]
fn a_provisional_due_date_warns_on_stderr() {
    let output = fazhi(
        &temp_db(),
        &[
            "calendar",
            "due",
            "--from",
            "2026-12-28",
            "--working-days",
            "5",
        ],
    );
    assert!(output.status.success());
    assert!(stderr(&output).contains("2027年的节假日安排尚未导入"));
}

#[test]
fn bad_input_gives_one_chinese_line_and_a_failure_exit() {
    let db = temp_db();
    let cases: [(&str, Vec<&str>, &str); 3] = [
        ("bogus://x", vec!["migrate"], "数据库地址无效"),
        (
            &db,
            vec![
                "calendar",
                "due",
                "--from",
                "2020-13-01",
                "--working-days",
                "5",
            ],
            "起算日",
        ),
        (
            &db,
            vec![
                "calendar",
                "due",
                "--from",
                "2020-01-01",
                "--working-days",
                "三",
            ],
            "工作日数",
        ),
    ];
    for (url, args, fragment) in cases {
        let output = fazhi(url, &args);
        assert!(!output.status.success(), "{args:?}");
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("错误：") && err.contains(fragment), "{err}");
    }
}

#[test]
fn demo_org_user_and_audit_commands_work_together() {
    let dir = std::env::temp_dir().join("fazhi-tests");
    let path = demo_database("demo");
    let again = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(["demo", "--no-serve", "--db"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        stderr(&again).contains("本次新建用户 0 个"),
        "{}",
        stderr(&again)
    );
    let db = format!("sqlite://{}", path.display());
    let agencies = fazhi(&db, &["org", "agencies", "--name", "司法局"]);
    let lines: Vec<String> = stdout(&agencies).lines().map(str::to_string).collect();
    assert!(
        lines.contains(&"G441400-009\t梅州市司法局".to_string()),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .all(|l| l.split('\t').count() == 2 && l.contains("司法局"))
    );

    let bad = dir.join(format!("bad-{}.csv", std::process::id()));
    std::fs::write(
        &bad,
        "code,name,level,parent_code\n441499,测试区,county,441400\n441499100,测试镇,town,441498\n",
    )
    .unwrap();
    let refused = fazhi(&db, &["org", "import", bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("第3行"), "{}", stderr(&refused));
    let listed = fazhi(&db, &["org", "agencies"]);
    // 67 bundled demo agencies, plus for the demo catalogue 4 departments in each of the 8
    // counties and the 105 towns and streets not already listed (112 less 7).
    assert_eq!(stdout(&listed).lines().count(), 67 + 32 + 105);

    let add = |username: &str| {
        fazhi(
            &db,
            &[
                "user",
                "add",
                "--username",
                username,
                "--name",
                "测试",
                "--agency",
                "G441400-002",
                "--role",
                "经办人",
                "--password",
                "test-user-2026",
            ],
        )
    };
    assert!(add("cli.user").status.success());
    let duplicate = add("cli.user");
    assert!(!duplicate.status.success());
    assert!(stderr(&duplicate).contains("已被使用"));
    assert!(stdout(&fazhi(&db, &["user", "list"])).contains("cli.user"));
    assert!(
        fazhi(&db, &["user", "disable", "--username", "cli.user"])
            .status
            .success()
    );
    let verify = fazhi(&db, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    assert!(stdout(&verify).starts_with("OK"));
}

#[test]
fn powers_holder_prints_the_holding_agency_first() {
    let path = demo_database("powers");
    let db = format!("sqlite://{}", path.display());
    let holder = |on: &str, extra: &[&str]| {
        let mut args = vec![
            "powers",
            "holder",
            "--code",
            "DEMO-XK-QS",
            "--division",
            "441402",
            "--on",
            on,
        ];
        args.extend_from_slice(extra);
        fazhi(&db, &args)
    };
    let local = holder("2020-03-01", &["--attr", "intake_spans_counties=false"]);
    assert!(local.status.success(), "{}", stderr(&local));
    assert_eq!(stdout(&local).lines().next(), Some("梅江区水务局"));
    assert_eq!(
        stdout(&holder("2020-02-29", &[])).lines().next(),
        Some("梅州市水务局")
    );
    let undecided = stdout(&holder("2020-03-01", &[]));
    let lines: Vec<&str> = undecided.lines().collect();
    assert_eq!(
        lines,
        [
            "梅江区水务局",
            "条件：不含跨县（市、区）取水；不满足时：梅州市水务局"
        ]
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&holder("2020-03-01", &["--json"]))).unwrap();
    assert_eq!(json["agency"], "梅江区水务局");
    assert_eq!(json["division"], "441402");
    assert_eq!(
        json["basis_adjustment"]["decision_title"],
        "取水许可下放县（市、区）实施的通知（演示）"
    );
    let none = holder("2018-01-01", &[]);
    assert!(!none.status.success());
    assert!(stderr(&none).starts_with("错误："));
    let bad_attr = holder("2020-03-01", &["--attr", "intake"]);
    assert!(stderr(&bad_attr).contains("名称=值"));
}

/// Writes a list workbook the way offices send them: a title row above the header.
fn write_list_xlsx(path: &std::path::Path, merged_header: bool, date_cell: Option<&str>) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("权责清单").unwrap();
    sheet
        .write_string(0, 0, "梅州市自然资源局权责清单（测试）")
        .unwrap();
    let header = [
        "序号",
        "事项编码",
        "事项名称",
        "事项类别",
        "设定依据",
        "实施主体",
        "生效日期",
    ];
    for (column, text) in header.iter().enumerate() {
        sheet.write_string(1, column as u16, *text).unwrap();
    }
    if merged_header {
        sheet
            .merge_range(1, 2, 1, 3, "事项名称", &Format::new())
            .unwrap();
    }
    let rows = [
        [
            "1",
            "X-YD",
            "建设项目用地预审",
            "行政许可",
            "《中华人民共和国土地管理法》第五十二条",
            "梅州市自然资源局",
        ],
        [
            "2",
            "X-CF",
            "对违法占地的处罚",
            "行政处罚",
            "《中华人民共和国土地管理法》第七十七条",
            "G441400-012",
        ],
    ];
    for (index, row) in rows.iter().enumerate() {
        for (column, text) in row.iter().enumerate() {
            sheet
                .write_string(index as u32 + 2, column as u16, *text)
                .unwrap();
        }
    }
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_datetime_with_format(
            2,
            6,
            ExcelDateTime::from_ymd(2021, 3, 1).unwrap(),
            &date_format,
        )
        .unwrap();
    if let Some(text) = date_cell {
        sheet.write_string(3, 6, text).unwrap();
    }
    workbook.save(path).unwrap();
}

#[test]
fn powers_import_reads_an_xlsx_list_with_a_dry_run_first() {
    let dir = std::env::temp_dir().join("fazhi-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let db_path = demo_database("import");
    let db = format!("sqlite://{}", db_path.display());
    let good = dir.join(format!("list-{stamp}.xlsx"));
    write_list_xlsx(&good, false, None);
    let import = |file: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "powers",
            "import",
            file.to_str().unwrap(),
            "--decision",
            "测试：市自然资源局权责清单",
            "--decided",
            "2021-01-01",
        ];
        args.extend_from_slice(extra);
        fazhi(&db, &args)
    };
    let dry = import(&good, &["--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert_eq!(
        stdout(&dry).trim(),
        "试导入（未写入）：2行；事项新增2、变更0、未变0；新增持有2、已持有0"
    );
    let absent = fazhi(
        &db,
        &[
            "powers",
            "holder",
            "--code",
            "X-YD",
            "--division",
            "441400",
            "--on",
            "2021-06-01",
        ],
    );
    assert!(!absent.status.success(), "the dry run wrote nothing");
    let real = import(&good, &[]);
    assert_eq!(
        stdout(&real).trim(),
        "导入完成：2行；事项新增2、变更0、未变0；新增持有2、已持有0"
    );
    let holder = |on: &str| {
        stdout(&fazhi(
            &db,
            &[
                "powers",
                "holder",
                "--code",
                "X-YD",
                "--division",
                "441400",
                "--on",
                on,
            ],
        ))
    };
    assert_eq!(
        holder("2021-03-01").lines().next(),
        Some("梅州市自然资源局"),
        "the row's own date cell"
    );
    assert_eq!(holder("2021-02-28"), "", "not before its 生效日期");

    let wrong_sheet = import(&good, &["--sheet", "Sheet9"]);
    assert!(
        stderr(&wrong_sheet).contains("找不到工作表“Sheet9”；本文件的工作表有：权责清单"),
        "{}",
        stderr(&wrong_sheet)
    );
    let merged = dir.join(format!("merged-{stamp}.xlsx"));
    write_list_xlsx(&merged, true, None);
    assert!(stderr(&import(&merged, &[])).contains("合并单元格"));
    let text_date = dir.join(format!("textdate-{stamp}.xlsx"));
    write_list_xlsx(&text_date, false, Some("明年三月"));
    let refused = import(&text_date, &[]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("第4行“生效日期”列：“明年三月”不是日期"),
        "{}",
        stderr(&refused)
    );
    let unsupported = dir.join(format!("list-{stamp}.txt"));
    std::fs::write(&unsupported, "x").unwrap();
    assert!(stderr(&import(&unsupported, &[])).contains("不支持的文件类型"));
}

#[test]
fn powers_export_writes_catalogues_and_changes_as_csv_json_and_xlsx() {
    use calamine::Reader;
    let path = demo_database("export");
    let db = format!("sqlite://{}", path.display());
    let csv = fazhi(
        &db,
        &[
            "powers",
            "export",
            "--division",
            "441402",
            "--on",
            "2020-03-01",
        ],
    );
    assert!(csv.status.success(), "{}", stderr(&csv));
    let text = stdout(&csv);
    assert!(text.starts_with(
        "\u{feff}事项编码,事项名称,事项类别,实施主体,机构代码,持有起始日,适用条件\r\n"
    ));
    assert!(text.contains(
        "DEMO-XK-QS,取水许可（演示）,XK,梅江区水务局,G441402-005,2020-03-01,不含跨县（市、区）取水"
    ));
    let json = fazhi(
        &db,
        &[
            "powers",
            "export",
            "--division",
            "441400",
            "--on",
            "2020-12-31",
            "--from",
            "2019-12-31",
            "--format",
            "json",
        ],
    );
    let changes: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        changes.iter().filter(|c| c["kind"] == "take_over").count(),
        1088
    );
    let file = path.with_extension("xlsx");
    let xlsx = fazhi(
        &db,
        &[
            "powers",
            "export",
            "--division",
            "441400",
            "--on",
            "2020-03-01",
            "--format",
            "xlsx",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(xlsx.status.success(), "{}", stderr(&xlsx));
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.rows().next().unwrap()[0].to_string(), "事项编码");
    let no_file = fazhi(
        &db,
        &[
            "powers",
            "export",
            "--division",
            "441400",
            "--on",
            "2020-03-01",
            "--format",
            "xlsx",
        ],
    );
    assert!(stderr(&no_file).contains("--output"));
    let bad = fazhi(
        &db,
        &[
            "powers",
            "export",
            "--division",
            "441400",
            "--on",
            "2020-03-01",
            "--format",
            "pdf",
        ],
    );
    assert!(stderr(&bad).contains("格式“pdf”无效"));
}

#[tokio::test]
async fn report_foi_annual_prints_section_three_as_csv_rows_in_spec_order() {
    use fazhi_core::foi::{Channel, ClockEvent, Ground, Outcome, OutcomeCode};
    let path = demo_database("foi-report");
    let url = format!("sqlite://{}", path.display());
    let db = fazhi_db::Db::connect(&url).await.unwrap();
    let actor = fazhi_db::Actor::cli("test");
    let date = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
    let register = |applicant_type: &str, arrived: &str| fazhi_db::foi::NewRequest {
        agency_code: "G441400-002".into(),
        channel: Channel::InPerson,
        arrived_on: date(arrived),
        confirmed_on: None,
        applicant_type: applicant_type.into(),
        applicant_name: "测试申请人".into(),
        contact: "0753-2100000".into(),
        description: "测试".into(),
        purpose: String::new(),
        form_requested: "纸质".into(),
    };
    let close = |on: &str, code: OutcomeCode, ground: Option<Ground>| ClockEvent::Answered {
        on: date(on),
        outcome: Outcome {
            code,
            ground,
            note: String::new(),
        },
    };
    let cases = [
        (
            register("自然人", "2024-12-20"),
            Some(close("2025-01-10", OutcomeCode::Disclose, None)),
        ),
        (
            register("商业企业", "2025-03-03"),
            Some(close(
                "2025-03-20",
                OutcomeCode::Withheld,
                Some(Ground::ThirdPartyRights),
            )),
        ),
        (register("自然人", "2025-12-22"), None),
    ];
    for (new, closing) in cases {
        let request = fazhi_db::foi::create_request(&db, &actor, fazhi_core::clock::now(), &new)
            .await
            .unwrap();
        if let Some(event) = closing {
            fazhi_db::foi::add_event(
                &db,
                &actor,
                fazhi_core::clock::now(),
                request.id,
                &event,
                date("2026-01-05"),
            )
            .await
            .unwrap();
        }
    }
    let args = [
        "report",
        "foi-annual",
        "--year",
        "2025",
        "--agency",
        "G441400-002",
        "--format",
        "csv",
        "--table",
        "3",
    ];
    let output = fazhi(&url, &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "项目,自然人,商业企业,科研机构,社会公益组织,法律服务机构,其他,总计"
    );
    assert_eq!(lines.len(), 26, "the header and 25 rows of the 2021 format");
    assert_eq!(lines[1], "一、本年新收政府信息公开申请数量,1,1,0,0,0,0,2");
    assert_eq!(lines[2], "二、上年结转政府信息公开申请数量,1,0,0,0,0,0,1");
    assert_eq!(lines[3], "三、本年度办理结果/（一）予以公开,1,0,0,0,0,0,1");
    assert_eq!(
        lines[8],
        "三、本年度办理结果/（三）不予公开/4.保护第三方合法权益,0,1,0,0,0,0,1"
    );
    assert_eq!(lines[24], "三、本年度办理结果/（七）总计,1,1,0,0,0,0,2");
    assert_eq!(lines[25], "四、结转下年度继续办理,1,0,0,0,0,0,1");

    let forced = fazhi(&url, &[&args[..], &["--template", "2019"]].concat());
    assert_eq!(
        stdout(&forced).lines().count(),
        24,
        "the 2019 format has 23 rows"
    );
    let json = fazhi(
        &url,
        &[
            "report",
            "foi-annual",
            "--year",
            "2025",
            "--agency",
            "G441400-002",
            "--format",
            "json",
        ],
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(value["section_three"]["rows"][0]["values"][6], 2);
    let other_table = fazhi(
        &url,
        &[
            "report",
            "foi-annual",
            "--year",
            "2025",
            "--agency",
            "G441400-002",
            "--table",
            "2",
        ],
    );
    assert!(!other_table.status.success());
    assert!(stderr(&other_table).contains("没有可输出为CSV的统计表"));
}

#[test]
fn the_demo_has_the_city_offices_2020_requests_and_their_report() {
    let path = demo_database("foi-demo");
    let url = format!("sqlite://{}", path.display());
    let output = fazhi(
        &url,
        &[
            "report",
            "foi-annual",
            "--year",
            "2020",
            "--agency",
            "G441400-002",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let total = |label: &str| -> String {
        let line = text.lines().find(|l| l.starts_with(label)).unwrap();
        line.rsplit(',').next().unwrap().to_string()
    };
    assert_eq!(total("一、本年新收政府信息公开申请数量"), "16");
    assert_eq!(total("二、上年结转政府信息公开申请数量"), "1");
    assert_eq!(total("三、本年度办理结果/（七）总计"), "15");
    assert_eq!(total("四、结转下年度继续办理"), "2");
    assert_eq!(text.lines().count(), 24, "2020 uses the 2019 format");
    assert_eq!(total("三、本年度办理结果/（六）其他处理"), "1");
    let next = fazhi(
        &url,
        &[
            "report",
            "foi-annual",
            "--year",
            "2021",
            "--agency",
            "G441400-002",
        ],
    );
    let next_text = stdout(&next);
    let carried = next_text
        .lines()
        .find(|l| l.starts_with("二、上年结转"))
        .unwrap();
    assert!(
        carried.ends_with(",2"),
        "2021 carries over what 2020 carried forward: {carried}"
    );
}

#[test]
fn foi_import_loads_a_ledger_all_or_nothing_and_report_prints_section_four() {
    let path = demo_database("foi-ledger");
    let url = format!("sqlite://{}", path.display());
    let dir = std::env::temp_dir().join("fazhi-tests");
    let header = "案件编号,机构代码,申请渠道,收到申请日期,申请人类型,办理结果,办结日期,行政复议结果,行政复议审结日期,行政诉讼途径,行政诉讼结果,行政诉讼审结日期\n";
    let bad = dir.join(format!("ledger-bad-{}.csv", std::process::id()));
    std::fs::write(
        &bad,
        format!(
            "{header}T-1,G441400-003,邮寄,2019-03-01,自然人,予以公开,2019-03-20,,,,,\nT-2,G441400-003,邮寄,2019-02-30,自然人,,,,,,,\n"
        ),
    )
    .unwrap();
    let refused = fazhi(&url, &["foi", "import", bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("第3行“收到申请日期”列：“2019-02-30”不是日期"),
        "{}",
        stderr(&refused)
    );
    let good = dir.join(format!("ledger-good-{}.csv", std::process::id()));
    std::fs::write(
        &good,
        format!(
            "{header}T-1,G441400-003,邮寄,2019-03-01,自然人,予以公开,2019-03-20,纠正,2019-09-01,复议后起诉,维持,2019-12-01\nT-2,G441400-003,传真,2019-12-27,法律服务机构,,,,,,,\n"
        ),
    )
    .unwrap();
    let loaded = fazhi(&url, &["foi", "import", good.to_str().unwrap()]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    assert!(stdout(&loaded).contains("已导入政府信息公开申请2件"));
    let again = fazhi(&url, &["foi", "import", good.to_str().unwrap()]);
    assert!(
        stderr(&again).contains("案件编号“T-1”已存在"),
        "{}",
        stderr(&again)
    );
    let report = |table: &str| {
        let output = fazhi(
            &url,
            &[
                "report",
                "foi-annual",
                "--year",
                "2019",
                "--agency",
                "G441400-003",
                "--table",
                table,
            ],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let three = report("3");
    assert!(
        three.contains("一、本年新收政府信息公开申请数量,1,0,0,0,1,0,2\n"),
        "{three}"
    );
    assert!(
        three.contains("四、结转下年度继续办理,0,0,0,0,1,0,1\n"),
        "{three}"
    );
    let early = fazhi(
        &url,
        &[
            "report",
            "foi-annual",
            "--year",
            "2018",
            "--agency",
            "G441400-003",
        ],
    );
    assert!(
        stderr(&early).contains("2018年不适用现行年度报告格式"),
        "{}",
        stderr(&early)
    );
    let four = report("4");
    let lines: Vec<&str> = four.lines().collect();
    assert!(
        lines[0].starts_with("行政复议/结果维持,行政复议/结果纠正,"),
        "{four}"
    );
    assert!(lines[0].ends_with("行政诉讼/复议后起诉/总计"), "{four}");
    assert_eq!(lines[1], "0,1,0,0,1,0,0,0,0,0,1,0,0,0,1");
}
