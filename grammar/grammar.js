/**
 * @file Cython grammar for tree-sitter, derived from tree-sitter-python.
 * @license MIT
 *
 * Python's rules stay as they are (same node names and fields); Cython adds C
 * declarations, cimports, casts and the other constructs listed in README.md.
 *
 * Two statement sets: Python blocks, where every C declaration starts with
 * `cdef`/`cpdef`/`ctypedef`, and C blocks (`cdef:`, `cdef extern from`, struct and
 * cppclass bodies), where the declarations stand alone.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const Python = require('tree-sitter-python/grammar');

const PREC = Python.PREC;

const PYTHON_KEYWORDS = [
  'False', 'await', 'else', 'import', 'pass',
  'None', 'break', 'except', 'in', 'raise',
  'True', 'class', 'finally', 'is', 'return',
  'and', 'continue', 'for', 'lambda', 'try',
  'as', 'def', 'from', 'nonlocal', 'while',
  'assert', 'del', 'global', 'not', 'with',
  'async', 'elif', 'if', 'or', 'yield',
];

module.exports = grammar(Python, {
  name: 'cython',

  // Python's keywords stay reserved; the words Cython adds are keywords only where a
  // Cython construct can use them, so `type`, `new`, `include`, `property` or `public`
  // remain ordinary names everywhere else.
  reserved: {
    global: _ => PYTHON_KEYWORDS.filter(word => word !== 'as'),
  },

  conflicts: ($, original) => original.concat([
    [$.list_splat_pattern, $.primary_expression, $.sizeof_expression],
    [$.primary_expression, $.sizeof_expression],
    [$.dictionary_splat_pattern, $.pointer_declarator],
    [$.list_splat_pattern, $.pointer_declarator],
    [$.keyword_separator, $.pointer_declarator],
    [$.pattern, $.primary_expression, $._c_scalar_type],
    [$.pattern, $._c_scalar_type],
    [$.primary_expression, $.template_parameters, $._c_scalar_type],
    [$.template_parameters, $._c_scalar_type],
    [$.primary_expression, $.template_type],
    [$.primary_expression, $._c_scalar_type],
    [$._c_function_head, $._c_scalar_type],
    [$.primary_expression, $.template_type, $.memoryview_type, $.array_type],
    [$.primary_expression, $._c_dotted_type],
    [$._c_declaration_type, $._c_type_inner],
    // `cdef T name[N]` (an array) or `cdef T name[U](...)` (a template function).
    [$.primary_expression, $.template_parameters],
    // `x: T[:]` (a memoryview annotation) is a subscript, `x: List[int]` a generic type;
    // only the text after `[` tells them apart.
    [$.primary_expression, $.generic_type],
  ]),

  inline: ($, original) => original.concat([
    $._c_type_name,
    $._cython_name,
    $._c_return_type,
  ]),

  rules: {
    // ---------------------------------------------------------------- statements

    _simple_statement: ($, original) => choice(
      original,
      $.cimport_statement,
      $.cimport_from_statement,
      $.include_statement,
      $.compile_time_definition,
    ),

    _compound_statement: ($, original) => choice(
      original,
      $.cdef_function,
      $.c_variable_declaration,
      $.cdef_class,
      $.cdef_block,
      $.extern_block,
      $.struct_declaration,
      $.enum_declaration,
      $.cppclass_declaration,
      $.ctypedef_statement,
      $.fused_type_declaration,
      $.property_block,
      $.compile_time_if,
      $.for_from_statement,
    ),

    decorated_definition: $ => seq(
      repeat1($.decorator),
      field('definition', choice(
        $.class_definition,
        $.function_definition,
        $.cdef_function,
        $.cdef_class,
      )),
    ),

    // `cimport a.b as c, d`
    cimport_statement: $ => seq('cimport', $._import_list),

    // `from a.b cimport x as y, z` / `from . cimport m` / `from a cimport *`
    cimport_from_statement: $ => seq(
      'from',
      field('module_name', choice($.relative_import, $.dotted_name)),
      'cimport',
      choice(
        $.wildcard_import,
        $._import_list,
        seq('(', $._import_list, ')'),
      ),
    ),

    // `include "x.pxi"`
    include_statement: $ => seq('include', field('path', $.string)),

    // `DEF X = 1`
    compile_time_definition: $ => seq(
      'DEF',
      field('name', $.identifier),
      '=',
      field('value', $.expression),
    ),

    // `IF cond:` ... `ELIF cond:` ... `ELSE:` ...
    compile_time_if: $ => seq(
      'IF',
      field('condition', $.expression),
      ':',
      field('consequence', $._suite),
      repeat(field('alternative', $.compile_time_elif_clause)),
      optional(field('alternative', $.compile_time_else_clause)),
    ),

    compile_time_elif_clause: $ => seq(
      'ELIF',
      field('condition', $.expression),
      ':',
      field('consequence', $._suite),
    ),

    compile_time_else_clause: $ => seq('ELSE', ':', field('body', $._suite)),

    // Pyrex's `for i from 0 <= i < n by 2:`
    for_from_statement: $ => seq(
      'for',
      choice(
        seq(field('left', $.identifier), 'from', field('range', $.expression)),
        field('range', alias($._for_from_range, $.comparison_operator)),
      ),
      optional(seq('by', field('step', $.expression))),
      ':',
      field('body', $._suite),
      optional(field('alternative', $.else_clause)),
    ),

    // Cython 3's `for 0 <= i < n:`; `in` is not among the operators, so
    // `for i in ...` stays a for_statement.
    _for_from_range: $ => seq(
      $.primary_expression,
      field('operators', choice('<', '<=', '>', '>=')),
      $.identifier,
      field('operators', choice('<', '<=', '>', '>=')),
      $.primary_expression,
    ),

    _comprehension_clauses: $ => seq(
      choice($.for_in_clause, $.for_from_clause),
      repeat(choice($.for_in_clause, $.for_from_clause, $.if_clause)),
    ),

    // `[x for i from 0 <= i < n]`
    for_from_clause: $ => seq(
      'for',
      field('left', $.identifier),
      'from',
      field('range', $.expression),
      optional(seq('by', field('step', $.expression))),
    ),

    // Old-style `property x:` with `__get__`/`__set__`/`__del__` inside.
    property_block: $ => seq(
      'property',
      field('name', $.identifier),
      ':',
      field('body', $._suite),
    ),

    // `cdef`/`cpdef` and the modifiers that may follow it.
    _cdef_prefix: $ => seq(choice('cdef', 'cpdef'), optional($._modifiers)),

    _modifiers: $ => repeat1(choice(
      field('visibility', $.visibility),
      'api',
      'inline',
    )),

    visibility: _ => choice('public', 'readonly', 'private'),

    // `cdef:` / `cdef public:` / `cdef nogil:` followed by an indented block of C
    // declarations.
    // `cdef nogil:` makes every function declared in the block nogil.
    cdef_block: $ => seq(
      $._cdef_prefix,
      optional('nogil'),
      ':',
      field('body', $._c_suite),
    ),

    // `cdef int* f(int n) except NULL nogil:` and prototypes without a body.
    cdef_function: $ => seq(
      $._cdef_prefix,
      optional('extern'),
      $._c_function_rest,
    ),

    _c_function_rest: $ => seq(
      $._c_function_head,
      choice(
        seq(':', field('body', $._suite)),
        $._c_declaration_end,
      ),
    ),

    _c_function_head: $ => choice(
      seq(
        optional(field('return_type', $._c_return_type)),
        optional($._calling_convention),
        field('name', choice($.identifier, $.operator_name)),
        optional(field('c_name', $.string)),
        optional(field('template_parameters', $.template_parameters)),
        field('parameters', $.parameters),
        repeat($._c_function_trait),
      ),
      // A function returning a function pointer, C's inside-out
      // `void (*signal(int sig, void (*handler)(int)))(int)`: the function's own name,
      // parameters and traits are inside the parentheses; `return_type`, the stars
      // before the name and `return_parameters` (with the traits after them) make the
      // type it returns, here `void (*)(int)`.
      seq(
        optional(field('return_type', $._c_return_type)),
        '(',
        optional($._calling_convention),
        $.pointer_declarator,
        field('name', $.identifier),
        optional(field('c_name', $.string)),
        field('parameters', $.parameters),
        repeat($._c_function_trait),
        ')',
        field('return_parameters', alias($.parameters, $.return_parameters)),
        repeat($._returned_function_trait),
      ),
    ),

    // The traits of a returned function pointer's type, not of the function itself.
    _returned_function_trait: $ => choice($.exception_spec, 'nogil', seq('with', 'gil')),

    // A return type without stars is the very symbol a variable's type is, so that after
    // `cdef T` the parser need not guess between the two before it sees the name.
    _c_return_type: $ => choice(
      $._c_declaration_type,
      alias($._c_pointer_return_type, $.c_type),
    ),

    _c_pointer_return_type: $ => $.pointer_type,

    // What follows a C function's parameters: `const` (C++ methods), the exception
    // specification, `nogil`, `with gil`, in any order real code writes them.
    _c_function_trait: $ => choice(
      field('exception', $.exception_spec),
      'nogil',
      seq('with', 'gil'),
      'const',
    ),

    // `except -1`, `except? -1`, `except *`, `except +`, `except +MemoryError`,
    // `noexcept`
    exception_spec: $ => prec(1, choice(
      'noexcept',
      seq('except', choice(
        seq('+', optional(field('value', choice(
          $.identifier,
          alias($._c_dotted_type, $.dotted_name),
          '*',
        )))),
        seq('?', field('value', $._exception_value)),
        '*',
        field('value', $._exception_value),
      )),
    )),

    _exception_value: $ => choice(
      $.integer,
      $.float,
      $.identifier,
      alias($._c_dotted_type, $.dotted_name),
      $.true,
      $.false,
      $.none,
      alias($._negative_value, $.unary_operator),
      alias($._exception_cast, $.cast_expression),
      $.string,
      $.parenthesized_expression,
    ),

    // `except <int*>-1`
    _exception_cast: $ => seq(
      '<',
      field('type', $.c_type),
      '>',
      field('value', choice($.integer, alias($._negative_number, $.unary_operator), $.identifier)),
    ),

    // `-1`, `-1.5e300`; in exception values also `-HUGE_VAL`, `-math.inf`.
    _negative_number: $ => seq(
      field('operator', '-'),
      field('argument', choice($.integer, $.float)),
    ),

    _negative_value: $ => seq(
      field('operator', '-'),
      field('argument', choice($.integer, $.float, $.identifier, alias($._c_dotted_type, $.dotted_name))),
    ),

    // `operator+`, `operator[]`, `operator()`, `operator bool`, ...
    operator_name: _ => seq('operator', choice(
      '+', '-', '*', '/', '%', '^', '&', '|', '~', '!', '=', '<', '>',
      '+=', '-=', '*=', '/=', '%=', '^=', '&=', '|=', '<<', '>>', '>>=', '<<=',
      '==', '!=', '<=', '>=', '&&', '||', '++', '--', ',', '->',
      seq('[', ']'),
      seq('(', ')'),
      'bool',
      'new',
      'delete',
    )),

    // `[T, U=*]` after a cppclass or C++ function name.
    template_parameters: $ => seq(
      '[',
      commaSep1(choice(
        $.identifier,
        seq($.identifier, '=', alias('*', $.default_placeholder)),
      )),
      optional(','),
      ']',
    ),

    // `cdef int* p = NULL, q`
    c_variable_declaration: $ => seq(
      $._cdef_prefix,
      optional('extern'),
      $._c_variable_rest,
    ),

    // Without a type the variables are Python objects: `cdef x = 5`, `cdef public args`.
    _c_variable_rest: $ => seq(
      optional(field('type', $._c_declaration_type)),
      commaSep1(field('declarator', $.c_declarator)),
      optional(','),
      $._c_declaration_end,
    ),

    _c_declaration_end: $ => seq(optional(';'), $._newline),

    // One declarator: pointer stars, the name, array sizes, an optional C name and an
    // optional initial value; or a parenthesized one, `(*name)(params) except -1 nogil`.
    c_declarator: $ => seq(
      choice(
        seq(optional($.pointer_declarator), field('name', $.identifier)),
        $._parenthesized_declarator,
      ),
      repeat($.array_declarator),
      optional(field('c_name', $.string)),
      optional(seq('=', field('value', $.expression))),
    ),

    // C's declarators in parentheses, as Cython reads them: a function pointer
    // `(*f)(int) nogil` (with `char* (*f)(...)`, the stars of the pointee's return type in
    // `return_pointer`), a calling convention `(__stdcall *f)(...)`, a pointer to an array
    // `(*rows)[3]`, a pointer alone `(*f)`; and, nested in `declarator`, a declarator of
    // its own: `(*(*f)(int))(double)` is a pointer to a function returning a function
    // pointer.
    _parenthesized_declarator: $ => seq(
      optional(field('return_pointer', $.pointer_declarator)),
      $._nested_declarator,
    ),

    _nested_declarator: $ => parenthesizedDeclarator(
      $,
      alias($._nested_declarator, $.c_declarator),
    ),

    // `ctypedef` may also name a function type: `ctypedef int callback(int) nogil`,
    // `ctypedef void (*handler_getter(int))(int)`.
    _c_typedef_declarator: $ => alias($._c_typedef_declarator_body, $.c_declarator),

    _c_typedef_declarator_body: $ => seq(
      choice(
        seq(optional($.pointer_declarator), field('name', $.identifier)),
        $._function_type_declarator,
        $._typedef_parenthesized_declarator,
      ),
      repeat($.array_declarator),
      optional(field('c_name', $.string)),
    ),

    _function_type_declarator: $ => seq(
      optional($.pointer_declarator),
      $._function_type_name,
    ),

    _function_type_name: $ => seq(
      field('name', $.identifier),
      optional(field('c_name', $.string)),
      field('parameters', $.parameters),
      repeat($._c_function_trait),
    ),

    _typedef_parenthesized_declarator: $ => seq(
      optional(field('return_pointer', $.pointer_declarator)),
      $._typedef_nested_declarator,
    ),

    _typedef_nested_declarator: $ => parenthesizedDeclarator(
      $,
      choice(
        alias($._typedef_nested_declarator, $.c_declarator),
        alias($._function_type_name, $.c_declarator),
      ),
    ),

    _calling_convention: _ => choice('__stdcall', '__cdecl', '__fastcall'),

    pointer_declarator: $ => prec.right(repeat1(seq(
      choice('*', '**', '&', '&&'),
      repeat($._type_qualifier),
    ))),

    array_declarator: $ => seq('[', optional(field('size', $.expression)), ']'),

    // `ctypedef T name` / `ctypedef int (*cb)(int) noexcept nogil`
    ctypedef_statement: $ => seq(
      'ctypedef',
      optional($._modifiers),
      field('type', $._c_declaration_type),
      commaSep1(field('declarator', $._c_typedef_declarator)),
      $._c_declaration_end,
    ),

    // `ctypedef fused floating:` followed by one type per line.
    fused_type_declaration: $ => seq(
      choice('ctypedef', 'cdef'),
      'fused',
      field('name', $.identifier),
      ':',
      field('body', alias($._fused_block, $.block)),
    ),

    _fused_block: $ => choice(
      seq($._indent, repeat(choice(
        seq($.c_type, $._c_declaration_end),
        $._c_passive_line,
      )), $._dedent),
      seq(commaSep1($.c_type), $._c_declaration_end),
    ),

    // `cdef class X(Base):`, `cdef public class X [object XObject, type XType]:`,
    // `ctypedef class numpy.dtype [object PyArray_Descr]:`
    cdef_class: $ => seq(
      choice($._cdef_prefix, seq('ctypedef', optional($._modifiers))),
      optional('extern'),
      $._cdef_class_rest,
    ),

    // Cython's order: the name (dotted, for a type declared by another module, which may
    // then be renamed with `as`), the bases, then the name options.
    _cdef_class_rest: $ => seq(
      'class',
      choice(
        field('name', $.identifier),
        seq(
          field('name', alias($._c_dotted_type, $.dotted_name)),
          optional(seq('as', field('alias', $.identifier))),
        ),
      ),
      optional(field('superclasses', $.argument_list)),
      optional(field('options', $.class_options)),
      choice(
        seq(':', field('body', $._suite)),
        $._c_declaration_end,
      ),
    ),

    // `[object PyFooObject, type PyFooType, check_size ignore]`, in any order, on as many
    // lines as the brackets hold.
    class_options: $ => seq(
      '[',
      optional(seq(
        commaSep1(choice(
          seq('object', field('object', $.identifier)),
          seq('type', field('type', $.identifier)),
          seq('check_size', field('check_size', $.identifier)),
        )),
        optional(','),
      )),
      ']',
    ),

    // `cdef extern from "h.h" namespace "ns" nogil:` / `cdef extern from *:`
    extern_block: $ => seq(
      $._cdef_prefix,
      'extern',
      optional(seq('from', choice(field('header', $.string), '*'))),
      optional(seq('namespace', field('namespace', $.string))),
      optional('nogil'),
      ':',
      field('body', $._c_suite),
    ),

    // `cdef struct S:` / `cdef packed struct` / `cdef union U:` / `ctypedef struct S:`
    struct_declaration: $ => seq(
      choice($._cdef_prefix, seq('ctypedef', optional($._modifiers))),
      $._struct_rest,
    ),

    _struct_rest: $ => seq(
      optional('packed'),
      choice('struct', 'union'),
      field('name', $.identifier),
      optional(field('c_name', $.string)),
      choice(
        seq(':', field('body', $._c_suite)),
        $._c_declaration_end,
      ),
    ),

    // `cdef enum E:` / `cpdef enum E:` / `cdef enum:` / `ctypedef enum E:` /
    // `cpdef enum class E:`
    enum_declaration: $ => seq(
      choice($._cdef_prefix, seq('ctypedef', optional($._modifiers))),
      $._enum_rest,
    ),

    // A C++ scoped enum (`enum class` / `enum struct`) must be named and alone may
    // give its underlying type, `cdef enum class Color(int):`.
    _enum_rest: $ => prec(1, seq(
      'enum',
      choice(
        seq(
          optional(field('name', $.identifier)),
          optional(field('c_name', $.string)),
        ),
        seq(
          choice('class', 'struct'),
          field('name', $.identifier),
          optional(field('c_name', $.string)),
          optional(seq('(', field('base', $.c_type), ')')),
        ),
      ),
      choice(
        seq(':', field('body', alias($._enum_suite, $.block))),
        $._c_declaration_end,
      ),
    )),

    _enum_suite: $ => choice(
      seq($._indent, repeat(choice($._enumerator_line, $._c_passive_line)), $._dedent),
      $._enumerator_line,
      $._c_passive_line,
    ),

    _enumerator_line: $ => seq(
      commaSep1($.enumerator),
      optional(','),
      $._c_declaration_end,
    ),

    enumerator: $ => seq(
      field('name', $._cython_name),
      optional(field('c_name', $.string)),
      optional(seq('=', field('value', $.expression))),
    ),

    // `cdef cppclass X[T](Base) nogil:`
    cppclass_declaration: $ => seq(
      $._cdef_prefix,
      optional('extern'),
      $._cppclass_rest,
    ),

    _cppclass_rest: $ => seq(
      'cppclass',
      field('name', $.identifier),
      optional(field('c_name', $.string)),
      optional(field('template_parameters', $.template_parameters)),
      optional(field('superclasses', $.argument_list)),
      optional('nogil'),
      choice(
        seq(':', field('body', $._c_suite)),
        $._c_declaration_end,
      ),
    ),

    // ------------------------------------------------------------- C blocks

    _c_suite: $ => choice(
      seq($._indent, alias($._c_block, $.block)),
      alias($._c_statement, $.block),
      alias($._newline, $.block),
    ),

    _c_block: $ => seq(repeat($._c_statement), $._dedent),

    // Inside C blocks declarations stand alone; a repeated `cdef` is allowed.
    _c_member_prefix: $ => repeat1(choice('cdef', 'cpdef', 'extern', 'api', 'inline',
      field('visibility', $.visibility))),

    // (Each C-block variant is its own hidden rule: tree-sitter aliases a rule symbol
    // as one node, but would alias each element of a bare seq separately.)
    _c_statement: $ => choice(
      alias($._c_member_variable, $.c_variable_declaration),
      alias($._c_member_function, $.cdef_function),
      alias($._c_member_struct, $.struct_declaration),
      alias($._c_member_enum, $.enum_declaration),
      alias($._c_member_cppclass, $.cppclass_declaration),
      alias($._c_member_class, $.cdef_class),
      $.ctypedef_statement,
      $.fused_type_declaration,
      alias($._c_decorated_function, $.decorated_definition),
      $.compile_time_if,
      seq($.compile_time_definition, $._c_declaration_end),
      seq($.include_statement, $._c_declaration_end),
      $._c_passive_line,
    ),

    _c_member_variable: $ => seq(optional($._c_member_prefix), $._c_variable_rest),
    _c_member_function: $ => seq(optional($._c_member_prefix), $._c_function_rest),
    _c_member_struct: $ => seq(
      optional(choice($._c_member_prefix, seq('ctypedef', optional($._modifiers)))),
      $._struct_rest,
    ),
    _c_member_enum: $ => seq(
      optional(choice($._c_member_prefix, seq('ctypedef', optional($._modifiers)))),
      $._enum_rest,
    ),
    _c_member_cppclass: $ => seq(optional($._c_member_prefix), $._cppclass_rest),
    _c_member_class: $ => seq(
      optional(choice(
        $._c_member_prefix,
        seq('ctypedef', optional($._modifiers), optional('extern')),
      )),
      $._cdef_class_rest,
    ),

    _c_decorated_function: $ => seq(
      repeat1($.decorator),
      field('definition', alias($._c_member_function, $.cdef_function)),
    ),

    // `pass` and docstrings (`cdef extern from *:` may hold verbatim C code as one).
    _c_passive_line: $ => seq(
      choice(
        $.pass_statement,
        alias($._c_docstring, $.expression_statement),
      ),
      $._c_declaration_end,
    ),

    _c_docstring: $ => choice($.string, $.concatenated_string),

    // ---------------------------------------------------------------- C types

    // The type in front of declarators: pointer stars belong to each declarator,
    // as in C (`cdef int *a, b` declares one pointer and one int).
    _c_declaration_type: $ => alias($._c_plain_type, $.c_type),

    // A complete type, stars included: return types, parameters, casts, template
    // arguments.
    c_type: $ => $._c_type_inner,

    _c_type_inner: $ => choice(
      $._c_plain_type,
      $.pointer_type,
    ),

    pointer_type: $ => prec.left(seq(
      field('type', $._c_type_inner),
      choice('*', '**', '&', '&&'),
      repeat($._type_qualifier),
      // `char *[]`, an unnamed array-of-pointers parameter.
      repeat($.array_declarator),
    )),

    _c_plain_type: $ => seq(
      repeat($._type_qualifier),
      choice(
        $._c_scalar_type,
        $.template_type,
        $.scoped_type,
        $.memoryview_type,
        $.array_type,
        $.ctuple_type,
        $.tagged_type,
      ),
      repeat($._type_qualifier),
    ),

    // `double complex` is C99's complex type.
    _c_scalar_type: $ => seq(choice($.primitive_type, $._c_type_name), optional('complex')),

    _type_qualifier: _ => choice('const', 'volatile', 'restrict'),

    _c_type_name: $ => choice(
      $.identifier,
      alias($._c_dotted_type, $.dotted_name),
    ),

    _c_dotted_type: $ => seq($.identifier, repeat1(seq('.', $.identifier))),

    // `unsigned long long int`, `long double`, `short`, `signed char`
    primitive_type: _ => prec.right(seq(
      repeat1(choice('signed', 'unsigned', 'long', 'short')),
      optional(choice('int', 'char', 'double')),
    )),

    // `struct S`, `union U`, `enum E` used as a type.
    tagged_type: $ => seq(choice('struct', 'union', 'enum'), field('name', $.identifier)),

    // `vector[int]`, `map[K, vector[V]]`, `np.ndarray[np.float64_t, ndim=2]`
    template_type: $ => seq(
      field('name', $._c_type_name),
      '[',
      commaSep1(field('argument', choice(
        $.c_type,
        $.function_pointer_type,
        $.function_type,
        $.keyword_argument,
        $.ellipsis,
        // `Wrap[cython.typeof(&f)]`
        prec.dynamic(-1, $.call),
      ))),
      optional(','),
      ']',
    ),

    // `vector[int].iterator`
    scoped_type: $ => seq(
      field('scope', $.template_type),
      '.',
      field('name', $.identifier),
    ),

    // `double[:, ::1]`, `const int[:]`, `double[::view.contiguous]`
    memoryview_type: $ => seq(
      field('element', choice($.primitive_type, $._c_type_name, $.template_type)),
      optional('complex'),
      '[',
      commaSep1($.memoryview_dimension),
      optional(','),
      ']',
    ),

    memoryview_dimension: $ => seq(
      optional(field('start', $.expression)),
      ':',
      optional(field('stop', $.expression)),
      optional(seq(':', optional(field('step', $.expression)))),
    ),

    // `int[3][3]`: a C array type, as in `cdef int[3][3] grid`.
    array_type: $ => prec.dynamic(-1, seq(
      field('element', choice($.primitive_type, $._c_type_name)),
      optional('complex'),
      repeat1($.array_declarator),
    )),

    // `(int, double)`
    ctuple_type: $ => seq('(', commaSep1(choice($.c_type, $.function_pointer_type)), optional(','), ')'),

    // A function pointer type without a name, as casts and templates use it:
    // `<int (*)(int) noexcept>f`
    function_pointer_type: $ => seq(
      field('return_type', $.c_type),
      '(',
      optional($._calling_convention),
      $.pointer_declarator,
      ')',
      field('parameters', $.parameters),
      repeat($._c_function_trait),
    ),

    // `double(double, int) noexcept`, as in `function[double(double, int) noexcept]`
    function_type: $ => seq(
      field('return_type', $.c_type),
      field('parameters', $.parameters),
      repeat($._c_function_trait),
    ),

    // ------------------------------------------------------------- parameters

    // Python's parameters plus C-typed ones (`int n`, `double* p = NULL`,
    // `object o not None`, `int (*cmp)(int, int)`), `...` and `=*` placeholders.
    parameters: $ => seq(
      '(',
      optional(seq(
        commaSep1(choice($.parameter, $.c_parameter, $.ellipsis)),
        optional(','),
      )),
      ')',
    ),

    // A bare name is a Python parameter, even in a prototype where it names a type
    // (`void f(int)`): the two cannot be told apart.
    parameter: $ => choice(
      prec(1, $._parameter_name),
      $.typed_parameter,
      $.default_parameter,
      $.typed_default_parameter,
      $.list_splat_pattern,
      $.tuple_pattern,
      $.keyword_separator,
      $.positional_separator,
      $.dictionary_splat_pattern,
    ),

    // Cython's typed lambdas: `lambda int x: x + 1`
    lambda_parameters: $ => seq(
      commaSep1(choice($.parameter, alias($._lambda_c_parameter, $.c_parameter))),
      optional(','),
    ),

    _lambda_c_parameter: $ => seq(
      field('type', $.c_type),
      field('name', $.identifier),
      optional(seq('=', field('default', $.expression))),
    ),

    // The words that can start a C type are keywords at the start of a parameter, yet
    // Python code names parameters `signed`, `long` or `short`.
    _parameter_name: $ => choice(
      prec(1, $._cython_name),
      prec(1, alias(
        choice('signed', 'unsigned', 'long', 'short', 'const', 'volatile', 'restrict'),
        $.identifier,
      )),
    ),

    default_parameter: $ => seq(
      field('name', choice($._parameter_name, $.tuple_pattern)),
      '=',
      field('value', $.expression),
    ),

    // Kept as tree-sitter-python builds it whenever both readings parse.
    // tree-sitter-python gives this rule a static precedence, which settles the choice
    // before `[` is read and so rejects `x: T[:]`; a dynamic one lets both readings run.
    generic_type: $ => choice(
      prec.dynamic(1, seq($.identifier, $.type_parameter)),
      prec(1, seq(alias('type', $.identifier), $.type_parameter)),
    ),

    typed_default_parameter: $ => prec(PREC.typed_parameter, seq(
      field('name', $._parameter_name),
      ':',
      field('type', $.type),
      '=',
      field('value', $.expression),
    )),

    typed_parameter: $ => prec(PREC.typed_parameter, seq(
      choice($._parameter_name, $.list_splat_pattern, $.dictionary_splat_pattern),
      ':',
      field('type', $.type),
    )),

    c_parameter: $ => choice(
      // A type alone (prototypes: `void f(char*)`) loses to a Python reading of the
      // same text, such as Python 2's tuple parameter `(a, b)`.
      prec.dynamic(-1, field('type', $.c_type)),
      seq(
        field('type', $.c_type),
        seq(
          choice(
            seq(
              field('name', $.identifier),
              repeat($.array_declarator),
              optional(seq(':', field('annotation', $.type))),
            ),
            // A function-type parameter, `void fn(int) noexcept` (a pointer in C).
            seq(
              field('name', $.identifier),
              field('parameters', $.parameters),
              repeat($._c_function_trait),
            ),
            seq(
              '(',
              optional($._calling_convention),
              $.pointer_declarator,
              optional(field('name', $.identifier)),
              ')',
              field('parameters', $.parameters),
              repeat($._c_function_trait),
            ),
          ),
          optional($._c_parameter_tail),
        ),
      ),
      $._c_parameter_untyped,
    ),

    _c_parameter_untyped: $ => seq(
      field('name', $._parameter_name),
      choice(
        seq($._nullability, optional($._c_parameter_default)),
        seq(optional(seq(':', field('annotation', $.type))), $._c_parameter_placeholder),
      ),
    ),

    _c_parameter_tail: $ => choice(
      seq($._nullability, optional($._c_parameter_default)),
      $._c_parameter_default,
    ),

    _nullability: $ => field('nullability', $.nullability),

    // `not None` / `or None` after a parameter of an extension type.
    nullability: _ => choice(seq('not', 'None'), seq('or', 'None')),

    _c_parameter_default: $ => choice(
      seq('=', field('default', $.expression)),
      $._c_parameter_placeholder,
    ),

    // `=*` / `=?` in .pxd files: "has a default, given in the .pyx".
    _c_parameter_placeholder: $ => seq('=', field('default', alias(choice('*', '?'), $.default_placeholder))),

    // ------------------------------------------------------------- expressions

    primary_expression: ($, original) => choice(
      original,
      $.cast_expression,
      $.address_of_expression,
      $.sizeof_expression,
      $.new_expression,
      $.backquote_expression,
    ),

    attribute: $ => prec(PREC.call, seq(
      field('object', $.primary_expression),
      '.',
      field('attribute', $._cython_name),
    )),

    // Cython's lexer reads `None`, `True`, `False`, `async` and `await` as names and only
    // its parser gives them a meaning, so where it expects a name they are one: an
    // attribute (`EditType.None`), an enumerator, a parameter (`def f(await):`).
    _cython_name: $ => choice(
      $.identifier,
      alias(choice('None', 'True', 'False', 'async', 'await'), $.identifier),
    ),

    // `*(a, *b), c = t`: a starred target may itself be a tuple or list of targets.
    list_splat_pattern: $ => seq(
      '*',
      choice(
        $.identifier,
        $.keyword_identifier,
        $.subscript,
        $.attribute,
        $.tuple_pattern,
        $.list_pattern,
      ),
    ),

    // Python 2's `` `x` `` (repr), which Cython still accepts.
    backquote_expression: $ => seq('`', $.expression, '`'),

    _exec_formatted: $ => prec.left(PREC.times, seq(
      field('left', $.string),
      field('operator', '%'),
      field('right', $.primary_expression),
    )),

    // Python 2's `exec code in globals`; the code may also be a formatted string
    // (`exec "..." % args`). `exec(code, g, l)` stays a call.
    exec_statement: $ => seq(
      'exec',
      field('code', choice($.string, $.identifier, alias($._exec_formatted, $.binary_operator))),
      optional(seq('in', commaSep1($.expression))),
    ),

    // `<T*>x`, `<T?>x`, `<object>p`
    cast_expression: $ => prec(PREC.unary, seq(
      '<',
      field('type', choice($.c_type, $.function_pointer_type)),
      optional(field('checked', alias('?', $.checked))),
      '>',
      field('value', $.primary_expression),
    )),

    // `&x`
    address_of_expression: $ => prec(PREC.unary, seq(
      '&',
      field('argument', $.primary_expression),
    )),

    // `sizeof(T)` / `sizeof(x)`; a bare name reads as a type.
    // (`sizeof` alone is still a name: `sizeof = sys.getsizeof`.)
    sizeof_expression: $ => prec.dynamic(1, seq(
      'sizeof',
      '(',
      choice(
        prec.dynamic(1, field('type', choice($.c_type, $.function_pointer_type))),
        field('value', $.expression),
      ),
      ')',
    )),

    // Python's integers plus C's suffixes (`1UL`, `1_0LL`).
    integer: _ => token(choice(
      seq(choice('0x', '0X'), repeat1(/_?[A-Fa-f0-9]+/), optional(/[uU]?[lL]{0,2}|[lL]{1,2}[uU]/)),
      seq(choice('0o', '0O'), repeat1(/_?[0-7]+/), optional(/[uU]?[lL]{0,2}|[lL]{1,2}[uU]/)),
      seq(choice('0b', '0B'), repeat1(/_?[0-1]+/), optional(/[uU]?[lL]{0,2}|[lL]{1,2}[uU]/)),
      seq(repeat1(/[0-9]+_?/), optional(choice(/[uU]?[lL]{0,2}|[lL]{1,2}[uU]/, /[jJ]/))),
    )),

    // C++ `new T(args)`
    new_expression: $ => prec(PREC.call, seq(
      'new',
      field('type', alias($._new_type, $.c_type)),
      field('arguments', $.argument_list),
    )),

    _new_type: $ => choice($._c_type_name, $.template_type, $.scoped_type),

    keyword_identifier: ($, original) => choice(
      original,
      alias(choice('new', 'include', 'property', 'sizeof'), $.identifier),
    ),
  },
});

/**
 * @param {RuleOrLiteral} rule
 * @returns {SeqRule}
 */
function parenthesizedDeclarator($, nested) {
  return seq(
    '(',
    optional($._calling_convention),
    choice(
      seq(
        $.pointer_declarator,
        field('name', $.identifier),
        optional(field('c_name', $.string)),
        repeat($.array_declarator),
      ),
      seq(optional($.pointer_declarator), field('declarator', nested)),
    ),
    ')',
    optional(seq(field('parameters', $.parameters), repeat($._c_function_trait))),
  );
}

/**
 * @param {RuleOrLiteral} rule
 * @returns {SeqRule}
 */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}
