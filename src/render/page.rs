//! The frame every HTML report shares: the document type, the language, the character set, the
//! viewport for phones, the title and the page's own stylesheet, around the page's body.

use maud::{DOCTYPE, Markup, PreEscaped, html};

/// A whole HTML document. `title` is markup the caller built (its document text escaped);
/// `style` is the calling module's own constant stylesheet, trusted, never from a document.
pub fn document(title: Markup, style: &'static str, body: Markup) -> String {
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
