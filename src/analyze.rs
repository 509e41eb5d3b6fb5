//! One file through the pipeline: parse, lower, analyze ownership, run the rules.
//!
//! This is the only entry point the commands use; it does no I/O.

use crate::diagnostic::{Diagnostic, Span};
use crate::ir::lower::{
    lower_module_by_groups, lower_module_recovering, lower_module_reusing, mentions_any,
    LoweringCache, NESTED_TOO_DEEPLY,
};
use crate::ir::names::ModuleNames;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use crate::ir::{Callee, Function, Module, SkippedFunction, Stmt};
use crate::ownership::families::FamilyTable;
use crate::ownership::module::{Cancelled, ModuleAnalysis, Reuse, SummaryInputs};
use crate::ownership::summary::{ProjectSummaries, Summaries, Summary};
use crate::ownership::{OwnershipGraph, Resolution};
use crate::parse::{first_syntax_error, parse, parse_bounded, DeepDefinition, Dialect};
use crate::rules;
use crate::settings::AnalysisSettings;

/// All diagnostics for one file's text, sorted by position.
///
/// A function that holds a syntax error is not analyzed (its tree cannot be trusted);
/// nor is one nested too deeply to lower ([`FileAnalysis::too_deep`] lists those); the
/// others are.
pub fn analyze_source(
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
) -> Vec<Diagnostic> {
    analyze_source_in_project(text, dialect, settings, &ProjectSummaries::default())
}

/// [`analyze_source`], knowing what the other files of the linted tree export: a helper
/// this file cimports from another module (`from .buffers cimport make_buffer`) is then an
/// allocator or a deallocator like one of its own. `project` maps the module names this
/// file writes to what those modules export (see `crate::project` for how a run builds
/// it, dependencies first).
pub fn analyze_source_in_project(
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
    project: &ProjectSummaries,
) -> Vec<Diagnostic> {
    analyze_file(text, dialect, settings, project, &[]).diagnostics
}

/// A file whose cimports and extern declarations the analyzed one sees (a `.pyx`'s
/// `.pxd`, the file that includes a `.pxi`). A run that hands one context to several
/// files (a `.pyx` including many `.pxi`) gives it a [`SharedContext`], so that it is
/// parsed once for all of them, not once per file.
#[derive(Clone, Copy)]
pub struct ContextFile<'a> {
    pub text: &'a str,
    pub names: Option<&'a SharedContext>,
}

impl<'a> From<&'a str> for ContextFile<'a> {
    fn from(text: &'a str) -> ContextFile<'a> {
        ContextFile { text, names: None }
    }
}

impl ContextFile<'_> {
    fn collect_names(text: &str) -> ModuleNames {
        ModuleNames::collect(parse(text, Dialect::Cython).root_node(), text)
    }
}

/// A parse as [`parse_bounded`] gives it: the tree and the definitions it left out.
pub type BoundedParse = (tree_sitter::Tree, Vec<DeepDefinition>);

/// What a run shares of one context file between the files that see it: the names it
/// binds, worked out once; and, since the run checks the context itself, one parse for
/// both: a context checked after a file that reads its names (a `.pxd` after its `.pyx`,
/// a `.pyx` after the `.pxi` it includes) takes the parse that working them out made
/// ([`SharedContext::take_parse`]); one checked before (a `.pxi` before its `.pyx`) works
/// them out from its own check's parse ([`SharedContext::parse_for_own_check`]), which
/// costs a walk of the tree if no file reads them after all.
#[derive(Default)]
pub struct SharedContext {
    names: OnceLock<ModuleNames>,
    /// Whether the file is checked in the run, as Cython (the dialect its names are
    /// parsed in), from a whole parse (not by groups).
    keeps_parse: bool,
    parse: Mutex<Option<BoundedParse>>,
}

impl SharedContext {
    /// `keeps_parse`: the file is checked in the run, in the Cython dialect, from a whole
    /// parse (its check would not parse it by groups, [`Grouping::applies_to`]).
    pub fn new(keeps_parse: bool) -> SharedContext {
        SharedContext {
            keeps_parse,
            ..SharedContext::default()
        }
    }

    fn names(&self, text: &str) -> &ModuleNames {
        self.names.get_or_init(|| {
            if !self.keeps_parse {
                return ContextFile::collect_names(text);
            }
            // The file's own check parses it with `parse_bounded`, which gives `parse`'s
            // tree unless it leaves a definition out; the names are always those of
            // `parse`'s tree, so that keeping the parse changes nothing.
            let (tree, cut) = parse_bounded(text, Dialect::Cython);
            let names = if cut.is_empty() {
                ModuleNames::collect(tree.root_node(), text)
            } else {
                ContextFile::collect_names(text)
            };
            *self.parse.lock().unwrap_or_else(|e| e.into_inner()) = Some((tree, cut));
            names
        })
    }

    /// The parse of the file its names were worked out from, if they were and it was
    /// kept, for the file's own check; once.
    pub fn take_parse(&self) -> Option<BoundedParse> {
        self.parse.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// The parse for the file's own check, when one is kept: the one its names were
    /// worked out from by a file checked before it; else the names are worked out now,
    /// from the parse this returns, for the files checked after it (whether a file of the
    /// same batch reads them before or after its check is up to the threads). So the file
    /// is parsed once for both. `None` when the parse is not kept, or was taken already
    /// (by an earlier round of a cycle of cimports).
    pub fn parse_for_own_check(&self, text: &str) -> Option<BoundedParse> {
        if !self.keeps_parse {
            return None;
        }
        self.names(text);
        self.take_parse()
    }
}

/// What one analysis of a file yields: its diagnostics, and what it tells the files that
/// cimport it.
pub struct FileAnalysis {
    pub diagnostics: Vec<Diagnostic>,
    /// The summaries of its module-level functions (helpers that allocate, release, or
    /// check their arguments).
    pub summaries: Summaries,
    /// The functions nested too deeply to analyze, in source order. They hold no syntax
    /// error, so no diagnostic says they were skipped: the caller must.
    pub too_deep: Vec<SkippedFunction>,
    /// How many ownership graphs were built: one per function analyzed, plus one per
    /// summary change inside a cycle of calls and one for each method whose class's
    /// attributes hold blocks. The work the analysis did, for tests that pin it.
    pub graph_builds: usize,
}

/// Diagnostics and summaries of one file from a single parse and a single analysis of
/// each function. `context` holds the texts of the files whose cimports and extern
/// declarations this one sees: a `.pyx`'s `.pxd`, or the file that includes a `.pxi`.
pub fn analyze_file(
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
    project: &ProjectSummaries,
    context: &[ContextFile<'_>],
) -> FileAnalysis {
    prepare_file(text, dialect, settings, project, context, None).analyze(text, dialect, project)
}

/// A file parsed and lowered, before its analysis: what a run keeps of a file it may
/// analyze again knowing more of the modules it cimports (the files of a cycle of
/// cimports are analyzed once per round). A later round whose [`LoweringInputs`] are the
/// same analyzes this instead of parsing and lowering the text again.
pub struct PreparedFile {
    syntax_error: Option<Diagnostic>,
    /// The definitions the parse left out for nesting too deeply.
    cut: Vec<SkippedFunction>,
    lowered: LoweredFile,
}

/// Parses and lowers one file for [`PreparedFile::analyze`]; the tree is dropped here,
/// before the analysis allocates its states. `parsed`, when given, is what
/// [`parse_bounded`] gives for the text in this dialect (a [`SharedContext`]'s kept parse).
pub fn prepare_file(
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
    project: &ProjectSummaries,
    context: &[ContextFile<'_>],
    parsed: Option<BoundedParse>,
) -> PreparedFile {
    prepare_file_grouping(
        text,
        dialect,
        settings,
        project,
        context,
        parsed,
        Grouping::LARGE_FILES,
    )
}

/// When a file is parsed a group of top-level statements at a time, so that its whole
/// tree never exists (`lower::lower_module_by_groups`): the IR, diagnostics and
/// summaries are those of the whole parse. A file with a syntax error is parsed whole
/// (so CY000 is where the whole parse puts it), and so is one that holds lines nested
/// too deeply ([`parse_bounded`] cuts them from the whole parse).
#[derive(Clone, Copy, Debug)]
pub struct Grouping {
    /// Files this long or longer are parsed by groups.
    pub from_bytes: usize,
    /// Each group is at least this long (but the last).
    pub group_bytes: usize,
    /// Files whose largest group holds more than this percentage of the text are parsed
    /// whole: a file that is mostly one definition (one huge function or class) keeps
    /// nearly its whole tree either way, and grouping would only parse that group twice.
    pub largest_group_percent: usize,
}

impl Grouping {
    /// What `check` does: a tree costs 46 bytes per byte of source, so a file of 512 KB
    /// or more is parsed 256 KB at a time (a 12 MB tree), unless one group is most of it.
    /// Only the largest files pay
    /// for parsing each group again to lower it (the 22-package corpus has one).
    pub const LARGE_FILES: Grouping = Grouping {
        from_bytes: 512 << 10,
        group_bytes: 256 << 10,
        largest_group_percent: 50,
    };

    /// Every file, one top-level statement per group (the tests' setting).
    pub const EVERY_STATEMENT: Grouping = Grouping {
        from_bytes: 0,
        group_bytes: 0,
        largest_group_percent: 100,
    };

    /// Whether `text` is parsed by groups.
    pub fn applies_to(&self, text: &str) -> bool {
        if text.len() < self.from_bytes || crate::parse::cuts_deep_definitions(text) {
            return false;
        }
        if self.largest_group_percent >= 100 {
            return true;
        }
        let largest = crate::parse::top_level_groups(text, self.group_bytes)
            .iter()
            .map(|group| group.end_byte - group.start_byte)
            .max()
            .unwrap_or(0);
        largest * 100 <= text.len() * self.largest_group_percent
    }
}

/// [`analyze_file`], parsing as `grouping` says (the tests compare both ways).
pub fn analyze_file_grouping(
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
    project: &ProjectSummaries,
    context: &[ContextFile<'_>],
    grouping: Grouping,
) -> FileAnalysis {
    prepare_file_grouping(text, dialect, settings, project, context, None, grouping)
        .analyze(text, dialect, project)
}

/// [`prepare_file`], parsing as `grouping` says.
pub fn prepare_file_grouping(
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
    project: &ProjectSummaries,
    context: &[ContextFile<'_>],
    parsed: Option<BoundedParse>,
    grouping: Grouping,
) -> PreparedFile {
    let keep = false;
    let input = (text, dialect, settings, project, context);
    prepare_from(input, parsed, grouping, keep).0
}

/// [`prepare_file`], giving back the parse it lowered the text from, for a later
/// preparation of the same text (a run analyzes the files of a cycle of cimports once
/// per round): `None` when it parsed by groups, or would have (the large files, whose
/// whole tree a run does not keep).
pub fn prepare_file_keeping_parse(
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
    project: &ProjectSummaries,
    context: &[ContextFile<'_>],
    parsed: Option<BoundedParse>,
) -> (PreparedFile, Option<BoundedParse>) {
    let keep = !Grouping::LARGE_FILES.applies_to(text);
    let input = (text, dialect, settings, project, context);
    prepare_from(input, parsed, Grouping::LARGE_FILES, keep)
}

/// What a file's preparation reads besides its parse.
type PrepareInput<'a> = (
    &'a str,
    Dialect,
    &'a AnalysisSettings,
    &'a ProjectSummaries,
    &'a [ContextFile<'a>],
);

fn prepare_from(
    (text, dialect, settings, project, context): PrepareInput<'_>,
    parsed: Option<BoundedParse>,
    grouping: Grouping,
    keep: bool,
) -> (PreparedFile, Option<BoundedParse>) {
    let by_groups = parsed.is_none() && grouping.applies_to(text);
    if by_groups {
        let families = FamilyTable::for_settings(settings);
        let lowered = lower_by_groups(text, dialect, families, project, context, grouping);
        if let Some(lowered) = lowered {
            let prepared = PreparedFile {
                syntax_error: None,
                cut: Vec::new(),
                lowered,
            };
            return (prepared, None);
        }
    }
    let (tree, deep) = parsed.unwrap_or_else(|| parse_bounded(text, dialect));
    let syntax_error = first_syntax_error(&tree).map(syntax_error);
    // After a syntax error, the statements that parse cleanly on their own are analyzed
    // (tree-sitter's error recovery may swallow every function after an unclosed `(`).
    let recovered = (syntax_error.is_some() && deep.is_empty())
        .then(|| {
            let families = FamilyTable::for_settings(settings);
            lower_recovering(text, tree.root_node(), dialect, families, project, context)
        })
        .flatten();
    let lowered = recovered.unwrap_or_else(|| {
        let families = FamilyTable::for_settings(settings);
        lower_tree(&tree, text, dialect, families, project, context, None)
    });
    let cut = deep
        .iter()
        .map(|definition| SkippedFunction {
            name: definition.name.clone(),
            name_span: definition.name_span,
            reason: NESTED_TOO_DEEPLY.to_string(),
        })
        .collect();
    // Dropped here unless kept, before the analysis allocates its states.
    let kept = keep.then_some((tree, deep));
    let prepared = PreparedFile {
        syntax_error,
        cut,
        lowered,
    };
    (prepared, kept)
}

/// What of the project the lowering of one text reads: the names the project's modules
/// export functions under that occur in the text or in a context's text. Two
/// preparations of the same text (same settings, dialect and context texts) whose inputs
/// are equal lower it to the same IR, because
/// - the parse, the context's names and the family table do not read the project;
/// - `lower_tree` reads it only through its `interesting` names (the families' and the
///   project's function names), and only by asking whether a name is one of them;
/// - every name it asks about is a slice of the text or of a context's text: an
///   identifier of a body or a call, a name a cimport or extern declaration binds, or an
///   extern's C name (`names.rs` builds callees and bindings from node texts only).
///
/// So a project name that occurs in none of those texts answers no question, and the
/// answers are the same when the project names that do occur are.
#[derive(PartialEq, Eq)]
pub struct LoweringInputs(BTreeSet<String>);

impl LoweringInputs {
    pub fn of(project: &ProjectSummaries, text: &str, context: &[ContextFile<'_>]) -> Self {
        LoweringInputs::of_sharing(project, text, context, &ProjectNameMatchers::default())
    }

    /// [`LoweringInputs::of`], taking the matcher of the project's names from `matchers`
    /// (built there the first time those names are asked about).
    pub fn of_sharing(
        project: &ProjectSummaries,
        text: &str,
        context: &[ContextFile<'_>],
        matchers: &ProjectNameMatchers,
    ) -> Self {
        let names: Vec<&str> = project
            .function_names()
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .collect();
        if names.is_empty() {
            return LoweringInputs(BTreeSet::new());
        }
        // One pass over each text for all the names at once.
        let Some(automaton) = matchers.matcher(&names) else {
            // Every name: equal inputs then still mean equal `interesting` names.
            return LoweringInputs(names.into_iter().map(str::to_string).collect());
        };
        let mut occurs = vec![false; names.len()];
        for haystack in std::iter::once(text).chain(context.iter().map(|outer| outer.text)) {
            for found in automaton.find_overlapping_iter(haystack) {
                occurs[found.pattern().as_usize()] = true;
            }
        }
        LoweringInputs(
            names
                .into_iter()
                .zip(occurs)
                .filter(|&(_, occurs)| occurs)
                .map(|(name, _)| name.to_string())
                .collect(),
        )
    }
}

/// The automata that find a project's function names in a text, shared by the files
/// that see the same names: the files of a cycle of cimports see the same modules'
/// exports, and building the automaton cost more than the search. Keyed by the sorted,
/// distinct names themselves (an automaton depends on nothing else), so a file given
/// another file's automaton finds exactly what its own would.
#[derive(Default)]
pub struct ProjectNameMatchers {
    /// By a hash of the names: the names and their automaton.
    by_names: Mutex<HashMap<u64, Vec<NamesMatcher>>>,
}

type NamesMatcher = (Vec<String>, Arc<aho_corasick::AhoCorasick>);

impl ProjectNameMatchers {
    /// The automaton of `names` (sorted and distinct: pattern `i` is `names[i]`); `None`
    /// when one cannot be built.
    fn matcher(&self, names: &[&str]) -> Option<Arc<aho_corasick::AhoCorasick>> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        names.hash(&mut hasher);
        let key = hasher.finish();
        let same = |known: &[String]| known.iter().map(String::as_str).eq(names.iter().copied());
        let lock = || self.by_names.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, automaton)) = lock()
            .get(&key)
            .and_then(|built| built.iter().find(|(known, _)| same(known)))
        {
            return Some(automaton.clone());
        }
        // Built outside the lock: the other threads' files go on meanwhile.
        let automaton = Arc::new(aho_corasick::AhoCorasick::new(names).ok()?);
        let mut by_names = lock();
        let built = by_names.entry(key).or_default();
        if !built.iter().any(|(known, _)| same(known)) {
            let names = names.iter().map(|name| name.to_string()).collect();
            built.push((names, automaton.clone()));
        }
        Some(automaton)
    }
}

impl PreparedFile {
    /// The diagnostics and summaries of the text this was prepared from, knowing
    /// `project`: what [`analyze_file`] gives when [`PreparedFile::lowers_alike`] holds.
    pub fn analyze(
        &self,
        text: &str,
        dialect: Dialect,
        project: &ProjectSummaries,
    ) -> FileAnalysis {
        let mut analysis = analyze_lowered(
            &self.lowered,
            self.syntax_error.iter().cloned().collect(),
            text,
            dialect,
            project,
            &|| false,
            CachedAnalysis::default(),
        )
        .expect("an analysis nobody cancels finishes");
        if !self.cut.is_empty() {
            analysis.too_deep.extend(self.cut.iter().cloned());
            analysis.too_deep.sort_by_key(|function| function.name_span);
        }
        analysis
    }
}

/// [`analyze_file`] on a tree the caller parsed (an editor reparses incrementally).
pub fn analyze_tree(
    tree: &tree_sitter::Tree,
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
    project: &ProjectSummaries,
    context: &[ContextFile<'_>],
) -> FileAnalysis {
    analyze_tree_until(
        tree,
        text,
        dialect,
        settings,
        project,
        context,
        Incremental::default(),
    )
    .expect("an analysis nobody cancels finishes")
}

/// What the language server's analysis of an edited file gets besides the file: a way to
/// stop, and what the analysis of its previous version left to reuse.
#[derive(Default)]
pub struct Incremental<'a> {
    /// Asked between the steps of the analysis and before each function's ownership
    /// graph is built; once it answers true the analysis stops and yields nothing (the
    /// server cancels the check of a version an edit has replaced).
    pub cancelled: Option<&'a dyn Fn() -> bool>,
    /// What the last analysis of the same document left: reused where it still holds,
    /// and replaced by what this one finds.
    pub cache: Option<&'a mut AnalysisCache>,
}

/// What an editor keeps of a document's last analysis for the next one (one per open
/// document): the functions lowered, and for each module-level function outside any
/// cycle of calls its summary, what its graph read of the other functions' summaries,
/// and its diagnostics (with their fixes).
///
/// After an edit, a function whose text is the same is lowered by moving the old IR
/// (see [`LoweringCache`]); its graph is not built again when, besides, nothing it was
/// built knowing changed: the summaries of the module functions it calls, the project
/// (what the other open files export), the settings, the dialect, the texts of its
/// context, and what its fixes read outside it ([`crate::fix::whole_file_facts`],
/// [`crate::fix::text_around_function`]). Its diagnostics are then the old ones
/// moved with it. Methods, and functions that fill in an instance of a class, are part
/// of a class model and always analyzed again; so is a function in a cycle of calls.
/// The result is what a full analysis of the text gives (tests/incremental_check.rs).
#[derive(Default)]
pub struct AnalysisCache {
    lowering: LoweringCache,
    /// What the last complete analysis knew besides the text; `None` after one that was
    /// cancelled or never ran.
    inputs: Option<CacheInputs>,
    /// By where each function's definition starts in the last analyzed text.
    functions: HashMap<usize, CachedFunction>,
    /// How many graphs the last analysis did not build (for the tests).
    reused: usize,
}

impl AnalysisCache {
    /// How many functions the last analysis took from here rather than analyzing them.
    pub fn reused(&self) -> usize {
        self.reused
    }
}

#[derive(PartialEq)]
struct CacheInputs {
    dialect: Dialect,
    settings: AnalysisSettings,
    project: ProjectSummaries,
    context: Vec<String>,
    whole_file: Vec<bool>,
}

struct CachedFunction {
    /// The function's span in the text it was analyzed in.
    span: Span,
    /// [`crate::fix::text_around_function`] in that text.
    around: (String, String),
    summary: Summary,
    inputs: SummaryInputs,
    diagnostics: Vec<Diagnostic>,
    /// Why its graph was not built (too large), if so.
    too_large: Option<String>,
}

/// [`analyze_tree`], stopping when [`Incremental::cancelled`] says so, and reusing what
/// the analysis of the previous version left in [`Incremental::cache`].
pub fn analyze_tree_until(
    tree: &tree_sitter::Tree,
    text: &str,
    dialect: Dialect,
    settings: &AnalysisSettings,
    project: &ProjectSummaries,
    context: &[ContextFile<'_>],
    incremental: Incremental<'_>,
) -> Result<FileAnalysis, Cancelled> {
    let Incremental {
        cancelled,
        mut cache,
    } = incremental;
    let cancelled = || cancelled.is_some_and(|cancelled| cancelled());
    let mut diagnostics = Vec::new();
    if let Some(node) = first_syntax_error(tree) {
        diagnostics.push(syntax_error(node));
    }
    let families = FamilyTable::for_settings(settings);
    // What the cache's results were computed knowing; they are dropped unless this
    // analysis knows the same. Until it completes, the cache holds no results: a
    // cancelled one leaves a lowering of this text, which old results would not match.
    let mut earlier = HashMap::new();
    let inputs = cache.as_deref_mut().map(|cache| {
        cache.reused = 0;
        let inputs = CacheInputs {
            dialect,
            settings: settings.clone(),
            project: project.clone(),
            context: context.iter().map(|outer| outer.text.to_string()).collect(),
            whole_file: crate::fix::whole_file_facts(&families, text),
        };
        let functions = std::mem::take(&mut cache.functions);
        if cache.inputs.take().as_ref() == Some(&inputs) {
            earlier = functions;
        }
        inputs
    });
    // As `check` does, the statements around a syntax error that parse cleanly on
    // their own are analyzed (see `prepare_from`); the lowering cache is then not used.
    let recovered = if diagnostics.is_empty() {
        None
    } else {
        let families = FamilyTable::for_settings(settings);
        lower_recovering(text, tree.root_node(), dialect, families, project, context)
    };
    let lowered = match recovered {
        Some(lowered) => {
            // Its functions are not those the cache's lowering indexes: nothing is
            // reused now, nor kept for the next version.
            if let Some(cache) = cache.as_deref_mut() {
                *cache = AnalysisCache::default();
            }
            cache = None;
            earlier = HashMap::new();
            lowered
        }
        None => lower_tree(
            tree,
            text,
            dialect,
            families,
            project,
            context,
            cache.as_deref_mut().map(|cache| &mut cache.lowering),
        ),
    };
    if cancelled() {
        return Err(Cancelled);
    }
    let cached = CachedAnalysis {
        cache,
        earlier,
        inputs,
    };
    analyze_lowered(
        &lowered,
        diagnostics,
        text,
        dialect,
        project,
        &cancelled,
        cached,
    )
}

/// What an editor's analysis carries from the lowering to the rest: the document's
/// cache, the results of the previous analysis that still hold, and what this one knows.
#[derive(Default)]
struct CachedAnalysis<'c> {
    cache: Option<&'c mut AnalysisCache>,
    earlier: HashMap<usize, CachedFunction>,
    inputs: Option<CacheInputs>,
}

/// The analysis of a lowered file, its rules and fixes; `diagnostics` holds what the
/// parse found (a syntax error).
fn analyze_lowered(
    lowered: &LoweredFile,
    mut diagnostics: Vec<Diagnostic>,
    text: &str,
    dialect: Dialect,
    project: &ProjectSummaries,
    cancelled: &dyn Fn() -> bool,
    cached: CachedAnalysis<'_>,
) -> Result<FileAnalysis, Cancelled> {
    let CachedAnalysis {
        cache,
        mut earlier,
        inputs,
    } = cached;
    crate::allocator::report_memory("lowered");
    let module = &lowered.module;
    let lowering = cache.as_deref().map(|cache| &cache.lowering);
    let starts = |index: usize| lowering.and_then(|lowering| lowering.starts(index));
    // The function at `index` as the last analysis left it, when it is the same function
    // (same text, class and module names) followed by the same text.
    let cached = |index: usize| -> Option<&CachedFunction> {
        let before = starts(index)?.1?;
        let entry = earlier.get(&before)?;
        let span = module.functions[index].span;
        let (before, after) = crate::fix::text_around_function(text, span);
        let same = entry.span.end - entry.span.start == span.end - span.start
            && entry.around.0 == before
            && entry.around.1 == after;
        same.then_some(entry)
    };
    let reuse = |index: usize, read: &SummaryInputs| -> Option<Summary> {
        let entry = cached(index)?;
        (entry.inputs == *read).then(|| entry.summary.clone())
    };
    // Each function's diagnostics and whether it was too large, in the order of the
    // functions (as a full analysis lists them); then the classes'. The rules and fixes
    // that read one graph run on a module-level function's graph as soon as it is final,
    // and the graph is dropped then (see `ModuleAnalysis::run_releasing`).
    let count = module.functions.len();
    let mut found: Vec<Vec<Diagnostic>> = vec![Vec::new(); count];
    let mut too_large: Vec<Option<String>> = vec![None; count];
    let mut release = |index: usize, graph: &OwnershipGraph<'_>| {
        rules::check_function(graph, &mut found[index]);
        let graphs = std::slice::from_ref(graph);
        crate::fix::attach_fixes(graphs, text, dialect, &mut found[index]);
        too_large[index] = graph.too_large.clone();
    };
    let analysis = ModuleAnalysis::run_releasing(
        module,
        &lowered.families,
        lowered.resolution,
        project,
        cancelled,
        // Without a cache there is nothing to reuse, nor to keep for the next analysis.
        lowering.is_some().then_some(&reuse as Reuse<'_>),
        Some(&mut release),
    )?;
    crate::allocator::report_memory("analyzed");
    if cancelled() {
        return Err(Cancelled);
    }
    let built = (0..count).filter(|index| {
        analysis.reused.binary_search(index).is_err()
            && analysis.released.binary_search(index).is_err()
    });
    for (index, graph) in built.zip(&analysis.graphs) {
        // A method's graph handed to `release` is checked already.
        if analysis.checked.binary_search(&index).is_ok() {
            continue;
        }
        rules::check_function(graph, &mut found[index]);
        crate::fix::attach_fixes(&analysis.graphs, text, dialect, &mut found[index]);
        too_large[index].clone_from(&graph.too_large);
    }
    let mut kept: HashMap<usize, CachedFunction> = HashMap::new();
    for &index in &analysis.reused {
        let function = &module.functions[index];
        let (start, before) = starts(index).expect("only a cached function is reused");
        let entry = earlier
            .remove(&before.expect("only a cached function is reused"))
            .expect("only a cached function is reused");
        let delta = function.span.start as isize - entry.span.start as isize;
        found[index] = entry
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.moved_by(delta))
            .collect();
        too_large[index].clone_from(&entry.too_large);
        kept.insert(
            start,
            CachedFunction {
                span: function.span,
                diagnostics: found[index].clone(),
                ..entry
            },
        );
    }
    for (&index, (read, summary)) in &analysis.results {
        let function = &module.functions[index];
        let Some((start, _)) = starts(index) else {
            continue;
        };
        if !function.instances.is_empty() {
            continue;
        }
        // Diagnostics can be moved with the function only if they lie in its text.
        let (before, after) = crate::fix::text_around_function(text, function.span);
        let within = Span::new(
            function.span.start - before.len(),
            function.span.end + after.len(),
        );
        if !found[index].iter().all(|d| d.lies_within(within)) {
            continue;
        }
        kept.insert(
            start,
            CachedFunction {
                span: function.span,
                around: (before.to_string(), after.to_string()),
                summary: summary.clone(),
                inputs: read.clone(),
                diagnostics: found[index].clone(),
                too_large: too_large[index].clone(),
            },
        );
    }
    let mut too_deep = module.too_deep.clone();
    for (function, reason) in module.functions.iter().zip(&too_large) {
        if let Some(reason) = reason {
            too_deep.push(SkippedFunction {
                name: match &function.class {
                    Some(class) => format!("{class}.{}", function.name),
                    None => function.name.clone(),
                },
                name_span: function.name_span,
                reason: reason.clone(),
            });
        }
    }
    too_deep.sort_by_key(|function| function.name_span);
    diagnostics.extend(found.into_iter().flatten());
    let mut of_classes = Vec::new();
    crate::allocator::report_memory("methods checked");
    rules::check_classes(&analysis, &mut of_classes);
    crate::fix::attach_fixes(&analysis.graphs, text, dialect, &mut of_classes);
    crate::allocator::report_memory("classes checked");
    diagnostics.extend(of_classes);
    diagnostics.sort_by(|a, b| (a.span, a.rule.code).cmp(&(b.span, b.rule.code)));
    let classes = rules::dealloc_missing_free::class_exports(&analysis);
    let graph_builds = analysis.builds;
    let reused = analysis.reused.len();
    let mut summaries = analysis.summaries;
    summaries.classes = classes;
    if let Some(cache) = cache {
        cache.functions = kept;
        cache.inputs = inputs;
        cache.reused = reused;
    }
    Ok(FileAnalysis {
        diagnostics,
        summaries,
        too_deep,
        graph_builds,
    })
}

/// A file lowered to its IR, with what its analysis needs.
pub struct LoweredFile {
    pub module: Module,
    pub families: FamilyTable,
    pub resolution: Resolution,
}

impl LoweredFile {
    /// The ownership graphs and class models of the file.
    pub fn analyze(&self) -> ModuleAnalysis<'_> {
        self.analyze_in(&ProjectSummaries::default())
    }

    /// The same, knowing the summaries of the other modules of the linted tree.
    pub fn analyze_in(&self, project: &ProjectSummaries) -> ModuleAnalysis<'_> {
        ModuleAnalysis::run(&self.module, &self.families, self.resolution, project)
    }
}

/// Parses and lowers one file's text (for `cysafe graph` and other views of the IR).
pub fn lower_source(text: &str, dialect: Dialect, settings: &AnalysisSettings) -> LoweredFile {
    let empty = ProjectSummaries::default();
    lower_tree(
        &parse(text, dialect),
        text,
        dialect,
        FamilyTable::for_settings(settings),
        &empty,
        &[],
        None,
    )
}

fn lower_tree(
    tree: &tree_sitter::Tree,
    text: &str,
    dialect: Dialect,
    families: FamilyTable,
    project: &ProjectSummaries,
    context: &[ContextFile<'_>],
    lowering: Option<&mut LoweringCache>,
) -> LoweredFile {
    let scope = LoweringScope::of(text, &families, project, context);
    let module = if scope.lowers {
        let mut names = ModuleNames::collect(tree.root_node(), text);
        scope.complete(&mut names);
        let mut effects = PotentialEffects::default();
        lower_module_reusing(
            tree.root_node(),
            text,
            &names,
            &scope.interesting,
            |module| effects.update(module, &scope.interesting),
            lowering,
        )
    } else {
        Module::default()
    };
    LoweredFile {
        module,
        families,
        resolution: resolution_for(dialect),
    }
}

/// [`lower_tree`] of the tree [`parse`] gives, parsing a group of top-level statements
/// at a time; `None` when a group has a syntax error.
fn lower_by_groups(
    text: &str,
    dialect: Dialect,
    families: FamilyTable,
    project: &ProjectSummaries,
    context: &[ContextFile<'_>],
    grouping: Grouping,
) -> Option<LoweredFile> {
    let scope = LoweringScope::of(text, &families, project, context);
    let module = if scope.lowers {
        let mut effects = PotentialEffects::default();
        lower_module_by_groups(
            text,
            dialect,
            grouping.group_bytes,
            |names| scope.complete(names),
            &scope.interesting,
            |module| effects.update(module, &scope.interesting),
        )?
    } else {
        if !crate::parse::parses_cleanly_by_groups(text, dialect, grouping.group_bytes) {
            return None;
        }
        Module::default()
    };
    Some(LoweredFile {
        module,
        families,
        resolution: resolution_for(dialect),
    })
}

/// [`lower_tree`] for a text whose whole parse has a syntax error: the functions and
/// classes of the groups around it that parse cleanly
/// (`lower::lower_module_recovering`); `None` when no group is left out, so the whole
/// parse's lowering stands.
fn lower_recovering(
    text: &str,
    whole: tree_sitter::Node<'_>,
    dialect: Dialect,
    families: FamilyTable,
    project: &ProjectSummaries,
    context: &[ContextFile<'_>],
) -> Option<LoweredFile> {
    let scope = LoweringScope::of(text, &families, project, context);
    let module = if scope.lowers {
        let mut effects = PotentialEffects::default();
        lower_module_recovering(
            text,
            whole,
            dialect,
            |names| scope.complete(names),
            &scope.interesting,
            |module| effects.update(module, &scope.interesting),
        )?
    } else {
        Module::default()
    };
    Some(LoweredFile {
        module,
        families,
        resolution: resolution_for(dialect),
    })
}

/// What lowering a text reads besides its tree: the names of the families' and the
/// project's functions, the names its context binds, and whether it is lowered at all.
struct LoweringScope<'c> {
    interesting: HashSet<String>,
    outer_names: Vec<Cow<'c, ModuleNames>>,
    /// The names of the context files that name none of those functions but declare
    /// externs: only their parameters that point to const data are read.
    const_pointee_names: Vec<Cow<'c, ModuleNames>>,
    /// The names of the other context files that hold `DEF`s (an included `config.pxi`):
    /// only their compile-time definitions are read.
    compile_time_names: Vec<Cow<'c, ModuleNames>>,
    lowers: bool,
}

impl<'c> LoweringScope<'c> {
    fn of(
        text: &str,
        families: &FamilyTable,
        project: &ProjectSummaries,
        context: &[ContextFile<'c>],
    ) -> LoweringScope<'c> {
        let mut interesting = families.function_names();
        interesting.extend(project.function_names().map(str::to_string));
        // The names the context binds: an allocator the .pxd cimports under an alias is
        // called by that alias here. A context that names no allocator, deallocator or
        // project helper binds nothing the analysis follows, and is not parsed.
        let names_of = |outer: &ContextFile<'c>| match outer.names {
            Some(shared) => Cow::Borrowed(shared.names(outer.text)),
            None => Cow::Owned(ContextFile::collect_names(outer.text)),
        };
        let (outer_names, others): (Vec<_>, Vec<_>) = context
            .iter()
            .partition(|outer| mentions_any(outer.text, &interesting));
        let outer_names: Vec<Cow<'c, ModuleNames>> =
            outer_names.into_iter().map(names_of).collect();
        // Any other context that declares externs may declare some taking pointers to
        // const data: only those declarations are read from it.
        let (const_pointee_names, others): (Vec<_>, Vec<_>) = others
            .into_iter()
            .partition(|outer| outer.text.contains("extern") && outer.text.contains("const"));
        let const_pointee_names: Vec<Cow<'c, ModuleNames>> =
            const_pointee_names.into_iter().map(names_of).collect();
        let compile_time_names = others
            .into_iter()
            .filter(|outer| outer.text.contains("DEF"))
            .map(names_of)
            .collect();
        let mut mentioned = interesting.clone();
        for outer in &outer_names {
            mentioned.extend(outer.aliases_of(&interesting).map(str::to_string));
        }
        // A `.pyx` whose `.pxd` allocates (an inline factory) is lowered even when it
        // names no allocator itself: its `__dealloc__` is the other half of those classes.
        let lowers = mentions_any(text, &mentioned) || !outer_names.is_empty();
        LoweringScope {
            interesting,
            outer_names,
            const_pointee_names,
            compile_time_names,
            lowers,
        }
    }

    /// Adds the context's names to the file's own.
    fn complete(&self, names: &mut ModuleNames) {
        for outer in &self.outer_names {
            names.inherit(outer);
        }
        for outer in &self.const_pointee_names {
            names.inherit_const_pointees(outer);
        }
        let outers: Vec<&ModuleNames> = self
            .outer_names
            .iter()
            .chain(&self.const_pointee_names)
            .chain(&self.compile_time_names)
            .map(|outer| outer.as_ref())
            .collect();
        names.inherit_compile_time(&outers);
    }
}

/// Which lowered functions may allocate or release for their callers, for lowering's
/// planning: a function that calls an allocator, a deallocator or `new`, deletes, or
/// calls such a function. A syntactic over-approximation of what the summaries will
/// say, so the planning needs no analysis: each function is analyzed once, after
/// lowering, callees first.
#[derive(Default)]
struct PotentialEffects {
    /// The functions already looked at (a prefix of `module.functions`).
    seen: usize,
    names: HashSet<String>,
    /// By a function's bare name, the lowered functions that call it.
    callers: HashMap<String, Vec<usize>>,
}

impl PotentialEffects {
    /// Looks at the functions lowered since the last call; returns the names that may
    /// now have effects, whose callers lowering must keep.
    fn update(&mut self, module: &Module, interesting: &HashSet<String>) -> Vec<String> {
        let mut added = Vec::new();
        let mut pending: Vec<usize> = Vec::new();
        for index in self.seen..module.functions.len() {
            let function = &module.functions[index];
            for call in &function.calls {
                if let Callee::ModuleFunction(name) | Callee::Method(name) = &call.callee {
                    self.callers.entry(name.clone()).or_default().push(index);
                }
            }
            if self.direct(function, interesting) {
                pending.push(index);
            }
        }
        // A function lowered now may be called by one lowered before (lowering keeps the
        // C functions a kept body calls).
        for index in self.seen..module.functions.len() {
            let name = &module.functions[index].name;
            if self.names.contains(name) {
                continue;
            }
            let calls_effectful = module.functions[index].calls.iter().any(|call| {
                matches!(&call.callee, Callee::ModuleFunction(n) | Callee::Method(n)
                    if self.names.contains(n))
            });
            if calls_effectful {
                pending.push(index);
            }
        }
        self.seen = module.functions.len();
        while let Some(index) = pending.pop() {
            let name = &module.functions[index].name;
            if !self.names.insert(name.clone()) {
                continue;
            }
            added.push(name.clone());
            for &caller in self.callers.get(name).into_iter().flatten() {
                if !self.names.contains(&module.functions[caller].name) {
                    pending.push(caller);
                }
            }
        }
        added
    }

    fn direct(&self, function: &Function, interesting: &HashSet<String>) -> bool {
        let calls = function.calls.iter().any(|call| match &call.callee {
            Callee::External { name, .. } | Callee::Unbound(name) => interesting.contains(name),
            Callee::CppNew => true,
            Callee::ModuleFunction(name) | Callee::Method(name) => self.names.contains(name),
            Callee::Unknown => false,
        });
        calls
            || function
                .blocks
                .iter()
                .flat_map(|block| &block.stmts)
                .any(|stmt| matches!(stmt, Stmt::Delete { .. }))
    }
}

fn resolution_for(dialect: Dialect) -> Resolution {
    Resolution {
        // A .pyx sees the cimports of its .pxd, a .pxi those of the file including it;
        // in pure-Python mode every C name must come from `cython.cimports`.
        unbound_names_resolve: dialect == Dialect::Cython,
    }
}

fn syntax_error(node: tree_sitter::Node<'_>) -> Diagnostic {
    let (message, label) = if node.is_missing() {
        (
            format!("syntax error: expected `{}`", node.kind()),
            format!("`{}` expected here", node.kind()),
        )
    } else {
        (
            "syntax error: unexpected input".to_string(),
            "cysafe cannot parse this".to_string(),
        )
    };
    Diagnostic {
        rule: &rules::SYNTAX_ERROR,
        fix: None,
        message,
        span: Span::new(node.start_byte(), node.end_byte().max(node.start_byte())),
        label,
        help: Some(format!(
            "fix the syntax; if this is valid Cython, please report it as a cysafe grammar bug at {}",
            rules::ISSUES_URL
        )),
        related: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::LineIndex;

    #[test]
    fn a_large_file_that_is_mostly_one_definition_is_parsed_whole() {
        let small = Grouping {
            from_bytes: 1000,
            group_bytes: 100,
            largest_group_percent: 50,
        };
        let one_function: String = std::iter::once("def f():\n".to_string())
            .chain((0..200).map(|i| format!("    x{i} = {i}\n")))
            .collect();
        let many_functions: String = (0..200)
            .map(|i| format!("def f{i}():\n    return {i}\n"))
            .collect();
        let short = "def f():\n    pass\n";
        assert!(!small.applies_to(&one_function));
        assert!(small.applies_to(&many_functions));
        assert!(!small.applies_to(short));
        assert!(Grouping::EVERY_STATEMENT.applies_to(&one_function));
    }

    #[test]
    fn a_shared_context_keeps_the_parse_its_file_would_make_once() {
        let pxd = "from libc.stdlib cimport malloc as alloc, free\n\
                   cdef class Buffer:\n    cdef char* data\n";
        let pyx = "cdef class Buffer:\n    def __cinit__(self, size_t n):\n        \
                   self.data = <char*> alloc(n)\n    def __dealloc__(self):\n        \
                   free(self.data)\n";
        let settings = AnalysisSettings::default();
        let empty = ProjectSummaries::default();
        let alone = analyze_file(pyx, Dialect::Cython, &settings, &empty, &[pxd.into()]);
        let shared = SharedContext::new(true);
        let context = [ContextFile {
            text: pxd,
            names: Some(&shared),
        }];
        let with_shared = analyze_file(pyx, Dialect::Cython, &settings, &empty, &context);
        assert_eq!(with_shared.diagnostics, alone.diagnostics);
        // The .pyx's check worked out the .pxd's names; their parse is the .pxd's own.
        let (kept, cut) = shared.take_parse().expect("the names were worked out");
        assert!(cut.is_empty());
        let (fresh, _) = parse_bounded(pxd, Dialect::Cython);
        assert_eq!(kept.root_node().to_sexp(), fresh.root_node().to_sexp());
        assert!(shared.take_parse().is_none(), "taken once");
        // A context its run does not check keeps nothing.
        let unkept = SharedContext::new(false);
        let context = [ContextFile {
            text: pxd,
            names: Some(&unkept),
        }];
        analyze_file(pyx, Dialect::Cython, &settings, &empty, &context);
        assert!(unkept.take_parse().is_none());
    }

    #[test]
    fn a_context_checked_first_works_out_its_names_from_its_own_parse() {
        // An included `.pxi` is checked before the `.pyx` that reads its names.
        let pxi = "from libc.stdlib cimport malloc as alloc, free\n\
                   cdef char* make(size_t n):\n    return <char*> alloc(n)\n";
        let pyx = "def use(size_t n):\n    cdef char* p = alloc(n)\n    p[0] = 1\n    free(p)\n";
        let settings = AnalysisSettings::default();
        let empty = ProjectSummaries::default();
        let shared = SharedContext::new(true);
        let (own, cut) = shared.parse_for_own_check(pxi).expect("the parse is kept");
        assert!(cut.is_empty());
        let (fresh, _) = parse_bounded(pxi, Dialect::Cython);
        assert_eq!(own.root_node().to_sexp(), fresh.root_node().to_sexp());
        assert!(
            shared.take_parse().is_none(),
            "handed to the own check only"
        );
        assert!(
            shared.parse_for_own_check(pxi).is_none(),
            "a later round parses"
        );
        // The `.pyx` reads the names worked out then: `alloc` is `malloc` there too.
        let context = [ContextFile {
            text: pxi,
            names: Some(&shared),
        }];
        let with_shared = analyze_file(pyx, Dialect::Cython, &settings, &empty, &context);
        let alone = analyze_file(pyx, Dialect::Cython, &settings, &empty, &[pxi.into()]);
        assert_eq!(with_shared.diagnostics, alone.diagnostics);
        let lines = LineIndex::new(pyx);
        let found: Vec<(&str, usize, usize)> = alone
            .diagnostics
            .iter()
            .map(|d| {
                let start = lines.position(d.span.start);
                (d.rule.code, start.row, start.column)
            })
            .collect();
        assert_eq!(found, [("CY001", 2, 20)]);
        // A context whose parse is not kept (its check parses it by groups) gives none.
        assert!(SharedContext::new(false).parse_for_own_check(pxi).is_none());
    }

    #[test]
    fn syntax_error_is_reported_at_its_position() {
        let text = "def f():\n    return )\n";
        let diagnostics = analyze_source(text, Dialect::PurePython, &AnalysisSettings::default());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].rule.code, "CY000");
        let start = LineIndex::new(text).position(diagnostics[0].span.start);
        assert_eq!((start.row, start.column), (2, 5));
    }

    #[test]
    fn clean_file_has_no_diagnostics() {
        let text = "def f(n):\n    return n + 1\n";
        assert!(analyze_source(text, Dialect::PurePython, &AnalysisSettings::default()).is_empty());
    }

    fn diagnostics(text: &str) -> Vec<Diagnostic> {
        analyze_source(text, Dialect::PurePython, &AnalysisSettings::default())
    }

    fn position(text: &str, offset: usize) -> (usize, usize) {
        let position = LineIndex::new(text).position(offset);
        (position.row, position.column)
    }

    const PRELUDE: &str = "import cython\n\
        from cython.cimports.libc.stdlib import malloc, realloc, free\n\
        from cython.cimports.cpython.mem import PyMem_Malloc, PyMem_Free\n";

    #[test]
    fn unchecked_allocation_is_reported_at_the_call_with_the_use_related() {
        let text = format!("{PRELUDE}def f(n):\n    p = malloc(n)\n    p[0] = 1\n");
        // The block also leaks (CY007); this test is about CY001.
        let found: Vec<_> = diagnostics(&text)
            .into_iter()
            .filter(|d| d.rule.code == "CY001")
            .collect();
        assert_eq!(found.len(), 1);
        let diagnostic = &found[0];
        assert_eq!(diagnostic.rule.code, "CY001");
        assert_eq!(
            diagnostic.message,
            "the block from `malloc` is used before it is checked for NULL"
        );
        assert_eq!(position(&text, diagnostic.span.start), (5, 9));
        assert_eq!(position(&text, diagnostic.span.end), (5, 18));
        assert_eq!(diagnostic.label, "`malloc` returns NULL when it fails");
        assert_eq!(
            diagnostic.help.as_deref(),
            Some("check it before the first use: `if p == NULL: raise MemoryError()`")
        );
        assert_eq!(diagnostic.related.len(), 1);
        assert_eq!(position(&text, diagnostic.related[0].span.start), (6, 5));
        assert_eq!(
            diagnostic.related[0].message,
            "`p` is dereferenced here before any NULL check"
        );
    }

    #[test]
    fn mismatched_release_is_reported_at_the_free_with_the_allocation_related() {
        let text = format!(
            "{PRELUDE}def f(n):\n    p = malloc(n)\n    if not p:\n        return\n    PyMem_Free(p)\n"
        );
        let found = diagnostics(&text);
        assert_eq!(found.len(), 1);
        let diagnostic = &found[0];
        assert_eq!(diagnostic.rule.code, "CY002");
        assert_eq!(
            diagnostic.message,
            "`p` holds a block from `malloc` (libc) but is released with `PyMem_Free` (PyMem)"
        );
        assert_eq!(position(&text, diagnostic.span.start), (8, 5));
        assert_eq!(diagnostic.label, "`PyMem_Free` does not match `malloc`");
        assert_eq!(
            diagnostic.help.as_deref(),
            Some("release it with `free`, the libc family's function that matches `malloc`")
        );
        assert_eq!(position(&text, diagnostic.related[0].span.start), (5, 9));
        assert_eq!(diagnostic.related[0].message, "allocated here");
    }

    #[test]
    fn realloc_overwrite_is_reported_at_the_assignment_with_the_old_block_related() {
        let text = format!(
            "{PRELUDE}def f(n):\n    p = malloc(n)\n    if not p:\n        return\n    p = realloc(p, 2 * n)\n    free(p)\n"
        );
        let found = diagnostics(&text);
        assert_eq!(found.len(), 1);
        let diagnostic = &found[0];
        assert_eq!(diagnostic.rule.code, "CY003");
        assert_eq!(
            diagnostic.message,
            "`p` is overwritten by `realloc(p, ...)`: the old block leaks if it fails"
        );
        assert_eq!(position(&text, diagnostic.span.start), (8, 5));
        assert_eq!(position(&text, diagnostic.span.end), (8, 26));
        assert_eq!(
            diagnostic.label,
            "`p` becomes NULL and loses the old block when `realloc` fails"
        );
        assert_eq!(position(&text, diagnostic.related[0].span.start), (5, 9));
        assert_eq!(diagnostic.related[0].message, "allocated here");
    }

    #[test]
    fn deep_nesting_skips_the_function_without_overflowing() {
        let depth = 10_000;
        let mut text = format!("{PRELUDE}def f(n):\n    p = malloc(n)\n    p[0] = ");
        text.push_str(&"g(".repeat(depth));
        text.push('1');
        text.push_str(&")".repeat(depth));
        text.push_str("\ndef g(n):\n    q = malloc(n)\n    q[0] = 1\n");
        let analysis = analysis(&text, Dialect::PurePython);
        let found: Vec<_> = analysis
            .diagnostics
            .iter()
            .map(|d| (d.rule.code, position(&text, d.span.start).0))
            .collect();
        // `f` is too deep to lower and is skipped, and says so; `g` is still analyzed (its
        // block is never freed either).
        assert_eq!(found, vec![("CY001", 8), ("CY007", 8)]);
        assert_eq!(too_deep(&text, &analysis), vec![("f".to_string(), (4, 5))]);
    }

    #[test]
    fn a_place_that_may_hold_too_many_blocks_skips_the_function_and_names_it() {
        // After N optional allocations into one place `p` may hold any of N independent
        // blocks: past the budget the function is named as skipped (with the reason), the
        // others still checked.
        let mut text = format!("{PRELUDE}def f(int n):\n    cdef int* p = <int*>malloc(8)\n");
        for i in 0..300 {
            text.push_str(&format!("    if n > {i}:\n        p = <int*>malloc({i})\n"));
        }
        text.push_str("    free(p)\ndef g(n):\n    q = malloc(n)\n    q[0] = 1\n");
        let analysis = analysis(&text, Dialect::Cython);
        let found: Vec<_> = analysis
            .diagnostics
            .iter()
            .map(|d| (d.rule.code, position(&text, d.span.start).0))
            .collect();
        assert_eq!(found, vec![("CY001", 608), ("CY007", 608)]);
        assert_eq!(too_deep(&text, &analysis), vec![("f".to_string(), (4, 5))]);
        assert_eq!(
            analysis.too_deep[0].reason,
            "is too large to analyze (`p` may hold any of more than 256 blocks)"
        );
    }

    #[test]
    fn a_long_lineage_of_reallocations_is_analyzed_not_skipped() {
        // N optional reallocations resize one heap object: `p` holds a few blocks of its
        // lineage, not N, so the function passes the budget and each reallocation is
        // reported where it overwrites `p`.
        let mut text = format!("{PRELUDE}def f(int n):\n    cdef int* p = <int*>malloc(8)\n");
        text.push_str("    if p == NULL:\n        raise MemoryError()\n");
        for i in 0..300 {
            text.push_str(&format!(
                "    if n > {i}:\n        p = <int*>realloc(p, {i})\n"
            ));
        }
        text.push_str("    free(p)\ndef g(n):\n    q = malloc(n)\n    q[0] = 1\n");
        let analysis = analysis(&text, Dialect::Cython);
        let found: Vec<_> = analysis
            .diagnostics
            .iter()
            .map(|d| (d.rule.code, position(&text, d.span.start)))
            .collect();
        let mut expected: Vec<_> = (0..300).map(|i| ("CY003", (9 + 2 * i, 9))).collect();
        expected.extend([("CY001", (610, 9)), ("CY007", (610, 9))]);
        assert_eq!(found, expected);
        assert!(analysis.too_deep.is_empty());
    }

    #[test]
    fn a_definition_holding_lines_past_the_block_bound_is_cut_out_and_named() {
        // 230 nested defs, line k indented k columns: f199's `raise` is the first line
        // 201 blocks deep, so f199 (and all inside it) is skipped and named; the leak in
        // f3 is still found, the one in f220 is inside the skipped text.
        let mut text = PRELUDE.to_string();
        for level in 0..230 {
            let indent = " ".repeat(level);
            let free = if level == 3 || level == 220 {
                "pass"
            } else {
                "free(p)"
            };
            text.push_str(&format!(
                "{indent}def f{level}():\n{indent} cdef int* p = <int*>malloc(8)\n{indent} \
                 if p == NULL:\n{indent}  raise MemoryError()\n{indent} {free}\n"
            ));
        }
        let analysis = analysis(&text, Dialect::Cython);
        let found: Vec<_> = analysis
            .diagnostics
            .iter()
            .map(|d| (d.rule.code, position(&text, d.span.start)))
            .collect();
        let prelude_rows = PRELUDE.matches('\n').count();
        assert_eq!(found, vec![("CY007", (prelude_rows + 3 * 5 + 2, 25))]);
        let f199 = (prelude_rows + 199 * 5 + 1, 199 + 5);
        assert_eq!(too_deep(&text, &analysis), vec![("f199".to_string(), f199)]);
        assert_eq!(
            analysis.too_deep[0].reason,
            "is nested too deeply to analyze"
        );
    }

    fn analysis(text: &str, dialect: Dialect) -> FileAnalysis {
        let empty = ProjectSummaries::default();
        analyze_file(text, dialect, &AnalysisSettings::default(), &empty, &[])
    }

    /// The name and position of each function skipped for its depth.
    fn too_deep(text: &str, analysis: &FileAnalysis) -> Vec<(String, (usize, usize))> {
        analysis
            .too_deep
            .iter()
            .map(|f| (f.name.clone(), position(text, f.name_span.start)))
            .collect()
    }

    #[test]
    fn parentheses_are_transparent_at_any_depth() {
        let depth = 10_000;
        let mut text = format!("{PRELUDE}def f(n):\n    p = ");
        text.push_str(&"(".repeat(depth));
        text.push_str("malloc(n)");
        text.push_str(&")".repeat(depth));
        text.push_str("\n    p[0] = 1\n");
        let found: Vec<_> = diagnostics(&text).iter().map(|d| d.rule.code).collect();
        assert_eq!(found, vec!["CY001", "CY007"]);
    }

    #[test]
    fn deeply_nested_blocks_skip_the_function() {
        let mut text = format!("{PRELUDE}def f(n):\n    p = malloc(n)\n    p[0] = 1\n");
        for level in 0..300 {
            text.push_str(&" ".repeat(level + 4));
            text.push_str("if n:\n");
        }
        text.push_str(&" ".repeat(304));
        text.push_str("pass\n");
        text.push_str("cdef class Buffer:\n    def fill(self, n):\n        p = malloc(n)\n");
        for level in 0..300 {
            text.push_str(&" ".repeat(level + 8));
            text.push_str("if n:\n");
        }
        text.push_str(&" ".repeat(308));
        text.push_str("p[0] = 1\n");
        let analysis = analysis(&text, Dialect::Cython);
        let found: Vec<_> = analysis.diagnostics.iter().map(|d| d.rule.code).collect();
        assert_eq!(found, Vec::<&str>::new());
        assert_eq!(
            too_deep(&text, &analysis),
            vec![
                ("f".to_string(), (4, 5)),
                ("Buffer.fill".to_string(), (309, 9)),
            ]
        );
    }

    #[test]
    fn a_function_with_a_syntax_error_is_reported_as_cy000_not_as_too_deep() {
        let text = format!("{PRELUDE}def f(n):\n    p = malloc(n)\n    return )\n");
        let analysis = analysis(&text, Dialect::PurePython);
        let found: Vec<_> = analysis.diagnostics.iter().map(|d| d.rule.code).collect();
        assert_eq!(found, vec!["CY000"]);
        assert!(analysis.too_deep.is_empty());
    }

    #[test]
    fn project_families_from_settings_are_checked() {
        let settings = AnalysisSettings {
            extra_families: vec![crate::settings::AllocatorFamily {
                name: "sig".to_string(),
                allocators: vec!["sig_malloc".to_string()],
                reallocators: vec![],
                deallocators: vec!["sig_free".to_string()],
            }],
        };
        let text = "from cysignals.memory cimport sig_malloc, sig_free\n\
                    from libc.stdlib cimport free\n\
                    def f(size_t n):\n    cdef char* p = <char*> sig_malloc(n)\n    p[0] = 0\n    free(p)\n";
        let found: Vec<_> = analyze_source(text, Dialect::Cython, &settings)
            .iter()
            .map(|d| {
                (
                    d.rule.code,
                    position(text, d.span.start).0,
                    d.message.clone(),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "CY001",
                    4,
                    "the block from `sig_malloc` is used before it is checked for NULL".to_string()
                ),
                (
                    "CY002",
                    6,
                    "`p` holds a block from `sig_malloc` (sig) but is released with `free` (libc)"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn helpers_cimported_from_another_module_of_the_project_are_summarized() {
        let settings = AnalysisSettings::default();
        let buffers = "from libc.stdlib cimport malloc, free\n\
                       cdef double* make_buffer(size_t n):\n    return <double*> malloc(n)\n\
                       cdef void release(double* p):\n    free(p)\n";
        let mut exports = crate::ownership::summary::ModuleExports::default();
        exports.add_file(&analysis(buffers, Dialect::Cython).summaries);
        let mut project = ProjectSummaries::default();
        project.add_module(".buffers", std::sync::Arc::new(exports));
        let main = "from cpython.mem cimport PyMem_Malloc\n\
                    from .buffers cimport make_buffer, release\n\
                    def f(size_t n):\n    cdef double* p = make_buffer(n)\n    p[0] = 1\n\
                    \n    cdef double* q = <double*> PyMem_Malloc(n)\n    if q != NULL:\n        release(q)\n";
        let found: Vec<_> = analyze_source_in_project(main, Dialect::Cython, &settings, &project)
            .iter()
            .map(|d| (d.rule.code, position(main, d.span.start).0))
            .collect();
        assert_eq!(found, vec![("CY001", 4), ("CY007", 4), ("CY002", 9)]);
        // Without the project, the helpers are unknown functions.
        let alone: Vec<_> = analyze_source(main, Dialect::Cython, &settings)
            .iter()
            .map(|d| d.rule.code)
            .collect();
        assert_eq!(alone, Vec::<&str>::new());
    }

    #[test]
    fn dealloc_missing_free_is_reported_at_the_allocation_with_dealloc_related() {
        let text = "from cpython.mem cimport PyMem_Malloc\n\
                    cdef class Buffer:\n    cdef double* data\n\
                    \x20   def __cinit__(self, size_t n):\n        self.data = <double*> PyMem_Malloc(n)\n\
                    \x20   def __dealloc__(self):\n        pass\n";
        let found = analyze_source(text, Dialect::Cython, &AnalysisSettings::default());
        assert_eq!(found.len(), 1, "{found:?}");
        let diagnostic = &found[0];
        assert_eq!(diagnostic.rule.code, "CY004");
        assert_eq!(
            diagnostic.message,
            "`self.data` receives a block from `PyMem_Malloc` but `__dealloc__` does not free it on every path"
        );
        assert_eq!(position(text, diagnostic.span.start), (5, 31));
        assert_eq!(diagnostic.label, "stored in `self.data` by `__cinit__`");
        assert_eq!(
            diagnostic.help.as_deref(),
            Some("free it in `__dealloc__`: `PyMem_Free(self.data)`")
        );
        assert_eq!(position(text, diagnostic.related[0].span.start), (6, 9));
        assert_eq!(
            diagnostic.related[0].message,
            "`self.data` is not freed here"
        );
    }

    #[test]
    fn deeply_nested_cython_expressions_do_not_overflow() {
        let depth = 10_000;
        let mut text = String::from(
            "from libc.stdlib cimport malloc\ncdef void f(int n):\n    cdef int* p = <int*> malloc(n)\n    p[0] = ",
        );
        text.push_str(&"<int>(".repeat(depth));
        text.push('1');
        text.push_str(&")".repeat(depth));
        text.push_str("\ncdef void g(int n):\n    cdef int* q = <int*> malloc(n)\n    q[0] = 1\n");
        let found: Vec<_> = analyze_source(&text, Dialect::Cython, &AnalysisSettings::default())
            .iter()
            .map(|d| (d.rule.code, position(&text, d.span.start).0))
            .collect();
        // Casts and parentheses are stripped in a loop, so even `f` is analyzed.
        assert_eq!(
            found,
            vec![("CY001", 3), ("CY007", 3), ("CY001", 6), ("CY007", 6)]
        );
    }

    /// How many graphs a file's analysis built, and how many functions it analyzed (the
    /// module's top-level code, which cimports an allocator, is one).
    fn work(text: &str) -> (usize, usize) {
        let analysis = analysis(text, Dialect::Cython);
        let lowered = lower_source(text, Dialect::Cython, &AnalysisSettings::default());
        (analysis.graph_builds, lowered.module.functions.len())
    }

    #[test]
    fn a_small_file_is_analyzed_once() {
        let text = "from libc.stdlib cimport malloc, free\n\
                    def f(size_t n):\n    cdef char* p = <char*> malloc(n)\n    if p == NULL:\n        raise MemoryError()\n    free(p)\n";
        assert_eq!(work(text), (2, 2));
    }

    #[test]
    fn each_function_of_a_helper_chain_is_analyzed_once() {
        let mut text = String::from(
            "from libc.stdlib cimport malloc\ncdef char* h0(size_t n):\n    return <char*> malloc(n)\n",
        );
        for level in 1..=8 {
            let previous = level - 1;
            text.push_str(&format!(
                "cdef char* h{level}(size_t n):\n    return h{previous}(n)\n"
            ));
        }
        text.push_str("def top(size_t n):\n    cdef char* p = h8(n)\n    p[0] = 0\n");
        assert_eq!(work(&text), (11, 11));
        // The summary went up the whole chain: `top` holds an unchecked block from malloc.
        let found: Vec<_> = analysis(&text, Dialect::Cython)
            .diagnostics
            .iter()
            .map(|d| (d.rule.code, position(&text, d.span.start)))
            .collect();
        assert_eq!(found, vec![("CY001", (21, 20)), ("CY007", (21, 20))]);
    }

    #[test]
    fn a_cycle_of_calls_is_analyzed_again_only_while_a_summary_changes() {
        // `even` and `odd` call each other; `odd` returns a fresh block on one path, which
        // `even` learns in the second round; the third changes nothing.
        let text = "from libc.stdlib cimport malloc\n\
                    cdef char* even(size_t n):\n    if n == 0:\n        return NULL\n    return odd(n - 1)\n\
                    cdef char* odd(size_t n):\n    if n == 1:\n        return <char*> malloc(n)\n    return even(n - 1)\n\
                    def top(size_t n):\n    cdef char* p = even(n)\n    p[0] = 0\n";
        let (builds, functions) = work(text);
        assert_eq!(functions, 4);
        // `<module>` and `top` once, the cycle's two functions at most three times each.
        assert!(builds <= 2 + 2 * 3, "{builds} graphs for a cycle of two");
        let found: Vec<_> = analysis(text, Dialect::Cython)
            .diagnostics
            .iter()
            .map(|d| (d.rule.code, position(text, d.span.start)))
            .collect();
        assert_eq!(found, vec![("CY001", (11, 20)), ("CY007", (11, 20))]);
    }

    /// Every sample (with its `.pxd` as context), and with `CYSAFE_GROUP_CORPUS=DIR`
    /// every file under DIR, lowered a top-level statement at a time: the IR is the
    /// whole parse's, to the byte of every span; a file with a syntax error is left to
    /// the whole parse.
    #[test]
    fn lowering_by_groups_gives_the_whole_parse_s_ir() {
        let settings = AnalysisSettings::default();
        let empty = ProjectSummaries::default();
        let (mut compared, mut lowered_functions) = (0, 0);
        for (path, dialect, text) in crate::parse::real_code("CYSAFE_GROUP_CORPUS") {
            let declaration = path.with_extension("pxd");
            let pxd = (path.extension().is_some_and(|e| e == "pyx") && declaration.is_file())
                .then(|| std::fs::read_to_string(&declaration).ok())
                .flatten();
            let context: Vec<ContextFile<'_>> =
                pxd.as_deref().map(Into::into).into_iter().collect();
            let whole = prepare_file(&text, dialect, &settings, &empty, &context, None);
            let families = FamilyTable::for_settings(&settings);
            let grouped = lower_by_groups(
                &text,
                dialect,
                families,
                &empty,
                &context,
                Grouping::EVERY_STATEMENT,
            );
            let Some(grouped) = grouped else {
                // Or a pure-Python-mode file only the Cython grammar parses cleanly.
                let python_fails = dialect == Dialect::PurePython
                    && !crate::parse::parses_cleanly_by_groups(&text, dialect, usize::MAX);
                assert!(
                    whole.syntax_error.is_some() || python_fails,
                    "{}",
                    path.display()
                );
                continue;
            };
            if !whole.cut.is_empty() {
                continue;
            }
            assert!(whole.syntax_error.is_none(), "{}", path.display());
            // `Function::instances` is a hash map: its order is compared sorted.
            let shown = |module: &Module| {
                let mut module = module.clone();
                let instances: Vec<std::collections::BTreeMap<String, String>> = module
                    .functions
                    .iter_mut()
                    .map(|function| {
                        std::mem::take(&mut function.instances)
                            .into_iter()
                            .collect()
                    })
                    .collect();
                format!("{module:?}\n{instances:?}")
            };
            assert_eq!(
                shown(&grouped.module),
                shown(&whole.lowered.module),
                "{}",
                path.display()
            );
            compared += 1;
            lowered_functions += grouped.module.functions.len();
        }
        eprintln!("{compared} files, {lowered_functions} functions");
        assert!(
            compared > 100 && lowered_functions > 500,
            "{compared} {lowered_functions}"
        );
    }

    /// A syntax error inside one group: lowering by groups declines, and the file is
    /// parsed whole, so CY000 and the other diagnostics are where the whole parse puts
    /// them (the broken function is skipped, the others analyzed).
    #[test]
    fn a_syntax_error_in_one_group_gives_the_whole_parse_s_diagnostics() {
        let text = "from libc.stdlib cimport malloc, free\n\
                    def f():\n    cdef char* p = <char*>malloc(4)\n    p[0] = 1\n    free(p)\n\
                    def g():\n    cdef char* r = <char*>malloc(4)\n    return )\n\
                    def h():\n    cdef char* q = <char*>malloc(4)\n    q[0] = 1\n    free(q)\n";
        let settings = AnalysisSettings::default();
        let empty = ProjectSummaries::default();
        let families = FamilyTable::for_settings(&settings);
        let grouping = Grouping::EVERY_STATEMENT;
        let lowered = lower_by_groups(text, Dialect::Cython, families, &empty, &[], grouping);
        assert!(lowered.is_none());
        let whole = analyze_file(text, Dialect::Cython, &settings, &empty, &[]);
        let grouped =
            analyze_file_grouping(text, Dialect::Cython, &settings, &empty, &[], grouping);
        assert_eq!(grouped.diagnostics, whole.diagnostics);
        let found: Vec<_> = grouped
            .diagnostics
            .iter()
            .map(|d| (d.rule.code, position(text, d.span.start)))
            .collect();
        assert_eq!(
            found,
            vec![("CY001", (3, 27)), ("CY000", (8, 5)), ("CY001", (10, 27))]
        );
    }

    /// The (code, row, column) of a file's diagnostics, checked whole and, one statement
    /// per group, by groups (the same either way).
    fn found_after_recovery(text: &str) -> Vec<(&'static str, (usize, usize))> {
        let settings = AnalysisSettings::default();
        let empty = ProjectSummaries::default();
        let whole = analyze_file(text, Dialect::Cython, &settings, &empty, &[]);
        let grouped = analyze_file_grouping(
            text,
            Dialect::Cython,
            &settings,
            &empty,
            &[],
            Grouping::EVERY_STATEMENT,
        );
        assert_eq!(grouped.diagnostics, whole.diagnostics);
        whole
            .diagnostics
            .iter()
            .map(|d| (d.rule.code, position(text, d.span.start)))
            .collect()
    }

    const RECOVERY_PRELUDE: &str = "from libc.stdlib cimport malloc, free\n\n\n";

    const LATER: &str = "def later(int n):\n\
        \x20   cdef int* p = <int*>malloc(n * sizeof(int))\n\
        \x20   p[0] = 1\n\
        \x20   free(p)\n";

    /// An unclosed `(` in a signature: tree-sitter's error recovery swallows every later
    /// function, and the line scanner every later line; the functions after it are
    /// analyzed from the groups that parse cleanly, CY000 stays where the whole parse
    /// puts it.
    #[test]
    fn functions_after_an_unclosed_parenthesis_are_analyzed() {
        let broken = format!("{RECOVERY_PRELUDE}def broken(int n:\n    return n\n\n\n{LATER}");
        assert_eq!(
            found_after_recovery(&broken),
            [("CY000", (4, 1)), ("CY001", (9, 25))]
        );
        // Its clean twin: the same CY001.
        let clean = broken.replace("(int n:", "(int n):");
        assert_eq!(found_after_recovery(&clean), [("CY001", (9, 25))]);
        // Cimports after the error bind their names too.
        let late_cimport = format!("def broken(int n:\n    return n\n\n{RECOVERY_PRELUDE}{LATER}");
        assert_eq!(
            found_after_recovery(&late_cimport),
            [("CY000", (2, 5)), ("CY001", (8, 25))]
        );
    }

    const BOX: &str = "cdef class Box:\n\
        \x20   cdef int* data\n\
        \n\
        \x20   def __cinit__(self, int n):\n\
        \x20       self.data = <int*>malloc(n * sizeof(int))\n\
        \x20       if self.data == NULL:\n\
        \x20           raise MemoryError()\n\
        \n";

    const DEALLOC: &str = "    def __dealloc__(self):\n        free(self.data)\n\n\n";

    /// A class whose group has a syntax error is skipped whole, and so is a class right
    /// before a group with one (which may hold the rest of it): no CY004 for a
    /// `__dealloc__` the broken part holds.
    #[test]
    fn a_class_split_by_a_syntax_error_is_not_analyzed() {
        let inside = format!(
            "{RECOVERY_PRELUDE}{BOX}    def resize(self, int n:\n        pass\n\n{DEALLOC}{LATER}"
        );
        assert_eq!(
            found_after_recovery(&inside),
            [("CY000", (12, 5)), ("CY001", (20, 25))]
        );
        let clean = inside.replace("int n:\n        pass", "int n):\n        pass");
        assert_eq!(found_after_recovery(&clean), [("CY001", (20, 25))]);
        let after =
            format!("{RECOVERY_PRELUDE}{BOX}def broken(int n:\n    return n\n\n{DEALLOC}{LATER}");
        assert_eq!(
            found_after_recovery(&after),
            [("CY000", (12, 1)), ("CY001", (20, 25))]
        );
        // The rule does fire on the class alone, without its `__dealloc__`.
        let without = format!("{RECOVERY_PRELUDE}{BOX}{LATER}");
        assert_eq!(
            found_after_recovery(&without),
            [("CY004", (8, 27)), ("CY001", (13, 25))]
        );
    }

    /// Where tree-sitter's own recovery lost no group that parses cleanly (an error in a
    /// class's last method), its tree is kept: the class's clean methods and the class
    /// rules are analyzed as before.
    #[test]
    fn an_error_that_swallows_nothing_keeps_the_whole_parse() {
        let text = format!(
            "{RECOVERY_PRELUDE}cdef class A:\n\
            \x20   cdef int* p\n\
            \x20   def __cinit__(self):\n\
            \x20       self.p = <int*>malloc(4)\n\
            \x20   def g(self):\n\
            \x20       cdef int* q = <int*>malloc(4)\n\
            \x20       free(q)\n\
            \x20       free(q)\n\
            \x20   def h(self, int n:\n\
            \x20       return n\n"
        );
        assert_eq!(
            found_after_recovery(&text),
            [("CY004", (7, 24)), ("CY005", (11, 9)), ("CY000", (12, 5))]
        );
    }

    /// A function defined in a broken group is unknown: a call to it may release what it
    /// is given, so the block handed to it does not leak.
    #[test]
    fn a_call_to_a_function_defined_in_a_broken_group_is_a_call_to_an_unknown_one() {
        let text = format!(
            "{RECOVERY_PRELUDE}def later(int n):\n\
             \x20   cdef int* p = <int*>malloc(n * sizeof(int))\n\
             \x20   if p == NULL:\n\
             \x20       raise MemoryError()\n\
             \x20   keep(p)\n\n\n\
             def keep(int* p:\n    free(p)\n"
        );
        assert_eq!(found_after_recovery(&text), [("CY000", (11, 1))]);
        // Without the call, the block leaks.
        let no_call = text.replace("    keep(p)\n", "");
        assert_eq!(
            found_after_recovery(&no_call),
            [("CY007", (5, 25)), ("CY000", (10, 1))]
        );
    }
}
