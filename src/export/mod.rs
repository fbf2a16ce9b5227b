//! Engine results → JSON, text and workbooks. No queries, and nothing is recomputed here.

pub mod annotated;
pub mod applicant;
pub mod bank_file;
pub mod cut;
pub mod explain;
pub mod json;
pub mod list;
pub mod mask;
pub mod report;
pub mod sheet;
pub mod table;
pub mod template;
pub mod xlsx;
