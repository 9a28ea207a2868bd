//! The frame every HTML report shares: the document type, the language, the character set, the
//! viewport for phones, the title and the page's own stylesheet, around the page's body.

use maud::{DOCTYPE, Markup, PreEscaped, html};

/// A whole HTML document. `title` is markup the caller built (its document text escaped);
/// `style` is the calling module's own constant stylesheet, trusted, never from a document.
pub fn document(title: Markup, style: &'static str, body: Markup) -> String {
    frame(title, style, None, body)
}

/// A whole HTML document with a second stylesheet made for this page (a printed page's
/// running header, which names the document it prints): `page_style` is built by the caller
/// from its own constant rules and values written with
/// [`crate::render::escape::css_string`], never spliced raw.
pub fn document_with_page_style(
    title: Markup,
    style: &'static str,
    page_style: &str,
    body: Markup,
) -> String {
    frame(title, style, Some(page_style), body)
}

fn frame(title: Markup, style: &'static str, page_style: Option<&str>, body: Markup) -> String {
    let page = html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n"
                meta charset="utf-8"; "\n"
                meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                title { (title) } "\n"
                style { (PreEscaped(style)) } "\n"
                @if let Some(page_style) = page_style {
                    style { (PreEscaped(page_style)) } "\n"
                }
            }
            "\n"
            body {
                "\n"
                (body)
            }
            "\n"
        }
        "\n"
    };
    page.into_string()
}
