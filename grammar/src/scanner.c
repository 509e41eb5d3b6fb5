// External scanner of the Cython grammar: the tokens a context-free lexer cannot find.
//
// - NEWLINE / INDENT / DEDENT: Python's layout rule (a stack of indentation widths).
// - STRING_START / STRING_CONTENT / ESCAPE_INTERPOLATION / STRING_END: string literals
//   with every prefix Python and Cython accept (r, b, u, f, t and Cython's c for char
//   literals, in any case and order), single, double and triple quoted, where f-strings
//   stop at `{` so the grammar can parse the interpolated expression.
//
// The order of `TokenType` must match `externals` in grammar.js (inherited from
// tree-sitter-python, so that its rules keep referring to the same symbols).

#include "tree_sitter/array.h"
#include "tree_sitter/parser.h"

#include <stdint.h>
#include <string.h>

enum TokenType {
  NEWLINE,
  INDENT,
  DEDENT,
  STRING_START,
  STRING_CONTENT,
  ESCAPE_INTERPOLATION,
  STRING_END,
  COMMENT,
  CLOSE_BRACKET,
  CLOSE_PAREN,
  CLOSE_BRACE,
  EXCEPT,
};

// What a string literal's prefix and opening quote say about how to read its body.
enum StringFlag {
  QUOTE_SINGLE = 1 << 0,
  QUOTE_DOUBLE = 1 << 1,
  TRIPLE = 1 << 2,
  RAW = 1 << 3,
  FORMAT = 1 << 4,
  BYTES = 1 << 5,
};

// The longest saved state the scanner remembers (two strings and five runs of levels).
#define MEMO_SIZE 16

// `count` consecutive indentation levels, each `step` columns deeper than the one before.
typedef struct {
  uint32_t step;
  uint32_t count;
} IndentRun;

// Tree-sitter restores the state before every token the scanner may produce and saves it
// after each one it does, so both must cost what the state holds, not the nesting depth:
// the stack of open blocks is kept as it is saved, runs of equal steps.
typedef struct {
  // The indentation of the open blocks beyond column 0, outermost first, as maximal runs
  // of equal steps (two neighbouring runs never share a step; no run is empty).
  Array(IndentRun) indents;
  // The width of the innermost open block (0 at module level).
  uint32_t width;
  // One StringFlag set per string being read; several when f-strings nest.
  Array(uint8_t) strings;
  // The saved state this one equals, while it is short and nothing changed since it was
  // restored from it or saved as it (0: none). Tree-sitter restores the state before
  // every scan, almost always the one the scanner holds already: comparing the bytes
  // costs less than rebuilding the stack.
  uint8_t memo_length;
  char memo[MEMO_SIZE];
} Scanner;

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }

static inline void skip(TSLexer *lexer) { lexer->advance(lexer, true); }

static unsigned varint_length(uint32_t value) {
  unsigned length = 1;
  while (value >= 0x80) {
    value >>= 7;
    length++;
  }
  return length;
}

// The size of the serialized state (the format is described at serialize_state).
static unsigned serialized_length(const Scanner *scanner) {
  unsigned length = 1 + scanner->strings.size;
  for (uint32_t i = 0; i < scanner->indents.size; i++) {
    length += varint_length(scanner->indents.contents[i].step) + varint_length(scanner->indents.contents[i].count);
  }
  return length;
}

// Whether the state, with `extra_strings` more strings open, still serializes. A run
// costs at most 10 bytes, so a state of few runs needs no exact count.
static bool state_fits(const Scanner *scanner, uint32_t extra_strings) {
  if (scanner->strings.size + extra_strings > UINT8_MAX) {
    return false;
  }
  uint32_t worst = 1 + scanner->strings.size + extra_strings + 10 * scanner->indents.size;
  return worst <= TREE_SITTER_SERIALIZATION_BUFFER_SIZE ||
         serialized_length(scanner) + extra_strings <= TREE_SITTER_SERIALIZATION_BUFFER_SIZE;
}

// Opens a block `step` columns deeper than the innermost one.
static void open_level(Scanner *scanner, uint32_t step) {
  scanner->memo_length = 0;
  if (scanner->indents.size > 0 && array_back(&scanner->indents)->step == step) {
    array_back(&scanner->indents)->count++;
  } else {
    IndentRun run = {step, 1};
    array_push(&scanner->indents, run);
  }
  scanner->width += step;
}

// Closes the innermost block (there must be one).
static void close_level(Scanner *scanner) {
  scanner->memo_length = 0;
  IndentRun *innermost = array_back(&scanner->indents);
  scanner->width -= innermost->step;
  if (--innermost->count == 0) {
    scanner->indents.size--;
  }
}

// Incremental reparsing restores the scanner from its serialized state, so the state
// never grows past what the buffer holds: a string or indentation level that would not
// fit is not opened, and the parser reports a syntax error there instead.
static bool push_string(Scanner *scanner, uint8_t flags) {
  if (!state_fits(scanner, 1)) {
    return false;
  }
  array_push(&scanner->strings, flags);
  scanner->memo_length = 0;
  return true;
}

// Closes the innermost string (there must be one).
static void pop_string(Scanner *scanner) {
  scanner->strings.size--;
  scanner->memo_length = 0;
}

static bool push_indent(Scanner *scanner, uint32_t indent) {
  open_level(scanner, indent - scanner->width);
  if (state_fits(scanner, 0)) {
    return true;
  }
  close_level(scanner);
  return false;
}

static inline int32_t closing_quote(uint8_t flags) { return (flags & QUOTE_SINGLE) ? '\'' : '"'; }

// Inside an f-string's `{...}` a line break is not a statement boundary.
static bool inside_format_string(const Scanner *scanner) {
  for (uint32_t i = 0; i < scanner->strings.size; i++) {
    if (scanner->strings.contents[i] & FORMAT) {
      return true;
    }
  }
  return false;
}

// Reads the body of the innermost open string up to the next thing the grammar must see:
// an escape sequence, an f-string brace, or the closing quote.
static bool scan_string_body(Scanner *scanner, TSLexer *lexer, const bool *valid_symbols) {
  uint8_t flags = *array_back(&scanner->strings);
  int32_t quote = closing_quote(flags);
  bool has_content = false;

  for (;;) {
    int32_t c = lexer->lookahead;
    if (lexer->eof(lexer)) {
      // An unterminated string: give back what was read, the parser reports the rest.
      lexer->mark_end(lexer);
      lexer->result_symbol = STRING_CONTENT;
      return has_content;
    }
    if ((flags & FORMAT) && (c == '{' || c == '}')) {
      lexer->mark_end(lexer);
      if (has_content) {
        lexer->result_symbol = STRING_CONTENT;
        return true;
      }
      advance(lexer);
      if (lexer->lookahead == c && valid_symbols[ESCAPE_INTERPOLATION]) {
        // `{{` and `}}` stand for a literal brace.
        advance(lexer);
        lexer->mark_end(lexer);
        lexer->result_symbol = ESCAPE_INTERPOLATION;
        return true;
      }
      // A single `{` opens an interpolation: the grammar's own token.
      return false;
    }
    if (c == '\\') {
      if (flags & RAW) {
        // In raw strings a backslash only keeps a quote, another backslash or a line
        // end from ending the string; all stay content. A brace after it still opens
        // an f-string interpolation (`fr'\{x}'`).
        advance(lexer);
        if (lexer->lookahead == quote || lexer->lookahead == '\\' || lexer->lookahead == '\n') {
          advance(lexer);
        } else if (lexer->lookahead == '\r') {
          // A backslash before the line end continues a single-quoted raw string.
          advance(lexer);
          if (lexer->lookahead == '\n') {
            advance(lexer);
          }
        }
        has_content = true;
        continue;
      }
      lexer->mark_end(lexer);
      if (flags & BYTES) {
        advance(lexer);
        int32_t next = lexer->lookahead;
        if (next == 'N' || next == 'u' || next == 'U') {
          // Not escapes in bytes literals: plain content.
          advance(lexer);
          has_content = true;
          continue;
        }
      }
      // Leave the escape sequence to the grammar.
      lexer->result_symbol = STRING_CONTENT;
      return has_content;
    }
    if (c == quote) {
      lexer->mark_end(lexer);
      if (flags & TRIPLE) {
        advance(lexer);
        if (lexer->lookahead == quote) {
          advance(lexer);
          if (lexer->lookahead == quote) {
            if (has_content) {
              lexer->result_symbol = STRING_CONTENT;
              return true;
            }
            advance(lexer);
            lexer->mark_end(lexer);
            pop_string(scanner);
            lexer->result_symbol = STRING_END;
            return true;
          }
        }
        // One or two quotes inside a triple-quoted string are content.
        has_content = true;
        continue;
      }
      if (has_content) {
        lexer->result_symbol = STRING_CONTENT;
        return true;
      }
      advance(lexer);
      lexer->mark_end(lexer);
      pop_string(scanner);
      lexer->result_symbol = STRING_END;
      return true;
    }
    if ((c == '\n' || c == '\r') && !(flags & TRIPLE)) {
      // A single-quoted string cannot span lines: stop so the parser sees the error
      // here instead of swallowing the rest of the file.
      lexer->mark_end(lexer);
      lexer->result_symbol = STRING_CONTENT;
      return has_content;
    }
    advance(lexer);
    has_content = true;
  }
}

static bool is_prefix_letter(int32_t c) {
  switch (c) {
    case 'r': case 'R': case 'b': case 'B': case 'u': case 'U':
    case 'f': case 'F': case 't': case 'T': case 'c': case 'C':
      return true;
    default:
      return false;
  }
}

static bool scan_string_start(Scanner *scanner, TSLexer *lexer) {
  uint8_t flags = 0;
  // Real prefixes are at most two letters (`rb`, `fr`, `ur`); allow three so odd
  // combinations still read as strings and the analyzer sees a literal, not an error.
  for (int letters = 0; letters < 3 && is_prefix_letter(lexer->lookahead); letters++) {
    switch (lexer->lookahead) {
      case 'r': case 'R': flags |= RAW; break;
      case 'b': case 'B': flags |= BYTES; break;
      case 'f': case 'F': case 't': case 'T': flags |= FORMAT; break;
      default: break;
    }
    advance(lexer);
  }
  int32_t quote = lexer->lookahead;
  if (quote != '\'' && quote != '"') {
    return false;
  }
  flags |= quote == '\'' ? QUOTE_SINGLE : QUOTE_DOUBLE;
  advance(lexer);
  lexer->mark_end(lexer);
  if (lexer->lookahead == quote) {
    advance(lexer);
    if (lexer->lookahead == quote) {
      advance(lexer);
      lexer->mark_end(lexer);
      flags |= TRIPLE;
    }
    // Otherwise an empty string: the token ends after the first quote and the
    // second one is the STRING_END.
  }
  if (!push_string(scanner, flags)) {
    return false;
  }
  lexer->result_symbol = STRING_START;
  return true;
}

bool tree_sitter_cython_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols);
bool tree_sitter_cython_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  Scanner *scanner = (Scanner *)payload;

  // During error recovery every symbol is valid; then only layout tokens are useful.
  bool error_recovery = valid_symbols[STRING_CONTENT] && valid_symbols[INDENT];
  bool within_brackets = valid_symbols[CLOSE_BRACE] || valid_symbols[CLOSE_PAREN] || valid_symbols[CLOSE_BRACKET];

  if ((valid_symbols[STRING_CONTENT] || valid_symbols[ESCAPE_INTERPOLATION]) && scanner->strings.size > 0 &&
      !error_recovery) {
    return scan_string_body(scanner, lexer, valid_symbols);
  }

  // Layout tokens are zero-width, placed where the previous line ended.
  lexer->mark_end(lexer);

  bool found_end_of_line = false;
  uint32_t indent = 0;
  int64_t first_comment_indent = -1;
  for (;;) {
    int32_t c = lexer->lookahead;
    if (c == '\n') {
      found_end_of_line = true;
      indent = 0;
      skip(lexer);
    } else if (c == ' ') {
      indent++;
      skip(lexer);
    } else if (c == '\t') {
      indent = (indent / 8 + 1) * 8;
      skip(lexer);
    } else if (c == '\r' || c == '\f') {
      indent = 0;
      skip(lexer);
    } else if (c == '#' &&
               (valid_symbols[INDENT] || valid_symbols[DEDENT] || valid_symbols[NEWLINE] || valid_symbols[EXCEPT])) {
      // A comment after code on the same line is the grammar's; a comment on a line
      // of its own is skipped, remembering its indentation so a dedent waits until
      // the comments that still belong to the block are consumed.
      if (!found_end_of_line) {
        return false;
      }
      if (first_comment_indent == -1) {
        first_comment_indent = indent;
        // A comment as deep as the innermost block belongs to it, so no dedent comes
        // before it, and where no indent may come either, the lines after it cannot
        // change the answer: stop here. Reading on through the comment run would be
        // repeated after each of its comments (the grammar lexes them one by one),
        // quadratic in the run's length.
        if (indent >= scanner->width && !valid_symbols[INDENT]) {
          break;
        }
      }
      while (!lexer->eof(lexer) && lexer->lookahead != '\n') {
        skip(lexer);
      }
      skip(lexer);
      indent = 0;
    } else if (c == '\\') {
      // A line continuation joins lines: no layout token across it.
      skip(lexer);
      if (lexer->lookahead == '\r') {
        skip(lexer);
      }
      if (lexer->lookahead == '\n' || lexer->eof(lexer)) {
        skip(lexer);
      } else {
        return false;
      }
    } else if (lexer->eof(lexer)) {
      indent = 0;
      found_end_of_line = true;
      break;
    } else {
      break;
    }
  }

  if (found_end_of_line) {
    uint32_t current = scanner->width;
    if (valid_symbols[INDENT] && indent > current) {
      if (!push_indent(scanner, indent)) {
        // Too deep to save. No newline either: an empty block would hide the loss,
        // while running into the line before makes the parser report an error here.
        return false;
      }
      lexer->result_symbol = INDENT;
      return true;
    }

    int32_t c = lexer->lookahead;
    bool string_may_follow = valid_symbols[STRING_START] && (c == '\'' || c == '"');
    // A dedent closes the block when the grammar expects one, and also when nothing
    // else can follow (outside brackets), so error recovery keeps the block structure.
    bool dedent_wanted =
        valid_symbols[DEDENT] || (!valid_symbols[NEWLINE] && !string_may_follow && !within_brackets);
    if (dedent_wanted && indent < current && scanner->indents.size > 0 && !inside_format_string(scanner) &&
        first_comment_indent < (int64_t)current) {
      close_level(scanner);
      lexer->result_symbol = DEDENT;
      return true;
    }

    if (valid_symbols[NEWLINE] && !error_recovery) {
      lexer->result_symbol = NEWLINE;
      return true;
    }
  }

  // Strings may start even during error recovery, so a quote inside the damaged region
  // does not turn the rest of the file into stray tokens.
  if (first_comment_indent == -1 && valid_symbols[STRING_START]) {
    return scan_string_start(scanner, lexer);
  }
  return false;
}

// Serialized state, within TREE_SITTER_SERIALIZATION_BUFFER_SIZE bytes:
//   [string count n (1 byte)] [n flag bytes] [indentation runs]
// Widths grow strictly, so the stack is stored as its maximal runs of equal steps, each a
// pair of varints (step, repeat count): 10,000 levels indented one space each take 4 bytes
// with the string count.
// The state never grows past what this format holds (push_string, push_indent), so it
// round-trips exactly.

static unsigned write_varint(char *buffer, unsigned size, uint32_t value) {
  unsigned length = 0;
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    buffer[size + length++] = (char)(value ? (byte | 0x80) : byte);
  } while (value);
  return length;
}

// Reads one varint at `size`; 0 if the buffer ends first or it is longer than 5 bytes.
static unsigned read_varint(const char *buffer, unsigned size, unsigned length, uint32_t *value) {
  uint32_t result = 0;
  unsigned read = 0;
  for (unsigned shift = 0; size + read < length && shift < 35; shift += 7) {
    uint8_t byte = (uint8_t)buffer[size + read++];
    result |= (uint32_t)(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      *value = result;
      return read;
    }
  }
  return 0;
}

static unsigned serialize_state(const Scanner *scanner, char *buffer) {
  if (serialized_length(scanner) > TREE_SITTER_SERIALIZATION_BUFFER_SIZE) {
    // Unreachable while push_string and push_indent guard the state; should it happen,
    // an empty state is wrong but writing past the buffer would be worse.
    buffer[0] = 0;
    return 1;
  }
  unsigned size = 0;
  buffer[size++] = (char)scanner->strings.size;
  if (scanner->strings.size > 0) {
    memcpy(&buffer[size], scanner->strings.contents, scanner->strings.size);
  }
  size += scanner->strings.size;
  for (uint32_t i = 0; i < scanner->indents.size; i++) {
    size += write_varint(buffer, size, scanner->indents.contents[i].step);
    size += write_varint(buffer, size, scanner->indents.contents[i].count);
  }
  return size;
}

// Test support (tests/scanner_state.rs): with checks on, on the calling thread, every
// state the parser saves is restored into a second scanner, which must equal the first
// and save the same bytes. Off, it costs one branch per saved state.
static _Thread_local bool state_checks_enabled;
static _Thread_local uint64_t states_checked;
static _Thread_local uint64_t states_mismatched;

void tree_sitter_cython_external_scanner_check_states(bool enabled);
void tree_sitter_cython_external_scanner_check_states(bool enabled) {
  state_checks_enabled = enabled;
  states_checked = 0;
  states_mismatched = 0;
}

void tree_sitter_cython_external_scanner_checked_states(uint64_t *checked, uint64_t *mismatched);
void tree_sitter_cython_external_scanner_checked_states(uint64_t *checked, uint64_t *mismatched) {
  *checked = states_checked;
  *mismatched = states_mismatched;
}

void tree_sitter_cython_external_scanner_deserialize(void *payload, const char *buffer, unsigned length);

static bool same_state(const Scanner *a, const Scanner *b) {
  return a->width == b->width && a->indents.size == b->indents.size && a->strings.size == b->strings.size &&
         (a->indents.size == 0 ||
          memcmp(a->indents.contents, b->indents.contents, a->indents.size * sizeof(IndentRun)) == 0) &&
         (a->strings.size == 0 || memcmp(a->strings.contents, b->strings.contents, a->strings.size) == 0);
}

static void check_round_trip(const Scanner *scanner, const char *buffer, unsigned length) {
  Scanner restored;
  array_init(&restored.indents);
  array_init(&restored.strings);
  restored.memo_length = 0;
  tree_sitter_cython_external_scanner_deserialize(&restored, buffer, length);
  char again[TREE_SITTER_SERIALIZATION_BUFFER_SIZE];
  unsigned again_length = serialize_state(&restored, again);
  states_checked++;
  if (!same_state(scanner, &restored) || again_length != length || memcmp(again, buffer, length) != 0) {
    states_mismatched++;
  }
  array_delete(&restored.indents);
  array_delete(&restored.strings);
}

unsigned tree_sitter_cython_external_scanner_serialize(void *payload, char *buffer);
unsigned tree_sitter_cython_external_scanner_serialize(void *payload, char *buffer) {
  Scanner *scanner = (Scanner *)payload;
  unsigned size = serialize_state(scanner, buffer);
  // The state restores from these bytes to itself (check_round_trip tests it), so they
  // are what the scanner holds; most likely they are restored before the next scan.
  if (size <= MEMO_SIZE) {
    memcpy(scanner->memo, buffer, size);
    scanner->memo_length = (uint8_t)size;
  }
  if (state_checks_enabled) {
    check_round_trip(scanner, buffer, size);
  }
  return size;
}

void tree_sitter_cython_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  Scanner *scanner = (Scanner *)payload;
  if (length != 0 && length == scanner->memo_length) {
    // A few bytes: a loop costs less than calling memcmp.
    unsigned same = 0;
    while (same < length && scanner->memo[same] == buffer[same]) {
      same++;
    }
    if (same == length) {
      return;
    }
  }
  array_clear(&scanner->strings);
  array_clear(&scanner->indents);
  scanner->width = 0;
  scanner->memo_length = 0;
  if (length == 0) {
    return;
  }

  unsigned size = 0;
  uint32_t strings = (uint8_t)buffer[size++];
  if (size + strings > length) {
    strings = length - size;
  }
  if (strings > 0) {
    array_extend(&scanner->strings, strings, &buffer[size]);
  }
  size += strings;

  while (size < length) {
    uint32_t step = 0;
    uint32_t count = 0;
    unsigned read = read_varint(buffer, size, length, &step);
    if (read == 0) {
      break;
    }
    size += read;
    read = read_varint(buffer, size, length, &count);
    if (read == 0) {
      break;
    }
    size += read;
    // open_level keeps the runs maximal whatever the buffer holds; a step of 0 would
    // make widths stop growing, and is no state this scanner saves.
    if (step == 0 || count == 0) {
      continue;
    }
    open_level(scanner, step);
    array_back(&scanner->indents)->count += count - 1;
    scanner->width += step * (count - 1);
  }
  if (length <= MEMO_SIZE) {
    memcpy(scanner->memo, buffer, length);
    scanner->memo_length = (uint8_t)length;
  }
}

void *tree_sitter_cython_external_scanner_create(void);
void *tree_sitter_cython_external_scanner_create(void) {
  Scanner *scanner = ts_calloc(1, sizeof(Scanner));
  array_init(&scanner->indents);
  array_init(&scanner->strings);
  tree_sitter_cython_external_scanner_deserialize(scanner, NULL, 0);
  return scanner;
}

void tree_sitter_cython_external_scanner_destroy(void *payload);
void tree_sitter_cython_external_scanner_destroy(void *payload) {
  Scanner *scanner = (Scanner *)payload;
  array_delete(&scanner->indents);
  array_delete(&scanner->strings);
  ts_free(scanner);
}
