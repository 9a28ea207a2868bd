//! The tags a declaration may carry, and the problem with any other: each named as the file
//! writes it (`!<tag:example.com:x>`, not the parser's resolved form), with the tags that are
//! read.

use saphyr_parser::Tag;

use super::Problem;
use super::yaml::shorten;
use crate::diag::Code;
use crate::source::Span;

/// The prefix of the YAML core tags, which `!!` stands for.
const CORE: &str = "tag:yaml.org,2002:";

/// The core tags read, each only on a value of its type.
const READ: [&str; 7] = ["str", "int", "float", "bool", "null", "map", "seq"];

/// What every help text says is accepted.
const ACCEPTED: &str = "the tags read are `!` and, on a value of its type, `!!str`, `!!int`, \
     `!!float`, `!!bool`, `!!null`, `!!map` or `!!seq`";

/// A tag as the file writes it, from `rest`, the text where its node starts (an anchor may come
/// first); rebuilt from the parsed tag when no tag is written there.
pub(super) fn written(tag: &Tag, rest: &str) -> String {
    let rest = match rest.strip_prefix('&') {
        Some(anchored) => anchored
            .trim_start_matches(|c: char| !c.is_whitespace())
            .trim_start(),
        None => rest,
    };
    let end = if rest.starts_with("!<") {
        rest.find('>').map(|i| i + 1)
    } else if rest.starts_with('!') {
        rest.find(|c: char| c.is_whitespace() || ",[]{}".contains(c))
            .or(Some(rest.len()))
    } else {
        None
    };
    shorten(&end.map_or_else(|| rebuilt(tag), |end| rest[..end].to_string()))
}

/// The shortest way to write a parsed tag.
fn rebuilt(tag: &Tag) -> String {
    match tag.handle.as_str() {
        "" => format!("!<{}>", tag.suffix),
        "!" => format!("!{}", tag.suffix),
        CORE => format!("!!{}", tag.suffix),
        handle => format!("!<{handle}{}>", tag.suffix),
    }
}

/// A tag that is not read: not a core tag, a core tag declarations do not use (`!!binary`), or
/// a core tag written in full (`!<tag:yaml.org,2002:str>`), which names its short form.
pub(super) fn foreign(tag: &Tag, written: &str, span: Span) -> Problem {
    let full = format!("{}{}", tag.handle, tag.suffix);
    let short = full
        .strip_prefix(CORE)
        .filter(|name| READ.contains(name) && !written.starts_with("!!"));
    let (message, help) = match short {
        Some(name) => (
            format!(
                "the tag `{written}` is not allowed: it is `!!{name}` written in full, and only the short form is read"
            ),
            format!("write `!!{name}` in its place, or remove the tag; {ACCEPTED}"),
        ),
        None => (
            format!("the tag `{written}` is not allowed"),
            format!(
                "remove the tag: declarations are plain data, and a tag can ask YAML tools to build objects; {ACCEPTED}"
            ),
        ),
    };
    Problem::new(Code::YamlTag, message, span)
        .label("tagged value")
        .help(help)
}

/// A core tag on a value not of its type (`!!null 2025-03-31`).
pub(super) fn mismatch(tag: &Tag, written: &str, span: Span) -> Problem {
    Problem::new(
        Code::YamlTag,
        format!(
            "the tag `{written}` does not fit this value, which is not a {}",
            tag.suffix
        ),
        span,
    )
    .label("tagged value")
    .help("remove the tag: YAML readers disagree on what a value tagged with another type is (one reads `!!null 2025-03-31` as null, another as a date)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(handle: &str, suffix: &str) -> Tag {
        Tag {
            handle: handle.into(),
            suffix: suffix.into(),
        }
    }

    #[test]
    fn a_tag_is_named_as_written() {
        let verbatim = tag("", "tag:example.com:x");
        assert_eq!(
            written(&verbatim, "!<tag:example.com:x> 1"),
            "!<tag:example.com:x>"
        );
        assert_eq!(written(&verbatim, "1"), "!<tag:example.com:x>");
        let declared = tag("tag:example.com,2000:", "x");
        assert_eq!(written(&declared, "!e!x 1"), "!e!x");
        assert_eq!(written(&declared, "&a !e!x 1"), "!e!x");
        assert_eq!(written(&declared, "\"1\""), "!<tag:example.com,2000:x>");
        assert_eq!(written(&tag("!", "foo"), "!foo,"), "!foo");
        assert_eq!(written(&tag(CORE, "binary"), "x"), "!!binary");
    }

    #[test]
    fn a_core_tag_written_in_full_names_its_short_form() {
        let full = tag("", "tag:yaml.org,2002:str");
        let p = foreign(&full, "!<tag:yaml.org,2002:str>", Span::new(0, 1));
        assert!(
            p.message.contains("`!!str` written in full"),
            "{}",
            p.message
        );
        let other = tag("", "tag:yaml.org,2002:timestamp");
        let p = foreign(&other, "!<tag:yaml.org,2002:timestamp>", Span::new(0, 1));
        assert_eq!(
            p.message,
            "the tag `!<tag:yaml.org,2002:timestamp>` is not allowed"
        );
    }
}
