//! Source files held in memory, and the conversion of character offsets into byte offsets,
//! lines and columns. Offsets from the YAML parser count characters; miette wants bytes. The
//! conversion is lazy: the line table is only built when a file has something to report.

use std::sync::{Arc, OnceLock};

/// A file (or stdin) whose text has been read and decoded.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in reports: the path as the user gave it, or `--stdin-name`.
    pub name: String,
    pub text: Arc<str>,
    lines: OnceLock<LineIndex>,
}

/// A resolved position: byte range for rendering, and 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip)]
    pub byte_start: usize,
    #[serde(skip)]
    pub byte_len: usize,
}

#[derive(Debug)]
struct LineIndex {
    /// For each line: (char offset of its start, byte offset of its start).
    starts: Vec<(usize, usize)>,
    ascii: bool,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            lines: OnceLock::new(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.lines.get_or_init(|| {
            let mut starts = vec![(0, 0)];
            let mut chars = 0;
            for (byte, ch) in self.text.char_indices() {
                chars += 1;
                if ch == '\n' {
                    starts.push((chars, byte + 1));
                }
            }
            LineIndex {
                starts,
                ascii: self.text.is_ascii(),
            }
        })
    }

    /// Byte offset, 0-based line and 0-based column of a character offset.
    fn point(&self, char_offset: usize) -> (usize, usize, usize) {
        let index = self.index();
        let line = match index.starts.binary_search_by(|(c, _)| c.cmp(&char_offset)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let (line_char, line_byte) = index.starts[line];
        let column = char_offset - line_char;
        let byte = if index.ascii {
            (line_byte + column).min(self.text.len())
        } else {
            self.text[line_byte..]
                .char_indices()
                .nth(column)
                .map_or(self.text.len(), |(b, _)| line_byte + b)
        };
        (byte, line, column)
    }

    /// Resolve a span given in character offsets.
    pub fn locate(&self, span: Span) -> Location {
        let (byte_start, line, column) = self.point(span.start);
        let (byte_end, end_line, end_column) = self.point(span.end.max(span.start));
        Location {
            line: line + 1,
            column: column + 1,
            end_line: end_line + 1,
            end_column: end_column + 1,
            byte_start,
            byte_len: byte_end - byte_start,
        }
    }

    /// The character offset of a 1-based line and column, clamped to the text.
    pub fn char_offset(&self, line: usize, column: usize) -> usize {
        let index = self.index();
        let line = line.max(1).min(index.starts.len()) - 1;
        let start = index.starts[line].0;
        let end = index
            .starts
            .get(line + 1)
            .map_or(usize::MAX, |s| s.0.saturating_sub(1));
        (start + column.max(1) - 1)
            .min(end)
            .min(self.text.chars().count())
    }

    /// Resolve a byte offset (used for errors found before YAML parsing, such as bad UTF-8).
    pub fn locate_byte(bytes: &[u8], offset: usize) -> (usize, usize) {
        let before = &bytes[..offset.min(bytes.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        (line, column)
    }
}

/// A range of character offsets into a source file (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn point(at: usize) -> Self {
        Span { start: at, end: at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_ascii_and_multibyte_text() {
        let file = SourceFile::new("a.yaml", "a: 1\nname: \u{e9}t\u{e9}\nz: 2\n");
        let loc = file.locate(Span::new(13, 14));
        assert_eq!((loc.line, loc.column), (2, 9));
        assert_eq!(
            &file.text[loc.byte_start..loc.byte_start + loc.byte_len],
            "\u{e9}"
        );
        let loc = file.locate(Span::new(15, 16));
        assert_eq!((loc.line, loc.column), (3, 1));
        assert_eq!(
            &file.text[loc.byte_start..loc.byte_start + loc.byte_len],
            "z"
        );
    }

    #[test]
    fn locates_bytes_before_decoding() {
        assert_eq!(SourceFile::locate_byte(b"ab\ncd\xff", 5), (2, 3));
    }
}
