//! Engine results → JSON, text and workbooks. No queries, and nothing is recomputed here.

pub mod explain;
pub mod json;
pub mod xlsx;
