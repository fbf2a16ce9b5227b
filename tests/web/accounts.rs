//! The accounts page (issue 17 item 1, docs/accounts.md), on SQLite and PostgreSQL: staff
//! add an account and get a one-time password; its user must replace it before anything
//! else, under the password policy; a reset ends the user's sessions and issues a new
//! one-time password; disable and re-enable; a role or 团场 change; every change audited
//! with old and new values; nobody else may use the page; `tiexi user add` keeps the policy.

use rocket::http::{ContentType, Status};
use serde_json::{json, Value};
use sqlx::Row;

use crate::web_support::{Agent, TestApp};
use tiexi::accounts::Role;

/// A JSON login with any password: the agent, or the refusal's status.
async fn login_as(app: &TestApp, user: &str, password: &str) -> Result<Agent, Status> {
    let client = app.client().await;
    let r = client
        .post("/api/v1/session")
        .header(ContentType::JSON)
        .body(json!({ "username": user, "password": password }).to_string())
        .dispatch()
        .await;
    if r.status() != Status::Ok {
        return Err(r.status());
    }
    let body: Value = serde_json::from_str(&r.into_string().await.unwrap_or_default()).expect("JSON");
    Ok(Agent { client, csrf: body["csrf_token"].as_str().expect("a token").to_string() })
}

/// The one-time password the page shows.
fn one_time(page: &str) -> String {
    let after = page.split("id=\"one-time-password\">").nth(1).expect("a one-time password on the page");
    after.split('<').next().expect("its text").to_string()
}

/// The audit rows about a user: (action, old, new).
async fn trail(app: &TestApp, user_id: i64) -> Vec<(String, Value, Value)> {
    let rows = sqlx::query(
        "SELECT action, old_json, new_json FROM audit WHERE entity = 'user' AND entity_id = $1 ORDER BY seq",
    )
    .bind(user_id.to_string())
    .fetch_all(&app.pool.inner)
    .await
    .expect("the trail");
    rows.iter()
        .map(|r| {
            let json =
                |c: &str| serde_json::from_str(&r.try_get::<String, _>(c).unwrap_or_default()).unwrap_or(Value::Null);
            (r.try_get("action").expect("action"), json("old_json"), json("new_json"))
        })
        .collect()
}

async fn user_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(name)
        .fetch_one(&app.pool.inner)
        .await
        .expect("the user")
        .try_get(0)
        .expect("an id")
}

/// What the password page refuses: under ten characters, a common password, two
/// different entries, a wrong current password.
async fn refusals(agent: &Agent, current: &str) {
    // The policy: ten characters, not a common password, typed twice the same.
    for (new, repeat, says) in [
        ("short-pw", "short-pw", "至少 10 个字符"),
        ("1q2w3e4r5t", "1q2w3e4r5t", "过于常见"),
        ("红星二场合作社贷款贴息", "红星二场合作社贷款贴息x", "不一致"),
    ] {
        let (status, page) =
            agent.post_form("/account/password", &[("current", current), ("new", new), ("repeat", repeat)]).await;
        assert_eq!(status, Status::UnprocessableEntity, "{new}");
        assert!(page.contains(says), "{new}: {page}");
    }
    let (status, page) = agent
        .post_form(
            "/account/password",
            &[("current", "wrong-password"), ("new", "红星二场合作社贷款贴息"), ("repeat", "红星二场合作社贷款贴息")],
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("当前密码不正确"));
}

/// zhang's trail: added by staff, then the own password.
async fn added_then_changed(app: &TestApp, password: &str) {
    let id = user_id(app, "zhang").await;
    let actions: Vec<_> = trail(app, id).await;
    assert_eq!(actions[0].0, "user.add");
    assert_eq!(actions[0].2["role"], "regiment_staff");
    assert_eq!(actions[0].2["unit"], "红星二场");
    assert_eq!(
        actions[1],
        ("user.password_change".into(), json!({"must_change_password": true}), json!({"must_change_password": false}))
    );
    assert!(!actions.iter().any(|a| a.2.to_string().contains(password)), "no password in the trail");
}

#[rocket::async_test]
async fn a_new_account_must_replace_its_one_time_password_first() {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    app.add_unit("红星二场").await;
    let admin = app.login("admin").await;
    let (status, page) =
        admin.post_form("/accounts", &[("username", "zhang"), ("role", "regiment_staff"), ("unit", "红星二场")]).await;
    assert_eq!(status, Status::Ok, "{page}");
    let password = one_time(&page);
    assert_eq!(password.chars().count(), 12);
    let (_, list) = admin.get("/accounts").await;
    assert!(list.contains("团场工会") && list.contains("红星二场") && list.contains("待修改一次性密码"), "{list}");
    assert!(!list.contains(&password), "the one-time password is shown once only");

    // The first login opens only the password page.
    let zhang = login_as(&app, "zhang", &password).await.expect("the one-time password logs in");
    let home = zhang.client.get("/").dispatch().await;
    assert_eq!(home.status(), Status::SeeOther);
    assert_eq!(home.headers().get_one("Location"), Some("/account/password"));
    let (status, _) = zhang.get_json("/api/v1/rounds").await;
    assert_eq!(status, Status::Unauthorized);
    let (status, page) = zhang.get("/account/password").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("一次性密码"), "{page}");

    refusals(&zhang, &password).await;
    let (status, _) = zhang
        .post_form(
            "/account/password",
            &[("current", &password), ("new", "红星二场合作社贷款贴息"), ("repeat", "红星二场合作社贷款贴息")],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(zhang.get("/").await.0, Status::Ok, "the session goes on with the user's own password");
    assert_eq!(login_as(&app, "zhang", &password).await.err(), Some(Status::Unauthorized));
    login_as(&app, "zhang", "红星二场合作社贷款贴息").await.expect("the new password logs in");

    added_then_changed(&app, &password).await;
    // The list shows the login in Beijing time.
    let (_, list) = admin.get("/accounts").await;
    let row = list.split("id=\"user-zhang\"").nth(1).and_then(|r| r.split("</tr>").next()).expect("zhang's row");
    assert!(row.contains("年") && row.contains("正常") && !row.contains("从未登录"), "{row}");
}

#[rocket::async_test]
async fn reset_disable_enable_and_role_are_audited_and_end_sessions() {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    app.add_user("coop", Role::Cooperative, None).await;
    app.add_unit("红星二场").await;
    let id = user_id(&app, "coop").await;
    let admin = app.login("admin").await;
    let coop = app.login("coop").await;

    let (status, page) = admin.post_form(&format!("/accounts/{id}/password"), &[]).await;
    assert_eq!(status, Status::Ok, "{page}");
    let password = one_time(&page);
    assert_eq!(coop.get("/").await.0, Status::SeeOther, "the reset ended the user's session");
    assert_eq!(login_as(&app, "coop", crate::web_support::PASSWORD).await.err(), Some(Status::Unauthorized));
    let again = login_as(&app, "coop", &password).await.expect("the one-time password");
    assert_eq!(again.client.get("/").dispatch().await.headers().get_one("Location"), Some("/account/password"));

    let (status, _) = admin.post_form(&format!("/accounts/{id}/disabled"), &[("disabled", "true")]).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(login_as(&app, "coop", &password).await.err(), Some(Status::Unauthorized));
    let (_, list) = admin.get("/accounts").await;
    assert!(list.contains("已停用"));
    admin.post_form(&format!("/accounts/{id}/disabled"), &[("disabled", "false")]).await;
    login_as(&app, "coop", &password).await.expect("re-enabled");

    // A regiment needs a 团场 of the list.
    let (_, _) = admin.post_form(&format!("/accounts/{id}/role"), &[("role", "regiment_staff"), ("unit", "")]).await;
    let (_, list) = admin.get("/accounts").await;
    assert!(list.contains("团场工会账户须选择团场"), "{list}");
    let (status, _) =
        admin.post_form(&format!("/accounts/{id}/role"), &[("role", "regiment_staff"), ("unit", "红星二场")]).await;
    assert_eq!(status, Status::SeeOther);

    let actions = trail(&app, id).await;
    let names: Vec<_> = actions.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(names, ["user.password_reset", "user.disable", "user.enable", "user.role"]);
    assert_eq!(actions[1].1, json!({ "disabled": false }));
    assert_eq!(actions[1].2, json!({ "disabled": true }));
    assert_eq!(actions[3].1, json!({ "role": "cooperative", "unit": null }));
    assert_eq!(actions[3].2, json!({ "role": "regiment_staff", "unit": "红星二场" }));
    let other = login_as(&app, "coop", &password).await.expect("logs in");
    assert_eq!(other.client.get("/accounts").dispatch().await.status(), Status::SeeOther, "must change first");
}

#[rocket::async_test]
async fn staff_never_lock_themselves_out_and_nobody_else_may_use_the_page() {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    app.add_user("auditor", Role::Auditor, None).await;
    let id = user_id(&app, "auditor").await;
    let me = user_id(&app, "admin").await;
    let admin = app.login("admin").await;
    for path in [format!("/accounts/{me}/disabled"), format!("/accounts/{me}/password"), format!("/accounts/{me}/role")]
    {
        let (status, _) = admin.post_form(&path, &[("disabled", "true"), ("role", "auditor"), ("unit", "")]).await;
        assert_eq!(status, Status::Conflict, "{path}");
    }
    let auditor = app.login("auditor").await;
    assert_eq!(auditor.get("/accounts").await.0, Status::Forbidden);
    let (status, _) = auditor.post_form(&format!("/accounts/{id}/disabled"), &[("disabled", "true")]).await;
    assert_eq!(status, Status::Forbidden);
    let (status, _) = auditor.post_form("/accounts", &[("username", "x"), ("role", "auditor"), ("unit", "")]).await;
    assert_eq!(status, Status::Forbidden);
    assert!(trail(&app, id).await.is_empty() && trail(&app, me).await.is_empty(), "nothing changed");
}

#[rocket::async_test]
async fn every_user_changes_their_own_password() {
    let app = TestApp::empty().await;
    app.add_user("auditor", Role::Auditor, None).await;
    let first = app.login("auditor").await;
    let second = app.login("auditor").await;
    let (status, page) = first.get("/account/password").await;
    assert_eq!(status, Status::Ok);
    assert!(!page.contains("id=\"required\""), "no one-time password here");
    let new = "另一个足够长的新的密码";
    let (status, _) = first
        .post_form("/account/password", &[("current", crate::web_support::PASSWORD), ("new", new), ("repeat", new)])
        .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(first.get("/").await.0, Status::Ok, "this session stays");
    assert_eq!(second.get("/").await.0, Status::SeeOther, "the other session ended");
    login_as(&app, "auditor", new).await.expect("the new password");
}

#[test]
fn tiexi_user_add_keeps_the_password_policy() {
    let dir = tempfile::tempdir().expect("a directory");
    let url = format!("sqlite://{}/t.db", dir.path().display());
    for (password, says) in [("short-pw", "至少 10 个字符"), ("qwertyuiop", "过于常见")] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tiexi"))
            .args(["user", "add", "--username", "a", "--role", "auditor", "--password-stdin", "--database", &url])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("tiexi user add");
        std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), format!("{password}\n").as_bytes())
            .expect("written");
        let out = child.wait_with_output().expect("ends");
        assert!(!out.status.success(), "{password} accepted");
        assert!(String::from_utf8_lossy(&out.stderr).contains(says), "{}", String::from_utf8_lossy(&out.stderr));
    }
}
