//! Positions: the linter counts 1-based lines and columns in characters; LSP counts 0-based
//! lines and columns in UTF-16 code units. Conversions go through the document's text, so a
//! line with accents, or with characters outside the Basic Multilingual Plane, is right.

use lsp_types::{Position, Range};

use crate::source::Location;

/// A text's line starts, for converting positions both ways.
pub struct Lines<'a> {
    text: &'a str,
    /// Byte offset of each line's start.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        // Line breaks as every report counts them (which is also what LSP says they are).
        let mut starts = vec![0];
        starts.extend(crate::source::line_starts(text.as_bytes()));
        Lines { text, starts }
    }

    /// The text of a 0-based line, without its line break.
    pub fn line(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line) else {
            return "";
        };
        let end = self.starts.get(line + 1).map_or(self.text.len(), |e| e - 1);
        self.text[start..end.max(start)].trim_end_matches('\r')
    }

    /// The LSP position of a 1-based line and 1-based character column (clamped to the text).
    pub fn position(&self, line: usize, column: usize) -> Position {
        let index = line.clamp(1, self.starts.len()) - 1;
        let text = self.line(index);
        let units: usize = text
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf16)
            .sum();
        Position::new(to_u32(index), to_u32(units))
    }

    /// The LSP range of a finding's location. A location of nothing (line 0, as a problem with
    /// a whole file has) is the file's first character.
    pub fn range(&self, location: &Location) -> Range {
        if location.line == 0 {
            return Range::new(Position::new(0, 0), Position::new(0, 0));
        }
        let start = self.position(location.line, location.column);
        let end = if location.end_line == 0 {
            start
        } else {
            self.position(location.end_line, location.end_column)
        };
        Range::new(start, end.max(start))
    }

    /// The byte offset of an LSP position (clamped to its line, and to the text).
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let text = self.line(position.line as usize);
        let mut units = 0usize;
        for (i, c) in text.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + text.len()
    }

    /// The 0-based character column (not UTF-16) of an LSP position within its line.
    pub fn char_column(&self, position: Position) -> usize {
        let line_start = self
            .starts
            .get(position.line as usize)
            .copied()
            .unwrap_or(0);
        let offset = self.offset(position);
        self.text
            .get(line_start..offset)
            .map_or(0, |s| s.chars().count())
    }

    /// The LSP position of a 0-based line and 0-based character column.
    pub fn at_char(&self, line: usize, column: usize) -> Position {
        self.position(line + 1, column + 1)
    }

    /// The LSP position of a byte offset (clamped to the text, and back to a character's start).
    pub fn at_byte(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.starts[line]..offset].chars().count();
        self.at_char(line, column)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_utf16_units() {
        // "é" is one unit, "𝒳" (outside the BMP) two.
        let text = "a: 1\nname: \u{e9}\u{1d4b3}x\n";
        let lines = Lines::new(text);
        // Column 9 (1-based, characters) is the `x`: after "name: ", é and 𝒳.
        assert_eq!(lines.position(2, 9), Position::new(1, 9));
        assert_eq!(lines.offset(Position::new(1, 9)), text.find('x').unwrap());
        assert_eq!(lines.char_column(Position::new(1, 9)), 8);
        assert_eq!(lines.position(9, 1), Position::new(2, 0));
    }

    #[test]
    fn handles_crlf() {
        let lines = Lines::new("a: 1\r\nb: 2\r\n");
        assert_eq!(lines.line(0), "a: 1");
        assert_eq!(lines.position(1, 10), Position::new(0, 4));
    }
}
