"""Telegram-style HTML parse_mode: validation and conversion to plain text + entities.

Follows TDLib's parser (the one behind the Bot API) step by step, with its error wording and
byte offsets, and one deliberate difference: an "&" that does not start one of the supported
entities (&lt; &gt; &amp; &quot; and numeric ones) is refused, where Telegram would keep it as
text. Such an "&" means a value reached the markup unescaped, which is the bug to catch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\n\r\f\v"
_URL_SCHEMES = ("http://", "https://", "tg://", "ton://")

# tag → entity type
_TAGS: dict[str, str] = {
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
    argument: str
    offset: int  # UTF-16 offset in the rendered text
    chars: int  # the same position in characters
    expandable: bool = False


def utf16_len(text: str) -> int:
    """Length of text in UTF-16 code units, as Telegram counts offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(source: str, pos: int) -> tuple[str, int] | None:
    """The character of the entity starting at source[pos] ("&") and the index after it."""
    end = pos + 1
    if source.startswith("#", end):
        end += 1
        hexa = source.startswith(("x", "X"), end)
        if hexa:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexa else "0123456789"
        start = end
        while end < len(source) and source[end] in digits:
            end += 1
        if end == start or end - pos >= 10:
            return None
        code = int(source[start:end], 16 if hexa else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < len(source) and source[end].isascii() and source[end].isalpha():
            end += 1
        named = _NAMED.get(source[pos + 1 : end])
        if named is None:
            return None
        char = named
    if source.startswith(";", end):
        end += 1
    return char, end


def unescape(text: str) -> str:
    """Decode the HTML entities Telegram supports, leaving anything else as text."""
    out: list[str] = []
    pos = 0
    while pos < len(text):
        amp = text.find("&", pos)
        if amp < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:amp])
        decoded = _decode_entity(text, amp)
        if decoded is None:
            out.append("&")
            pos = amp + 1
        else:
            out.append(decoded[0])
            pos = decoded[1]
    return "".join(out)


class _Parser:
    """One pass over the markup, as TDLib's parse_html does it."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.i = 0
        self.out: list[str] = []
        self.offset = 0
        self.synced = 0  # items of `out` counted in `offset`
        self.chars = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def byte(self, pos: int) -> int:
        return len(self.src[:pos].encode())

    def char(self, pos: int) -> str:
        return self.src[pos] if pos < len(self.src) else ""

    def fail(self, message: str) -> EntityParseError:
        return EntityParseError(message)

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.chars += len(text)

    def sync(self) -> int:
        """The UTF-16 offset of the end of the text so far (counted lazily, at tags)."""
        if self.synced < len(self.out):
            self.offset += utf16_len("".join(self.out[self.synced :]))
            self.synced = len(self.out)
        return self.offset

    def amp(self, pos: int) -> tuple[str, int]:
        decoded = _decode_entity(self.src, pos)
        if decoded is None:
            raise self.fail(
                f'Unescaped "&" at byte offset {self.byte(pos)}: only &lt;, &gt;, &amp;, '
                "&quot; and numeric entities are supported"
            )
        return decoded

    def run(self) -> ParsedText:
        src = self.src
        while self.i < len(src):
            c = src[self.i]
            if c == "&":
                char, self.i = self.amp(self.i)
                self.emit(char)
            elif c == "<":
                if self.char(self.i + 1) == "/":
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                stop = len(src)
                for mark in ("&", "<"):
                    found = src.find(mark, self.i)
                    if 0 <= found < stop:
                        stop = found
                self.emit(src[self.i : stop])
                self.i = stop
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)  # only a pre block keeps its language
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def skip_spaces(self) -> None:
        while self.i < len(self.src) and self.src[self.i] in _SPACES:
            self.i += 1

    def start_tag(self) -> None:
        src, begin = self.src, self.i
        self.i += 1
        while self.i < len(src) and src[self.i] not in _SPACES and src[self.i] != ">":
            self.i += 1
        if self.i >= len(src):
            raise self.fail(f"Unclosed start tag at byte offset {self.byte(begin)}")
        tag = src[begin + 1 : self.i].lower()
        if tag not in _TAGS:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {self.byte(begin)}')
        argument, expandable = "", False
        while self.char(self.i) != ">":
            self.skip_spaces()
            if self.char(self.i) == ">":
                break
            name_begin = self.i
            while self.i < len(src) and src[self.i] not in _SPACES and src[self.i] not in "=>":
                self.i += 1
            name = src[name_begin : self.i]
            if not name:
                raise self.fail(
                    f'Empty attribute name in the tag "{tag}" at byte offset {self.byte(begin)}'
                )
            self.skip_spaces()
            if self.char(self.i) != "=":
                if tag == "blockquote" and name == "expandable":
                    expandable = True
                    continue
                raise self.fail(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.byte(begin)}"
                )
            self.i += 1
            self.skip_spaces()
            if self.i >= len(src):
                raise self.fail(f'Unclosed start tag "{tag}" at byte offset {self.byte(begin)}')
            value = self.attribute_value()
            if self.i >= len(src):
                raise self.fail(f"Unclosed start tag at byte offset {self.byte(begin)}")
            if tag == "a" and name == "href":
                argument = value
            elif tag == "code" and name == "class" and value.startswith("language-"):
                argument = value.removeprefix("language-")
            elif tag == "span" and name == "class" and value.startswith("tg-"):
                argument = value.removeprefix("tg-")
            elif tag == "tg-emoji" and name == "emoji-id":
                argument = value
            elif tag == "blockquote" and name == "expandable":
                expandable = True
        self.i += 1  # the ">"
        if tag == "span" and argument != "spoiler":
            raise self.fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte(begin)}'
            )
        if tag == "tg-emoji" and not _is_emoji_id(argument):
            raise self.fail("Invalid custom emoji identifier specified")
        self.stack.append(_Open(tag, argument, self.sync(), self.chars, expandable))

    def attribute_value(self) -> str:
        src = self.src
        quote = src[self.i]
        if quote not in "'\"":
            # a name token: letters, digits, periods, hyphens; not case sensitive
            begin = self.i
            while self.i < len(src) and (src[self.i].isalnum() or src[self.i] in ".-"):
                self.i += 1
            if self.i < len(src) and src[self.i] not in _SPACES and src[self.i] != ">":
                raise self.fail(f"Unexpected end of name token at byte offset {self.byte(begin)}")
            return src[begin : self.i].lower()
        self.i += 1
        value: list[str] = []
        while self.i < len(src) and src[self.i] != quote:
            if src[self.i] == "&":
                char, self.i = self.amp(self.i)
                value.append(char)
            else:
                value.append(src[self.i])
                self.i += 1
        if self.i < len(src):
            self.i += 1
        return "".join(value)

    def end_tag(self) -> None:
        src, begin = self.src, self.i
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte(begin)}")
        self.i += 2
        while self.i < len(src) and src[self.i] not in _SPACES and src[self.i] != ">":
            self.i += 1
        name = src[begin + 2 : self.i].lower()
        self.skip_spaces()
        if self.char(self.i) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {self.byte(begin)}")
        self.i += 1
        top = self.stack.pop()
        if name and name != top.tag:
            raise self.fail(
                f'Unmatched end tag at byte offset {self.byte(begin)}, expected "</{top.tag}>", '
                f'found "</{name}>"'
            )
        length = self.sync() - top.offset
        if length <= 0:
            return
        entity: dict[str, Any] = {"type": _TAGS[top.tag], "offset": top.offset, "length": length}
        if top.tag == "a":
            url = top.argument or "".join(self.out)[top.chars :]
            if not url.startswith(_URL_SCHEMES):
                return  # Telegram drops links it cannot use, keeping the text
            entity["url"] = url
        elif top.tag == "tg-emoji":
            entity["custom_emoji_id"] = top.argument
        elif top.tag == "blockquote" and top.expandable:
            entity["type"] = "expandable_blockquote"
        elif top.tag == "code" and top.argument:
            entity["language"] = top.argument
        elif top.tag == "pre":
            inner = self.entities[-1] if self.entities else None
            if (
                inner is not None
                and inner["type"] == "code"
                and (inner["offset"], inner["length"]) == (top.offset, length)
            ):
                # <pre><code class="language-x">…</code></pre> is one pre block
                self.entities.pop()
                if "language" in inner:
                    entity["language"] = inner["language"]
        self.entities.append(entity)


def _is_emoji_id(value: str) -> bool:
    try:
        number = int(value)
    except ValueError:
        return False
    return number != 0 and -(2**63) <= number < 2**63


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into plain text and entities; raise EntityParseError if invalid."""
    if "<" not in source and "&" not in source:
        return ParsedText(source)
    return _Parser(source).run()


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
