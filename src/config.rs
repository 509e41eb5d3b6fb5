//! Configuration: `[tool.cysafe]` in pyproject.toml, or a cysafe.toml (the same keys at
//! its top level). Each checked file uses the nearest one found walking up from its
//! folder, unless `--config` names one for all of them.
//!
//! Every key is validated when the file is read: an unknown key or a bad value is an
//! error naming the file, the key and what is allowed, never a silently ignored setting.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::discover::DEFAULT_EXCLUDES;
use crate::selection::{RuleSelector, RuleSet, SelectionLayer, SELECTOR_HELP};
use crate::settings::{AllocatorFamily, AnalysisSettings};

/// The names of configuration files, in the order they win when a folder has several.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["cysafe.toml", "pyproject.toml"];

const KEYS: &str =
    "select, extend-select, ignore, exclude, extend-exclude, per-file-ignores, allocators";
const FAMILY_KEYS: &str = "name, allocators, reallocators, deallocators";

/// A configuration file that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
    /// Where in the file, when it is known: the file's text and the byte range of the
    /// key or value at fault (or of a TOML syntax error).
    pub location: Option<(Arc<str>, std::ops::Range<usize>)>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((text, span)) = &self.location {
            let position = crate::diagnostic::LineIndex::new(text).position(span.start);
            write!(f, ":{}:{}", position.row, position.column)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl ConfigError {
    /// The error as a diagnostic is shown: `path:line:col: message`, then the source line
    /// with a caret under the fault (codespan-reporting), `shown_path` naming the file.
    pub fn render(&self, shown_path: &Path) -> String {
        let head = ConfigError {
            path: shown_path.to_path_buf(),
            ..self.clone()
        }
        .to_string();
        let Some((text, span)) = &self.location else {
            return head;
        };
        use codespan_reporting::diagnostic::{Diagnostic, Label};
        use codespan_reporting::term::{self, termcolor::NoColor};
        let file = codespan_reporting::files::SimpleFile::new(
            shown_path.display().to_string(),
            text.as_ref(),
        );
        let mut end = span.end.clamp(span.start, text.len());
        // A span over a whole table or array would underline many lines: its first
        // line is enough to point at it.
        if let Some(newline) = text[span.start.min(end)..end].find('\n') {
            end = span.start + newline;
        }
        let diagnostic = Diagnostic::error().with_labels(vec![Label::primary((), span.start..end)]);
        let config = term::Config {
            display_style: term::DisplayStyle::Rich,
            ..term::Config::default()
        };
        let mut rendered = NoColor::new(Vec::new());
        if term::emit(&mut rendered, &config, &file, &diagnostic).is_err() {
            return head;
        }
        let rendered = String::from_utf8_lossy(&rendered.into_inner()).into_owned();
        // codespan's header line ("error") is replaced by ours, which names the file.
        let snippet = rendered.split_once('\n').map_or("", |(_, rest)| rest);
        format!("{head}\n{}", snippet.trim_end())
    }
}

impl std::error::Error for ConfigError {}

/// Globs matched against a path relative to a base folder and against its file name,
/// so that `build` excludes every `build` folder and `tests/*.pyx` one folder's files.
#[derive(Clone, Debug)]
pub struct PathMatcher {
    patterns: Vec<String>,
    set: GlobSet,
}

impl PathMatcher {
    pub fn new(patterns: &[String]) -> Result<PathMatcher, String> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob =
                Glob::new(pattern).map_err(|error| format!("bad glob `{pattern}`: {error}"))?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|error| error.to_string())?;
        Ok(PathMatcher {
            patterns: patterns.to_vec(),
            set,
        })
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether `path` (absolute, or relative to the current folder) matches, taken
    /// relative to `base` when it lies under it.
    pub fn matches(&self, base: &Path, path: &Path) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = absolute.strip_prefix(base).unwrap_or(path);
        let slashed = relative.to_string_lossy().replace('\\', "/");
        self.set.is_match(&slashed)
            || path
                .file_name()
                .is_some_and(|name| self.set.is_match(Path::new(name)))
    }
}

/// One configuration, resolved: what a file under it is checked with.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it was read from; `None` for the defaults.
    pub file: Option<PathBuf>,
    /// The folder globs are relative to (absolute).
    pub root: PathBuf,
    pub selection: SelectionLayer,
    /// `exclude` when set, else the default list.
    pub exclude: PathMatcher,
    pub extend_exclude: PathMatcher,
    pub per_file_ignores: Vec<(PathMatcher, Vec<RuleSelector>)>,
    pub analysis: Arc<AnalysisSettings>,
}

impl Config {
    pub fn defaults(root: PathBuf) -> Config {
        let defaults: Vec<String> = DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect();
        Config {
            file: None,
            root,
            selection: SelectionLayer::default(),
            exclude: PathMatcher::new(&defaults).expect("the default excludes are valid globs"),
            extend_exclude: PathMatcher::new(&[]).expect("no globs is a valid set"),
            per_file_ignores: Vec::new(),
            analysis: Arc::new(AnalysisSettings::default()),
        }
    }

    /// Reads a configuration file. `Ok(None)` for a pyproject.toml without a
    /// `[tool.cysafe]` table, unless `explicit` (given with `--config`).
    pub fn load(path: &Path, explicit: bool) -> Result<Option<Config>, ConfigError> {
        Config::load_with(path, explicit, &toml::Table::new())
    }

    /// The defaults with `overrides` (`--config 'KEY = VALUE'`) applied, rooted at `root`.
    pub fn defaults_with(root: PathBuf, overrides: &toml::Table) -> Result<Config, ConfigError> {
        let mut config = Config::defaults(root);
        config
            .apply(overrides, "")
            .map_err(|(_, message, _)| ConfigError {
                path: PathBuf::from("--config"),
                message,
                location: None,
            })?;
        Ok(config)
    }

    /// [`Config::load`], then `overrides` (`--config 'KEY = VALUE'`) on top of the file's
    /// keys.
    pub fn load_with(
        path: &Path,
        explicit: bool,
        overrides: &toml::Table,
    ) -> Result<Option<Config>, ConfigError> {
        let error = |message: String| ConfigError {
            path: path.to_path_buf(),
            message,
            location: None,
        };
        let text: Arc<str> = std::fs::read_to_string(path)
            .map_err(|e| error(e.to_string()))?
            .into();
        let at = |message: String, span: Option<std::ops::Range<usize>>| ConfigError {
            path: path.to_path_buf(),
            message,
            location: span.map(|span| (text.clone(), span)),
        };
        let document: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            at(
                format!("not valid TOML: {}", e.message().trim_end()),
                e.span(),
            )
        })?;
        let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
        let (table, prefix) = if is_pyproject {
            let section = document
                .get("tool")
                .and_then(|tool| tool.get("cysafe"))
                .cloned();
            match section {
                Some(toml::Value::Table(table)) => (table, "tool.cysafe."),
                Some(_) => return Err(error("`tool.cysafe` must be a table".to_string())),
                None if explicit => (toml::Table::new(), "tool.cysafe."),
                None => return Ok(None),
            }
        } else {
            (document, "")
        };
        let absolute = std::path::absolute(path).map_err(|e| error(e.to_string()))?;
        let root = absolute
            .parent()
            .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        let mut config = Config::defaults(root);
        config.file = Some(path.to_path_buf());
        let mut table = table;
        for (key, value) in overrides {
            table.insert(key.clone(), value.clone());
        }
        config
            .apply(&table, prefix)
            .map_err(|(key, message, unknown)| {
                let span = key_span(&text, is_pyproject, &key, unknown);
                at(message, span)
            })?;
        Ok(Some(config))
    }

    /// Sets each key of `table` (`prefix` names the table in messages). An error names
    /// the key at fault and whether the key itself (not its value) is wrong.
    fn apply(&mut self, table: &toml::Table, prefix: &str) -> Result<(), (String, String, bool)> {
        let config = self;
        let mut families = Vec::new();
        for (key, value) in table {
            let known = KEYS.split(", ").any(|k| k == key);
            config
                .apply_key(key, value, prefix, &mut families)
                .map_err(|message| (key.clone(), message, !known))?;
        }
        config.analysis = Arc::new(AnalysisSettings {
            extra_families: families,
        });
        Ok(())
    }

    fn apply_key(
        &mut self,
        key: &str,
        value: &toml::Value,
        prefix: &str,
        families: &mut Vec<AllocatorFamily>,
    ) -> Result<(), String> {
        let config = self;
        {
            let bad = |what: &str| format!("`{prefix}{key}`: {what}");
            match key {
                "select" => {
                    config.selection.select = Some(selectors(value).map_err(|m: String| bad(&m))?)
                }
                "extend-select" => {
                    config.selection.extend_select =
                        selectors(value).map_err(|m: String| bad(&m))?
                }
                "ignore" => {
                    config.selection.ignore = selectors(value).map_err(|m: String| bad(&m))?
                }
                "exclude" => {
                    config.exclude = PathMatcher::new(&globs(value).map_err(|m: String| bad(&m))?)
                        .map_err(|m: String| bad(&m))?
                }
                "extend-exclude" => {
                    config.extend_exclude =
                        PathMatcher::new(&globs(value).map_err(|m: String| bad(&m))?)
                            .map_err(|m: String| bad(&m))?
                }
                "per-file-ignores" => {
                    let toml::Value::Table(entries) = value else {
                        return Err(bad(&format!(
                            "expected a table of glob = [rule selectors], found {}",
                            value.type_str()
                        )));
                    };
                    for (glob, codes) in entries {
                        let matcher = PathMatcher::new(std::slice::from_ref(glob))
                            .map_err(|m: String| bad(&m))?;
                        let codes = selectors(codes)
                            .map_err(|m| format!("`{prefix}{key}.\"{glob}\"`: {m}"))?;
                        config.per_file_ignores.push((matcher, codes));
                    }
                }
                "allocators" => {
                    let toml::Value::Array(items) = value else {
                        return Err(bad(&format!(
                            "expected an array of tables ({FAMILY_KEYS}), found {}",
                            value.type_str()
                        )));
                    };
                    for (i, item) in items.iter().enumerate() {
                        let family = allocator_family(item)
                            .map_err(|m| format!("`{prefix}{key}[{i}]`: {m}"))?;
                        families.push(family);
                    }
                }
                _ => {
                    let guess = did_you_mean(key, KEYS.split(", "))
                        .map(|known| format!(" (did you mean `{prefix}{known}`?)"))
                        .unwrap_or_default();
                    return Err(format!(
                        "unknown key `{prefix}{key}`{guess}; allowed keys: {KEYS}"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether discovery skips `path` (a folder or a file) under this configuration.
    pub fn excludes(&self, path: &Path) -> bool {
        self.exclude.matches(&self.root, path) || self.extend_exclude.matches(&self.root, path)
    }

    /// The rules reported for `path`, after the command line's `layer` and the
    /// per-file ignores.
    pub fn rules_for(&self, path: &Path, cli: &SelectionLayer) -> RuleSet {
        let mut rules = RuleSet::from_layers([&self.selection, cli]);
        for (matcher, ignored) in &self.per_file_ignores {
            if matcher.matches(&self.root, path) {
                rules.remove(ignored);
            }
        }
        rules
    }
}

/// The byte range of `key` (or of its value, unless `at_key`) in the configuration
/// table of `text`: `[tool.cysafe]` of a pyproject.toml, the top level of a cysafe.toml.
fn key_span(
    text: &str,
    is_pyproject: bool,
    key: &str,
    at_key: bool,
) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    let document = DeTable::parse(text).ok()?.into_inner();
    fn find<'i>(
        table: &DeTable<'i>,
        name: &str,
    ) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>, DeValue<'i>)> {
        table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == name)
            .map(|(k, v)| (k.span(), v.span(), v.get_ref().clone()))
    }
    let (key_span, value_span) = if is_pyproject {
        let (_, _, tool) = find(&document, "tool")?;
        let DeValue::Table(tool) = tool else {
            return None;
        };
        let (_, _, cysafe) = find(&tool, "cysafe")?;
        let DeValue::Table(cysafe) = cysafe else {
            return None;
        };
        let (k, v, _) = find(&cysafe, key)?;
        (k, v)
    } else {
        let (k, v, _) = find(&document, key)?;
        (k, v)
    };
    Some(if at_key { key_span } else { value_span })
}

fn strings(value: &toml::Value, what: &str) -> Result<Vec<String>, String> {
    let toml::Value::Array(items) = value else {
        return Err(format!(
            "expected a list of {what}, found {}",
            value.type_str()
        ));
    };
    items
        .iter()
        .map(|item| match item {
            toml::Value::String(s) => Ok(s.clone()),
            other => Err(format!(
                "expected a list of {what}, found a {} in it",
                other.type_str()
            )),
        })
        .collect()
}

fn selectors(value: &toml::Value) -> Result<Vec<RuleSelector>, String> {
    let what = format!("rule selectors ({SELECTOR_HELP})");
    strings(value, &what)?
        .iter()
        .map(|s| RuleSelector::parse(s))
        .collect()
}

fn globs(value: &toml::Value) -> Result<Vec<String>, String> {
    strings(value, "glob strings")
}

fn allocator_family(item: &toml::Value) -> Result<AllocatorFamily, String> {
    let toml::Value::Table(table) = item else {
        return Err(format!(
            "expected a table ({FAMILY_KEYS}), found {}",
            item.type_str()
        ));
    };
    let mut family = AllocatorFamily {
        name: String::new(),
        allocators: Vec::new(),
        reallocators: Vec::new(),
        deallocators: Vec::new(),
    };
    for (key, value) in table {
        let names = || -> Result<Vec<String>, String> {
            let names = strings(value, "function names").map_err(|m| format!("`{key}`: {m}"))?;
            match names.iter().find(|name| !is_identifier(name)) {
                Some(name) => Err(format!("`{key}`: `{name}` is not a function name")),
                None => Ok(names),
            }
        };
        match key.as_str() {
            "name" => match value {
                toml::Value::String(name) if !name.trim().is_empty() => family.name = name.clone(),
                other => {
                    return Err(format!(
                        "`name`: expected a non-empty string, found {}",
                        other.type_str()
                    ))
                }
            },
            "allocators" => family.allocators = names()?,
            "reallocators" => family.reallocators = names()?,
            "deallocators" => family.deallocators = names()?,
            _ => {
                let guess = did_you_mean(key, FAMILY_KEYS.split(", "))
                    .map(|known| format!(" (did you mean `{known}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "unknown key `{key}`{guess}; allowed keys: {FAMILY_KEYS}"
                ));
            }
        }
    }
    if family.name.is_empty() {
        return Err("missing `name`".to_string());
    }
    if family.allocators.is_empty() && family.reallocators.is_empty() {
        return Err(format!(
            "family `{}` needs at least one of `allocators`, `reallocators`",
            family.name
        ));
    }
    if family.deallocators.is_empty() {
        return Err(format!("family `{}` needs `deallocators`", family.name));
    }
    Ok(family)
}

/// The known name closest to a misspelt `key`, when it is close enough to be a typo:
/// at most a third of its letters edited (`selct`, `extend_exclude`, `per-file-ignore`).
pub fn did_you_mean<'a>(key: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let key = key.to_ascii_lowercase().replace('_', "-");
    known
        .map(|name| (edit_distance(&key, name), name))
        .filter(|(distance, name)| *distance <= (name.len().max(3)) / 3)
        .min()
        .map(|(_, name)| name)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// A C or Python function name, possibly qualified (`stdlib.malloc`).
fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_')
        })
}

pub type Resolved = Result<Arc<Config>, ConfigError>;

/// Finds the configuration of each folder, reading each file once however many
/// threads and files ask.
pub struct ConfigResolver {
    explicit: Option<Arc<Config>>,
    defaults: Arc<Config>,
    /// `--config 'KEY = VALUE'`: applied on top of every file's keys.
    overrides: toml::Table,
    /// `--isolated`: no configuration file is read.
    isolated: bool,
    by_folder: Mutex<HashMap<PathBuf, Option<Resolved>>>,
}

impl ConfigResolver {
    /// `explicit` is the `--config` file, already loaded; `cwd` roots the defaults.
    pub fn new(explicit: Option<Config>, cwd: PathBuf) -> ConfigResolver {
        ConfigResolver {
            explicit: explicit.map(Arc::new),
            defaults: Arc::new(Config::defaults(cwd)),
            overrides: toml::Table::new(),
            isolated: false,
            by_folder: Mutex::new(HashMap::new()),
        }
    }

    /// A resolver that applies `overrides` on top of every configuration (the defaults
    /// included) and, when `isolated`, reads no configuration file. `explicit` must have
    /// been loaded with the same overrides.
    pub fn with_overrides(
        explicit: Option<Config>,
        cwd: PathBuf,
        overrides: toml::Table,
        isolated: bool,
    ) -> Result<ConfigResolver, ConfigError> {
        Ok(ConfigResolver {
            explicit: explicit.map(Arc::new),
            defaults: Arc::new(Config::defaults_with(cwd, &overrides)?),
            overrides,
            isolated,
            by_folder: Mutex::new(HashMap::new()),
        })
    }

    /// The configuration governing a file or folder at `path`.
    pub fn for_path(&self, path: &Path) -> Resolved {
        if let Some(explicit) = &self.explicit {
            return Ok(explicit.clone());
        }
        if self.isolated {
            return Ok(self.defaults.clone());
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let folder = absolute.parent().unwrap_or(&absolute);
        self.for_folder(folder)
            .unwrap_or_else(|| Ok(self.defaults.clone()))
    }

    /// The nearest configuration at or above `folder`, `None` when there is none.
    fn for_folder(&self, folder: &Path) -> Option<Resolved> {
        let mut visited = Vec::new();
        let mut found = None;
        for ancestor in folder.ancestors() {
            if let Some(cached) = self.lock().get(ancestor) {
                found = cached.clone();
                break;
            }
            visited.push(ancestor.to_path_buf());
            if let Some(resolved) = self.read_folder(ancestor) {
                found = Some(resolved);
                break;
            }
        }
        let mut cache = self.lock();
        for folder in visited {
            cache.insert(folder, found.clone());
        }
        found
    }

    fn read_folder(&self, folder: &Path) -> Option<Resolved> {
        CONFIG_FILE_NAMES.iter().find_map(|name| {
            let candidate = folder.join(name);
            if !candidate.is_file() {
                return None;
            }
            Config::load_with(&candidate, false, &self.overrides)
                .transpose()
                .map(|loaded| loaded.map(Arc::new))
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Option<Resolved>>> {
        // A panic elsewhere cannot leave the cache half-written: every insert is whole.
        self.by_folder.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str, text: &str) -> Result<Option<Config>, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        // The location is asserted by the tests of `located`; messages alone here.
        Config::load(&path, false).map_err(|e| ConfigError {
            path: PathBuf::from(name),
            message: e.message,
            location: None,
        })
    }

    fn message(name: &str, text: &str) -> String {
        load(name, text).unwrap_err().to_string()
    }

    #[test]
    fn pyproject_without_section_is_not_a_config() {
        assert!(load("pyproject.toml", "[project]\nname = 'x'\n")
            .unwrap()
            .is_none());
    }

    #[test]
    fn keys_are_read() {
        let config = load(
            "cysafe.toml",
            r#"
select = ["CY0"]
ignore = ["CY000"]
extend-exclude = ["vendored"]
per-file-ignores = { "tests/*" = ["ALL"] }
[[allocators]]
name = "sig"
allocators = ["sig_malloc", "sig_calloc"]
reallocators = ["sig_realloc"]
deallocators = ["sig_free"]
"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            config.selection.select,
            Some(vec![RuleSelector::Prefix("CY0".to_string())])
        );
        assert_eq!(config.extend_exclude.patterns(), ["vendored".to_string()]);
        assert_eq!(config.per_file_ignores.len(), 1);
        assert_eq!(
            config.analysis.extra_families,
            vec![AllocatorFamily {
                name: "sig".to_string(),
                allocators: vec!["sig_malloc".to_string(), "sig_calloc".to_string()],
                reallocators: vec!["sig_realloc".to_string()],
                deallocators: vec!["sig_free".to_string()],
            }]
        );
    }

    #[test]
    fn unknown_keys_name_the_file_the_key_and_the_allowed_keys() {
        assert_eq!(
            message("pyproject.toml", "[tool.cysafe]\nselct = ['CY000']\n"),
            "pyproject.toml: unknown key `tool.cysafe.selct` (did you mean `tool.cysafe.select`?); allowed keys: select, extend-select, ignore, exclude, extend-exclude, per-file-ignores, allocators"
        );
    }

    fn located(name: &str, text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        Config::load(&path, false)
            .unwrap_err()
            .render(Path::new(name))
    }

    #[test]
    fn errors_point_at_the_key_or_the_value() {
        assert_eq!(
            located("cysafe.toml", "ignore = []\nselect = 'CY000'\n"),
            "cysafe.toml:2:10: `select`: expected a list of rule selectors (ALL, a rule code like CY003 or a code prefix like CY00), found string\n  ┌─ cysafe.toml:2:10\n  │\n2 │ select = 'CY000'\n  │          ^^^^^^^"
        );
        assert_eq!(
            located("pyproject.toml", "[tool.cysafe]\nignroe = []\n"),
            "pyproject.toml:2:1: unknown key `tool.cysafe.ignroe` (did you mean `tool.cysafe.ignore`?); allowed keys: select, extend-select, ignore, exclude, extend-exclude, per-file-ignores, allocators\n  ┌─ pyproject.toml:2:1\n  │\n2 │ ignroe = []\n  │ ^^^^^^"
        );
        assert_eq!(
            located("cysafe.toml", "select = [\n"),
            "cysafe.toml:1:11: not valid TOML: unclosed array, expected `]`\n  ┌─ cysafe.toml:1:11\n  │\n1 │ select = [\n  │           ^"
        );
    }

    #[test]
    fn misspelt_keys_get_a_suggestion() {
        assert_eq!(
            message("cysafe.toml", "extend_exclude = ['x']\n"),
            "cysafe.toml: unknown key `extend_exclude` (did you mean `extend-exclude`?); allowed keys: select, extend-select, ignore, exclude, extend-exclude, per-file-ignores, allocators"
        );
        assert_eq!(
            did_you_mean("per-file-ignore", KEYS.split(", ")),
            Some("per-file-ignores")
        );
        assert_eq!(did_you_mean("colour", KEYS.split(", ")), None);
    }

    #[test]
    fn bad_values_say_what_is_allowed() {
        assert_eq!(
            message("cysafe.toml", "select = 'CY000'\n"),
            "cysafe.toml: `select`: expected a list of rule selectors (ALL, a rule code like CY003 or a code prefix like CY00), found string"
        );
        assert_eq!(
            message("cysafe.toml", "ignore = ['E501']\n"),
            "cysafe.toml: `ignore`: unknown rule selector `E501`; expected ALL, a rule code like CY003 or a code prefix like CY00"
        );
        assert_eq!(
            message(
                "cysafe.toml",
                "[[allocators]]\nname = 'x'\nallocators = ['xmalloc']\n"
            ),
            "cysafe.toml: `allocators[0]`: family `x` needs `deallocators`"
        );
        assert_eq!(
            message(
                "cysafe.toml",
                "[[allocators]]\nname = 'x'\nallocators = ['x malloc']\ndeallocators = ['xfree']\n"
            ),
            "cysafe.toml: `allocators[0]`: `allocators`: `x malloc` is not a function name"
        );
        assert_eq!(
            message("cysafe.toml", "[[allocators]]\nnme = 'x'\n"),
            "cysafe.toml: `allocators[0]`: unknown key `nme` (did you mean `name`?); allowed keys: name, allocators, reallocators, deallocators"
        );
        assert_eq!(
            message("cysafe.toml", "exclude = ['a[']\n"),
            "cysafe.toml: `exclude`: bad glob `a[`: error parsing glob 'a[': unclosed character class; missing ']'"
        );
    }

    #[test]
    fn invalid_toml_is_one_line() {
        let text = message("cysafe.toml", "select = [\n");
        assert!(text.starts_with("cysafe.toml: not valid TOML: "), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }

    #[test]
    fn per_file_ignores_match_relative_paths_and_names() {
        let config = load(
            "cysafe.toml",
            "per-file-ignores = { \"tests/*\" = [\"CY000\"] }\n",
        )
        .unwrap()
        .unwrap();
        let cli = SelectionLayer::default();
        let inside = config.root.join("tests/test_x.pyx");
        assert!(!config.rules_for(&inside, &cli).contains("CY000"));
        let outside = config.root.join("src/x.pyx");
        assert!(config.rules_for(&outside, &cli).contains("CY000"));
    }

    #[test]
    fn nearest_config_wins_and_cysafe_toml_beats_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("pyproject.toml"),
            "[tool.cysafe]\nignore = ['CY000']\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("pkg/sub")).unwrap();
        std::fs::write(root.join("pkg/pyproject.toml"), "[project]\nname = 'p'\n").unwrap();
        std::fs::write(root.join("pkg/sub/cysafe.toml"), "select = ['ALL']\n").unwrap();
        std::fs::write(root.join("pkg/sub/pyproject.toml"), "[tool.cysafe]\n").unwrap();
        let resolver = ConfigResolver::new(None, root.to_path_buf());
        let top = resolver.for_path(&root.join("pkg/a.pyx")).unwrap();
        assert_eq!(
            top.file.as_deref(),
            Some(root.join("pyproject.toml").as_path())
        );
        let sub = resolver.for_path(&root.join("pkg/sub/b.pyx")).unwrap();
        assert_eq!(
            sub.file.as_deref(),
            Some(root.join("pkg/sub/cysafe.toml").as_path())
        );
    }
}
