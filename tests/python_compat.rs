//! Python code in a .pyx file must parse into exactly the tree tree-sitter-python gives
//! it: the Cython grammar only adds to Python. (Deliberate differences: `sizeof(...)`,
//! backquotes, and raw strings ending in an escaped character, where our scanner keeps
//! the content that tree-sitter-python's folds into the closing quote.)

use cysafe::parse::{parse, to_sexp, Dialect};

const PYTHON: &[&str] = &[
    "import os.path as p, sys\nfrom . import x\nfrom .a.b import (c, d as e,)\nfrom m import *\n",
    "@decorator(arg)\n@other\nclass C(Base, metaclass=M):\n    x: int = 0\n    def f(self, /, a, *args, b=1, **kw) -> 'C':\n        return super().f(*args, **kw)\n",
    "async def f():\n    async with a as b, c:\n        async for x in y:\n            await z\n",
    "match command.split():\n    case [action]:\n        pass\n    case [action, obj] if obj:\n        pass\n    case Point(x=0) | {'k': v, **rest}:\n        pass\n    case _:\n        pass\n",
    "if (n := len(a)) > 10:\n    print(f\"{n!r:>{width}} {{literal}} {a['k']}\")\nelif n:\n    pass\nelse:\n    pass\n",
    "try:\n    pass\nexcept* ValueError as e:\n    raise RuntimeError() from e\nelse:\n    pass\nfinally:\n    del a[1:2, ::3], b.c\n",
    "x = [i for i in range(10) if i % 2 for j in i]\ny = {k: v for k, v in d.items()}\nz = (lambda a, *b, c=1: a)(1)\n",
    "global g\nnonlocal n\nassert x, 'message'\nexec(code, globs)\nprint(a, file=sys.stderr)\n",
    "type Alias = list[int]\ntype = 1\nmatch = re.match(p, s)\nprint >> f, x\n",
    "s = b'\\x00' + rb'\\d' + u'text' + '''long\n'quoted' text''' + \"\\N{BULLET}\" + f'{x=}'\n",
    "a, *rest = items\nx = y if z else not w\nr = a < b <= c != d is not e not in f\nv = -x ** 2 // 3 @ m\n",
    "with (open(a) as f, open(b) as g):\n    pass\nwhile True:\n    break\nelse:\n    continue\n",
    "def f(self, signed=False, long=1, short=0, const=None, new=None, include=None, property=None):\n    return new\n",
];

#[test]
fn python_parses_as_tree_sitter_python_parses_it() {
    let mut differences = Vec::new();
    for text in PYTHON {
        let ours = to_sexp(parse(text, Dialect::Cython).root_node());
        let reference = to_sexp(parse(text, Dialect::PurePython).root_node());
        assert!(!reference.contains("ERROR"), "not valid Python: {text}");
        if ours != reference {
            differences.push(format!("{text}\n  python: {reference}\n  cython: {ours}"));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
