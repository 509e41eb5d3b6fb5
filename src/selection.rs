//! Which rules run: `--select`, `--extend-select`, `--ignore` and their configuration
//! twins, resolved into the set of rule codes that are reported for one file.
//!
//! A selector is `ALL`, a full code (`CY003`) or a code prefix (`CY00`). Layers apply in
//! order (configuration, then the command line), each as: `select` replaces the set,
//! `extend-select` adds to it, `ignore` removes from it.

use std::fmt;

use crate::rules::{self, RuleMeta};

/// Rules that only run when selected: they report on the suppressions, not the code.
pub const OFF_BY_DEFAULT: &[&str] = &["CY100"];

/// What `select`/`ignore` accept, for error messages.
pub const SELECTOR_HELP: &str = "ALL, a rule code like CY003 or a code prefix like CY00";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleSelector {
    All,
    /// A full code or a prefix of one, in upper case.
    Prefix(String),
}

impl RuleSelector {
    /// Parses a selector; a prefix must name at least one known rule, so that a typo is
    /// an error rather than a selection that silently matches nothing.
    pub fn parse(text: &str) -> Result<RuleSelector, String> {
        let trimmed = text.trim();
        if trimmed == "ALL" {
            return Ok(RuleSelector::All);
        }
        let upper = trimmed.to_ascii_uppercase();
        let well_formed = upper.len() > 2
            && upper.starts_with("CY")
            && upper[2..].bytes().all(|b| b.is_ascii_digit());
        if well_formed && rules::ALL.iter().any(|rule| rule.code.starts_with(&upper)) {
            Ok(RuleSelector::Prefix(upper))
        } else {
            Err(format!(
                "unknown rule selector `{trimmed}`; expected {SELECTOR_HELP}"
            ))
        }
    }

    pub fn matches(&self, rule: &RuleMeta) -> bool {
        match self {
            RuleSelector::All => true,
            RuleSelector::Prefix(prefix) => rule.code.starts_with(prefix.as_str()),
        }
    }
}

impl fmt::Display for RuleSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleSelector::All => f.write_str("ALL"),
            RuleSelector::Prefix(prefix) => f.write_str(prefix),
        }
    }
}

/// One source of selection: a configuration file or the command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SelectionLayer {
    /// `None` keeps the set the previous layers made.
    pub select: Option<Vec<RuleSelector>>,
    pub extend_select: Vec<RuleSelector>,
    pub ignore: Vec<RuleSelector>,
}

/// A set of rules, as flags over [`rules::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSet {
    enabled: Vec<bool>,
}

impl RuleSet {
    /// What runs when nothing is configured: every rule but those off by default.
    pub fn default_rules() -> RuleSet {
        RuleSet {
            enabled: rules::ALL
                .iter()
                .map(|rule| !OFF_BY_DEFAULT.contains(&rule.code))
                .collect(),
        }
    }

    pub fn from_layers<'a>(layers: impl IntoIterator<Item = &'a SelectionLayer>) -> RuleSet {
        let mut set = RuleSet::default_rules();
        for layer in layers {
            if let Some(select) = &layer.select {
                set.enabled.fill(false);
                set.set(select, true);
            }
            set.set(&layer.extend_select, true);
            set.set(&layer.ignore, false);
        }
        set
    }

    /// Removes the rules any of `selectors` matches.
    pub fn remove(&mut self, selectors: &[RuleSelector]) {
        self.set(selectors, false);
    }

    fn set(&mut self, selectors: &[RuleSelector], on: bool) {
        for (enabled, rule) in self.enabled.iter_mut().zip(rules::ALL) {
            if selectors.iter().any(|selector| selector.matches(rule)) {
                *enabled = on;
            }
        }
    }

    pub fn contains(&self, code: &str) -> bool {
        rules::ALL
            .iter()
            .zip(&self.enabled)
            .any(|(rule, &enabled)| enabled && rule.code == code)
    }

    pub fn codes(&self) -> Vec<&'static str> {
        rules::ALL
            .iter()
            .zip(&self.enabled)
            .filter(|(_, &enabled)| enabled)
            .map(|(rule, _)| rule.code)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_accept_all_codes_and_prefixes() {
        assert_eq!(RuleSelector::parse("ALL"), Ok(RuleSelector::All));
        assert_eq!(
            RuleSelector::parse("cy000"),
            Ok(RuleSelector::Prefix("CY000".to_string()))
        );
        assert_eq!(
            RuleSelector::parse("CY0"),
            Ok(RuleSelector::Prefix("CY0".to_string()))
        );
    }

    #[test]
    fn selectors_that_match_no_rule_are_errors() {
        assert_eq!(
            RuleSelector::parse("E501"),
            Err("unknown rule selector `E501`; expected ALL, a rule code like CY003 or a code prefix like CY00".to_string())
        );
        assert!(RuleSelector::parse("CY9").is_err());
        assert!(RuleSelector::parse("CY").is_err());
        assert!(RuleSelector::parse("all").is_err());
    }

    #[test]
    fn later_layers_override_earlier_ones() {
        let cy000 = RuleSelector::Prefix("CY000".to_string());
        let config = SelectionLayer {
            ignore: vec![cy000.clone()],
            ..SelectionLayer::default()
        };
        assert!(!RuleSet::from_layers([&config]).contains("CY000"));
        let cli = SelectionLayer {
            extend_select: vec![cy000.clone()],
            ..SelectionLayer::default()
        };
        assert!(RuleSet::from_layers([&config, &cli]).contains("CY000"));
        let select_then_ignore = SelectionLayer {
            select: Some(vec![RuleSelector::All]),
            ignore: vec![cy000],
            ..SelectionLayer::default()
        };
        let set = RuleSet::from_layers([&select_then_ignore]);
        assert!(!set.contains("CY000"));
        assert_eq!(set.codes().len(), rules::ALL.len() - 1);
    }

    #[test]
    fn unused_noqa_runs_only_when_selected() {
        assert!(!RuleSet::default_rules().contains("CY100"));
        assert!(RuleSet::default_rules().contains("CY003"));
        let all = SelectionLayer {
            select: Some(vec![RuleSelector::All]),
            ..SelectionLayer::default()
        };
        assert!(RuleSet::from_layers([&all]).contains("CY100"));
        let extend = SelectionLayer {
            extend_select: vec![RuleSelector::Prefix("CY100".to_string())],
            ..SelectionLayer::default()
        };
        assert!(RuleSet::from_layers([&extend]).contains("CY100"));
    }
}
