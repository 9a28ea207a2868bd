//! Escaping, one policy per place where text lands. Every value that comes from a document, a
//! file name or a rule pack reaches a report through one of these functions: a declaration is
//! written by whoever can open a pull request, and a report lands in a terminal, a CI log, a
//! pull-request comment, a web page or an XML file.
//!
//! | context | function | what it guards against |
//! | --- | --- | --- |
//! | terminal or CI log, one line | [`terminal_line`] | escape sequences, line breaks that start a forged line, workflow commands (`::add-mask::`, `##[error]`) |
//! | terminal, a block of text | [`terminal_text`] | the same, keeping the line breaks |
//! | GitHub workflow command, message | [`workflow_data`] | line breaks and `%` (the runner's own encoding), control characters |
//! | GitHub workflow command, property | [`workflow_property`] | as data, and `:` `,` that end a property |
//! | Markdown, inline or in a table cell | [`markdown`] | emphasis, links, images, raw HTML, table pipes, headings, @-mentions, issue and URL autolinks |
//! | Markdown with `code spans` kept | [`markdown_code`] | as [`markdown`] outside the spans |
//! | a value as a Markdown code span | [`markdown_code_span`] | backticks that would close the span early, table pipes |
//! | file lines in a Markdown code block | [`markdown_block`] | a fence in the text that would close the block |
//! | HTML text or attribute | [`html`] | markup and attribute breakout |
//! | the same, in a maud template | [`HtmlText`], [`HtmlCode`] | as [`html`] and [`html_code`] |
//! | an identifier in HTML (a path, a rule id, a file), free to wrap at its separators | [`HtmlBreakable`] | as [`html`], with `<wbr>` after each `.` `_` `/` `-` `:` `=` so a long one wraps there and not mid-word |
//! | a CSS string in a page's stylesheet (a printed page's running header) | [`css_string`] | the closing quote, a backslash, line breaks, and `<` `>` that could end the `<style>` element |
//! | XML attribute (or text) | [`xml`] | markup, and characters XML 1.0 does not allow |
//! | XML element text | [`xml_text`] | as [`xml`], keeping line feeds and tabs |
//! | JSON and SARIF | [`json_pretty`], [`json_pretty_string`] | `serde_json`'s escaping, and DEL and the C1 controls (U+007F-U+009F, such as U+009B, a terminal's CSI), which it writes raw |

use std::borrow::Cow;
use std::fmt::Write;

/// Characters that reorder or hide text (bidirectional overrides and isolates, the
/// right-to-left and left-to-right marks): they can make a report say something other than
/// what it holds ("Trojan Source").
fn reorders(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Control characters (C0, DEL and C1) and the reordering marks: never written raw anywhere.
fn unsafe_char(c: char) -> bool {
    c.is_control() || reorders(c)
}

/// A zero-width space: breaks a token that a CI runner or GitHub would act on, invisibly.
const BREAK: char = '\u{200B}';

/// Text for a terminal or a CI log, on one line: every control character (line breaks, escape,
/// bell, C1 controls) and every reordering mark is written as a visible `\u{..}` (a line break
/// as `\n`), so a value cannot move the cursor, retitle the window or start a new log line; a
/// workflow command that a value would put at the start of a line (`::add-mask::`) or anywhere
/// in it (`##[error]`) is broken up.
pub fn terminal_line(s: &str) -> Cow<'_, str> {
    if !needs_terminal(s, false) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    push_terminal_line(&mut out, s);
    Cow::Owned(out)
}

/// Text for a terminal or a CI log that may span lines (a rule's documentation, help text):
/// as [`terminal_line`], but line feeds are kept, and each line is guarded on its own.
pub fn terminal_text(s: &str) -> Cow<'_, str> {
    if !needs_terminal(s, true) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        push_terminal_line(&mut out, line);
    }
    Cow::Owned(out)
}

/// Rendered terminal text (a miette report, whose snippets quote the file's own lines): each
/// line's workflow commands are broken up as in [`terminal_text`]; nothing else changes. A
/// comment in a declaration may hold `##[error]`, and a snippet would show it.
pub fn neutralise_commands(text: &str) -> Cow<'_, str> {
    let live = text.contains("##[")
        || text
            .split('\n')
            .any(|line| line.trim_start().starts_with("::"));
    if !live {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let lead = line.len() - line.trim_start().len();
        let (head, rest) = if line[lead..].starts_with("::") {
            out.push_str(&line[..lead + 1]);
            out.push(BREAK);
            ("", &line[lead + 1..])
        } else {
            ("", line)
        };
        out.push_str(head);
        out.push_str(&rest.replace("##[", "#\u{200B}#["));
    }
    Cow::Owned(out)
}

fn needs_terminal(s: &str, keep_newlines: bool) -> bool {
    s.chars()
        .any(|c| unsafe_char(c) && !(keep_newlines && c == '\n'))
        || s.contains("##[")
        || s.split('\n')
            .any(|line| line.trim_start().starts_with("::"))
}

fn push_terminal_line(out: &mut String, line: &str) {
    // The runner trims leading white space before it looks for `::`.
    let lead = line.len() - line.trim_start().len();
    let mut rest = line;
    if line[lead..].starts_with("::") {
        push_visible(out, &line[..lead + 1]);
        out.push(BREAK);
        rest = &line[lead + 1..];
    }
    for (i, c) in rest.char_indices() {
        if c == '#' && rest[i..].starts_with("##[") {
            out.push('#');
            out.push(BREAK);
        } else {
            push_visible_char(out, c);
        }
    }
}

fn push_visible(out: &mut String, s: &str) {
    for c in s.chars() {
        push_visible_char(out, c);
    }
}

fn push_visible_char(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if unsafe_char(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// The message of a GitHub workflow command (after the second `::`): the runner decodes `%25`,
/// `%0D` and `%0A`, so line breaks stay inside the annotation; other control characters and
/// reordering marks are made visible as in [`terminal_line`], and `##[` is broken up.
pub fn workflow_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        match c {
            '#' if s[i..].starts_with("##[") => {
                out.push('#');
                out.push(BREAK);
            }
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A property of a GitHub workflow command (`file=`, `title=`): as [`workflow_data`], and `:`
/// and `,`, which end a property, are encoded too.
pub fn workflow_property(s: &str) -> String {
    workflow_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Text for inline Markdown: a table cell, a list item or a heading of a pull-request comment
/// or report. Markup characters are backslash-escaped (those that mean something inline: a
/// value never starts a line, so list and heading markers need nothing, and with `[` and `]`
/// escaped no link can form); `&`, `<` and `>` are entities, so no raw
/// HTML can form; line breaks become spaces (a table row is one line); control characters and
/// reordering marks become U+FFFD. GitHub links some plain text after the Markdown is rendered
/// (`@mentions`, `#123`, `https://`, `www.`): a zero-width space breaks each of them.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => {
                out.push('@');
                out.push(BREAK);
            }
            '#' => {
                out.push_str("\\#");
                if chars.peek().is_some_and(|n| n.is_alphanumeric()) {
                    out.push(BREAK);
                }
            }
            ':' => {
                out.push_str("\\:");
                if chars.peek() == Some(&'/') {
                    out.push(BREAK);
                }
            }
            '.' if out.len() >= 3
                && out.as_bytes()[out.len() - 3..].eq_ignore_ascii_case(b"www") =>
            {
                out.push(BREAK);
                out.push('.');
            }
            '\r' | '\n' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if unsafe_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Markdown text whose `code spans` should stay code spans (rule messages quote keys and
/// values in backticks). Outside the spans, [`markdown`]. Inside a span nothing can be escaped
/// (an entity or a backslash shows as it is), so a span is kept only when it holds nothing
/// that could matter (no `<`, `&`, `@`, `#`, `:`, `|`, backslash, line break or unsafe
/// character); any other span is shown as escaped text between escaped backticks. An unpaired
/// backtick is escaped and an empty pair dropped, so the pairing cannot shift.
pub fn markdown_code(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    let spans = (parts.len() - 1) / 2;
    let mut out = String::with_capacity(s.len() + 8);
    for (i, part) in parts.iter().enumerate() {
        let in_span = i % 2 == 1 && i <= spans * 2;
        if !in_span {
            if i % 2 == 1 {
                out.push_str("\\`");
            }
            out.push_str(&markdown(part));
        } else if part.is_empty() {
        } else if part.chars().all(inert_in_code) {
            out.push('`');
            out.push_str(part);
            out.push('`');
        } else {
            out.push_str("\\`");
            out.push_str(&markdown(part));
            out.push_str("\\`");
        }
    }
    out
}

/// A character that means nothing inside a Markdown code span, to GitHub or to a CI log.
fn inert_in_code(c: char) -> bool {
    !(unsafe_char(c) || matches!(c, '<' | '>' | '&' | '@' | '#' | ':' | '|' | '\\'))
}

/// A value shown as a Markdown code span (a file name, a path): delimited by more backticks
/// than the value holds in a row, so it cannot close the span early; pipes escaped for tables;
/// line breaks and unsafe characters as in [`markdown_code`].
pub fn markdown_code_span(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    let mut out = String::with_capacity(s.len() + 2 * fence.len() + 2);
    out.push_str(&fence);
    out.push_str(pad);
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if unsafe_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push_str(pad);
    out.push_str(&fence);
    out
}

/// Lines of a file shown as a fenced Markdown code block: the fence is longer than any run of
/// backticks in the text, so the text cannot close it; unsafe characters become U+FFFD.
pub fn markdown_block(text: &str, language: &str, indent: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let mut out = format!("{indent}{fence}{language}\n");
    for line in crate::source::lines(text) {
        out.push_str(indent);
        for c in line.chars() {
            if unsafe_char(c) && c != '\t' {
                out.push('\u{FFFD}');
            } else {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str(&fence);
    out.push('\n');
    out
}

/// Text for HTML, in an element or a quoted attribute: `& < > " '` become entities, control
/// characters and reordering marks U+FFFD (line feeds and tabs are kept, with the workflow
/// commands of their lines broken up as in [`neutralise_commands`]: the file may be printed in
/// a CI log).
pub fn html(s: &str) -> Cow<'_, str> {
    match html_chars(s) {
        Cow::Borrowed(b) => neutralise_commands(b),
        Cow::Owned(o) => Cow::Owned(neutralised(o)),
    }
}

/// `text` with its lines' workflow commands broken up, without a copy when it has none.
fn neutralised(text: String) -> String {
    match neutralise_commands(&text) {
        Cow::Owned(fixed) => fixed,
        Cow::Borrowed(_) => text,
    }
}

fn html_chars(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| {
        matches!(c, '&' | '<' | '>' | '"' | '\'') || (unsafe_char(c) && !matches!(c, '\n' | '\t'))
    }) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if unsafe_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text for HTML whose `code spans` (rule messages quote keys and values in backticks) become
/// `<code>` elements: each paired span is escaped and wrapped, the rest escaped as [`html`]; an
/// unpaired backtick is kept as text, so the pairing cannot shift.
pub fn html_code(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    let spans = (parts.len() - 1) / 2;
    let mut out = String::with_capacity(s.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        let in_span = i % 2 == 1 && i <= spans * 2;
        if in_span {
            out.push_str("<code>");
            out.push_str(&html(part));
            out.push_str("</code>");
        } else {
            if i % 2 == 1 {
                out.push('`');
            }
            out.push_str(&html(part));
        }
    }
    out
}

/// Text from a document, a file name or a pack, spliced into a maud template: `(HtmlText(s))`
/// writes `s` escaped as [`html`]. maud's own escaping of a `&str` would leave control
/// characters and reordering marks as they are, so the HTML reports pass every such value
/// through this wrapper.
#[derive(Debug, Clone, Copy)]
pub struct HtmlText<'a>(pub &'a str);

impl maud::Render for HtmlText<'_> {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(&html(self.0));
    }
}

/// Text whose `code spans` become `<code>` elements, spliced into a maud template: written as
/// [`html_code`] writes it.
#[derive(Debug, Clone, Copy)]
pub struct HtmlCode<'a>(pub &'a str);

impl maud::Render for HtmlCode<'_> {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(&html_code(self.0));
    }
}

/// Text as a quoted CSS string (`"..."`), for `content:` in a stylesheet: every character that
/// could end the string, the declaration or the `<style>` element (`"`, `\`, `<`, `>`, `&`,
/// line breaks), every control character and reordering mark is written as a CSS escape
/// (`\3C `), so the value stays one string whatever it holds.
pub fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '<' | '>' | '&' | '\'' | '{' | '}' | ';') || unsafe_char(c) {
            let _ = write!(out, "\\{:X} ", c as u32);
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// An identifier (a document path, a rule id, a file name) spliced into a maud template,
/// escaped as [`html`], with a `<wbr>` (a line-break opportunity) after each separator: in a
/// narrow table cell a long path wraps after a `.` or `_`, not in the middle of a word.
#[derive(Debug, Clone, Copy)]
pub struct HtmlBreakable<'a>(pub &'a str);

impl maud::Render for HtmlBreakable<'_> {
    fn render_to(&self, buffer: &mut String) {
        let mut piece = String::new();
        for c in self.0.chars() {
            piece.push(c);
            if matches!(c, '.' | '_' | '/' | '-' | ':' | '=') {
                buffer.push_str(&html(&piece));
                buffer.push_str("<wbr>");
                piece.clear();
            }
        }
        buffer.push_str(&html(&piece));
    }
}

/// A link a report may carry (a rule's documentation, from a pack's `help_uri`): `https:`,
/// `http:` or a relative path, and nothing that a browser would run (`javascript:`, `data:`).
/// `None` for anything else; the text is then shown without a link.
pub fn link(url: &str) -> Option<&str> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains(['/', '?', '#']));
    match scheme {
        Some("https" | "http") => Some(url),
        Some(_) => None,
        None if url.chars().any(unsafe_char) || url.starts_with("//") => None,
        None => Some(url),
    }
}

/// Text for XML 1.0, in an element or a quoted attribute: `& < > " '` become entities; line
/// breaks and tabs become character references (kept in attributes, where a parser would
/// otherwise fold them into spaces); characters XML does not allow (other C0 controls, DEL and
/// C1 controls, U+FFFE, U+FFFF) and reordering marks become U+FFFD; `##[` is broken up as in
/// [`neutralise_commands`].
pub fn xml(s: &str) -> String {
    neutralised(xml_with(s, false))
}

/// Text for XML element content, where line feeds and tabs may stay as they are (with the
/// workflow commands of their lines broken up, as in [`html`]): otherwise as [`xml`].
pub fn xml_text(s: &str) -> String {
    neutralised(xml_with(s, true))
}

fn xml_with(s: &str, keep_breaks: bool) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\n' | '\t' if keep_breaks => out.push(c),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c if unsafe_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Whether `s` holds a character that no report may carry raw: the invariant the hostile-input
/// tests check in every format's output.
#[cfg(test)]
fn has_unsafe_char(s: &str) -> bool {
    s.chars()
        .any(|c| (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || reorders(c))
}

#[cfg(test)]
mod tests {

    /// Escapers that keep line feeds break up the workflow commands a value's lines could
    /// start, since a report file may be printed in a CI log.
    #[test]
    fn kept_line_feeds_never_start_a_workflow_command() {
        let value = "ok\n::error file=x::forged\n  ##[warning]also";
        for out in [html(value).into_owned(), xml_text(value)] {
            assert!(out.contains('\n'), "{out}");
            let live = out.lines().any(|l| l.trim_start().starts_with("::"));
            assert!(!live && !out.contains("##["), "{out:?}");
        }
        assert_eq!(html("a\nb"), "a\nb");
    }

    use super::*;

    const HOSTILE: &[&str] = &[
        "\u{1b}]0;T\u{7}\u{1b}[2J\r",
        "\n::error file=x::forged",
        "  ::add-mask::secret",
        "x ##[error]forged",
        "<img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">x</a>",
        "@here @org/team #123 https://evil.example www.evil.example [a](b) ![i](j)",
        "| forged | table |\n|---|---|",
        "\u{202E}txt.exe",
        "\u{85}\u{9b}31m",
    ];

    #[test]
    fn breakable_identifiers_are_escaped_with_break_opportunities_only() {
        use maud::Render;
        for s in HOSTILE {
            let out = HtmlBreakable(s).render().into_string();
            assert!(!has_unsafe_char(&out), "{s:?} -> {out:?}");
            let without = out.replace("<wbr>", "");
            assert!(!without.contains('<') && !without.contains('>'), "{out}");
            // The same text as `html` gives, but for where a workflow command is broken up.
            let plain = |t: &str| t.replace('\u{200B}', "");
            assert_eq!(plain(&without), plain(&html(s)), "{s:?}");
            assert!(!out.lines().any(|l| l.starts_with("::")), "{out}");
        }
        assert_eq!(
            HtmlBreakable("a.b_c<d").render().into_string(),
            "a.<wbr>b_<wbr>c&lt;d"
        );
    }

    #[test]
    fn css_strings_stay_one_string() {
        for s in HOSTILE.iter().chain(&[
            "\"; } body { display: none } </style><script>x</script>",
            "a\\\"b",
        ]) {
            let out = css_string(s);
            assert!(!has_unsafe_char(&out), "{s:?} -> {out:?}");
            let inner = &out[1..out.len() - 1];
            for c in ['"', '<', '>', '\n', '\r', ';', '{', '}'] {
                assert!(!inner.contains(c), "{s:?} -> {out:?}");
            }
            // Every backslash starts an escape: a hex number and its space.
            for piece in inner.split('\\').skip(1) {
                let hex: String = piece.chars().take_while(char::is_ascii_hexdigit).collect();
                assert!(
                    !hex.is_empty() && piece[hex.len()..].starts_with(' '),
                    "{out:?}"
                );
            }
        }
        assert_eq!(css_string("SC-2025-0142"), "\"SC-2025-0142\"");
        assert_eq!(css_string("a\"b"), "\"a\\22 b\"");
    }

    #[test]
    fn terminal_text_has_no_raw_controls_and_no_command_at_a_line_start() {
        for s in HOSTILE {
            for out in [terminal_line(s).into_owned(), terminal_text(s).into_owned()] {
                assert!(!has_unsafe_char(&out), "{s:?} -> {out:?}");
                assert!(!out.contains('\r'), "{out:?}");
                for line in out.split('\n') {
                    assert!(!line.trim_start().starts_with("::"), "{out:?}");
                }
                assert!(!out.contains("##["), "{out:?}");
            }
            assert!(!terminal_line(s).contains('\n'));
        }
        assert_eq!(terminal_line("plain text"), "plain text");
        assert_eq!(terminal_line("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(terminal_line("a\nb"), "a\\nb");
        assert_eq!(terminal_text("a\nb"), "a\nb");
        assert_eq!(terminal_line("C::D"), "C::D");
    }

    #[test]
    fn workflow_commands_cannot_be_ended_or_forged() {
        assert_eq!(workflow_data("50%\r\nnext: a, b"), "50%25%0D%0Anext: a, b");
        assert_eq!(workflow_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        for s in HOSTILE {
            let out = workflow_data(s);
            assert!(!out.contains('\n') && !out.contains('\r'), "{out:?}");
            assert!(!has_unsafe_char(&out), "{out:?}");
            let prop = workflow_property(s);
            assert!(!prop.contains(':') && !prop.contains(','), "{prop:?}");
        }
    }

    #[test]
    fn markdown_has_no_live_markup() {
        for s in HOSTILE {
            for out in [markdown(s), markdown_code(s)] {
                assert!(!out.contains('<') && !out.contains('\n'), "{out:?}");
                assert!(!has_unsafe_char(&out), "{out:?}");
                assert!(!out.contains("@h") && !out.contains("@o"), "{out:?}");
                assert!(!out.contains("#1") && !out.contains("://"), "{out:?}");
                assert!(!out.contains("www."), "{out:?}");
                // Every pipe is escaped.
                assert!(
                    out.match_indices('|')
                        .all(|(i, _)| out[..i].ends_with('\\')),
                    "{out:?}"
                );
            }
        }
        assert_eq!(markdown_code("the `x.y[2]` key"), "the `x.y[2]` key");
        assert_eq!(markdown_code("the `x|y` key"), "the \\`x\\|y\\` key");
        assert_eq!(markdown_code_span("a`b|c"), "``a`b\\|c``");
        assert_eq!(
            markdown_block("x: 1\n```\n# injected", "yaml", "  "),
            "  ````yaml\n  x: 1\n  ```\n  # injected\n  ````\n"
        );
        assert_eq!(markdown_code("a ` b"), "a \\` b");
    }

    #[test]
    fn html_and_xml_have_no_markup() {
        for s in HOSTILE {
            for out in [html(s).into_owned(), xml(s)] {
                assert!(!out.contains('<') && !out.contains('"'), "{out:?}");
                assert!(!has_unsafe_char(&out), "{out:?}");
            }
        }
        assert_eq!(xml("a\nb"), "a&#10;b");
        assert_eq!(link("https://x.org/r#id"), Some("https://x.org/r#id"));
        assert_eq!(link("docs/rules.md#id"), Some("docs/rules.md#id"));
        for bad in [
            "javascript:alert(1)",
            " JaVaScript:x",
            "data:text/html,x",
            "//evil",
            "vbscript:x",
        ] {
            assert_eq!(link(bad), None, "{bad}");
        }
        assert_eq!(html("plain"), "plain");
    }
}

#[cfg(test)]
mod exact {
    use super::*;

    #[test]
    fn markdown_output_is_exactly_this() {
        assert_eq!(
            markdown_code("system `a|<b>` is *x*"),
            "system \\`a\\|&lt;b&gt;\\` is \\*x\\*"
        );
        assert_eq!(markdown_code("odd ` <i>"), "odd \\` &lt;i&gt;");
        assert_eq!(markdown_code("empty `` @x"), "empty  @\u{200B}x");
        assert_eq!(markdown_code("`a\\|b`"), "\\`a\\\\\\|b\\`");
        assert_eq!(
            markdown("a|b <img> [x](y) @team\n* https://www.x.org #1"),
            "a\\|b &lt;img&gt; \\[x\\](y) @\u{200B}team \\* https\\:\u{200B}//www\u{200B}.x.org \\#\u{200B}1"
        );
    }

    #[test]
    fn code_spans_become_code_elements_and_the_rest_is_escaped() {
        assert_eq!(
            html_code("key `a<b>` is `x` & `unpaired"),
            "key <code>a&lt;b&gt;</code> is <code>x</code> &amp; `unpaired"
        );
        assert_eq!(html_code("no spans"), "no spans");
    }

    #[test]
    fn the_maud_wrappers_escape_as_the_functions_do() {
        let hostile = "<b title=\"x\">it's</b> \u{1b}[2J \u{202E}`<i>` & more";
        let text = maud::html! { p title=(HtmlText(hostile)) { (HtmlText(hostile)) } };
        let attr = html(hostile);
        assert_eq!(
            text.into_string(),
            format!("<p title=\"{attr}\">{attr}</p>")
        );
        let code = maud::html! { (HtmlCode(hostile)) };
        assert_eq!(code.into_string(), html_code(hostile));
        assert!(!has_unsafe_char(&html_code(hostile)));
    }
}

/// `value` as pretty JSON into `out`, with DEL and the C1 control characters escaped as well
/// (`\u009b`): `serde_json` leaves them raw, and a terminal that shows the report obeys them.
pub fn json_pretty<W: std::io::Write, T: serde::Serialize + ?Sized>(
    out: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(
        out,
        ControlSafe(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut serializer)
}

/// [`json_pretty`], as a string.
pub fn json_pretty_string<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    json_pretty(&mut out, value)?;
    // serde_json writes UTF-8 only.
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// serde_json's pretty formatter, escaping the controls it leaves raw in strings.
struct ControlSafe(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for ControlSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if matches!(c, '\u{7f}'..='\u{9f}') {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}
