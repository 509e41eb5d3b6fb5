fn main() {
    let src_dir = std::path::Path::new("src");
    let mut build = cc::Build::new();
    build
        .std("c11")
        .include(src_dir)
        // The generated parser is large; warnings in it are tree-sitter's, not ours.
        .warnings(false)
        .file(src_dir.join("parser.c"))
        .file(src_dir.join("scanner.c"));
    build.compile("tree-sitter-cython");
    for file in ["parser.c", "scanner.c", "tree_sitter/parser.h"] {
        println!("cargo:rerun-if-changed=src/{file}");
    }
}
