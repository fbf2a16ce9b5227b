//! Irreversible actions ask first, on the server and without script (a strict CSP without
//! inline script is coming): a form posted without `confirm=1` gets a page that says what
//! will happen, with the same fields, `confirm=1` and a fresh idempotency key; only that
//! second post acts. The first post has no effect, so a replay of it (a double-click on the
//! first button) shows the same page again.

use crate::web::kernel::templates::{context, Template};

use crate::web::accounts::auth::Session;

/// The answer of a page form that may ask first: the confirmation page, or what the action did.
#[derive(Responder)]
pub enum Answer<T> {
    Ask(Box<Template>),
    Done(T),
}

/// What the confirmation page shows and resends.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Confirmation {
    /// `确认批准项目`.
    pub title: String,
    /// What will happen, one sentence each.
    pub consequences: Vec<String>,
    /// Where the confirmed form goes (without the idempotency key, which the page adds).
    pub action: String,
    /// The fields of the first post, resent as they were (names may repeat).
    pub fields: Vec<(String, String)>,
    /// The button's words, e.g. `确认批准`.
    pub button: String,
    /// Where 返回 leads, doing nothing.
    pub back: String,
}

impl Confirmation {
    #[must_use]
    pub fn new(title: impl Into<String>, action: impl Into<String>, back: impl Into<String>) -> Confirmation {
        Confirmation { title: title.into(), action: action.into(), back: back.into(), ..Confirmation::default() }
    }

    #[must_use]
    pub fn says(mut self, line: impl Into<String>) -> Confirmation {
        self.consequences.push(line.into());
        self
    }

    #[must_use]
    pub fn field(mut self, name: &str, value: impl Into<String>) -> Confirmation {
        self.fields.push((name.to_owned(), value.into()));
        self
    }

    #[must_use]
    pub fn button(mut self, words: impl Into<String>) -> Confirmation {
        self.button = words.into();
        self
    }

    /// The page (`confirm/ask`).
    #[must_use]
    pub fn page<T>(self, session: &Session) -> Answer<T> {
        Answer::Ask(Box::new(Template::render(
            "confirm/ask",
            context! { me: crate::web::kernel::pages::me(session), c: self },
        )))
    }
}

/// The `confirm` field: `1` once the user has seen what will happen; absent, not yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Confirmed(pub bool);

impl<'v> rocket::form::FromFormField<'v> for Confirmed {
    fn from_value(field: rocket::form::ValueField<'v>) -> rocket::form::Result<'v, Self> {
        Ok(Confirmed(matches!(field.value.trim(), "1" | "true" | "on" | "yes")))
    }

    fn default() -> Option<Self> {
        Some(Confirmed(false))
    }
}
