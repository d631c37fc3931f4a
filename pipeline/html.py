"""An HTML page before extraction: is it markup at all, its tree without lxml's depth limit,
its visible text blocks and where they sit (navigation, footer, ...), and the pages that
hold no article (a JavaScript shell). Used by `pipeline.clean`, which hands the tree to
trafilatura.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from pipeline.boilerplate import WORD

# Inline payloads: a saved page's data: images run to megabytes, and their digit runs are
# read as dates. The scheme and type stay ("data:image/png;base64,"), the payload goes.
DATA_URI = re.compile(r"(?<![\w-])(data:(?:[a-z]+/[\w.+-]+)?(?:;[\w=.+-]+)*,)[^\s\"'()<>]+",
                      re.IGNORECASE)
BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{200,}={0,2}")  # no word is this long

# What a reader never sees, dropped before markup is weighed
UNSEEN = re.compile(r"<(script|style|template)\b[^>]*>(?:(?!</\1\s*>).)*</\1\s*>"
                    r"|<!--(?:(?!-->).)*-->", re.IGNORECASE | re.DOTALL)  # none past its end
TAG = re.compile(r"</?[a-zA-Z][\w:-]*(?:\s[^<>]*)?/?>")
CLOSING_TAG = re.compile(r"</[a-zA-Z][\w:-]*\s*>")
PAGE_STRUCTURE = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
MARKUP_SHARE = 0.5  # of a file's paragraphs holding a tag, for it to be markup
PAGE_MARKUP_SHARE = 0.2  # the same, for a file with <html> or <body> (<pre> text, say)

PARSER = HTMLParser(huge_tree=True, collect_ids=False, default_doctype=False,
                    encoding="utf-8", remove_comments=True, remove_pis=True)

BLOCK_TAGS = frozenset({
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "dt", "dd",
    "td", "th", "pre", "caption", "address", "summary", "div", "section", "article", "main",
    "header", "footer", "nav", "aside", "figure", "form", "body",
})
HIDDEN_TAGS = frozenset({"head", "script", "style", "noscript", "template", "select", "svg"})
CONTEXT_TAGS = {"nav": "navigation", "footer": "footer", "aside": "aside", "header": "header",
                "form": "form", "figure": "caption"}
CONTEXT_ROLES = {"navigation": "navigation", "contentinfo": "footer", "complementary": "aside",
                 "banner": "header", "search": "form"}
COMMENTS = re.compile(r"(?<![a-z])(?:comments?|disqus)(?![a-z])", re.IGNORECASE)

# A single-page app before its scripts ran: a mount point, script bundles and little else
SHELL_WORDS = 30  # visible words at most
MOUNT_POINT = re.compile(r"^(?:root|app|__next|___gatsby|__nuxt|svelte|application)$")


def strip_inline_data(raw: str) -> str:
    """The text without inline data: payloads and long base64 runs."""
    return BASE64_RUN.sub("", DATA_URI.sub(r"\1", raw))


def is_markup(raw: str) -> bool:
    """Whether a file is HTML, weighing all of it: once scripts, styles and comments are set
    aside, it closes an element, and at least half of its paragraphs (blank-line separated)
    hold a tag (a fifth, in a file with <html> or <body>). A text dump that starts with a
    <script> block, or quotes a tag or two, is no page."""
    rest = UNSEEN.sub(" ", raw)
    if not CLOSING_TAG.search(rest):
        return False
    paragraphs = [p for p in re.split(r"\n\s*\n", rest) if p.strip()]
    tagged = sum(bool(TAG.search(p)) for p in paragraphs)
    share = PAGE_MARKUP_SHARE if PAGE_STRUCTURE.search(raw) else MARKUP_SHARE
    return tagged >= share * len(paragraphs)


def has_tags(raw: str) -> bool:
    """Whether a file named .html holds any markup: one without is read as a text dump."""
    return bool(TAG.search(raw))


def parse(raw: str) -> HtmlElement | None:
    """The page's tree, a fragment as a whole document, however deep its nesting (libxml2
    stops at 255 levels unless told otherwise, which empties the page); None when empty."""
    from trafilatura.utils import repair_faulty_html  # control characters, a broken doctype

    data = repair_faulty_html(raw, raw[:50].lower()).encode("utf-8", "surrogatepass")
    try:
        return document_fromstring(data, parser=PARSER)
    except (etree.ParserError, ValueError):
        return None


@dataclass(frozen=True)
class Block:
    """The visible text of one block element, without that of the blocks inside it."""

    tag: str
    text: str
    context: str  # "navigation", "footer", "aside", "header", "form", "caption", "comments"


def page_blocks(tree: HtmlElement) -> list[Block]:
    """Every block of the page with visible text, in reading order. One walk over the tree,
    so a deep page costs no more than a flat one."""
    owner: dict[etree._Element, tuple[etree._Element | None, str, bool]] = {}
    texts: dict[etree._Element, list[str]] = {}
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if event == "end":
            block, _, hidden = owner.get(element.getparent(), (None, "", False))
            if element.tail and block is not None and not hidden:
                texts[block].append(element.tail)
            continue
        block, context, hidden = owner.get(element.getparent(), (None, "", False))
        tag = element.tag if isinstance(element.tag, str) else ""
        hidden = hidden or tag in HIDDEN_TAGS
        context = context or _context(element, tag)
        if tag in BLOCK_TAGS:
            block = element
            texts[block] = []
        owner[element] = (block, context, hidden)
        if tag == "br" and block is not None:
            texts[block].append("\n")
        if element.text and block is not None and not hidden:
            texts[block].append(element.text)
    blocks = (Block(b.tag, " ".join("".join(parts).split()), owner[b][1])
              for b, parts in texts.items())
    return [b for b in blocks if b.text]


def _context(element: etree._Element, tag: str) -> str:
    """The kind of page furniture an element is, by its tag, role, id or class."""
    role = element.get("role", "")
    if tag in CONTEXT_TAGS or role in CONTEXT_ROLES:
        return CONTEXT_TAGS.get(tag) or CONTEXT_ROLES[role]
    if COMMENTS.search(f"{element.get('id', '')} {element.get('class', '')}"):
        return "comments"
    return ""


def refuse_shell(tree: HtmlElement, blocks: list[Block]) -> None:
    """Raise ValueError for a JavaScript shell: a page with scripts and few visible words
    whose app mount point is empty, or that has none and whose <noscript> asks for
    JavaScript. A rendered app keeps its <noscript>, but its mount point holds the text."""
    if sum(len(WORD.findall(b.text)) for b in blocks) > SHELL_WORDS or tree.find(
            ".//script") is None:
        return
    mounts = [e.text_content().strip() for e in tree.iter("div", "main", "section", "body")
              if MOUNT_POINT.match(e.get("id", ""))]
    asks = any("javascript" in n.text_content().lower() for n in tree.iter("noscript"))
    if (mounts and not any(mounts)) or (not mounts and asks):
        raise ValueError("the page is a JavaScript shell: its article is loaded by scripts, "
                         "save the rendered page instead")


def contains(text: str, part: str) -> bool:
    """Whether `part` occurs in `text` as whole words."""
    start = text.find(part)
    while start >= 0:
        end = start + len(part)
        if not (start and text[start - 1].isalnum()) and not (
                end < len(text) and text[end].isalnum()):
            return True
        start = text.find(part, start + 1)
    return False
