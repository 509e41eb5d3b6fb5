fn main() {
    let src_dir = std::path::Path::new("src");

    // The generated parser is tree-sitter's code: its warnings are not ours to fix.
    cc::Build::new()
        .std("c11")
        .include(src_dir)
        .warnings(false)
        .file(src_dir.join("parser.c"))
        .compile("tree-sitter-cython-parser");

    // The external scanner is ours: every warning it gets is shown, and fixed.
    let mut scanner = cc::Build::new();
    scanner
        .std("c11")
        .include(src_dir)
        .warnings(true)
        .extra_warnings(true);
    for flag in [
        "-Wpedantic",
        "-Wshadow",
        "-Wconversion",
        "-Wsign-conversion",
        "-Wstrict-prototypes",
        "-Wmissing-prototypes",
        "-Wundef",
    ] {
        scanner.flag_if_supported(flag);
    }
    scanner
        .file(src_dir.join("scanner.c"))
        .compile("tree-sitter-cython-scanner");

    for file in [
        "parser.c",
        "scanner.c",
        "tree_sitter/parser.h",
        "tree_sitter/array.h",
    ] {
        println!("cargo:rerun-if-changed=src/{file}");
    }
}
