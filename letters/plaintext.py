"""Letter bodies reduced to readable plain text, for the .txt letter and link previews.

Walks markdown-it's syntax tree rather than stripping tags from HTML, so that lists keep their
numbers, links keep their address and nothing is lost or mangled by a regular expression."""

from markdown_it.tree import SyntaxTreeNode

from letters.markdown import parser


def markdown_to_text(text: str) -> str:
    """Blocks separated by one blank line; no trailing newline."""
    root = SyntaxTreeNode(parser.parse(text))
    return "\n\n".join(_blocks(root.children))


def summarize(text: str, limit: int = 200) -> str:
    """The first `limit` characters of `text` on one line, cut at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def _blocks(nodes) -> list[str]:
    return [block for node in nodes if (block := _block(node))]


def _block(node) -> str:
    match node.type:
        case "paragraph" | "heading":
            return _inline(node.children[0]).strip() if node.children else ""
        case "bullet_list" | "ordered_list":
            return _list(node)
        case "blockquote":
            inner = "\n\n".join(_blocks(node.children))
            return "\n".join(f"> {line}".rstrip() for line in inner.splitlines())
        case "fence" | "code_block":
            return "\n".join(f"    {line}" for line in node.content.rstrip("\n").splitlines())
        case "hr":
            return "* * *"
        case _:
            return "\n\n".join(_blocks(node.children))


def _list(node) -> str:
    ordered = node.type == "ordered_list"
    number = int(node.attrs.get("start", 1)) if ordered else 0
    items = []
    for item in node.children:
        marker = f"{number}. " if ordered else "- "
        number += 1
        indent = " " * len(marker)
        # Tight lists keep an item's blocks on consecutive lines, loose ones apart.
        separator = "\n" if _is_tight(node) else "\n\n"
        body = separator.join(_blocks(item.children))
        lines = body.splitlines() or [""]
        items.append(
            "\n".join(
                [marker + lines[0]] + [f"{indent}{line}" if line else "" for line in lines[1:]]
            )
        )
    return ("\n" if _is_tight(node) else "\n\n").join(items)


def _is_tight(list_node) -> bool:
    """markdown-it marks the paragraphs of a tight list as hidden."""
    for item in list_node.children:
        for child in item.children:
            if child.type == "paragraph" and not child.hidden:
                return False
    return True


def _inline(node) -> str:
    parts = []
    for child in node.children:
        match child.type:
            case "text" | "code_inline" | "html_inline":
                parts.append(child.content)
            case "softbreak":
                parts.append(" ")
            case "hardbreak":
                parts.append("\n")
            case "link":
                label = _inline(child)
                href = child.attrs.get("href", "")
                same = href in (label, f"mailto:{label}")
                parts.append(label if not href or same else f"{label} ({href})")
            case "image":
                parts.append(_inline(child) or child.attrs.get("alt", ""))
            case _:
                parts.append(_inline(child))
    return "".join(parts)
