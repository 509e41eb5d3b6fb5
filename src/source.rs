//! Reading a source file into text, with an error that says what is wrong with it.
//!
//! Nothing past this module sees bytes: everything downstream works on `&str`.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::Path;

#[derive(Debug)]
pub enum SourceError {
    Io(io::Error),
    /// The file is not UTF-8; `line` and `column` (from 1, column in bytes) locate the
    /// first invalid byte.
    InvalidUtf8 {
        line: usize,
        column: usize,
    },
    /// The file holds a NUL byte outside a comment of valid UTF-8 text, so it is not
    /// source code at all; `offset` is that byte's (the first NUL of text that is not
    /// UTF-8).
    Binary {
        offset: usize,
    },
    /// A named pipe, device or socket: reading it could block forever or never end.
    NotRegular(&'static str),
    /// Standard input is closed (`<&-`) or /dev/null: nothing was passed, which is not
    /// an empty file.
    ClosedStdin,
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::Io(error) => write!(f, "{error}"),
            SourceError::InvalidUtf8 { line, column } => write!(
                f,
                "not valid UTF-8 (first invalid byte at line {line}, byte column {column})"
            ),
            SourceError::Binary { .. } => {
                write!(f, "binary file (contains a NUL byte), not source")
            }
            SourceError::NotRegular(kind) => write!(
                f,
                "not a regular file ({kind}); use `-` to check standard input"
            ),
            SourceError::ClosedStdin => write!(
                f,
                "standard input is closed (or /dev/null); pipe the source into `-`"
            ),
        }
    }
}

impl std::error::Error for SourceError {}

/// Reads `path` as source text.
pub fn read_source(path: &Path) -> Result<String, SourceError> {
    let meta = std::fs::metadata(path).map_err(SourceError::Io)?;
    if !meta.is_file() && !meta.is_dir() {
        return Err(SourceError::NotRegular(file_kind(&meta)));
    }
    let bytes = std::fs::read(path).map_err(SourceError::Io)?;
    decode_source(bytes)
}

/// Reads standard input as source text (`cysafe check -`).
pub fn read_stdin() -> Result<String, SourceError> {
    if stdin_is_closed() {
        return Err(SourceError::ClosedStdin);
    }
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut io::stdin().lock(), &mut bytes).map_err(SourceError::Io)?;
    decode_source(bytes)
}

/// Whether standard input is /dev/null. A closed descriptor 0 reads as /dev/null too:
/// Rust's runtime reopens it there at startup, so the two cannot be told apart, and
/// neither carries a file to check.
fn stdin_is_closed() -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let stdin = io::stdin();
        let Ok(owned) = stdin.as_fd().try_clone_to_owned() else {
            return true;
        };
        let (Ok(input), Ok(null)) = (
            std::fs::File::from(owned).metadata(),
            std::fs::metadata("/dev/null"),
        ) else {
            return false;
        };
        input.dev() == null.dev() && input.ino() == null.ino()
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// The kind of a file that is neither a folder nor a regular file, for messages.
pub fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    let _ = meta;
    "not a file or folder"
}

/// The text an editor holds, read as [`decode_source`] reads the file saved from it (the
/// language server analyzes what `cysafe check` would): lone `\r`s end lines and NULs in
/// comments are spaces, byte for byte, so an offset into the result is an offset into
/// `text`. Borrowed when nothing changes, which two byte searches tell.
pub fn decode_text(text: &str) -> Result<Cow<'_, str>, SourceError> {
    let bytes = text.as_bytes();
    let lone_carriage_return = text
        .match_indices('\r')
        .any(|(at, _)| bytes.get(at + 1) != Some(&b'\n'));
    if !lone_carriage_return && !bytes.contains(&0) {
        return Ok(Cow::Borrowed(text));
    }
    decode_source(bytes.to_vec()).map(Cow::Owned)
}

/// Turns raw bytes into source text, rejecting binary and non-UTF-8 input.
pub fn decode_source(mut bytes: Vec<u8>) -> Result<String, SourceError> {
    // `contains` of a byte searches with memchr; most files have no `\r` at all.
    // First, so that an old Mac file's comments end where its lines do when NULs are read.
    if bytes.contains(&b'\r') {
        normalize_lone_carriage_returns(&mut bytes);
    }
    if bytes.contains(&0) {
        if let Some(offset) = first_nul_outside_comments(&bytes) {
            return Err(SourceError::Binary { offset });
        }
        // The grammar takes a NUL for the end of the input; in a comment a space means
        // the same, one byte for one byte, so offsets stay file offsets.
        for byte in bytes.iter_mut().filter(|byte| **byte == 0) {
            *byte = b' ';
        }
    }
    String::from_utf8(bytes).or_else(|error| {
        // PEP 263: Python and Cython honour a `coding:` declaration in the first two
        // lines. Latin-1 is the one such encoding seen in real Cython code, and its
        // bytes map one to one onto the first 256 code points.
        if declares_latin1(error.as_bytes()) {
            return Ok(error.as_bytes().iter().map(|&b| char::from(b)).collect());
        }
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        Err(SourceError::InvalidUtf8 {
            line,
            column: valid.len() - line_start + 1,
        })
    })
}

/// Where the bytes hold a NUL that makes them binary: `None` when they are UTF-8 text
/// whose every NUL byte lies in a `#` comment, which Cython skips (a stray NUL in a
/// comment is the one kind Cython compiles). A binary file (a compiled module, an image,
/// UTF-16 text) has a NUL outside any comment, or is not UTF-8 (then its first NUL is
/// the answer). Strings are stepped over so that a `#` in one starts no comment; a NUL in
/// a string is not accepted.
fn first_nul_outside_comments(bytes: &[u8]) -> Option<usize> {
    if std::str::from_utf8(bytes).is_err() {
        return bytes.iter().position(|&b| b == 0);
    }
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            0 => return Some(at),
            b'#' => {
                at = bytes[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |end| at + end);
            }
            b'\'' | b'"' => {
                let triple = bytes.get(at + 1) == Some(&byte) && bytes.get(at + 2) == Some(&byte);
                at += if triple { 3 } else { 1 };
                loop {
                    match bytes.get(at) {
                        // An unterminated string: the NULs before it cannot be told apart.
                        None => return bytes.iter().position(|&b| b == 0),
                        Some(0) => return Some(at),
                        Some(b'\\') => at += 2,
                        Some(b'\n') if !triple => break,
                        Some(&quote) if quote == byte && !triple => {
                            at += 1;
                            break;
                        }
                        Some(&quote)
                            if quote == byte
                                && bytes.get(at + 1) == Some(&byte)
                                && bytes.get(at + 2) == Some(&byte) =>
                        {
                            at += 3;
                            break;
                        }
                        Some(_) => at += 1,
                    }
                }
            }
            _ => at += 1,
        }
    }
    None
}

/// Old Mac files end lines with a lone `\r`, which Python and Cython accept as a line
/// break but the grammar and every line count here do not. Each becomes `\n`: one byte
/// for one byte, so every offset into the text is an offset into the file. `\r\n` stays.
fn normalize_lone_carriage_returns(bytes: &mut [u8]) {
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
}

/// Whether one of the first two lines holds a PEP 263 declaration of Latin-1.
fn declares_latin1(bytes: &[u8]) -> bool {
    bytes
        .split(|&b| b == b'\n')
        .take(2)
        .filter(|line| line.trim_ascii_start().starts_with(b"#"))
        .filter_map(|line| {
            let line = String::from_utf8_lossy(line).to_ascii_lowercase();
            let at = line.find("coding")?;
            let rest = line[at + "coding".len()..].strip_prefix([':', '='])?;
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            Some(name.replace('_', "-"))
        })
        .any(|name| {
            matches!(
                name.as_str(),
                "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "iso-latin-1"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let error = decode_source(b"x = 1\ny = '\xff'\n".to_vec()).unwrap_err();
        assert!(matches!(
            error,
            SourceError::InvalidUtf8 { line: 2, column: 6 }
        ));
    }

    #[test]
    fn latin1_declared_by_pep263_is_decoded() {
        let text = decode_source(b"# -*- coding: latin-1 -*-\ns = '\xe9'\n".to_vec()).unwrap();
        assert_eq!(text, "# -*- coding: latin-1 -*-\ns = '\u{e9}'\n");
    }

    #[test]
    fn latin1_bytes_without_a_declaration_are_invalid() {
        assert!(matches!(
            decode_source(b"# coding: utf-8\ns = '\xe9'\n".to_vec()),
            Err(SourceError::InvalidUtf8 { line: 2, column: 6 })
        ));
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert!(matches!(
            decode_source(b"\x7fELF\0\0".to_vec()),
            Err(SourceError::Binary { .. })
        ));
    }

    #[test]
    fn nul_bytes_in_comments_are_text() {
        assert_eq!(
            decode_source(b"p = 1  # a \0 byte\n# \0\ns = '#' # \0\n".to_vec()).unwrap(),
            "p = 1  # a   byte\n#  \ns = '#' #  \n"
        );
    }

    #[test]
    fn nul_bytes_outside_comments_mean_binary() {
        for (bytes, nul) in [
            (&b"s = '# \0'\n"[..], 7),
            (b"s = '''\n# \0\n'''\n", 10),
            (b"x = 1\0\n", 5),
            (b"# \0\n\0", 4),
            (b"# \0\ns = '''\n", 2),
            // Old Mac line ends: the comment ends at the `\r`, so the NUL is in code.
            (b"# comment\rx = 1\0\r", 15),
            // A PNG's signature: not UTF-8.
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 8),
            // UTF-16 text of a comment: a byte order mark that is not UTF-8.
            (b"\xff\xfe#\0 \0", 3),
        ] {
            assert!(
                matches!(
                    decode_source(bytes.to_vec()),
                    Err(SourceError::Binary { offset }) if offset == nul
                ),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn editor_text_is_decoded_as_its_saved_file_is_read() {
        for text in ["x = 1\r\n# \u{e9}\n", "", "s = '\r\n'\n"] {
            assert!(matches!(decode_text(text), Ok(Cow::Borrowed(same)) if same == text));
        }
        for text in [
            "p = 1  # \0\r\ns = '#' # \0\n",
            "a = 1\rb = 2\r\n",
            "x = 1\0\n",
        ] {
            assert_eq!(
                decode_text(text).map_err(|error| error.to_string()),
                decode_source(text.as_bytes().to_vec())
                    .map(Cow::Owned)
                    .map_err(|error| error.to_string())
            );
        }
        assert_eq!(decode_text("a = 1\r# \0\r").unwrap(), "a = 1\n#  \n");
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        assert_eq!(
            decode_source(b"a = 1\rb = 2\r\nc = 3\r".to_vec()).unwrap(),
            "a = 1\nb = 2\r\nc = 3\n"
        );
    }

    #[test]
    fn empty_file_is_empty_text() {
        assert_eq!(decode_source(Vec::new()).unwrap(), "");
    }
}
