"""Letter bodies are Markdown written by staff; the HTML is sanitized all the same, because a
staff account can be phished and the public page is the coalition's reputation."""

import nh3
from markdown_it import MarkdownIt

# Raw HTML is off: staff write Markdown, and nothing they paste is taken as markup. The plain
# text form of the letter (letters/plaintext.py) parses with this same parser.
parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str) -> str:
    html = parser.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
