//! The real `tiexi serve` on a free loopback port, and a small HTTP/1.1 client over
//! `TcpStream` (one request per connection), for the tests that kill or browse it.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_tiexi");

/// A port nobody listens on right now.
#[must_use]
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// `tiexi user add --password-stdin` on the database.
pub fn add_user(db_url: &str, name: &str, role: &str, password: &str) {
    let mut child = Command::new(BIN)
        .args(["user", "add", "--username", name, "--role", role, "--password-stdin", "--database", db_url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .spawn()
        .expect("tiexi user add starts");
    child.stdin.take().expect("stdin").write_all(format!("{password}\n").as_bytes()).expect("password written");
    assert!(child.wait().expect("tiexi user add ends").success(), "tiexi user add {name}");
}

/// A running `tiexi serve`; killed (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    /// Start the server and wait until it answers (bounded: it must start within a minute).
    pub fn start(db_url: &str, demo: bool, log: &Path) -> Server {
        Server::start_with(db_url, demo, log, &[])
    }

    /// The same with more environment (`ROCKET_LOG_LEVEL=debug`, `ROCKET_PASSWORD_CHECKS`…).
    pub fn start_with(db_url: &str, demo: bool, log: &Path, env: &[(&str, &str)]) -> Server {
        let port = free_port();
        // TIEXI_TEST_BIN: a copy of this tree's binary, when a target dir shared by several
        // worktrees may hold another's at BIN.
        let mut cmd = Command::new(std::env::var_os("TIEXI_TEST_BIN").unwrap_or_else(|| BIN.into()));
        cmd.args(["serve", "--database", db_url]);
        if demo {
            cmd.arg("--demo");
        }
        let log = std::fs::File::create(log).expect("a log file");
        cmd.env("ROCKET_LOG_LEVEL", "normal");
        for (name, value) in env {
            cmd.env(name, value);
        }
        let child = cmd
            .env("ROCKET_PORT", port.to_string())
            .env("ROCKET_ADDRESS", "127.0.0.1")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("tiexi serve starts");
        let mut server = Server { child, port };
        for _ in 0..600 {
            if let Some(status) = server.child.try_wait().expect("the server's status") {
                panic!("tiexi serve exited early: {status}");
            }
            if Http::new(port).request("GET", "/login", None, &[]).is_ok_and(|r| r.status == 200) {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("tiexi serve did not answer on port {port}");
    }

    /// The server's process id (for `/proc/PID/status`).
    #[must_use]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, no chance to clean up.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An answer: status, headers (names lower-cased), body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    #[must_use]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A client with the session cookie and CSRF token of its login.
#[derive(Clone)]
pub struct Http {
    pub port: u16,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Http {
    #[must_use]
    pub fn new(port: u16) -> Http {
        Http { port, cookie: None, csrf: None }
    }

    /// One request on its own connection, `Connection: close`; read timeout 5 minutes.
    ///
    /// # Errors
    /// The connection failed or was cut (as when the server is killed).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> std::io::Result<Response> {
        self.request_with(method, path, content_type, body, &[])
    }

    /// The same with more headers (a `Cookie` of the caller's, an `Origin`…).
    ///
    /// # Errors
    /// The connection failed or was cut.
    pub fn request_with(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> std::io::Result<Response> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_mins(5)))?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        if let Some(ct) = content_type {
            let _ = write!(head, "Content-Type: {ct}\r\n");
        }
        if let Some(c) = &self.cookie {
            let _ = write!(head, "Cookie: tiexi_session={c}\r\n");
        }
        if let Some(t) = &self.csrf {
            let _ = write!(head, "X-CSRF-Token: {t}\r\n");
        }
        for (name, value) in headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(body)?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        parse(&raw).ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no complete HTTP answer"))
    }

    /// Log in through the JSON API; keeps the cookie and the token.
    pub fn login(port: u16, user: &str, password: &str) -> Http {
        let body = serde_json::json!({ "username": user, "password": password }).to_string();
        let r = Http::new(port)
            .request("POST", "/api/v1/session", Some("application/json"), body.as_bytes())
            .expect("login answers");
        assert_eq!(r.status, 200, "login as {user}: {}", String::from_utf8_lossy(&r.body));
        let cookie = r
            .headers
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .find_map(|(_, v)| {
                v.strip_prefix("tiexi_session=").map(|rest| rest.split(';').next().unwrap_or_default().to_string())
            })
            .expect("a session cookie");
        let csrf = r.json()["csrf_token"].as_str().expect("a token").to_string();
        Http { port, cookie: Some(cookie), csrf: Some(csrf) }
    }

    pub fn json(&self, method: &str, path: &str, body: &Value) -> Response {
        self.request(method, path, Some("application/json"), body.to_string().as_bytes()).expect("an answer")
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, None, &[]).expect("an answer")
    }
}

fn parse(raw: &[u8]) -> Option<Response> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':').map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string())))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked { dechunk(rest)? } else { rest.to_vec() };
    Some(Response { status, headers, body })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).ok()?.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}
