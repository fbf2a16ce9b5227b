//! Headless Chromium driven over the `DevTools` protocol (one websocket, one page session):
//! enough to navigate, click, fill inputs, set a file input and take a screenshot.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

/// The Chromium binary, if installed.
#[must_use]
pub fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

pub struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    next: u64,
    session: String,
}

/// The port and path that Chromium writes to `DevToolsActivePort` once it listens (60 s at most).
fn devtools_port(profile: &Path) -> (String, String) {
    let port_file = profile.join("DevToolsActivePort");
    for _ in 0..600 {
        let text = std::fs::read_to_string(&port_file).unwrap_or_default();
        if let [port, path, ..] = text.lines().collect::<Vec<_>>()[..] {
            return (port.to_string(), path.to_string());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("Chromium wrote no {}", port_file.display());
}

impl Browser {
    /// Start Chromium with its profile in `profile` and attach to a new blank page.
    pub fn launch(exe: &Path, profile: &Path) -> Browser {
        let child = Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                "--window-size=1280,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        let (port, path) = devtools_port(profile);
        let stream = TcpStream::connect(format!("127.0.0.1:{port}")).expect("the DevTools port");
        stream.set_read_timeout(Some(Duration::from_mins(1))).expect("a timeout");
        let (ws, _) =
            tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream).expect("the DevTools websocket");
        let mut browser = Browser { child, ws, next: 0, session: String::new() };
        let target = browser.send("Target.createTarget", &json!({ "url": "about:blank" }), false).expect("a page");
        let attached = browser
            .send("Target.attachToTarget", &json!({ "targetId": target["targetId"], "flatten": true }), false)
            .expect("attached");
        browser.session = attached["sessionId"].as_str().expect("a session").to_string();
        browser
    }

    /// One command; the page's session unless `browser`. `Err` is the protocol's error.
    ///
    /// # Errors
    /// The error the browser answered.
    pub fn send(&mut self, method: &str, params: &Value, page: bool) -> Result<Value, String> {
        self.next += 1;
        let mut msg = json!({ "id": self.next, "method": method, "params": params });
        if page {
            msg["sessionId"] = json!(self.session);
        }
        self.ws.send(Message::text(msg.to_string())).expect("the websocket takes the command");
        loop {
            let Message::Text(text) = self.ws.read().expect("the websocket answers") else { continue };
            let answer: Value = serde_json::from_str(text.as_str()).expect("JSON from the browser");
            if answer["id"] != json!(self.next) {
                continue; // an event
            }
            return match answer.get("error") {
                Some(e) => Err(e.to_string()),
                None => Ok(answer["result"].clone()),
            };
        }
    }

    pub fn page(&mut self, method: &str, params: &Value) -> Value {
        self.send(method, params, true).unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    /// The value of a JavaScript expression (`Err` while a navigation replaces the page).
    ///
    /// # Errors
    /// The page threw, or has no context right now.
    pub fn eval(&mut self, expression: &str) -> Result<Value, String> {
        let r = self.send(
            "Runtime.evaluate",
            &json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            true,
        )?;
        match r.get("exceptionDetails") {
            Some(e) => Err(e.to_string()),
            None => Ok(r["result"]["value"].clone()),
        }
    }

    /// Wait (bounded: 60 s) until the expression is true on a loaded page.
    pub fn wait_for(&mut self, condition: &str) {
        let expression = format!("document.readyState === 'complete' && ({condition})");
        for _ in 0..600 {
            if self.eval(&expression) == Ok(json!(true)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let at = self.eval("location.href + ' ' + document.body.innerText.slice(0, 300)");
        panic!("never became true: {condition}; at {at:?}");
    }

    pub fn goto(&mut self, url: &str) {
        self.page("Page.navigate", &json!({ "url": url }));
        self.wait_for(&format!("location.href === {}", json!(url)));
    }

    /// Click the element (a real click event, as a person's).
    pub fn click(&mut self, selector: &str) {
        let js = format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return false; e.click(); return true; }})()",
            json!(selector)
        );
        assert_eq!(self.eval(&js), Ok(json!(true)), "no element {selector} to click");
    }

    /// A person's double-click on the element: two presses and releases of the left button
    /// at its centre, as the input devices send them (`Input.dispatchMouseEvent`).
    pub fn double_click(&mut self, selector: &str) {
        let js = format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return null; e.scrollIntoView({{block: 'center'}}); \
             const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            json!(selector)
        );
        let at = self.eval(&js).expect("the element's place");
        let (x, y) = (at[0].as_f64().expect("x"), at[1].as_f64().expect("y"));
        for count in [1, 2] {
            for kind in ["mousePressed", "mouseReleased"] {
                let event =
                    json!({ "type": kind, "x": x, "y": y, "button": "left", "buttons": 1, "clickCount": count });
                self.page("Input.dispatchMouseEvent", &event);
            }
        }
    }

    /// Give a file input a file from disk (DOM.setFileInputFiles).
    pub fn set_file(&mut self, selector: &str, file: &Path) {
        let root = self.page("DOM.getDocument", &json!({}))["root"]["nodeId"].clone();
        let node = self.page("DOM.querySelector", &json!({ "nodeId": root, "selector": selector }))["nodeId"].clone();
        assert_ne!(node, json!(0), "no element {selector}");
        self.page("DOM.setFileInputFiles", &json!({ "nodeId": node, "files": [file.display().to_string()] }));
    }

    /// A PNG screenshot of the page.
    pub fn screenshot(&mut self) -> Vec<u8> {
        use base64::Engine;
        let shot = self.page("Page.captureScreenshot", &json!({ "format": "png" }));
        base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().expect("image data")).expect("base64")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
