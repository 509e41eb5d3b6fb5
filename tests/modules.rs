//! The module model of `cysafe check`: a cimport resolves to the module of the linted
//! tree it names from the file's own package, a `.pxd` and its `.pyx` are one module, an
//! included `.pxi` sees the cimports of the file that includes it, and summaries go
//! across any number of modules.

mod common;

use common::Project;

const MALLOC_UTILS: &str = "from libc.stdlib cimport malloc\n\
    cdef char* make(size_t n):\n    return <char*> malloc(n)\n";
const PYMEM_UTILS: &str = "from cpython.mem cimport PyMem_Malloc\n\
    cdef char* make(size_t n):\n    return <char*> PyMem_Malloc(n)\n";
/// Releases what `make` gives with PyMem_Free, after checking it.
const PYMEM_MAIN: &str = "from cpython.mem cimport PyMem_Free\n\
    from .utils cimport make\n\
    def f(size_t n):\n    cdef char* p = make(n)\n    if p == NULL:\n        raise MemoryError()\n    PyMem_Free(p)\n";
/// Uses what `make` gives without checking it.
const UNCHECKED_USE: &str = "def f(size_t n):\n    cdef char* p = make(n)\n    p[0] = 0\n";

/// The concise lines of `cysafe check .` in the project, and its exit code.
fn check(project: &Project) -> (Vec<String>, Option<i32>) {
    let run = project.run(&["check", "--output-format", "concise", "--quiet", "."]);
    assert_eq!(run.stderr, "");
    (run.stdout.lines().map(str::to_string).collect(), run.code)
}

#[test]
fn a_relative_cimport_means_the_module_of_the_files_own_package() {
    let project = Project::new();
    project.write("a/utils.pyx", MALLOC_UTILS);
    project.write("b/utils.pyx", PYMEM_UTILS);
    project.write("b/main.pyx", PYMEM_MAIN);
    // The same code next to the libc `make` is a real mismatch.
    project.write("a/main.pyx", PYMEM_MAIN);
    assert_eq!(
        check(&project),
        (
            vec![
                "./a/main.pyx:7:5: CY002 `p` holds a block from `make` (libc) but is released \
                 with `PyMem_Free` (PyMem)"
                    .to_string()
            ],
            Some(1)
        )
    );
}

#[test]
fn summaries_go_up_a_chain_of_three_modules() {
    let project = Project::new();
    project.write("pkg/low.pxd", "cdef char* make(size_t n)\n");
    project.write("pkg/low.pyx", MALLOC_UTILS);
    project.write("pkg/mid.pxd", "cdef char* make_mid(size_t n)\n");
    project.write(
        "pkg/mid.pyx",
        "from .low cimport make\ncdef char* make_mid(size_t n):\n    return make(n)\n",
    );
    project.write(
        "pkg/top.pyx",
        "from pkg.mid cimport make_mid\n\
         def f(size_t n):\n    cdef char* p = make_mid(n)\n    p[0] = 0\n",
    );
    project.write("pkg/__init__.py", "");
    assert_eq!(
        check(&project),
        (
            vec![
                "./pkg/top.pyx:3:20: CY001 the block from `make_mid` is used before it is \
                 checked for NULL"
                    .to_string(),
                "./pkg/top.pyx:3:20: CY007 `p` leaks: the block from `make_mid` is neither \
                 freed nor handed off on some path"
                    .to_string()
            ],
            Some(1)
        )
    );
}

#[test]
fn an_included_pxi_sees_the_cimports_of_the_file_that_includes_it() {
    let project = Project::new();
    project.write("pkg/utils.pyx", MALLOC_UTILS);
    project.write(
        "pkg/main.pyx",
        "from .utils cimport make\ninclude \"parts/uses.pxi\"\n",
    );
    project.write("pkg/parts/uses.pxi", UNCHECKED_USE);
    assert_eq!(
        check(&project),
        (
            vec![
                "./pkg/parts/uses.pxi:2:20: CY001 the block from `make` is used before it is \
                 checked for NULL"
                    .to_string(),
                "./pkg/parts/uses.pxi:2:20: CY007 `p` leaks: the block from `make` is neither \
                 freed nor handed off on some path"
                    .to_string()
            ],
            Some(1)
        )
    );
}

#[test]
fn a_pyx_sees_the_cimports_of_its_pxd() {
    let project = Project::new();
    project.write("a/utils.pyx", PYMEM_UTILS);
    project.write("b/utils.pyx", MALLOC_UTILS);
    project.write("b/main.pxd", "from .utils cimport make\n");
    project.write("b/main.pyx", UNCHECKED_USE);
    assert_eq!(
        check(&project),
        (
            vec![
                "./b/main.pyx:2:20: CY001 the block from `make` is used before it is checked \
                 for NULL"
                    .to_string(),
                "./b/main.pyx:2:20: CY007 `p` leaks: the block from `make` is neither freed \
                 nor handed off on some path"
                    .to_string()
            ],
            Some(1)
        )
    );
}

#[test]
fn an_ambiguous_absolute_cimport_resolves_to_no_module() {
    let project = Project::new();
    project.write("a/utils.pyx", MALLOC_UTILS);
    project.write("b/utils.pyx", PYMEM_UTILS);
    project.write(
        "c/main.pyx",
        "from cpython.mem cimport PyMem_Free\nfrom utils cimport make\n\
         def f(size_t n):\n    cdef char* p = make(n)\n    PyMem_Free(p)\n",
    );
    assert_eq!(check(&project), (vec![], Some(0)));
}

#[test]
fn a_base_class_declared_in_a_pxd_is_known_by_its_pyx_definition() {
    let project = Project::new();
    project.write("pkg/base.pxd", "cdef class Base:\n    cdef double* data\n");
    project.write(
        "pkg/base.pyx",
        "from libc.stdlib cimport free\n\
         cdef class Base:\n    def __dealloc__(self):\n        free(self.data)\n",
    );
    project.write(
        "pkg/child.pyx",
        "from libc.stdlib cimport malloc\nfrom .base cimport Base\n\
         cdef class Child(Base):\n    def __cinit__(self, size_t n):\n\
         \x20       self.data = <double*> malloc(n)\n        if self.data == NULL:\n\
         \x20           raise MemoryError()\n",
    );
    assert_eq!(check(&project), (vec![], Some(0)));
}

#[test]
fn a_release_method_inherited_from_a_cimported_base_class_is_resolved() {
    let project = Project::new();
    project.write("pkg/__init__.py", "");
    project.write(
        "pkg/base.pxd",
        "cdef class Resource:\n    cdef char* buf\n    cdef void _release(self) noexcept\n",
    );
    project.write(
        "pkg/base.pyx",
        "from libc.stdlib cimport free\n\
         cdef class Resource:\n    cdef void _release(self) noexcept:\n\
         \x20       free(self.buf)\n        self.buf = NULL\n",
    );
    // `Blob` fills the base's `buf`, which the inherited `_release` frees; `Table`'s own
    // `rows` is freed by nobody.
    project.write(
        "pkg/child.pyx",
        "from libc.stdlib cimport malloc\nfrom pkg.base cimport Resource\n\
         cdef class Blob(Resource):\n    def __cinit__(self, size_t n):\n\
         \x20       self.buf = <char*> malloc(n)\n        if self.buf == NULL:\n\
         \x20           raise MemoryError()\n    def __dealloc__(self):\n\
         \x20       self._release()\n\
         cdef class Table(Resource):\n    cdef double* rows\n\
         \x20   def __cinit__(self, size_t n):\n\
         \x20       self.rows = <double*> malloc(n * sizeof(double))\n\
         \x20       if self.rows == NULL:\n            raise MemoryError()\n\
         \x20   def __dealloc__(self):\n        self._release()\n",
    );
    assert_eq!(
        check(&project),
        (
            vec![
                "./pkg/child.pyx:13:31: CY004 `self.rows` receives a block from `malloc` but \
                 `__dealloc__` does not free it on every path"
                    .to_string()
            ],
            Some(1)
        )
    );
}

#[test]
fn a_cycle_of_cimports_is_analyzed_again_until_what_it_exports_settles() {
    // pong's `make` allocates; ping's `wrap` returns what `make` gives, so it is known
    // to allocate only once pong's exports are; pong's `g` uses what `wrap` gives, known
    // only once ping's are: three rounds, each lowering again what the last one did not
    // know was interesting.
    let project = Project::new();
    project.write(
        "pong.pyx",
        "from libc.stdlib cimport malloc\nfrom .ping cimport wrap\n\
         cdef char* make(size_t n):\n    return <char*> malloc(n)\n\
         def g(size_t n):\n    cdef char* p = wrap(n)\n    p[0] = 0\n",
    );
    project.write(
        "ping.pyx",
        "from .pong cimport make\ncdef char* wrap(size_t n):\n    return make(n)\n",
    );
    assert_eq!(
        check(&project),
        (
            vec![
                "./pong.pyx:6:20: CY001 the block from `wrap` is used before it is \
                 checked for NULL"
                    .to_string(),
                "./pong.pyx:6:20: CY007 `p` leaks: the block from `wrap` is neither \
                 freed nor handed off on some path"
                    .to_string()
            ],
            Some(1)
        )
    );
}

#[test]
fn a_module_imported_by_from_dot_cimport_is_called_through_its_name() {
    let project = Project::new();
    project.write("pkg/__init__.py", "");
    project.write("pkg/alloc.pxd", "cdef char* make(size_t n)\n");
    project.write("pkg/alloc.pyx", MALLOC_UTILS);
    for (name, cimport) in [
        ("relative", "from . cimport alloc"),
        ("absolute", "from pkg cimport alloc"),
    ] {
        project.write(
            &format!("pkg/{name}.pyx"),
            format!(
                "{cimport}\nfrom cpython.mem cimport PyMem_Free\n\
                 def f(size_t n):\n    cdef char* p = alloc.make(n)\n    if p == NULL:\n        \
                 raise MemoryError()\n    PyMem_Free(p)\n"
            ),
        );
    }
    let mismatch = |name: &str| {
        format!(
            "./pkg/{name}.pyx:7:5: CY002 `p` holds a block from `make` (libc) but is released \
             with `PyMem_Free` (PyMem)"
        )
    };
    assert_eq!(
        check(&project),
        (vec![mismatch("absolute"), mismatch("relative")], Some(1))
    );
}

#[test]
fn a_named_file_knows_the_modules_it_cimports_from_disk_and_only_it_is_reported() {
    let project = Project::new();
    project.write("xm/__init__.py", "");
    project.write(
        "xm/alloc.pxd",
        "cdef char* make(size_t n)\ncdef void drop(char* p)\n",
    );
    project.write(
        "xm/alloc.pyx",
        "from libc.stdlib cimport malloc, free\n\
         cdef char* make(size_t n):\n    return <char*> malloc(n)\n\
         cdef void drop(char* p):\n    free(p)\n\
         def leaks(size_t n):\n    cdef char* p = <char*> malloc(n)\n    p[0] = 0\n",
    );
    // A module it cimports that does not parse, and one that cannot be read, are context
    // only: they never fail the run.
    project.write("xm/broken.pyx", "def f(:\n");
    project.write("xm/latin.pyx", b"# caf\xe9\n".as_slice());
    project.write(
        "xm/user.pyx",
        "from xm.alloc cimport make, drop\nfrom .broken cimport g\ncimport xm.latin\n\
         def f(size_t n):\n    cdef char* p = make(n)\n    if p == NULL:\n        \
         raise MemoryError()\n    drop(p)\n    return p[0]\n",
    );
    let run = project.run(&[
        "check",
        "--output-format",
        "concise",
        "--quiet",
        "xm/user.pyx",
    ]);
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "xm/user.pyx:9:12: CY006 `p` is read through after its block was freed\n"
    );
    assert_eq!(run.code, Some(1));
}

/// A helper with its body, returning a libc block it writes to unchecked (CY001, in the
/// file that defines it).
const INLINE_DUP: &str = "from libc.stdlib cimport malloc\n\
    cdef inline char* dup(size_t n) noexcept nogil:\n    cdef char* p = <char*> malloc(n)\n    \
    p[0] = 0\n    return p\n";
/// Calls `dup` by its bare name: a leak on `return 0`, and a release by the wrong family.
const CALLS_DUP: &str = "from cpython.mem cimport PyMem_Free\n\
    def f(size_t n):\n    cdef char* s = dup(n)\n    if s == NULL:\n        \
    raise MemoryError()\n    if n > 3:\n        return 0\n    PyMem_Free(s)\n";
/// `CALLS_DUP`'s two diagnostics, `lines` lines below the top of the file.
fn calls_dup_diagnostics(path: &str, lines: usize) -> Vec<String> {
    vec![
        format!(
            "./{path}:{}:20: CY007 `s` leaks: the block from `dup` is neither freed nor \
             handed off on some path",
            3 + lines
        ),
        format!(
            "./{path}:{}:5: CY002 `s` holds a block from `dup` (libc) but is released with \
             `PyMem_Free` (PyMem)",
            8 + lines
        ),
    ]
}
/// The unchecked write inside `INLINE_DUP`, at the top of `path`.
fn inline_dup_diagnostic(path: &str) -> String {
    format!("./{path}:3:28: CY001 the block from `malloc` is used before it is checked for NULL")
}

#[test]
fn a_pyx_calls_the_inline_helpers_of_its_own_pxd() {
    let project = Project::new();
    // The .pxd also declares a class whose `__dealloc__` is in the .pyx: it is still
    // checked against that half (no CY004), and its helper's CY001 is reported once.
    project.write(
        "m.pxd",
        format!("{INLINE_DUP}cdef class Holder:\n    cdef char* data\n"),
    );
    project.write(
        "m.pyx",
        format!(
            "{CALLS_DUP}from libc.stdlib cimport free\ncdef class Holder:\n    \
             def __cinit__(self, size_t n):\n        self.data = dup(n)\n    \
             def __dealloc__(self):\n        free(self.data)\n"
        ),
    );
    let mut expected = vec![inline_dup_diagnostic("m.pxd")];
    expected.extend(calls_dup_diagnostics("m.pyx", 0));
    assert_eq!(check(&project), (expected, Some(1)));
}

#[test]
fn a_pyx_calls_the_helpers_of_the_pxi_it_includes() {
    let project = Project::new();
    project.write("helpers.pxi", INLINE_DUP);
    project.write("m.pyx", format!("include \"helpers.pxi\"\n{CALLS_DUP}"));
    // The same calls of a name no file of the module defines stay unknown.
    project.write("n.pyx", CALLS_DUP);
    // A second module including the same `.pxi` knows its helpers too; the helper's own
    // CY001 is reported once, at the `.pxi`.
    project.write(
        "sub/o.pyx",
        format!("include \"../helpers.pxi\"\n{CALLS_DUP}"),
    );
    let mut expected = vec![inline_dup_diagnostic("helpers.pxi")];
    expected.extend(calls_dup_diagnostics("m.pyx", 1));
    expected.extend(calls_dup_diagnostics("sub/o.pyx", 1));
    assert_eq!(check(&project), (expected, Some(1)));
}
