#![doc = include_str!("../../docs/rules/CY100.md")]
//!
//! Unlike the other rules this one reads comments, not the ownership graph: the
//! detection lives with the suppression logic in `crate::noqa`.

use crate::rules::{RuleMeta, Severity};

pub const UNUSED_NOQA: RuleMeta = RuleMeta {
    code: "CY100",
    name: "unused-noqa",
    severity: Severity::Warning,
    summary: "A cysafe code in a `# noqa` comment suppresses nothing on its line.",
    doc: include_str!("../../docs/rules/CY100.md"),
};
