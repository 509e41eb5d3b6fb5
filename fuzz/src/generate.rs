//! Structure-aware inputs: Cython modules built from the fuzzer's bytes so that most of
//! them parse and reach the ownership analysis.
//!
//! A module is a prelude of cimports, then functions and extension types whose bodies mix
//! two kinds of statements: templates over a small pool of names and every allocator
//! family (allocate, check, use, release, reallocate, hand over, with the control flow
//! around them), and lines spliced from the repository's samples and grammar corpus
//! tests, re-indented to where they land. Headers (`if ...:`, `try:`) always get a body.
//! A few inputs on purpose break the indentation or truncate a line, so the parser's
//! error recovery feeds the analysis too.

use std::fmt::Write as _;
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Result, Unstructured};
use cysafe::parse::Dialect;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/sources.rs"));
}

/// A generated module and the dialect it is checked in.
#[derive(Debug)]
pub struct Program {
    pub text: String,
    pub dialect: Dialect,
}

impl<'a> Arbitrary<'a> for Program {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let pure = u.ratio(1, 5)?;
        let mut writer = Writer {
            out: String::new(),
            pure,
            budget: 400,
        };
        writer.module(u)?;
        Ok(Program {
            text: writer.out,
            dialect: if pure {
                Dialect::PurePython
            } else {
                Dialect::Cython
            },
        })
    }
}

/// The lines of the embedded sources, split by where they can go.
struct Fragments {
    /// Lines found at module level, without their newline.
    top_level: Vec<&'static str>,
    /// Lines found inside a block, with their indentation stripped.
    statements: Vec<&'static str>,
    /// Whole sources (corpus examples, samples), for splicing a run of lines.
    sources: Vec<&'static str>,
}

fn fragments() -> &'static Fragments {
    static FRAGMENTS: OnceLock<Fragments> = OnceLock::new();
    FRAGMENTS.get_or_init(|| {
        let mut sources = Vec::new();
        for (name, text) in embedded::SOURCES {
            if name.ends_with(".txt") {
                sources.extend(corpus_examples(text));
            } else {
                sources.push(*text);
            }
        }
        let mut top_level = Vec::new();
        let mut statements = Vec::new();
        for line in sources.iter().flat_map(|source| source.lines()) {
            let stripped = line.trim_start();
            if stripped.is_empty() || stripped.starts_with('#') {
                continue;
            }
            if stripped.len() == line.len() {
                top_level.push(line);
            } else {
                statements.push(stripped);
            }
        }
        Fragments {
            top_level,
            statements,
            sources,
        }
    })
}

/// The source half of each example in a tree-sitter corpus file: between the header's
/// closing `===` line and the `---` line before the expected tree.
fn corpus_examples(text: &'static str) -> Vec<&'static str> {
    let mut examples = Vec::new();
    let mut rest = text;
    while let Some(header) = rest.find("\n===") {
        let after = &rest[header + 1..];
        let Some(body_start) = after.find('\n').map(|i| i + 1) else {
            break;
        };
        let body = &after[body_start..];
        let end = body.find("\n---").unwrap_or(body.len());
        if !body.starts_with("===") {
            examples.push(body[..end].trim_matches('\n'));
        }
        rest = &body[end..];
    }
    examples
}

const ALLOCATORS: &[&str] = &[
    "malloc",
    "calloc",
    "strdup",
    "PyMem_Malloc",
    "PyMem_Calloc",
    "PyMem_New",
    "PyMem_RawMalloc",
    "PyObject_Malloc",
    "PyObject_Calloc",
    "aligned_alloc",
    "make_buffer",
];
const REALLOCATORS: &[&str] = &[
    "realloc",
    "PyMem_Realloc",
    "PyMem_Resize",
    "PyMem_RawRealloc",
    "PyObject_Realloc",
];
const DEALLOCATORS: &[&str] = &[
    "free",
    "PyMem_Free",
    "PyMem_Del",
    "PyMem_RawFree",
    "PyObject_Free",
    "release",
    "consume",
];
const PLACES: &[&str] = &[
    "p",
    "q",
    "buf",
    "tmp",
    "self.data",
    "self.items",
    "obj.field",
    "self.ctx.buf",
    "p[0]",
    "arr[i]",
    "holder.ptr",
];
const TYPES: &[&str] = &[
    "char",
    "double",
    "int",
    "void",
    "Py_ssize_t",
    "Node",
    "size_t",
];
const SIZES: &[&str] = &[
    "n",
    "n * sizeof(double)",
    "1",
    "0",
    "sizeof(Node)",
    "n + 1",
    "len(data)",
    "2 * n",
];

const CYTHON_PRELUDE: &[&str] = &[
    "from libc.stdlib cimport malloc, calloc, realloc, free, aligned_alloc",
    "from libc.string cimport memcpy, memset, strdup",
    "from cpython.mem cimport PyMem_Malloc, PyMem_Calloc, PyMem_Realloc, PyMem_Free",
    "from cpython.mem cimport PyMem_RawMalloc, PyMem_RawRealloc, PyMem_RawFree",
    "from cpython.object cimport PyObject_Malloc, PyObject_Realloc, PyObject_Free",
    "cimport cython",
    "from libc.stdlib cimport *",
    "from libc cimport stdlib",
    "from cpython cimport mem as cmem",
    "cdef extern from \"helpers.h\":\n    void* make_buffer(size_t n)\n    void consume(void* p)",
    "cdef extern from \"stdlib.h\" nogil:\n    void* malloc(size_t)\n    void free(void*)",
    "ctypedef struct Node:\n    Node* next\n    double* data",
];
const PURE_PRELUDE: &[&str] = &[
    "import cython",
    "from cython.cimports.libc.stdlib import malloc, calloc, realloc, free",
    "from cython.cimports.cpython.mem import PyMem_Malloc, PyMem_Realloc, PyMem_Free",
    "from cython.cimports.libc import stdlib",
    "from cython.cimports.libc.string import memcpy",
];

struct Writer {
    out: String,
    pure: bool,
    /// Statements left to write; keeps inputs small whatever the bytes say.
    budget: u32,
}

impl Writer {
    fn module(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let prelude = if self.pure {
            PURE_PRELUDE
        } else {
            CYTHON_PRELUDE
        };
        let mut chosen = vec![0];
        for index in 1..prelude.len() {
            if u.ratio(1, 2)? {
                chosen.push(index);
            }
        }
        if u.ratio(1, 4)? {
            // Sometimes even the first import is missing: names left unresolved.
            let dropped = u.choose_index(prelude.len())?;
            chosen.retain(|&index| index != dropped);
        }
        for index in chosen {
            self.out.push_str(prelude[index]);
            self.out.push('\n');
        }
        let items = u.int_in_range(1..=8)?;
        for _ in 0..items {
            if self.budget == 0 || u.is_empty() {
                break;
            }
            self.item(u)?;
        }
        Ok(())
    }

    fn item(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        match u.int_in_range(0..=9)? {
            0..=3 => self.function(u, 0, None),
            4..=5 => self.class(u),
            6 => {
                let line = *u.choose(&fragments().top_level)?;
                self.splice_line(u, line, 0)
            }
            7 => self.splice_run(u, 0),
            8 => {
                // A module-level statement: Cython runs these at import.
                self.statement(u, 0, None)
            }
            _ => {
                let name = u.choose(&["alloc", "make", "fill", "release", "grow"])?;
                let ty = u.choose(TYPES)?;
                let alloc = u.choose(ALLOCATORS)?;
                if self.pure {
                    self.line(0, &format!("def {name}(n):"));
                    self.line(1, &format!("return {alloc}(n)"));
                } else {
                    self.line(0, &format!("cdef {ty}* {name}(size_t n) nogil:"));
                    self.line(1, &format!("return <{ty}*> {alloc}(n)"));
                }
                Ok(())
            }
        }
    }

    fn function(
        &mut self,
        u: &mut Unstructured<'_>,
        depth: usize,
        class: Option<&str>,
    ) -> Result<()> {
        let name = match class {
            Some(_) => *u.choose(&[
                "__cinit__",
                "__dealloc__",
                "__init__",
                "resize",
                "fill",
                "close",
                "__del__",
            ])?,
            None => *u.choose(&["f", "g", "make_buffer", "release", "helper", "run"])?,
        };
        let receiver = if class.is_some() { "self, " } else { "" };
        let header = if self.pure {
            match u.int_in_range(0..=2)? {
                0 => format!("def {name}({receiver}n):"),
                1 => format!(
                    "@cython.cfunc\ndef {name}({receiver}n: cython.size_t) -> cython.p_char:"
                ),
                _ => format!("def {name}({receiver}p, n):"),
            }
        } else {
            let ty = u.choose(TYPES)?;
            match u.int_in_range(0..=5)? {
                0 => format!("def {name}({receiver}n):"),
                1 => format!("cdef void {name}({receiver}size_t n):"),
                2 => format!("cdef {ty}* {name}({receiver}size_t n) except NULL:"),
                3 => format!("cpdef int {name}({receiver}{ty}* p, size_t n) nogil:"),
                4 => format!("cdef int {name}({receiver}Node* obj, size_t n) except -1:"),
                _ => format!("def {name}({receiver}object data, int n=0, *args, **kwargs):"),
            }
        };
        for line in header.lines() {
            self.line(depth, line);
        }
        self.block(u, depth + 1, 0)
    }

    fn class(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let name = *u.choose(&["Buffer", "Holder", "Array"])?;
        if self.pure {
            self.line(0, "@cython.cclass");
            self.line(0, &format!("class {name}:"));
            self.line(1, "data: cython.p_double");
        } else {
            let header = *u.choose(&[
                "cdef class {}:",
                "cdef class {}(Base):",
                "cdef public class {} [object {}Object, type {}Type]:",
                "@cython.final\ncdef class {}:",
            ])?;
            for line in header.replace("{}", name).lines() {
                self.line(0, line);
            }
            let ty = u.choose(TYPES)?;
            self.line(1, &format!("cdef {ty}* data"));
            if u.ratio(1, 2)? {
                self.line(1, "cdef public double* items");
            }
            if u.ratio(1, 3)? {
                self.line(1, "cdef Context ctx");
            }
        }
        let methods = u.int_in_range(0..=3)?;
        for _ in 0..methods {
            if self.budget == 0 {
                break;
            }
            self.function(u, 1, Some(name))?;
        }
        Ok(())
    }

    /// At least one statement at `depth` (a header must have a body).
    fn block(&mut self, u: &mut Unstructured<'_>, depth: usize, loops: usize) -> Result<()> {
        let count = u.int_in_range(1..=6)?;
        for index in 0..count {
            if index > 0 && (self.budget == 0 || u.is_empty()) {
                break;
            }
            self.statement(u, depth, Some(loops))?;
        }
        Ok(())
    }

    fn statement(
        &mut self,
        u: &mut Unstructured<'_>,
        depth: usize,
        loops: Option<usize>,
    ) -> Result<()> {
        self.budget = self.budget.saturating_sub(1);
        let nested = depth < 7 && self.budget > 0;
        let place = *u.choose(PLACES)?;
        let other = *u.choose(PLACES)?;
        let alloc = *u.choose(ALLOCATORS)?;
        let size = *u.choose(SIZES)?;
        let ty = *u.choose(TYPES)?;
        let choice = u.int_in_range(0..=24)?;
        let line = match choice {
            0..=2 => match u.int_in_range(0..=3)? {
                0 => format!("{place} = {alloc}({size})"),
                1 if !self.pure => format!("{place} = <{ty}*> {alloc}({size})"),
                1 => format!("{place} = cython.cast(cython.p_char, {alloc}({size}))"),
                2 if !self.pure => format!("cdef {ty}* {place} = <{ty}*> {alloc}({size})"),
                2 => format!("{place}: cython.p_double = {alloc}({size})"),
                _ => format!("{place} = {alloc}({size}) if n else NULL"),
            },
            3..=4 if nested => {
                let test = *u.choose(&[
                    "if {} == NULL:",
                    "if not {}:",
                    "if {} is NULL:",
                    "if {} != NULL:",
                    "if {}:",
                    "if {} is not NULL and n > 0:",
                    "if not {} or n == 0:",
                    "elif {} == NULL:",
                    "while {} == NULL:",
                ])?;
                self.line(depth, &test.replace("{}", place));
                if u.ratio(1, 2)? {
                    let exit = *u.choose(&[
                        "raise MemoryError()",
                        "return",
                        "return NULL",
                        "return -1",
                        "abort()",
                    ])?;
                    self.line(depth + 1, exit);
                } else {
                    self.block(u, depth + 1, loops.unwrap_or(0))?;
                }
                if u.ratio(1, 3)? {
                    self.line(depth, "else:");
                    self.block(u, depth + 1, loops.unwrap_or(0))?;
                }
                return Ok(());
            }
            5..=6 => match u.int_in_range(0..=4)? {
                0 => format!("{place}[0] = 1"),
                1 => format!("x = {place}[i]"),
                2 => format!("memcpy({place}, {other}, {size})"),
                3 => format!("{place}.next = NULL"),
                _ => format!("use({place})"),
            },
            7..=8 => {
                let release = *u.choose(DEALLOCATORS)?;
                format!("{release}({place})")
            }
            9 => {
                let realloc = *u.choose(REALLOCATORS)?;
                match u.int_in_range(0..=2)? {
                    0 => format!("{place} = {realloc}({place}, {size})"),
                    1 => format!("tmp = {realloc}({place}, {size})"),
                    _ => format!("{place} = <{ty}*> {realloc}({other}, {size})"),
                }
            }
            10 => match u.int_in_range(0..=5)? {
                0 => format!("{place} = {other}"),
                1 => format!("{place} = NULL"),
                2 => format!("return {place}"),
                3 => format!("{place}, {other} = {other}, {place}"),
                4 => format!("del {place}"),
                _ => format!("{other} = &{place}[1]"),
            },
            11 if nested => {
                let header = *u.choose(&[
                    "for i in range(n):",
                    "while n > 0:",
                    "for i from 0 <= i < n:",
                    "for item in data:",
                ])?;
                self.line(depth, header);
                self.block(u, depth + 1, loops.unwrap_or(0) + 1)?;
                if u.ratio(1, 4)? {
                    self.line(depth, "else:");
                    self.block(u, depth + 1, loops.unwrap_or(0))?;
                }
                return Ok(());
            }
            12 if nested => {
                self.line(depth, "try:");
                self.block(u, depth + 1, loops.unwrap_or(0))?;
                let handlers = u.int_in_range(0..=2)?;
                for _ in 0..handlers {
                    let handler = *u.choose(&[
                        "except MemoryError:",
                        "except:",
                        "except (ValueError, TypeError) as error:",
                        "except* OSError:",
                    ])?;
                    self.line(depth, handler);
                    self.block(u, depth + 1, loops.unwrap_or(0))?;
                }
                if handlers > 0 && u.ratio(1, 3)? {
                    self.line(depth, "else:");
                    self.block(u, depth + 1, loops.unwrap_or(0))?;
                }
                if handlers == 0 || u.ratio(1, 2)? {
                    self.line(depth, "finally:");
                    self.block(u, depth + 1, loops.unwrap_or(0))?;
                }
                return Ok(());
            }
            13 if nested => {
                let header = *u.choose(&[
                    "with nogil:",
                    "with gil:",
                    "with open(path) as handle:",
                    "with cython.boundscheck(False):",
                    "if n > 0:",
                    "match n:",
                ])?;
                self.line(depth, header);
                if header == "match n:" {
                    self.line(depth + 1, "case 0:");
                    self.block(u, depth + 2, loops.unwrap_or(0))?;
                } else {
                    self.block(u, depth + 1, loops.unwrap_or(0))?;
                }
                return Ok(());
            }
            14 => match loops {
                Some(loops) if loops > 0 => u.choose(&["break", "continue"])?.to_string(),
                _ => "pass".to_string(),
            },
            15 => match u.int_in_range(0..=3)? {
                0 => format!("assert {place} != NULL"),
                1 => format!("self.data = {place}"),
                2 => format!("consume({place}); {place} = NULL"),
                _ => format!("return {place} if {place} else NULL"),
            },
            16..=19 => {
                let line = *u.choose(&fragments().statements)?;
                return self.splice_line(u, line, depth);
            }
            20 => return self.splice_run(u, depth),
            21 if nested => return self.function(u, depth, None),
            22 => {
                // Broken on purpose: a stray indent, a dedent, a tab, a cut line.
                let mut text = format!("{place} = {alloc}({size})");
                match u.int_in_range(0..=3)? {
                    0 => self.line(depth + 1, &text),
                    1 => self.line(depth.saturating_sub(1), &text),
                    2 => {
                        let _ = writeln!(self.out, "{}\t{text}", "    ".repeat(depth));
                    }
                    _ => {
                        let cut = u.int_in_range(0..=text.len())?;
                        text.truncate(cut);
                        self.line(depth, &text);
                    }
                }
                return Ok(());
            }
            _ => format!("{place} = {alloc}({size})"),
        };
        let line = if u.ratio(1, 12)? {
            let noqa = *u.choose(&[
                "  # noqa",
                "  # noqa: CY001",
                "  # noqa: CY002, CY003",
                "  # noqa:CY004,E501",
                "  # noqa: CY100",
            ])?;
            format!("{line}{noqa}")
        } else {
            line
        };
        self.line(depth, &line);
        Ok(())
    }

    /// One line of the samples, with a body if it opens a block.
    fn splice_line(&mut self, u: &mut Unstructured<'_>, line: &str, depth: usize) -> Result<()> {
        self.line(depth, line);
        if line.trim_end().ends_with(':') && depth < 8 {
            self.block(u, depth + 1, 0)?;
        }
        Ok(())
    }

    /// A run of consecutive lines of one sample, re-based to `depth`.
    fn splice_run(&mut self, u: &mut Unstructured<'_>, depth: usize) -> Result<()> {
        let source = *u.choose(&fragments().sources)?;
        let lines: Vec<&str> = source.lines().collect();
        if lines.is_empty() {
            return Ok(());
        }
        let start = u.choose_index(lines.len())?;
        let length = u.int_in_range(1..=24)?;
        let run = &lines[start..(start + length).min(lines.len())];
        let base = run
            .iter()
            .filter(|line| !line.trim().is_empty())
            .map(|line| line.len() - line.trim_start().len())
            .min()
            .unwrap_or(0);
        for line in run {
            let line = line.get(base..).unwrap_or_else(|| line.trim_start());
            let _ = writeln!(self.out, "{}{line}", "    ".repeat(depth));
        }
        self.budget = self.budget.saturating_sub(run.len() as u32);
        Ok(())
    }

    fn line(&mut self, depth: usize, text: &str) {
        let _ = writeln!(self.out, "{}{text}", "    ".repeat(depth));
    }
}
