//! The pages' templates, compiled into the binary (issue 13 item 8, docs/deployment.md): a
//! copied `tiexi` serves its pages from any directory. A `template_dir` setting still
//! overrides them: each `NAME.html.tera` found under it replaces the built-in page of that
//! name, so a site can change one page (say `base`) and keep the others.
//!
//! `rocket_dyn_templates` finds templates only in a directory, and a template added from a
//! string gets its content type from its name (`login` → text/plain); so this small
//! responder renders with Tera itself and answers HTML. Its `render` and `show` have the
//! signatures of `rocket_dyn_templates`'s, whose `context!` macro the pages keep using.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use rocket::fairing::{AdHoc, Fairing};
use rocket::figment::value::magic::RelativePathBuf;
use rocket::http::{ContentType, Status};
use rocket::response::{self, Responder};
use rocket::{Orbit, Request, Rocket};
pub use rocket_dyn_templates::context;
pub use rocket_dyn_templates::tera;
use serde::Serialize;
use tera::{Context, Tera};

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// The loaded templates (managed state).
pub struct Templates(Tera);

/// A page to render: a template's name and its values.
pub struct Template {
    name: Cow<'static, str>,
    context: Result<Context, String>,
}

impl Template {
    /// The template `name` (`projects/index`) with these values.
    pub fn render(name: impl Into<Cow<'static, str>>, context: impl Serialize) -> Template {
        Template { name: name.into(), context: Context::from_serialize(context).map_err(|e| e.to_string()) }
    }

    /// The page as text, or `None` (logged) when the template fails.
    pub fn show(rocket: &Rocket<Orbit>, name: impl Into<Cow<'static, str>>, context: impl Serialize) -> Option<String> {
        let templates = rocket.state::<Templates>()?;
        Template::render(name, context).text(templates)
    }

    fn text(&self, templates: &Templates) -> Option<String> {
        let context = self.context.as_ref().map_err(|e| error!("template {}: values: {e}", self.name)).ok()?;
        templates.0.render(&self.name, context).map_err(|e| error!("template {}: {}", self.name, chain(&e))).ok()
    }
}

impl<'r> Responder<'r, 'static> for Template {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let templates = req.rocket().state::<Templates>().ok_or(Status::InternalServerError)?;
        let text = self.text(templates).ok_or(Status::InternalServerError)?;
        (ContentType::HTML, text).respond_to(req)
    }
}

/// The fairing that loads the templates at ignition: the built-in ones, then any
/// `template_dir` over them. A template that does not parse stops the start.
#[must_use]
pub fn fairing() -> impl Fairing {
    AdHoc::try_on_ignite("templates", |rocket| async move {
        let dir = rocket.figment().extract_inner::<RelativePathBuf>("template_dir").ok().map(|d| d.relative());
        match load(dir.as_deref()) {
            Ok(tera) => Ok(rocket.manage(Templates(tera))),
            Err(e) => {
                error!("模板加载失败：{e}");
                Err(rocket)
            }
        }
    })
}

/// The built-in templates with the files of `dir` (when given) over them.
///
/// # Errors
/// `dir` cannot be read, or a template does not parse.
pub fn load(dir: Option<&Path>) -> Result<Tera, String> {
    let mut texts: BTreeMap<String, Cow<'static, str>> =
        TEMPLATES.iter().map(|(name, text)| ((*name).to_string(), Cow::Borrowed(*text))).collect();
    if let Some(dir) = dir {
        read_dir(dir, dir, &mut texts).map_err(|e| format!("模板目录 {}：{e}", dir.display()))?;
    }
    let mut tera = Tera::default();
    // Every template is HTML, and their names carry no `.html`: escape everything.
    tera.autoescape_on(vec![""]);
    super::views::register_filters(&mut tera);
    // Every value a template prints loses its bidirectional controls (`bidi`).
    tera.set_escape_fn(super::views::escape_html);
    tera.add_raw_templates(texts.iter().map(|(name, text)| (name.as_str(), text.as_ref()))).map_err(|e| chain(&e))?;
    Ok(tera)
}

fn read_dir(root: &Path, dir: &Path, texts: &mut BTreeMap<String, Cow<'static, str>>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            read_dir(root, &path, texts)?;
            continue;
        }
        let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        if let Some(name) = relative.strip_suffix(".html.tera") {
            texts.insert(name.to_string(), Cow::Owned(std::fs::read_to_string(&path)?));
        }
    }
    Ok(())
}

/// An error with its causes, on one line (Tera puts the template's line in a cause).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push('：');
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
