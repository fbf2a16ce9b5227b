//! What the division keeps besides rounds and projects (issue 16): its settings (what the
//! reports print about it), its pools as accounts (到位, 结转, 历史拨付) and its rounds'
//! 绩效 targets. Each change is a small function taking the database and the acting user,
//! the same for the pages, the API and the command line, written in one transaction with
//! its audit row (old and new values).

pub mod demo;
pub mod funds;
pub mod performance;
pub mod settings;
