//! Source files held in memory, and the conversion of character offsets into byte offsets,
//! lines and columns. Offsets from the YAML parser count characters; miette wants bytes. The
//! conversion is lazy: the line table is only built when a file has something to report.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A file (or stdin) whose text has been read and decoded.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in reports: the path as the user gave it, or `--stdin-name`.
    pub name: String,
    pub text: Arc<str>,
    lines: OnceLock<LineIndex>,
    /// Set when the text was let go ([`SourceFile::without_text`]): where to read it again,
    /// and what it was, so that a file changed since is never mistaken for it.
    reread: Option<Reread>,
    /// Set when the text was let go and, read again, was no longer what was checked.
    changed: std::sync::atomic::AtomicBool,
}

#[derive(Debug, Clone)]
struct Reread {
    path: PathBuf,
    len: usize,
    hash: u64,
}

fn hash_of(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// A resolved position: byte range for rendering, and 1-based line and column (in characters).
/// Lines and columns count from 1; a finding about a whole document with nothing to point at
/// has line 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
#[warn(missing_docs)]
pub struct Location {
    /// The line it starts on.
    pub line: usize,
    /// The column it starts at, in characters.
    pub column: usize,
    /// The line it ends on.
    pub end_line: usize,
    /// The column just after its end, in characters.
    pub end_column: usize,
    /// The byte offset of its start in the file's text.
    #[serde(skip)]
    pub byte_start: usize,
    /// Its length in bytes.
    #[serde(skip)]
    pub byte_len: usize,
}

#[derive(Debug)]
struct LineIndex {
    /// For each line: (char offset of its start, byte offset of its start).
    starts: Vec<(usize, usize)>,
    ascii: bool,
    /// The text as snippets show it, when it has a carriage return alone: each such return is
    /// a line feed here (the same length, so every offset holds), so that a terminal is never
    /// sent a raw carriage return, which would move the cursor back over the line shown.
    shown: Option<Box<str>>,
}

/// Where each line but the first starts, as byte offsets into `text`: the one definition of a
/// line break that every line and column of every report, and of the language server, is
/// counted with. As YAML 1.2 and the Language Server Protocol both say, a line feed, a carriage
/// return followed by a line feed, and a carriage return alone each end a line.
pub fn line_starts(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    text.iter()
        .enumerate()
        .filter(move |&(i, &b)| b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n')))
        .map(|(i, _)| i + 1)
}

/// The lines of a text, each without its line break, split where [`line_starts`] splits (a
/// text that ends with a line break has no empty last line, as with [`str::lines`]).
pub fn lines(text: &str) -> impl Iterator<Item = &str> + '_ {
    let ends = line_starts(text.as_bytes()).chain((!text.is_empty()).then_some(text.len() + 1));
    let mut from = 0;
    ends.filter_map(move |end| {
        let line = text.get(from..end.min(text.len()))?;
        from = end;
        (!(line.is_empty() && end > text.len())).then(|| {
            let line = line.strip_suffix('\n').unwrap_or(line);
            line.strip_suffix('\r').unwrap_or(line)
        })
    })
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            lines: OnceLock::new(),
            reread: None,
            changed: Default::default(),
        }
    }

    /// The same file without its text, which is read again from `path` when a later stage asks
    /// for it ([`SourceFile::with_text`]). A run whose reports print no snippets lets every
    /// checked file's text go, so that its memory holds findings, not the input.
    pub fn without_text(&self, path: &Path) -> SourceFile {
        SourceFile {
            name: self.name.clone(),
            text: Arc::from(""),
            lines: OnceLock::new(),
            reread: Some(self.reread.clone().unwrap_or_else(|| Reread {
                path: path.to_path_buf(),
                len: self.text.len(),
                hash: hash_of(&self.text),
            })),
            changed: Default::default(),
        }
    }

    /// A file whose text was not read: a cached outcome's, whose decoded text had `len`
    /// bytes and hash `hash` ([`SourceFile::measure`]), read from `path` if a later stage asks.
    pub fn unread(name: impl Into<String>, path: &Path, len: usize, hash: u64) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: Arc::from(""),
            lines: OnceLock::new(),
            reread: Some(Reread {
                path: path.to_path_buf(),
                len,
                hash,
            }),
            changed: Default::default(),
        }
    }

    /// A text's length and hash, as a file let go remembers it.
    pub fn measure(text: &str) -> (usize, u64) {
        (text.len(), hash_of(text))
    }

    /// Where the text is read again from, when it was let go.
    pub fn reread_path(&self) -> Option<&Path> {
        self.reread.as_ref().map(|r| r.path.as_path())
    }

    /// This file with its text: itself when it kept it, else the text read again, provided the
    /// file still holds what was checked (`None` when it changed or cannot be read).
    pub fn with_text(self: &Arc<Self>) -> Option<Arc<SourceFile>> {
        let Some(r) = &self.reread else {
            return Some(self.clone());
        };
        // No more than the text it was (and a byte order mark) is read, and only from a regular
        // file: a file grown huge or replaced by a pipe since is simply not the same.
        let mut bytes = Vec::new();
        if let Ok(file) = crate::load::read::open_regular(&r.path) {
            use std::io::Read;
            let _ = file.take(r.len as u64 + 4).read_to_end(&mut bytes);
        }
        let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
        let same = std::str::from_utf8(body)
            .ok()
            .filter(|text| text.len() == r.len && hash_of(text) == r.hash);
        if same.is_none() {
            self.changed
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        same.map(|text| Arc::new(SourceFile::new(self.name.clone(), text)))
    }

    /// Whether the text was let go and, read again, was no longer what was checked.
    pub fn changed(&self) -> bool {
        self.changed.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn index(&self) -> &LineIndex {
        self.lines.get_or_init(|| {
            let text = &*self.text;
            let ascii = text.is_ascii();
            let mut starts = vec![(0, 0)];
            if ascii {
                // A byte is a character.
                starts.extend(line_starts(text.as_bytes()).map(|b| (b, b)));
            } else {
                let (mut chars, mut from) = (0, 0);
                for byte in line_starts(text.as_bytes()) {
                    chars += text[from..byte].chars().count();
                    from = byte;
                    starts.push((chars, byte));
                }
            }
            // A report keeps every file's table until it is printed.
            starts.shrink_to_fit();
            let bytes = text.as_bytes();
            // Looked for only where there is a carriage return at all.
            let lone_cr = bytes.contains(&b'\r')
                && bytes
                    .iter()
                    .enumerate()
                    .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            let shown = lone_cr.then(|| {
                let mut shown = text.to_string().into_bytes();
                for i in 0..shown.len() {
                    if shown[i] == b'\r' && shown.get(i + 1) != Some(&b'\n') {
                        shown[i] = b'\n';
                    }
                }
                // Only ASCII bytes changed, into other ASCII bytes.
                String::from_utf8(shown)
                    .map(String::into_boxed_str)
                    .unwrap_or_default()
            });
            LineIndex {
                starts,
                ascii,
                shown,
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
        let offset = offset.min(bytes.len());
        let before = &bytes[..offset];
        let (count, line_start) = line_starts(bytes)
            .take_while(|&s| s <= offset)
            .fold((0, 0), |(n, _), s| (n + 1, s));
        let line = count + 1;
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        (line, column)
    }
}

/// A source file as miette reads snippets from it. miette's own reader for a `str` scans from
/// the start of the text to the span for every snippet it draws; with thousands of findings in
/// a file that was most of the human report's time. This one looks the span's line up in the
/// line table and lets miette scan only from the first line the snippet shows, then moves the
/// result back to the file's own offsets and line numbers, so the snippet is the same.
#[derive(Debug, Clone)]
pub struct Snippets(pub Arc<SourceFile>);

impl SourceCode for Snippets {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let index = self.0.index();
        let text = index.shown.as_deref().unwrap_or(&self.0.text).as_bytes();
        let offset = span.offset().min(text.len());
        let line = match index.starts.binary_search_by(|(_, b)| b.cmp(&offset)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        // One line more than the snippet shows: miette ends an empty span at the line break
        // before it, so the scan must start before that break.
        let first = line.saturating_sub(before + 1);
        if first == 0 {
            return text.read_span(span, before, after);
        }
        let base = index.starts[first].1;
        let shifted = SourceSpan::new((span.offset() - base).into(), span.len());
        let window: &'a [u8] = &text[base..];
        let inner = window.read_span(&shifted, before, after)?;
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

/// Where a setting was written (a config file's line), for diagnostics about it.
#[derive(Debug, Clone)]
pub struct Origin {
    pub source: Arc<SourceFile>,
    pub span: Span,
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

    /// A text let go is read again as it was, byte order mark and all; a file changed since
    /// is not mistaken for it.
    #[test]
    fn a_text_let_go_is_read_again_only_while_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "\u{feff}kind: department\nid: \u{e9}\n").unwrap();
        let file = SourceFile::new("a.yaml", "kind: department\nid: \u{e9}\n");
        let gone = Arc::new(file.without_text(&path));
        assert_eq!(&*gone.text, "");
        assert_eq!(gone.reread_path(), Some(path.as_path()));
        let again = gone.with_text().unwrap();
        assert_eq!(&*again.text, &*file.text);
        assert_eq!(
            again.locate(Span::new(20, 21)),
            file.locate(Span::new(20, 21))
        );
        // Letting go twice keeps what the first time recorded.
        let twice = Arc::new(gone.without_text(std::path::Path::new("elsewhere")));
        assert_eq!(&*twice.with_text().unwrap().text, &*file.text);
        assert!(!gone.changed());
        std::fs::write(&path, "kind: department\nid: x\u{e9}\n").unwrap();
        assert!(gone.with_text().is_none());
        assert!(gone.changed());
        // Grown far past what was checked: not the same, and read no further than that.
        std::fs::write(&path, "kind: department\nid: \u{e9}\n".repeat(10_000)).unwrap();
        assert!(gone.with_text().is_none());
        std::fs::remove_file(&path).unwrap();
        assert!(gone.with_text().is_none());
        // Replaced by a named pipe: not opened (opening it would wait for a writer).
        #[cfg(unix)]
        if std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success())
        {
            assert!(gone.with_text().is_none());
        }
        let kept = Arc::new(SourceFile::new("b.yaml", "x: 1"));
        assert!(Arc::ptr_eq(&kept.with_text().unwrap(), &kept));
    }

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

    /// The windowed reader gives miette exactly what its own reader of the whole text gives.
    #[test]
    fn snippets_match_miettes_own_reader() {
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!("key{i}: value \u{e9} {i}\n"));
            if i % 7 == 0 {
                text.push_str("\r\n");
            }
        }
        let file = Arc::new(SourceFile::new("a.yaml", text.clone()));
        let snippets = Snippets(file);
        for offset in (0..text.len()).filter(|&o| text.is_char_boundary(o)) {
            for len in [0, 1, 5, 40] {
                for (before, after) in [(0, 0), (1, 1), (2, 3), (5, 0)] {
                    let span = SourceSpan::new(offset.into(), len);
                    let ours = snippets.read_span(&span, before, after);
                    let theirs = text.as_str().read_span(&span, before, after);
                    match (ours, theirs) {
                        (Ok(a), Ok(b)) => {
                            assert_eq!(a.data(), b.data(), "data at {offset}+{len}");
                            assert_eq!(a.span(), b.span(), "span at {offset}+{len}");
                            assert_eq!(a.line(), b.line(), "line at {offset}+{len}");
                            assert_eq!(a.column(), b.column(), "column at {offset}+{len}");
                            assert_eq!(a.line_count(), b.line_count(), "lines at {offset}+{len}");
                        }
                        (Err(_), Err(_)) => {}
                        (a, b) => panic!("at {offset}+{len}: {:?} vs {:?}", a.is_ok(), b.is_ok()),
                    }
                }
            }
        }
    }

    #[test]
    fn locates_bytes_before_decoding() {
        assert_eq!(SourceFile::locate_byte(b"ab\ncd\xff", 5), (2, 3));
        assert_eq!(SourceFile::locate_byte(b"ab\rcd\r\ne\xff", 8), (3, 2));
    }

    /// A line feed, a carriage return and line feed, and a carriage return alone each end one
    /// line, for offsets, for the lines of a text and for what snippets show.
    #[test]
    fn every_line_break_counts_once() {
        let text = "a: 1\rb: 2\r\nc: 3\nd: \u{e9}\r\re: 5";
        let file = SourceFile::new("a.yaml", text);
        let at = |needle: &str| {
            let start = text[..text.find(needle).unwrap()].chars().count();
            let loc = file.locate(Span::new(start, start + 1));
            (loc.line, loc.column)
        };
        assert_eq!(
            [at("a"), at("b"), at("c"), at("d"), at("\u{e9}"), at("e")],
            [(1, 1), (2, 1), (3, 1), (4, 1), (4, 4), (6, 1)]
        );
        assert_eq!(
            lines(text).collect::<Vec<_>>(),
            ["a: 1", "b: 2", "c: 3", "d: \u{e9}", "", "e: 5"]
        );
        assert_eq!(lines("x\n").collect::<Vec<_>>(), ["x"]);
        assert_eq!(lines("").count(), 0);
        assert_eq!(file.char_offset(6, 1), text.chars().count() - 4);
        // Snippets never carry a carriage return alone, and miette numbers their lines as
        // the reports do.
        let snippets = Snippets(Arc::new(file));
        let e = text.find("e: 5").unwrap();
        let shown = snippets
            .read_span(&SourceSpan::new(e.into(), 1), 2, 0)
            .unwrap();
        assert_eq!(shown.line(), 3);
        let data = std::str::from_utf8(shown.data()).unwrap();
        assert!(!data.replace("\r\n", "").contains('\r'), "{data:?}");
    }
}
