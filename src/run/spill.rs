//! Findings kept on disk instead of in memory. A run whose only report is JSON writes each
//! checked file's findings, as the report's own bytes ([`crate::render::fragment`]), to an
//! unnamed temporary file as soon as the file is settled, and
//! keeps in memory only what counts and scores read (each finding's severity and whether it
//! was waived, as [`Mark`]s on the rule results). The JSON report reads them back file by file
//! and merges them with the findings still in memory (portfolio findings, and the files whose
//! documents did not all reach the rules), in the order every report uses; a file with none
//! in memory has its bytes copied into the report as they are. Memory then follows the number
//! of documents, not of findings.

use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

use crate::finding::{Finding, Severity};

/// A finding's severity, and whether it was waived: what counts and scores read of a finding
/// whose body went to the spill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub severity: Severity,
    pub waived: bool,
}

impl Mark {
    pub fn of(f: &Finding) -> Mark {
        Mark {
            severity: f.severity,
            waived: f.waived,
        }
    }
}

/// The counts of a report's summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
    /// Problems left out by the cap on problems per document (the number each
    /// `*-too-many-problems` note starts with).
    pub not_shown: usize,
}

impl Counts {
    pub fn add(&mut self, f: &Finding) {
        if matches!(
            f.rule.as_str(),
            "schema-too-many-problems" | "yaml-too-many-problems"
        ) {
            self.not_shown += f
                .message
                .split(' ')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
        }
        if f.waived {
            self.waived += 1;
            return;
        }
        match f.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    pub fn merge(&mut self, other: Counts) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.waived += other.waived;
        self.not_shown += other.not_shown;
    }

    /// The most severe unwaived finding counted.
    pub fn worst(&self) -> Option<Severity> {
        [
            (self.errors, Severity::Error),
            (self.warnings, Severity::Warning),
            (self.infos, Severity::Info),
        ]
        .into_iter()
        .find(|(n, _)| *n > 0)
        .map(|(_, s)| s)
    }
}

/// Where one file's findings are in the spill: each finding's rendering, one after another,
/// in report order.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// The file the bytes are in, when it is not the spill: a cache entry, whose rendered
    /// findings are read from it for the report instead of being copied here first.
    elsewhere: Option<std::sync::Arc<std::path::Path>>,
    offset: u64,
    len: u64,
    /// The length of each finding's rendering.
    lens: Vec<u32>,
    /// Each finding's bytes in its file, which its rendering leaves out: what a report with
    /// snippets needs to read it back.
    spans: Spans,
    pub counts: Counts,
}

/// A finding of the report: in memory, read back, or as the bytes the JSON report prints for
/// it (with its bytes in its file, which those leave out).
pub enum Item<'a> {
    Finding(&'a Finding),
    Read(Box<Finding>),
    Rendered(&'a [u8], &'a [(u32, u32)]),
}

/// The depth of an element of the JSON report's `findings` array.
pub const FINDING_DEPTH: usize = 2;

/// One file's findings rendered for the report, in report order: the bytes, one after
/// another, the length of each, and for each finding (in the order given) the place of its
/// rendering among them.
pub fn render(findings: &[Finding]) -> Option<(Vec<u8>, Vec<u32>, Vec<usize>)> {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| findings[a].sort_key().cmp(&findings[b].sort_key()));
    let mut bytes = Vec::new();
    let mut lens = Vec::with_capacity(order.len());
    let mut piece = vec![0; findings.len()];
    for (p, &i) in order.iter().enumerate() {
        piece[i] = p;
        let one = crate::render::fragment::json_at_depth(&findings[i], FINDING_DEPTH).ok()?;
        lens.push(u32::try_from(one.len()).ok()?);
        bytes.extend_from_slice(&one);
    }
    Some((bytes, lens, piece))
}

/// The bytes (start, length) in its file of each finding of a chunk and of each of its
/// related places, in the chunk's order: what the findings' renderings leave out.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    /// (start, length), 32 bits each: a file's bytes are counted in far fewer than 4 GiB (its
    /// memory budget refuses a file long before), and a run holds one for every finding.
    all: Vec<(u32, u32)>,
    /// Where each finding's spans start in `all`.
    starts: Vec<u32>,
}

/// A number of bytes, in the 32 bits [`Spans`] keep it in.
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Spans {
    /// The next finding's spans: its own, then its related places'.
    pub fn push(&mut self, f: &Finding) {
        let places = std::iter::once(&f.location).chain(f.related.iter().map(|r| &r.location));
        self.push_spans(places.map(|l| (l.byte_start, l.byte_len)));
    }

    /// The next finding's spans, as kept elsewhere.
    pub fn push_kept(&mut self, own: (usize, usize), related: &[(usize, usize)]) {
        self.push_spans(std::iter::once(own).chain(related.iter().copied()));
    }

    fn push_spans(&mut self, spans: impl Iterator<Item = (usize, usize)>) {
        self.starts.push(narrow(self.all.len()));
        self.all
            .extend(spans.map(|(start, len)| (narrow(start), narrow(len))));
    }

    /// The spans of the chunk's `i`th finding (none when not known).
    fn of(&self, i: usize) -> &[(u32, u32)] {
        let Some(&start) = self.starts.get(i) else {
            return &[];
        };
        let end = self
            .starts
            .get(i + 1)
            .copied()
            .map_or(self.all.len(), |e| e as usize);
        self.all.get(start as usize..end).unwrap_or_default()
    }
}

/// A spilled finding read back from its rendering, with its bytes and its related places' bytes
/// in their files.
pub fn read_back(piece: &[u8], spans: &[(u32, u32)]) -> std::io::Result<Finding> {
    let mut f: Finding = serde_json::from_slice(piece)?;
    let places =
        std::iter::once(&mut f.location).chain(f.related.iter_mut().map(|r| &mut r.location));
    for (l, &(start, len)) in places.zip(spans) {
        (l.byte_start, l.byte_len) = (start as usize, len as usize);
    }
    Ok(f)
}

/// Each finding's bytes of a rendered file.
pub(super) fn pieces<'a>(bytes: &'a [u8], lens: &'a [u32]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut at = 0usize;
    lens.iter().map(move |&n| {
        let end = (at + n as usize).min(bytes.len());
        let piece = &bytes[at.min(end)..end];
        at = end;
        piece
    })
}

/// The temporary file, and the files whose findings are in it.
#[derive(Debug)]
pub struct Spill {
    file: Mutex<(std::fs::File, u64)>,
    /// Each spilled file, as shown, with its chunk, in input order.
    pub(super) chunks: Vec<(String, Chunk)>,
    /// Whether each finding's bytes in its file are kept ([`Spans`]): only a report that
    /// prints snippets reads them.
    keep_spans: bool,
}

impl Spill {
    /// A new spill, or `None` when no temporary file can be made (the findings then stay in
    /// memory, as in any other run). `keep_spans`: whether a report will print snippets.
    pub fn new(keep_spans: bool) -> Option<Spill> {
        let file = tempfile::tempfile().ok()?;
        Some(Spill {
            file: Mutex::new((file, 0)),
            chunks: Vec::new(),
            keep_spans,
        })
    }

    /// Write one file's findings; `None` (nothing written) when the write fails.
    pub fn put(&self, findings: &[Finding]) -> Option<Chunk> {
        let (bytes, lens, piece) = render(findings)?;
        let mut counts = Counts::default();
        findings.iter().for_each(|f| counts.add(f));
        let mut spans = Spans::default();
        if self.keep_spans {
            let mut by_piece = vec![None; findings.len()];
            for (f, &p) in findings.iter().zip(&piece) {
                by_piece[p] = Some(f);
            }
            by_piece.into_iter().flatten().for_each(|f| spans.push(f));
        }
        let mut chunk = self.put_rendered(&bytes, lens, counts)?;
        chunk.spans = spans;
        Some(chunk)
    }

    /// Write one file's findings as [`render`] made them, with their counts.
    fn put_rendered(&self, bytes: &[u8], lens: Vec<u32>, counts: Counts) -> Option<Chunk> {
        let mut guard = self.file.lock().ok()?;
        let (file, end) = &mut *guard;
        let offset = *end;
        if file
            .seek(SeekFrom::Start(offset))
            .and_then(|_| file.write_all(bytes))
            .is_err()
        {
            return None;
        }
        *end += bytes.len() as u64;
        Some(Chunk {
            elsewhere: None,
            offset,
            len: bytes.len() as u64,
            lens,
            spans: Spans::default(),
            counts,
        })
    }

    /// One file's findings as [`render`] made them, left where they are: `len` bytes from
    /// `offset` in the file at `path` (which the run does not change), with each one's bytes
    /// in its file.
    pub fn refer(
        path: &std::path::Path,
        (offset, len): (u64, u64),
        lens: Vec<u32>,
        spans: Spans,
        counts: Counts,
    ) -> Chunk {
        Chunk {
            elsewhere: Some(path.into()),
            offset,
            len,
            lens,
            spans,
            counts,
        }
    }

    /// One file's rendered findings, read back.
    fn bytes(&self, chunk: &Chunk) -> std::io::Result<Vec<u8>> {
        let mut bytes = vec![0; usize::try_from(chunk.len).unwrap_or(usize::MAX)];
        if let Some(path) = &chunk.elsewhere {
            let mut file = std::fs::File::open(path)?;
            file.seek(SeekFrom::Start(chunk.offset))?;
            file.read_exact(&mut bytes)?;
            return Ok(bytes);
        }
        let mut guard = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("the findings spill is poisoned"))?;
        let file = &mut guard.0;
        file.seek(SeekFrom::Start(chunk.offset))?;
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }

    /// Read one file's findings back.
    pub fn get(&self, chunk: &Chunk) -> std::io::Result<Vec<Finding>> {
        let bytes = self.bytes(chunk)?;
        pieces(&bytes, &chunk.lens)
            .enumerate()
            .map(|(i, piece)| read_back(piece, chunk.spans.of(i)))
            .collect()
    }

    /// The counts of every spilled finding.
    pub fn counts(&self) -> Counts {
        let mut total = Counts::default();
        self.chunks.iter().for_each(|(_, c)| total.merge(c.counts));
        total
    }

    /// Every finding of the run in report order: the spilled ones, read back a file at a time,
    /// merged with those in memory (`held`, already in report order), each given to `emit`. A
    /// file whose findings are all on disk, in one chunk, is given as its rendered bytes.
    pub fn merged<E>(
        &self,
        held: &[Finding],
        mut emit: impl FnMut(Item<'_>) -> Result<(), E>,
        read_error: impl Fn(std::io::Error) -> E,
    ) -> Result<(), E> {
        let mut order: Vec<&(String, Chunk)> = self.chunks.iter().collect();
        // Stable: chunks of one name (a file given twice) stay in input order.
        order.sort_by(|a, b| a.0.cmp(&b.0));
        let mut rest = held;
        let mut i = 0;
        while i < order.len() {
            let name = order[i].0.as_str();
            let before = rest.partition_point(|f| f.file.as_str() < name);
            let same = rest[before..].partition_point(|f| f.file.as_str() == name);
            for f in &rest[..before] {
                emit(Item::Finding(f))?;
            }
            let chunks = order[i..].iter().take_while(|c| c.0 == name).count();
            if chunks == 1 && same == 0 {
                let chunk = &order[i].1;
                let bytes = self.bytes(chunk).map_err(&read_error)?;
                for (i, piece) in pieces(&bytes, &chunk.lens).enumerate() {
                    emit(Item::Rendered(piece, chunk.spans.of(i)))?;
                }
            } else {
                let mut group = Vec::new();
                for c in &order[i..i + chunks] {
                    group.extend(self.get(&c.1).map_err(&read_error)?);
                }
                let held = &rest[before..before + same];
                let mut group: Vec<Result<&Finding, Finding>> = group
                    .into_iter()
                    .map(Err)
                    .chain(held.iter().map(Ok))
                    .collect();
                fn of<'f>(m: &'f Result<&Finding, Finding>) -> &'f Finding {
                    match m {
                        Ok(f) => f,
                        Err(f) => f,
                    }
                }
                group.sort_by(|a, b| of(a).sort_key().cmp(&of(b).sort_key()));
                for member in group {
                    emit(member.map_or_else(|f| Item::Read(Box::new(f)), Item::Finding))?;
                }
            }
            i += chunks;
            rest = &rest[before + same..];
        }
        for f in rest {
            emit(Item::Finding(f))?;
        }
        Ok(())
    }
}
