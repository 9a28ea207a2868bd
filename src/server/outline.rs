//! Where the cursor is in a YAML document, read from the lines and their indentation rather
//! than from a parse: a document being typed is rarely valid YAML, and completion must work all
//! the same. Block mappings and lists are understood (`key:`, `- key:`, `- - x`); flow
//! collections (`{...}`, `[...]`) only on the cursor's own line.

use crate::node::Segment;

/// One line, as far as the outline needs it.
#[derive(Debug, Default, PartialEq)]
pub struct Line {
    /// Columns (in characters) of the `- ` list markers before the content.
    pub dashes: Vec<usize>,
    /// Column of the content after the indentation and the markers.
    pub content: usize,
    /// The key, when the content is `key:` (followed by a space, a comment or the line's end).
    pub key: Option<String>,
    /// What follows the key's colon, trimmed, with a trailing comment removed.
    pub value: String,
    /// A line with nothing but blanks or a comment.
    pub blank: bool,
}

pub fn parse_line(text: &str) -> Line {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() && chars[i] == ' ' {
        i += 1;
    }
    let mut line = Line::default();
    if i == chars.len() || chars[i] == '#' {
        line.blank = true;
        line.content = i;
        return line;
    }
    while i < chars.len() && chars[i] == '-' && chars.get(i + 1).is_none_or(|c| *c == ' ') {
        line.dashes.push(i);
        i += 1;
        while i < chars.len() && chars[i] == ' ' {
            i += 1;
        }
    }
    line.content = i;
    let rest: String = chars[i..].iter().collect();
    let key_end = rest
        .char_indices()
        .find(|(j, c)| {
            *c == ':'
                && rest[j + 1..]
                    .chars()
                    .next()
                    .is_none_or(|n| n == ' ' || n == '\t')
        })
        .map(|(j, _)| j);
    if let Some(end) = key_end {
        let key = rest[..end].trim().trim_matches(|c| c == '"' || c == '\'');
        if !key.is_empty() && !key.starts_with(['{', '[', '#', '&', '*', '!', '|', '>']) {
            line.key = Some(key.to_string());
            line.value = strip_comment(&rest[end + 1..]).trim().to_string();
        }
    }
    line
}

/// A value without its trailing `# comment` (a `#` after a blank, outside quotes).
fn strip_comment(value: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in value.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous == ' ' || previous == '\t' => return &value[..i],
            _ => {}
        }
        previous = c;
    }
    value
}

/// The lines of the YAML document holding `line`: from after the `---` before it to before the
/// next one. Also which document of the file it is, from 0.
pub fn document_of(lines: &[&str], line: usize) -> (usize, std::ops::Range<usize>) {
    let mut index = 0;
    let mut start = 0;
    let mut seen_content = false;
    for (i, text) in lines.iter().enumerate() {
        let separator =
            text.starts_with("---") && text[3..].chars().next().is_none_or(char::is_whitespace);
        if separator {
            if i > line {
                return (index, start..i);
            }
            // A `---` before any content starts the first document, not a second.
            if seen_content {
                index += 1;
            }
            start = i + 1;
            seen_content = false;
        } else if !parse_line(text).blank {
            seen_content = true;
        }
    }
    (index, start..lines.len())
}

/// The lines of the `n`th document of the file (from 0).
pub fn nth_document(lines: &[&str], n: usize) -> Option<std::ops::Range<usize>> {
    let mut line = 0;
    loop {
        let (index, range) = document_of(lines, line);
        if index == n {
            return Some(range);
        }
        if index > n || range.end >= lines.len() {
            return None;
        }
        line = range.end + 1;
    }
}

/// The path of the mapping that holds a key written at column `column` of line `line`, or, with
/// `item`, of the list that holds an item marked at `column`. Walks up from the line through its
/// parents; `first` is the document's first line.
pub fn container(
    lines: &[&str],
    first: usize,
    line: usize,
    column: usize,
    item: bool,
) -> Vec<Segment> {
    let mut path = Vec::new();
    let mut state = if item {
        Seek::ItemOwner(column)
    } else {
        Seek::KeyOwner(column)
    };
    // The line's own list markers: a key after `- ` starts an item.
    if !item && let Some(here) = lines.get(line) {
        let parsed = parse_line(here);
        if let Some(&dash) = parsed.dashes.iter().rev().find(|&&d| d < column) {
            let (index, _) = item_index(lines, first, line, dash);
            path.push(Segment::Index(index));
            state = Seek::ItemOwner(dash);
        }
    }
    let mut i = line.min(lines.len());
    while i > first {
        i -= 1;
        let parsed = parse_line(lines[i]);
        if parsed.blank {
            continue;
        }
        let first_column = parsed.dashes.first().copied().unwrap_or(parsed.content);
        match state {
            Seek::KeyOwner(c) => {
                if parsed.key.is_some() && parsed.content == c {
                    // A sibling key; if it starts an item, the mapping is that item.
                    if let Some(&dash) = parsed.dashes.last() {
                        let (index, _) = item_index(lines, first, i, dash);
                        path.push(Segment::Index(index));
                        state = Seek::ItemOwner(dash);
                    }
                } else if first_column < c {
                    let Some(key) = parsed.key else { break };
                    path.push(Segment::Key(key));
                    state = match parsed.dashes.last() {
                        Some(&dash) => {
                            let (index, _) = item_index(lines, first, i, dash);
                            path.push(Segment::Index(index));
                            Seek::ItemOwner(dash)
                        }
                        None => Seek::KeyOwner(parsed.content),
                    };
                }
            }
            Seek::ItemOwner(d) => {
                if parsed.dashes.contains(&d) {
                    continue;
                }
                if first_column <= d {
                    let Some(key) = parsed.key else { break };
                    path.push(Segment::Key(key));
                    state = match parsed.dashes.last() {
                        Some(&dash) => {
                            let (index, _) = item_index(lines, first, i, dash);
                            path.push(Segment::Index(index));
                            Seek::ItemOwner(dash)
                        }
                        None => Seek::KeyOwner(parsed.content),
                    };
                }
            }
        }
        if matches!(state, Seek::KeyOwner(0)) {
            break;
        }
    }
    path.reverse();
    path
}

#[derive(Clone, Copy)]
enum Seek {
    /// The owner of a key at this column.
    KeyOwner(usize),
    /// The owner of a list item marked at this column.
    ItemOwner(usize),
}

/// Which item of its list the item marked at `dash` on line `line` is (from 0), and the line
/// where the list's owner key is (or `first`).
fn item_index(lines: &[&str], first: usize, line: usize, dash: usize) -> (usize, usize) {
    let mut index = 0;
    let mut i = line.min(lines.len());
    while i > first {
        i -= 1;
        let parsed = parse_line(lines[i]);
        if parsed.blank {
            continue;
        }
        let first_column = parsed.dashes.first().copied().unwrap_or(parsed.content);
        if parsed.dashes.first() == Some(&dash) {
            index += 1;
        } else if first_column <= dash {
            return (index, i);
        }
    }
    (index, first)
}

/// The keys already written in the block mapping that a key at `column` of `line` belongs to.
pub fn sibling_keys(
    lines: &[&str],
    range: &std::ops::Range<usize>,
    line: usize,
    column: usize,
) -> Vec<String> {
    let mut keys = Vec::new();
    let within = |parsed: &Line| {
        parsed.blank || parsed.dashes.first().copied().unwrap_or(parsed.content) >= column
    };
    // Upward to the start of the mapping (a line left of the column, or this item's marker).
    let mut i = line.min(range.end);
    while i > range.start {
        i -= 1;
        let parsed = parse_line(lines[i]);
        if parsed.content == column && !parsed.dashes.is_empty() {
            keys.extend(parsed.key);
            break;
        }
        if !within(&parsed) {
            break;
        }
        if parsed.content == column {
            keys.extend(parsed.key);
        }
    }
    for text in lines.iter().take(range.end).skip(line + 1) {
        let parsed = parse_line(text);
        if !within(&parsed) || (parsed.content == column && !parsed.dashes.is_empty()) {
            break;
        }
        if parsed.content == column {
            keys.extend(parsed.key);
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(path: &[Segment]) -> String {
        crate::node::DocPath(path.to_vec()).to_string()
    }

    const DOC: &str = "\
schema_version: 1
kind: department
services:
  - id: a
    identity:
      one_login: live
  - id: b
    identity:
      requires_login: true
      idp_contracts:
        - supplier: X
          term_months: 12
waivers:
- rule: r
  path: p
";

    #[test]
    fn finds_the_path_of_a_key() {
        let lines: Vec<&str> = DOC.lines().collect();
        assert_eq!(show(&container(&lines, 0, 1, 0, false)), "");
        assert_eq!(
            show(&container(&lines, 0, 5, 6, false)),
            "services[0].identity"
        );
        assert_eq!(show(&container(&lines, 0, 6, 4, false)), "services[1]");
        assert_eq!(
            show(&container(&lines, 0, 10, 10, false)),
            "services[1].identity.idp_contracts[0]"
        );
        assert_eq!(
            show(&container(&lines, 0, 11, 10, false)),
            "services[1].identity.idp_contracts[0]"
        );
        assert_eq!(show(&container(&lines, 0, 14, 2, false)), "waivers[0]");
        assert_eq!(show(&container(&lines, 0, 6, 2, true)), "services");
    }

    #[test]
    fn reads_lines() {
        let l = parse_line("  - id: a   # note");
        assert_eq!(
            (l.dashes, l.content, l.key.as_deref(), l.value.as_str()),
            (vec![2], 4, Some("id"), "a")
        );
        let l = parse_line("    url: \"http://x#y\" # c");
        assert_eq!(l.value, "\"http://x#y\"");
        assert!(parse_line("   # only a comment").blank);
        assert_eq!(parse_line("  nam").key, None);
    }

    #[test]
    fn finds_documents_and_siblings() {
        let lines: Vec<&str> = "a: 1\n---\nb: 2\nc:\n  d: 1\n  e: 2\n---\nf: 3\n"
            .lines()
            .collect();
        assert_eq!(document_of(&lines, 4), (1, 2..6));
        assert_eq!(nth_document(&lines, 2), Some(7..8));
        assert_eq!(sibling_keys(&lines, &(2..6), 4, 2), vec!["e".to_string()]);
        let lines: Vec<&str> = DOC.lines().collect();
        assert_eq!(sibling_keys(&lines, &(0..15), 7, 4), vec!["id".to_string()]);
    }
}
