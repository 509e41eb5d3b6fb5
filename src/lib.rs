//! cysafe: a static analyzer for memory-ownership bugs in Cython code.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! discover files -> read source -> parse (grammar) -> lower to a per-function IR /
//! control-flow graph -> ownership analysis -> rules -> report.

pub mod allocator;
pub mod analyze;
pub mod checker;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod ir;
pub mod noqa;
pub mod output;
pub mod ownership;
pub mod parse;
pub mod project;
pub mod report;
pub mod rules;
pub mod selection;
pub mod server;
pub mod settings;
pub mod source;

pub use checker::{Checker, CheckerOptions};
