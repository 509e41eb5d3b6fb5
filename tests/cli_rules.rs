//! The command line with the real rules: configuration reaching the analysis,
//! suppressions by code, and related sites in the output.

mod common;

use common::Project;

const SIG_FREED_BY_FREE: &str = "\
import cython
from cython.cimports.cysignals.memory import sig_malloc, sig_free
from cython.cimports.libc.stdlib import free


def f(n: cython.size_t):
    p: cython.p_double = cython.cast(cython.p_double, sig_malloc(n))
    if not p:
        raise MemoryError()
    free(p)
";

const REALLOC_OVERWRITE: &str = "\
import cython
from cython.cimports.libc.stdlib import malloc, realloc, free


def grow(n: cython.size_t):
    p: cython.p_char = cython.cast(cython.p_char, malloc(n))
    if not p:
        raise MemoryError()
    p = cython.cast(cython.p_char, realloc(p, 2 * n))
    free(p)
";

fn concise(project: &Project, args: &[&str]) -> common::Run {
    let mut all = vec!["check", "--output-format", "concise", "-q"];
    all.extend_from_slice(args);
    project.run(&all)
}

#[test]
fn configured_allocator_families_reach_the_analysis() {
    let project = Project::new();
    project.write("m.py", SIG_FREED_BY_FREE);
    let without = concise(&project, &["."]);
    assert_eq!((without.code, without.stdout.as_str()), (Some(0), ""));
    project.write(
        "pyproject.toml",
        r#"[[tool.cysafe.allocators]]
name = "cysignals"
allocators = ["sig_malloc"]
reallocators = ["sig_realloc"]
deallocators = ["sig_free"]
"#,
    );
    let with = concise(&project, &["."]);
    assert_eq!(with.code, Some(1));
    assert_eq!(
        with.stdout,
        "./m.py:10:5: CY002 `p` holds a block from `sig_malloc` (cysignals) but is released with `free` (libc)\n"
    );
}

#[test]
fn noqa_with_the_rule_code_suppresses_only_that_rule() {
    let project = Project::new();
    let line = "    p = cython.cast(cython.p_char, realloc(p, 2 * n))";
    project.write("plain.py", REALLOC_OVERWRITE);
    project.write(
        "coded.py",
        REALLOC_OVERWRITE.replace(line, &format!("{line}  # noqa: CY003")),
    );
    project.write(
        "other.py",
        REALLOC_OVERWRITE.replace(line, &format!("{line}  # noqa: CY001, CY002")),
    );
    let run = concise(&project, &["."]);
    let expected = "CY003 `p` is overwritten by `realloc(p, ...)`: the old block leaks if it fails";
    assert_eq!(
        run.stdout,
        format!("./other.py:9:5: {expected}\n./plain.py:9:5: {expected}\n")
    );
}

#[test]
fn json_carries_related_sites() {
    let project = Project::new();
    project.write("m.py", REALLOC_OVERWRITE);
    let run = project.run(&["check", "--output-format", "json", "m.py"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value.as_array().unwrap().len(), 1);
    assert_eq!(value[0]["code"], "CY003");
    assert_eq!(value[0]["name"], "realloc-overwrite");
    assert_eq!(
        value[0]["location"],
        serde_json::json!({"row": 9, "column": 5})
    );
    assert_eq!(
        value[0]["related"],
        serde_json::json!([{
            "filename": "m.py",
            "location": {"row": 6, "column": 51},
            "end_location": {"row": 6, "column": 60},
            "message": "allocated here"
        }])
    );
}

#[test]
fn per_file_ignores_and_selection_apply_to_real_rules() {
    let project = Project::new();
    project.write("src/m.py", REALLOC_OVERWRITE);
    project.write("tests/t.py", REALLOC_OVERWRITE);
    project.write(
        "cysafe.toml",
        "per-file-ignores = { \"tests/*\" = [\"CY003\"] }\n",
    );
    let run = concise(&project, &["."]);
    assert_eq!(run.stdout.lines().count(), 1);
    assert!(run.stdout.starts_with("./src/m.py:9:5: CY003 "));
    let selected = concise(&project, &["--select", "CY001,CY002", "."]);
    assert_eq!((selected.code, selected.stdout.as_str()), (Some(0), ""));
}

#[test]
fn rule_prints_a_real_rules_documentation() {
    let run = Project::new().run(&["rule", "realloc-overwrite"]);
    assert_eq!(run.code, Some(0));
    assert_eq!(
        run.stdout,
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules/CY003.md"))
            .unwrap()
            + "\nDocumentation: https://github.com/cysafe/cysafe/blob/main/docs/rules/CY003.md\n"
    );
}

#[test]
fn unused_noqa_codes_are_reported_when_selected() {
    let project = Project::new();
    let line = "    p = cython.cast(cython.p_char, realloc(p, 2 * n))";
    project.write(
        "m.py",
        REALLOC_OVERWRITE
            .replace(line, &format!("{line}  # noqa: CY003"))
            .replace("    free(p)", "    free(p)  # noqa: CY002, E501"),
    );
    let default = concise(&project, &["."]);
    assert_eq!((default.code, default.stdout.as_str()), (Some(0), ""));
    let selected = concise(&project, &["--extend-select", "CY100", "."]);
    assert_eq!(selected.code, Some(1));
    assert_eq!(
        selected.stdout,
        "./m.py:10:14: CY100 unused `noqa` code `CY002`: nothing on this line is reported as it\n"
    );
}

#[test]
fn helpers_cimported_from_another_module_of_the_tree_are_summarized() {
    let project = Project::new();
    project.write(
        "pkg/buffers.pyx",
        "\
from libc.stdlib cimport malloc, free

cdef int* make_buffer(size_t n):
    cdef int* p = <int*>malloc(n * sizeof(int))
    return p
",
    );
    project.write("pkg/buffers.pxd", "cdef int* make_buffer(size_t n)\n");
    project.write(
        "pkg/user.pyx",
        "\
from cpython.mem cimport PyMem_Free
from pkg.buffers cimport make_buffer

def fill(size_t n):
    cdef int* data = make_buffer(n)
    data[0] = 1
    PyMem_Free(data)
",
    );
    let run = concise(&project, &["."]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "./pkg/user.pyx:5:22: CY001 the block from `make_buffer` is used before it is checked for NULL\n\
         ./pkg/user.pyx:7:5: CY002 `data` holds a block from `make_buffer` (libc) but is released with `PyMem_Free` (PyMem)\n"
    );
    // Checked alone, the user file cannot know what `make_buffer` returns.
    let alone = concise(&project, &["pkg/user.pyx"]);
    assert_eq!((alone.code, alone.stdout.as_str()), (Some(0), ""));
}

#[test]
fn base_classes_cimported_from_another_module_of_the_tree_are_known() {
    let project = Project::new();
    project.write(
        "pkg/bases.pxd",
        "\
cdef class Owning:
    cdef double* data

cdef class Forgetful:
    cdef double* data
",
    );
    project.write(
        "pkg/bases.pyx",
        "\
from libc.stdlib cimport free

cdef class Owning:
    def __dealloc__(self):
        free(self.data)

cdef class Forgetful:
    def __dealloc__(self):
        pass
",
    );
    project.write(
        "pkg/children.pyx",
        "\
from libc.stdlib cimport malloc
from pkg.bases cimport Owning, Forgetful

cdef class FreedByBase(Owning):
    def __cinit__(self, size_t n):
        self.data = <double*>malloc(n * sizeof(double))
        if self.data == NULL:
            raise MemoryError()

cdef class Leaks(Forgetful):
    def __cinit__(self, size_t n):
        self.data = <double*>malloc(n * sizeof(double))
        if self.data == NULL:
            raise MemoryError()
",
    );
    let run = concise(&project, &["."]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "./pkg/children.pyx:12:30: CY004 `self.data` receives a block from `malloc` but the `__dealloc__` of `Leaks`'s base class does not free it\n"
    );
    // Alone, the bases are out of sight: nothing is reported rather than a guess.
    let alone = concise(&project, &["pkg/children.pyx"]);
    assert_eq!((alone.code, alone.stdout.as_str()), (Some(0), ""));
}
