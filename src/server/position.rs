//! LSP positions: a 0-based line and a character offset counted in the negotiated
//! encoding's code units (UTF-16 by default, UTF-8 bytes when the client offers it).
//! cysafe's diagnostics carry byte offsets; these turn one into the other.

use lsp_types::{Position, Range};

use crate::diagnostic::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// The line starts of one text, to convert positions both ways.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        // LSP ends a line at `\n`, `\r\n` and a lone `\r` (which is how `cysafe check`
        // reads an old Mac file too).
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
                .map(|(i, _)| i + 1),
        );
        Lines { text, starts }
    }

    /// The line's text without its line end (`\n`, `\r\n` or a lone `\r`): a position
    /// past the end of a line is at its end, never between a `\r` and its `\n`.
    fn line(&self, line: usize) -> &'a str {
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        let text = &self.text[start..end];
        text.strip_suffix('\r').unwrap_or(text)
    }

    /// The position of a byte offset (clamped to the text and to a character boundary).
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let before = &self.text[self.starts[line]..offset];
        let character = match encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, span: Span, encoding: Encoding) -> Range {
        Range::new(
            self.position(span.start, encoding),
            self.position(span.end, encoding),
        )
    }

    /// The byte offset of a position; a line past the end is the end of the text, a
    /// character past the end of its line is the end of the line (as LSP asks), and one
    /// inside a character is that character's start.
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let text = self.line(line);
        let wanted = position.character as usize;
        let mut units = 0;
        for (index, c) in text.char_indices() {
            if units >= wanted {
                return self.starts[line] + index;
            }
            units += match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units > wanted {
                return self.starts[line] + index;
            }
        }
        self.starts[line] + text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_encodings_count_their_units() {
        // `é` is 2 UTF-8 bytes and 1 UTF-16 unit; `𝒳` 4 bytes and 2 units.
        let text = "a\né𝒳 = p\n";
        let lines = Lines::new(text);
        let p = text.find('p').unwrap();
        assert_eq!(lines.position(p, Encoding::Utf8), Position::new(1, 9));
        assert_eq!(lines.position(p, Encoding::Utf16), Position::new(1, 6));
        assert_eq!(lines.offset(Position::new(1, 9), Encoding::Utf8), p);
        assert_eq!(lines.offset(Position::new(1, 6), Encoding::Utf16), p);
        assert_eq!(
            lines.offset(Position::new(1, 99), Encoding::Utf16),
            text.len() - 1
        );
        assert_eq!(
            lines.offset(Position::new(7, 0), Encoding::Utf16),
            text.len()
        );
        // Inside the surrogate pair: the character's start.
        assert_eq!(
            lines.offset(Position::new(1, 2), Encoding::Utf16),
            "a\né".len()
        );
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "a = 1\rb = 2\r\nc = 3\nd";
        let lines = Lines::new(text);
        for (line, name) in ["a", "b", "c", "d"].iter().enumerate() {
            let offset = text.find(name).unwrap();
            let position = Position::new(line as u32, 0);
            assert_eq!(lines.position(offset, Encoding::Utf16), position);
            assert_eq!(lines.offset(position, Encoding::Utf16), offset);
        }
        assert_eq!(lines.offset(Position::new(0, 99), Encoding::Utf8), 5);
        // Past the end of a `\r\n` line is before its `\r`.
        assert_eq!(lines.offset(Position::new(1, 99), Encoding::Utf8), 11);
    }
}
