//! Lowering a large file a group of top-level statements at a time, so that the whole
//! file's tree never exists (issue 9: the tree alone is 46 bytes per byte of source).
//!
//! The groups are those of [`top_level_groups`]; each is parsed on its own with the
//! file's positions ([`GroupParser`]), and its tree is dropped before the next is parsed.
//! The lowered [`Module`] is exactly [`super::lower_module`]'s for the whole tree:
//! - A first pass over the groups gathers what the module-wide passes read of the whole
//!   tree, in the order they read it: the module's names (`ModuleNames::collect_more`,
//!   group roots in order), the bodies and classes (`find_bodies` on each group root,
//!   whose order is the whole walk's), and for the plan each body's name, class, span and
//!   identifiers (all of them: which are kept is known only once every body's name is).
//! - The plan's rounds then lower the kept bodies in the whole lowering's order; a group
//!   is parsed again in each round that lowers one of its bodies (most files: one round,
//!   so each group is parsed twice in all).
//! - The module's own code (one function, from every top-level statement) is lowered
//!   from an outline of the file: its text with each top-level definition cut down to
//!   its name (`def f():0`, `class A:0`, the rest blanked, line ends kept, so every other
//!   byte is where it was). The module's lowering reads of a definition only that it
//!   binds its name; the outline's tree must show the same top-level statements, kinds
//!   and starts as the groups, and its function gets the whole tree's span.
//!
//! A group (or the outline) with a syntax error gives `None`: the caller parses the
//! whole file, so syntax errors are reported as a whole parse places them.

use super::*;
use crate::parse::{
    recovery_groups, statements_of, top_level_groups, Dialect, GroupParser, RecoveryGroup,
};

/// One body found in the first pass: what planning reads of it.
struct FoundBody<'s> {
    name: &'s [u8],
    span: Span,
    class: Option<String>,
    is_c_function: bool,
    /// Every identifier of its own text, sorted, without repeats.
    words: Vec<&'s [u8]>,
}

/// A top-level definition as the outline writes it.
struct Outlined {
    /// From the end of its name to its end: replaced by `replacement` and blanks.
    cut: std::ops::Range<usize>,
    replacement: &'static [u8],
}

/// [`super::lower_module`] of `source` parsed in groups of top-level statements of at
/// least `group_bytes` each; `None` when a group has a syntax error. `complete_names`
/// adds to the module's names what the caller knows besides the file (its context's).
pub fn lower_module_by_groups(
    source: &str,
    dialect: Dialect,
    group_bytes: usize,
    complete_names: impl FnOnce(&mut ModuleNames),
    interesting: &HashSet<String>,
    helpers_with_effects: impl FnMut(&Module) -> Vec<String>,
) -> Option<Module> {
    let groups: Vec<RecoveryGroup> = top_level_groups(source, group_bytes)
        .into_iter()
        .map(|range| RecoveryGroup {
            range,
            skipped: false,
        })
        .collect();
    lower_groups(
        source,
        dialect,
        &groups,
        complete_names,
        interesting,
        helpers_with_effects,
    )
}

/// The functions and classes of a text whose whole parse has a syntax error, lowered
/// from the groups of [`recovery_groups`] that parse cleanly, as if the skipped ones
/// were not there: their names are not bound (a call to a function they define is a call
/// to an unknown function), their classes and functions not lowered. The module's own
/// code is not lowered (one of its statements is broken). `None` when no group is
/// skipped (the error is where no cut separates it), when the whole parse (`whole`, the
/// root of its tree) lost no kept group (tree-sitter's own recovery then keeps more: the
/// clean methods of a class with one broken method, the module's code), or a kept group
/// does not lower.
pub fn lower_module_recovering(
    source: &str,
    whole: Node<'_>,
    dialect: Dialect,
    complete_names: impl FnOnce(&mut ModuleNames),
    interesting: &HashSet<String>,
    helpers_with_effects: impl FnMut(&Module) -> Vec<String>,
) -> Option<Module> {
    let groups = recovery_groups(source, dialect);
    if !groups.iter().any(|group| group.skipped) {
        return None;
    }
    // A kept group is lost when no clean top-level statement of the whole parse starts
    // in it: an error node that began before it swallowed it.
    let mut cursor = whole.walk();
    let clean_starts: Vec<usize> = whole
        .children(&mut cursor)
        .filter(|node| !node.is_extra() && !node.has_error())
        .map(|node| node.start_byte())
        .collect();
    let lost = groups.iter().filter(|group| !group.skipped).any(|group| {
        let first = clean_starts.partition_point(|&start| start < group.range.start_byte);
        clean_starts
            .get(first)
            .is_none_or(|&start| start >= group.range.end_byte)
    });
    if !lost {
        return None;
    }
    lower_groups(
        source,
        dialect,
        &groups,
        complete_names,
        interesting,
        helpers_with_effects,
    )
}

/// [`lower_module_by_groups`] of the given groups; those marked skipped are left out
/// (and so is the module's own code), any other with a syntax error gives `None`.
fn lower_groups(
    source: &str,
    dialect: Dialect,
    groups: &[RecoveryGroup],
    complete_names: impl FnOnce(&mut ModuleNames),
    interesting: &HashSet<String>,
    mut helpers_with_effects: impl FnMut(&Module) -> Vec<String>,
) -> Option<Module> {
    let recovering = groups.iter().any(|group| group.skipped);
    let mut parser = GroupParser::new(dialect);
    let mut names = ModuleNames::default();
    let mut module = Module::default();
    let mut bodies: Vec<FoundBody<'_>> = Vec::new();
    // The bodies of each group, as indices of the plan (the module is 0).
    let mut bodies_of_group: Vec<std::ops::Range<usize>> = Vec::with_capacity(groups.len());
    let mut module_words: Vec<&[u8]> = Vec::new();
    // The top-level statements (kind and start) and the definitions among them.
    let mut statements: Vec<(u16, usize)> = Vec::new();
    let mut outlined: Vec<Outlined> = Vec::new();
    let mut root_span = Span::new(0, 0);
    for (
        index,
        RecoveryGroup {
            range: group,
            skipped,
        },
    ) in groups.iter().enumerate()
    {
        if *skipped {
            module
                .broken
                .push(Span::new(group.start_byte, group.end_byte));
            bodies_of_group.push(bodies.len() + 1..bodies.len() + 1);
            continue;
        }
        let tree = parser.parse(source, group);
        let root = tree.root_node();
        if syntax_error_in(root).is_some() {
            return None;
        }
        if index == 0 {
            root_span.start = root.start_byte();
        }
        if index + 1 == groups.len() {
            root_span.end = root.end_byte();
        }
        names.collect_more(root, source);
        let first = bodies.len() + 1;
        let found = find_bodies(root, source, &mut module, &mut HashMap::new());
        for (node, class) in found.into_iter().skip(1) {
            let mut words = Vec::new();
            for_own_parts(node, source, &mut |part| {
                words.extend(identifiers(text(part, source)));
            });
            words.sort_unstable();
            words.dedup();
            words.shrink_to_fit();
            bodies.push(FoundBody {
                name: body_name(node, source),
                span: node_span(node),
                class,
                is_c_function: node.kind_name() == "cdef_function",
                words,
            });
        }
        bodies_of_group.push(first..bodies.len() + 1);
        for statement in statements_of(root, group).filter(|node| node.is_named()) {
            statements.push((statement.kind_id(), statement.start_byte()));
            if is_definition(statement) {
                outlined.extend(outline(statement));
            } else {
                module_words.extend(identifiers(text(statement, source)));
            }
        }
    }
    complete_names(&mut names);
    module_words.sort_unstable();
    module_words.dedup();

    let wanted = wanted_names(&names, interesting);
    let body_names: Vec<&[u8]> = std::iter::once(b"".as_slice())
        .chain(bodies.iter().map(|body| body.name))
        .collect();
    let universe = plan_universe(&wanted, &body_names);
    let mut mentioned: Vec<FastSet<&[u8]>> = Vec::with_capacity(body_names.len());
    fn of_universe<'s>(words: &[&'s [u8]], universe: &FastSet<&[u8]>) -> FastSet<&'s [u8]> {
        words
            .iter()
            .filter(|word| universe.contains(*word))
            .copied()
            .collect()
    }
    mentioned.push(of_universe(&module_words, &universe));
    drop(module_words);
    let mut planned = vec![PlannedBody {
        name: b"",
        span: root_span,
        class: None,
        is_c_function: false,
    }];
    for body in &mut bodies {
        mentioned.push(of_universe(&body.words, &universe));
        body.words = Vec::new();
    }
    planned.extend(bodies.iter().map(|body| PlannedBody {
        name: body.name,
        span: body.span,
        class: body.class.as_deref(),
        is_c_function: body.is_c_function,
    }));
    let mut plan = Plan::from_parts(&planned, mentioned, source, &wanted, &names);
    drop(planned);
    resolve_class_bases(&mut module, &names);
    let classes = module.clone();

    let mut lowered = vec![false; body_names.len()];
    loop {
        if recovering {
            lowered[0] = true;
        }
        if plan.keep[0] && !lowered[0] {
            lowered[0] = true;
            let outline = Outline {
                definitions: &outlined,
                statements: &statements,
                span: root_span,
            };
            match outline.lower(source, dialect, &names, &classes)? {
                Ok(function) => module.functions.push(function),
                Err(TooDeep(reason)) => module.too_deep.push(SkippedFunction {
                    name: "<module>".to_string(),
                    name_span: Span::new(root_span.start, root_span.start),
                    reason,
                }),
            }
        }
        for (group, indices) in groups.iter().zip(&bodies_of_group) {
            if !indices
                .clone()
                .any(|index| plan.keep[index] && !lowered[index])
            {
                continue;
            }
            let tree = parser.parse(source, &group.range);
            let mut decorated = HashMap::new();
            let found = find_bodies(
                tree.root_node(),
                source,
                &mut Module::default(),
                &mut decorated,
            );
            if found.len() - 1 != indices.len() {
                return None;
            }
            for ((node, class), index) in found.into_iter().skip(1).zip(indices.clone()) {
                if lowered[index] || !plan.keep[index] {
                    continue;
                }
                lowered[index] = true;
                let decorator = decorated.get(&node.id()).copied();
                match lower_function(node, decorator, class.clone(), source, &names, &classes) {
                    Ok(function) => module.functions.push(function),
                    Err(TooDeep(reason)) => {
                        let skipped = too_deep_function(node, class.as_deref(), source, reason);
                        module.too_deep.push(skipped);
                    }
                }
            }
        }
        let helpers = helpers_with_effects(&module);
        if !plan.keep_callers_of(helpers.iter().map(|name| name.as_bytes())) {
            return Some(module);
        }
    }
}

/// How the outline writes a top-level definition (a `decorated_definition`'s decorators
/// stay): from the end of its name on, `():0` for a function, `:0` for a class, then
/// blanks; `None` for one without a body (a declaration is left whole).
fn outline(statement: Node<'_>) -> Option<Outlined> {
    let definition = match statement.kind_name() {
        "decorated_definition" => statement.field("definition")?,
        _ => statement,
    };
    definition.field("body")?;
    let name = definition.field("name")?;
    let replacement: &'static [u8] = match definition.kind_name() {
        "class_definition" | "cdef_class" => b":0",
        _ => b"():0",
    };
    let cut = name.end_byte()..definition.end_byte();
    (cut.len() >= replacement.len()).then_some(Outlined { cut, replacement })
}

/// What the module's own function is lowered from: the top-level definitions to cut
/// down, the top-level statements the outline's tree must show (kind and start), and
/// the whole file's tree's span, which the function gets.
struct Outline<'a> {
    definitions: &'a [Outlined],
    statements: &'a [(u16, usize)],
    span: Span,
}

impl Outline<'_> {
    /// The module's own function lowered from the outline, or `None` when the outline's
    /// tree has a syntax error or other top-level statements than the groups'.
    fn lower(
        &self,
        source: &str,
        dialect: Dialect,
        names: &ModuleNames,
        classes: &Module,
    ) -> Option<Lowered<Function>> {
        let mut text = source.as_bytes().to_vec();
        for definition in self.definitions {
            let cut = &mut text[definition.cut.clone()];
            for byte in cut.iter_mut() {
                if *byte != b'\n' {
                    *byte = b' ';
                }
            }
            cut[..definition.replacement.len()].copy_from_slice(definition.replacement);
        }
        let text = String::from_utf8(text).ok()?;
        let whole = top_level_groups(&text, usize::MAX);
        let tree = GroupParser::new(dialect).parse(&text, whole.first()?);
        let root = tree.root_node();
        if syntax_error_in(root).is_some() {
            return None;
        }
        let mut cursor = root.walk();
        let same = root
            .named_children(&mut cursor)
            .map(|statement| (statement.kind_id(), statement.start_byte()))
            .eq(self.statements.iter().copied());
        if !same {
            return None;
        }
        let lowered = lower_function(root, None, None, &text, names, classes);
        Some(lowered.map(|mut function| {
            function.span = self.span;
            function.name_span = Span::new(self.span.start, self.span.start);
            function
        }))
    }
}
