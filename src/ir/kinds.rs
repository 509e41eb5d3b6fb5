//! Node kinds by id. `Node::kind` hands back the kind's name as a C string, which Rust
//! measures (`strlen`) and checks as UTF-8 on every call before it can be compared; the
//! lowering asks every node it meets for its kind, some several times, and that cost
//! was about a tenth of all the instructions of a check (callgrind, one function of
//! 1,000 if/else blocks). [`KindName::kind_name`] gives the same name from a table of
//! each grammar's kinds, made once (as `crate::parse::Fields` does for field names), so
//! the only work per node left is the id and an index.

use std::sync::OnceLock;

use tree_sitter::{Language, Node};

use crate::parse::Dialect;

/// The grammars whose trees are lowered; a node of another grammar (there is none today)
/// asks tree-sitter for its kind.
const DIALECTS: [Dialect; 2] = [Dialect::Cython, Dialect::PurePython];

struct Grammar {
    language: Language,
    /// The name of each kind, by id.
    kinds: Vec<Box<str>>,
}

static GRAMMARS: OnceLock<Vec<Grammar>> = OnceLock::new();

fn grammars() -> &'static [Grammar] {
    GRAMMARS.get_or_init(|| {
        DIALECTS
            .iter()
            .map(|dialect| {
                let language = dialect.language();
                let kinds = (0..language.node_kind_count())
                    .map_while(|id| u16::try_from(id).ok())
                    .map(|id| language.node_kind_for_id(id).unwrap_or_default().into())
                    .collect();
                Grammar { language, kinds }
            })
            .collect()
    })
}

pub(crate) trait KindName<'tree> {
    /// What `Node::kind` gives, without measuring a C string for it.
    fn kind_name(&self) -> &'tree str;
}

impl<'tree> KindName<'tree> for Node<'tree> {
    fn kind_name(&self) -> &'tree str {
        let id = usize::from(self.kind_id());
        let language = self.language();
        let known = grammars()
            .iter()
            .find(|grammar| grammar.language == *language)
            .and_then(|grammar| grammar.kinds.get(id));
        match known {
            Some(name) => name,
            // `ERROR` (an id past the grammar's own) and unknown grammars.
            None => self.kind(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    /// Every node of a file with statements, expressions, keywords, aliases and a syntax
    /// error has the kind name tree-sitter gives it, in both grammars.
    #[test]
    fn kind_names_are_what_tree_sitter_says() {
        let text = "from a cimport b as c\ncdef int* f(x) except NULL:\n    g = lambda y: y\n    \
                    if x:\n        return <int*>g(x)\n    1 +* 2\n";
        for dialect in DIALECTS {
            let tree = parse(text, dialect);
            let mut cursor = tree.walk();
            let mut pending = vec![tree.root_node()];
            let mut errors = 0;
            while let Some(node) = pending.pop() {
                assert_eq!(node.kind_name(), node.kind(), "in {dialect:?}");
                errors += usize::from(node.is_error());
                pending.extend(node.children(&mut cursor));
            }
            assert!(errors > 0, "the text has a syntax error in {dialect:?}");
        }
    }
}
