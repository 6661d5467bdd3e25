"""Telegram-style HTML parse_mode: validation and conversion to plain text + entities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_ATTR_RE = re.compile(r"""([a-zA-Z][a-zA-Z0-9-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

# tag → entity type; None means "allowed but produces no entity by itself"
_TAGS: dict[str, str | None] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


class EntityParseError(ValueError):
    """Raised with Telegram's wording when HTML markup is invalid."""


@dataclass
class ParsedText:
    """Rendered text and its message entities (offsets in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    start: int
    entity: dict[str, Any] | None


def utf16_len(text: str) -> int:
    """Length of text in UTF-16 code units, as Telegram counts entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _attrs(raw: str) -> dict[str, str]:
    return {
        m.group(1).lower(): unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR_RE.finditer(raw)
    }


def unescape(text: str) -> str:
    """Decode the HTML entities Telegram supports, leaving unknown ones as text."""

    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith(("#x", "#X")):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED.get(name.lower(), m.group(0))

    return _ENTITY_RE.sub(repl, text)


def _entity_for(tag: str, attrs: dict[str, str], offset: int, byte_pos: int) -> dict[str, Any]:
    kind = _TAGS[tag]
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {byte_pos}'
        )
    entity: dict[str, Any] = {"type": kind, "offset": offset, "length": 0}
    if tag == "a":
        entity["url"] = attrs.get("href", "")
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    return entity


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into plain text and entities; raise EntityParseError if invalid."""
    out: list[str] = []
    offset = 0  # UTF-16 position in the rendered text
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    while pos < len(source):
        lt = source.find("<", pos)
        chunk = source[pos:] if lt < 0 else source[pos:lt]
        if chunk:
            text = unescape(chunk)
            out.append(text)
            offset += utf16_len(text)
        if lt < 0:
            break
        byte_pos = len(source[:lt].encode())
        m = _TAG_RE.match(source, lt)
        if m is None:
            # a bare "<" that does not open a tag is what Telegram rejects most often
            raise EntityParseError(f'Unsupported start tag "" at byte offset {byte_pos}')
        closing, tag, raw_attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
        if tag not in _TAGS:
            which = "end" if closing else "start"
            raise EntityParseError(f'Unsupported {which} tag "{tag}" at byte offset {byte_pos}')
        if closing:
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {byte_pos}")
            top = stack.pop()
            if top.tag != tag:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {byte_pos}, expected "</{top.tag}>", '
                    f'found "</{tag}>"'
                )
            if top.entity is not None and offset > top.start:
                top.entity["length"] = offset - top.start
                entities.append(top.entity)
        else:
            attrs = _attrs(raw_attrs)
            entity: dict[str, Any] | None = _entity_for(tag, attrs, offset, byte_pos)
            if tag == "a" and not attrs.get("href"):
                entity = None
            parent = stack[-1].entity if stack and stack[-1].tag == "pre" else None
            if tag == "code" and parent is not None:
                # <pre><code class="language-x"> sets the pre block's language
                lang = attrs.get("class", "")
                if lang.startswith("language-"):
                    parent["language"] = lang.removeprefix("language-")
                entity = None
            stack.append(_Open(tag, offset, entity))
        pos = m.end()
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


def strip_text(parsed: ParsedText) -> ParsedText:
    """Trim surrounding whitespace like Telegram does, clipping entities to the result."""
    text = parsed.text
    stripped = text.strip()
    if stripped == text:
        return parsed
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end = utf16_len(stripped)
    entities: list[dict[str, Any]] = []
    for ent in parsed.entities:
        start = max(ent["offset"] - lead, 0)
        stop = min(ent["offset"] + ent["length"] - lead, end)
        if stop > start:
            entities.append({**ent, "offset": start, "length": stop - start})
    return ParsedText(stripped, entities)
