//! Scripts without their line comments, for the compiler. Nearly half of the built-in rules'
//! text is comments (each rule's documentation is its `//!` header), and Rhai's tokenizer reads
//! a comment a character at a time, keeping doc comments as it goes: compiling the comments
//! was a tenth of a one-file check. Only the built-in pack is compiled this way, in a check
//! (its scripts are tested to compile to the same code): a pack from a folder compiles exactly
//! as written, so that, say, a misplaced `///` doc comment stays the error Rhai makes it.
//! Documentation, the pack linter and diagnostics always read the script as written.
//!
//! Each `//` comment loses its text up to the end of its line, and nothing else moves: every
//! line keeps its number and everything before a comment its column, so a compile error points
//! where it did. Strings, characters and block comments are stepped over whole. A script with
//! a construct this reader does not follow (an interpolated or unterminated string) is left as
//! it is.

use std::borrow::Cow;

/// The script with the text of its `//` comments removed, or as written when it has none or
/// when this reader cannot follow it.
pub fn without_line_comments(text: &str) -> Cow<'_, str> {
    match strip(text) {
        Some(out) if out.len() < text.len() => Cow::Owned(out),
        _ => Cow::Borrowed(text),
    }
}

fn strip(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied) = (0, 0);
    while i < b.len() {
        i = match (b[i], b.get(i + 1)) {
            (b'"', _) => quoted(b, i, b'"')?,
            (b'\'', _) => quoted(b, i, b'\'')?,
            (b'`', _) => backtick(b, i)?,
            (b'/', Some(b'*')) => block(b, i)?,
            (b'/', Some(b'/')) => {
                out.push_str(&text[copied..i]);
                copied = line_comment_end(b, i);
                copied
            }
            // Straight on to the next byte that can start a string, a character or a comment.
            _ => b[i + 1..]
                .iter()
                .position(|&c| matches!(c, b'"' | b'\'' | b'`' | b'/'))
                .map_or(b.len(), |n| i + 1 + n),
        };
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// The script's leading `let rule = #{ ... };` statement, from the start of the text (so that
/// positions in it are those of the script), when the script opens with it (after comments and
/// blank lines) and this reader can follow it to its end. Running it alone gives the rule's
/// metadata without compiling the rest of the script.
pub fn metadata_statement(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let mut i = 0;
    // Past blank space and comments to the first statement.
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match (b.get(i), b.get(i + 1)) {
            (Some(b'/'), Some(b'/')) => i = line_comment_end(b, i),
            (Some(b'/'), Some(b'*')) => i = block(b, i)?,
            _ => break,
        }
    }
    let rest = text.get(i..)?;
    let after_let = rest.strip_prefix("let")?.trim_start();
    let after_name = after_let.strip_prefix("rule")?.trim_start();
    let after_eq = after_name.strip_prefix('=')?.trim_start();
    if !after_eq.starts_with("#{") {
        return None;
    }
    let mut j = text.len() - after_eq.len() + 2;
    let mut depth = 1usize;
    while depth > 0 {
        j = match (*b.get(j)?, b.get(j + 1)) {
            (b'"', _) => quoted(b, j, b'"')?,
            (b'\'', _) => quoted(b, j, b'\'')?,
            (b'`', _) => backtick(b, j)?,
            (b'/', Some(b'*')) => block(b, j)?,
            (b'/', Some(b'/')) => return None,
            (b'{', _) => {
                depth += 1;
                j + 1
            }
            (b'}', _) => {
                depth -= 1;
                j + 1
            }
            _ => j + 1,
        };
    }
    let tail = text[j..].trim_start_matches([' ', '\t']);
    tail.starts_with(';')
        .then(|| &text[..text.len() - tail.len() + 1])
}

/// The end of a `//` comment opened at `start`: the line break that ends it (which stays), or
/// the end of the text. Rhai ends a comment at a carriage return too.
fn line_comment_end(b: &[u8], start: usize) -> usize {
    b[start..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |n| start + n)
}

/// The end of a string or character literal opened at `start`: escapes are stepped over; a
/// raw line break or the end of the text is a literal this reader does not follow.
fn quoted(b: &[u8], start: usize, quote: u8) -> Option<usize> {
    let mut j = start + 1;
    loop {
        match *b.get(j)? {
            b'\\' => j += 2,
            b'\n' => return None,
            c if c == quote => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// The end of a backtick string, unless it interpolates (`${`) or escapes a backtick.
fn backtick(b: &[u8], start: usize) -> Option<usize> {
    let mut j = start + 1;
    loop {
        match (*b.get(j)?, b.get(j + 1)) {
            (b'$', Some(b'{')) | (b'`', Some(b'`')) => return None,
            (b'`', _) => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// The end of a block comment, which may nest.
fn block(b: &[u8], start: usize) -> Option<usize> {
    let (mut j, mut depth) = (start + 2, 1usize);
    while depth > 0 {
        match (*b.get(j)?, b.get(j + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                j += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                j += 2;
            }
            _ => j += 1,
        }
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_lose_their_text_and_nothing_else_moves() {
        let script = "//! # Doc\n//! more\nlet rule = #{ id: \"a\" }; // trailing\n\n/// fn doc\nfn check(doc, ctx) { 1 / 2 }\n";
        let out = without_line_comments(script);
        assert_eq!(
            out,
            "\n\nlet rule = #{ id: \"a\" }; \n\n\nfn check(doc, ctx) { 1 / 2 }\n"
        );
        assert_eq!(out.lines().count(), script.lines().count());
    }

    /// A carriage return ends a comment, as it does for Rhai: line endings of every kind keep
    /// what follows a comment.
    #[test]
    fn a_comment_ends_at_a_carriage_return_too() {
        assert_eq!(
            without_line_comments("// a\r\nlet x = 1; // b\rlet y = 2;\r// c"),
            "\r\nlet x = 1; \rlet y = 2;\r"
        );
        assert_eq!(
            metadata_statement("// a\rlet rule = #{ id: \"x\" };\rfn check(d, c) {}"),
            Some("// a\rlet rule = #{ id: \"x\" };")
        );
    }

    #[test]
    fn slashes_in_strings_characters_and_block_comments_are_not_comments() {
        let script = "let a = \"https://www.gov.uk/x\"; // c\nlet q = '\"'; let e = \"\\\" // no\";\n/* a \"quote\" /* nested */ // still */ let b = `x // y`;\nlet c = '/';";
        let out = without_line_comments(script);
        assert_eq!(
            out,
            "let a = \"https://www.gov.uk/x\"; \nlet q = '\"'; let e = \"\\\" // no\";\n/* a \"quote\" /* nested */ // still */ let b = `x // y`;\nlet c = '/';"
        );
    }

    #[test]
    fn scripts_it_cannot_follow_are_left_as_written() {
        for script in [
            "let s = `a ${x} b`; // c",
            "let s = \"unterminated // c",
            "let s = \"line\nbreak\"; // c",
            "/* unterminated // c",
            "let s = `a``b`; // c",
            "let c = '",
        ] {
            assert!(
                matches!(without_line_comments(script), Cow::Borrowed(_)),
                "{script}"
            );
        }
        assert!(matches!(
            without_line_comments("let a = 1;\n"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_metadata_statement_is_found_where_it_can_be_followed() {
        let script = "//! doc\n\nlet rule = #{ id: \"a\", title: \"x } y\", kinds: [\"department\"], n: #{ a: 1 } };\nfn check(doc, ctx) {}\n";
        let statement = metadata_statement(script).unwrap();
        assert!(statement.ends_with("} };"), "{statement}");
        assert!(statement.starts_with("//! doc"));
        for script in [
            "const K = 1;\nlet rule = #{ id: \"a\" };",
            "let rule = #{ id: \"a\" }",
            "let rule = #{ id: \"a\" // open\n };",
            "let rule = #{ id: `a ${b}` };",
            "let rules = #{};",
            "let rule = make();",
        ] {
            assert_eq!(metadata_statement(script), None, "{script}");
        }
        // Every built-in rule opens with its metadata.
        for (name, text) in crate::pack::BUILTIN_FILES {
            if name.ends_with(".rhai") && !name.contains("/lib/") {
                assert!(metadata_statement(text).is_some(), "{name}");
            }
        }
    }

    /// Every built-in rule and library module compiles from the stripped text to the same
    /// statements and function bodies, at the same positions; a compile error stays where it
    /// was.
    #[test]
    fn built_in_scripts_compile_the_same_without_comments() {
        let engine = crate::engine::engine(&Default::default());
        let mut stripped = 0;
        for (name, text) in crate::pack::BUILTIN_FILES {
            if !name.ends_with(".rhai") {
                continue;
            }
            let out = without_line_comments(text);
            stripped += usize::from(matches!(out, Cow::Owned(_)));
            let (a, b) = (engine.compile(text), engine.compile(&*out));
            let (a, b) = (a.unwrap(), b.unwrap());
            let shape = |ast: &rhai::AST| {
                let bodies: Vec<String> = ast
                    .iter_fn_def()
                    .map(|f| format!("{} {:?} {:?}", f.name, f.params, f.body))
                    .collect();
                format!("{:?}\n{bodies:?}", ast.statements())
            };
            assert_eq!(shape(&a), shape(&b), "{name}");
        }
        assert!(stripped > 60, "{stripped}");
        let broken = "//! doc\n// more\nlet rule = #{ id: \"x\" ;\n";
        let before = engine.compile(broken).unwrap_err().position();
        let after = engine
            .compile(&*without_line_comments(broken))
            .unwrap_err()
            .position();
        assert_eq!(before, after);
    }
}
