//! One binary (issue 13 item 8, docs/deployment.md): `tiexi` copied alone into an empty
//! directory serves the demo, its pages and its static files; `template_dir` overrides a
//! built-in page.

use std::process::{Command, Stdio};
use std::time::Duration;

use rocket::http::Status;

use crate::web_support::server::{free_port, Http, BIN};
use crate::web_support::TestApp;

/// Kills the copied server however the test ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_alone_serves_the_demo_from_an_empty_directory() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let bin = dir.path().join("tiexi");
    std::fs::copy(BIN, &bin).expect("the binary copied");
    let port = free_port();
    let log = std::fs::File::create(dir.path().join("log")).expect("a log file");
    let child = Command::new(&bin)
        .args(["serve", "--demo"])
        .current_dir(dir.path())
        // Nothing of the checkout or the test's environment may help it.
        .env_clear()
        .env("ROCKET_PORT", port.to_string())
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .spawn()
        .expect("the copy starts");
    let mut server = Running(child);
    let http = Http::new(port);
    let mut login = None;
    for _ in 0..1200 {
        if let Some(status) = server.0.try_wait().expect("the server's status") {
            let log = std::fs::read_to_string(dir.path().join("log")).unwrap_or_default();
            panic!("the copied tiexi exited: {status}\n{log}");
        }
        if let Ok(r) = http.request("GET", "/login", None, &[]) {
            login = Some(r);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let login = login.expect("the copy answers within two minutes");
    assert_eq!(login.status, 200);
    assert!(login.header("content-type").is_some_and(|t| t.starts_with("text/html")), "{:?}", login.headers);
    assert!(String::from_utf8_lossy(&login.body).contains("登录"), "the login page is the built-in one");
    let css = http.request("GET", "/static/tiexi.css", None, &[]).expect("the stylesheet answers");
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").is_some_and(|t| t.starts_with("text/css")));
    // The demo's accounts log in: the database was made next to the binary, under data/.
    let staff = Http::login(port, "admin", tiexi::demo::PASSWORD);
    let home = staff.request("GET", "/", None, &[]).expect("the dashboard answers");
    assert_eq!(home.status, 200, "{}", String::from_utf8_lossy(&home.body));
    assert!(dir.path().join("data/tiexi.db").exists());
}

#[rocket::async_test]
async fn a_template_dir_overrides_one_built_in_page() {
    let app = TestApp::empty().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("login.html.tera"), "<p>本站自定义的登录页 {{ 1 + 1 }}</p>").expect("a template");
    let figment = app.figment().merge(("template_dir", dir.path().display().to_string()));
    let client = rocket::local::asynchronous::Client::untracked(tiexi::web::rocket(figment)).await.expect("ignites");
    let page = client.get("/login").dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    assert_eq!(page.into_string().await.as_deref(), Some("<p>本站自定义的登录页 2</p>"));
    // Pages it does not replace stay the built-in ones.
    let tera = tiexi::web::kernel::templates::load(Some(dir.path())).expect("the templates load");
    let names: Vec<_> = tera.get_template_names().collect();
    assert!(names.contains(&"base") && names.contains(&"projects/index"), "{names:?}");
}
