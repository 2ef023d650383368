"""Reading input documents: files, directories and stdin -> decoded text.

This is the first stage of the pipeline. It turns whatever the user points at
into a `SourceText` whose `.text` is exactly what the parser computes
character spans into, or raises `SourceError` naming the file and the reason.

Decoding order (first that works wins; `notes` say which was used):
byte-order mark (UTF-8 / UTF-16 / UTF-32) -> strict UTF-8 -> mostly UTF-8
with a few Windows-1252 bytes -> the charset an HTML page declares ->
Windows-1252 (covers Latin-1) -> charset-normalizer's guess.

HTML pages (`.html`/`.htm`, or text that clearly is an HTML document) are
converted to plain text by `html_to_text`, which keeps headings as their own
lines so the parser can read roles such as "Onsite Moderator" directly.

    >>> src = read_source("data/seeds/000_e28e8dde74dde4dd.txt")
    >>> src.encoding, src.text.splitlines()[0][:15]
    ('utf-8', 'IGF 2023 WS #46')
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import BinaryIO, TextIO

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
STDIN_PATH = "-"
STDIN_NAME = "<stdin>"
DEFAULT_SUFFIXES = (".txt", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")

# Checked longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters (Unicode category Cc) other than the ones a real text
# file carries: tab, line feed, vertical tab, form feed, carriage return.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Above this share of other control characters a "text" is really binary data.
_MAX_CONTROL_SHARE = 0.02
# A "mostly UTF-8" file has at most this many stray legacy bytes.
_MAX_STRAY_BYTES = 64
# WHATWG: browsers decode these labels as Windows-1252, so do we.
_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1",
                                  "us-ascii", "ascii", "cp1252", "windows-1252", "cp819"})
_HTML_DOCUMENT = re.compile(
    # Atomic group: a comment ends at its first `-->`; letting `.*?` run on
    # past it makes a page of many comments take exponential time.
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?>(?:<!--.*?-->\s*)*)<(?:!doctype\s+html|html[\s>])",
    re.IGNORECASE | re.DOTALL,
)
# Bounded and without adjacent `\s*`, so it runs in linear time on any bytes.
_META_CHARSET = re.compile(rb"<meta[^<>]{1,1000}?charset\s*=\s*(?:[\"']\s*)?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_ANY_TAG = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*|/[A-Za-z]|!--|!doctype)", re.IGNORECASE)


@dataclass
class SourceText:
    """One input document, decoded.

    `text` is the document's text with any byte-order mark removed and line
    ends exactly as in the file (or the text extracted from an HTML page);
    the parser's character spans index into it.
    """

    path: str
    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


class SourceError(Exception):
    """An input document that cannot be read as text.

    `kind` is one of: not_found, unreadable, too_large, binary, undecodable.

        >>> str(SourceError("a.pdf", "binary", "not a text file"))
        'a.pdf: not a text file'
    """

    def __init__(self, path: str, kind: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.kind = kind
        self.reason = reason


def read_source(path: str | os.PathLike[str], *, max_bytes: int | None = DEFAULT_MAX_BYTES) -> SourceText:
    """Read and decode one document; "-" reads stdin.

    Raises SourceError for a missing, unreadable, binary, undecodable or
    too large (more than `max_bytes`; None means no limit) file.

        >>> read_source("data/seeds/003_2d8a54ebfe520b7f.txt").notes
        []
    """
    name = os.fspath(path)
    if name == STDIN_PATH:
        return read_stdin(sys.stdin, max_bytes=max_bytes)
    try:
        with open(name, "rb") as handle:
            data = _read_limited(handle, name, max_bytes)
    except FileNotFoundError:
        raise SourceError(name, "not_found", "no such file") from None
    except IsADirectoryError:
        raise SourceError(name, "unreadable", "is a directory, not a file") from None
    except OSError as error:
        raise SourceError(name, "unreadable", f"cannot read the file: {error.strerror or error}") from None
    looks_like_html_file = Path(name).suffix.lower() in HTML_SUFFIXES
    return _source_from_bytes(name, data, html_by_name=looks_like_html_file)


def read_stdin(stream: BinaryIO | TextIO, *, max_bytes: int | None = DEFAULT_MAX_BYTES,
               name: str = STDIN_NAME) -> SourceText:
    """Read and decode a document from a stream (normally sys.stdin).

    A text stream is read through its binary buffer when it has one, so the
    same encoding detection applies as for files.

        >>> import io
        >>> read_stdin(io.BytesIO("Rapporteur\\n".encode("utf-16"))).text
        'Rapporteur\\n'
    """
    binary = getattr(stream, "buffer", stream)
    try:
        data = _read_limited(binary, name, max_bytes)
    except OSError as error:
        raise SourceError(name, "unreadable", f"cannot read: {error.strerror or error}") from None
    if isinstance(data, str):
        # An already decoded stream; surrogateescape gives back undecodable bytes.
        data = data.encode("utf-8", errors="surrogateescape")
        if max_bytes is not None and len(data) > max_bytes:
            raise _too_large(name, len(data), max_bytes)
    return _source_from_bytes(name, data, html_by_name=False)


def iter_source_paths(paths: Iterable[str | os.PathLike[str]], *, glob: str | None = None) -> Iterator[str]:
    """The documents to read: files as given, directories walked recursively.

    Directories are walked in sorted order, skipping hidden files and folders,
    keeping `*.txt`, `*.html`, `*.htm` (or files matching `glob`, checked
    against the path below the directory, e.g. "*.txt" or "2023/*.html").
    "-" stands for stdin. Each file is yielded once. A path that does not
    exist raises SourceError.

        >>> list(iter_source_paths(["data/seeds"]))[0]
        'data/seeds/000_e28e8dde74dde4dd.txt'
    """
    seen: set[str] = set()
    for given in paths:
        name = os.fspath(given)
        if name == STDIN_PATH:
            candidates = [(name, name)]
        elif os.path.isdir(name):
            candidates = _walk_directory(name, glob)
        elif os.path.exists(name):
            candidates = [(name, os.path.realpath(name))]
        else:
            raise SourceError(name, "not_found", "no such file or directory")
        for candidate, key in candidates:
            if key not in seen:
                seen.add(key)
                yield candidate


def _walk_directory(directory: str, glob: str | None) -> list[tuple[str, str]]:
    """The documents below `directory` (symbolic links to folders are not
    followed, as `os.walk` does not), each with its real path, sorted by the
    path below the directory."""
    found: list[tuple[tuple[str, ...], str, str]] = []

    def visit(folder: str, real: str, below: tuple[str, ...]) -> None:
        try:
            listing = os.scandir(folder)
        except OSError:
            return  # an unreadable folder is skipped, as os.walk skips it
        with listing as entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    visit(entry.path, os.path.join(real, name), (*below, name))
                    continue
                # The suffix test first, on the bare name: a folder of 100,000 pages
                # (and their .json neighbours) is walked in a blink.
                if glob is None and os.path.splitext(name)[1].lower() not in DEFAULT_SUFFIXES:
                    continue
                if glob is not None and not PurePath(*below, name).match(glob):
                    continue
                if entry.is_file():  # a link to a file counts, to a folder not
                    # The real path without a system call per file, unless it is a link.
                    key = os.path.realpath(entry.path) if entry.is_symlink() else os.path.join(real, name)
                    found.append(((*below, name), entry.path, key))

    visit(directory, os.path.realpath(directory), ())
    return [(path, key) for _, path, key in sorted(found)]


def _read_limited(stream: BinaryIO, name: str, max_bytes: int | None) -> bytes:
    """Read at most max_bytes (+1 to notice a bigger file) without loading more."""
    if max_bytes is None:
        return stream.read()
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        size = len(data)
        try:
            size = max(size, os.fstat(stream.fileno()).st_size)
        except (OSError, AttributeError, ValueError):
            pass  # a pipe or in-memory stream: its size is unknown
        raise _too_large(name, size, max_bytes, exact=size > max_bytes + 1)
    return data


def _too_large(name: str, size: int, max_bytes: int, exact: bool = True) -> SourceError:
    amount = _format_size(size) if exact else f"more than {_format_size(max_bytes)}"
    return SourceError(name, "too_large", f"file is too large ({amount}; the limit is {_format_size(max_bytes)})")


def _format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


def _source_from_bytes(name: str, data: bytes, *, html_by_name: bool) -> SourceText:
    text, encoding, notes = _decode(name, data, html_by_name=html_by_name)
    if not text:
        notes.append("file is empty")
        return SourceText(name, text, encoding, notes)
    is_html = _HTML_DOCUMENT.match(text) is not None
    if html_by_name and not is_html and _ANY_TAG.search(text) is None:
        notes.append("no HTML markup found; read as plain text")
    elif html_by_name or is_html:
        text = html_to_text(text)
        notes.append("extracted text from HTML")
    return SourceText(name, text, encoding, notes)


def _decode(name: str, data: bytes, *, html_by_name: bool) -> tuple[str, str, list[str]]:
    """Bytes -> (text, encoding, notes), or SourceError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            codec = "utf-8" if encoding == "utf-8-sig" else encoding
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as error:
                raise SourceError(name, "undecodable",
                                  f"starts with a {codec.upper()} byte-order mark but is not valid "
                                  f"{codec.upper()} (byte {error.start + len(bom)})") from None
            _reject_binary(name, text)
            return text, encoding, [f"decoded as {codec} (byte-order mark)"]

    if b"\x00" in data:
        encoding = _bomless_utf16(data)
        if encoding is not None:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                pass
            else:
                _reject_binary(name, text)
                return text, encoding, [f"decoded as {encoding} (no byte-order mark; detected from the byte pattern)"]
        raise SourceError(name, "binary",
                          "not a text file: contains NUL bytes (binary data, or UTF-16 without a byte-order mark)")

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _reject_binary(name, text)
        return text, "utf-8", []

    mixed = _decode_mostly_utf8(data)
    if mixed is not None:
        text, stray = mixed
        _reject_binary(name, text)
        return text, "utf-8", [f"mixed encoding: decoded as utf-8, with {stray} stray byte(s) read as windows-1252"]

    declared = _declared_html_charset(data) if (html_by_name or _looks_like_html_bytes(data)) else None
    if declared is not None and declared != "windows-1252":
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            pass
        else:
            _reject_binary(name, text)
            return text, declared, [f"decoded as {declared} (declared in the HTML)"]

    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    else:
        _reject_binary(name, text)
        return text, "windows-1252", ["decoded as windows-1252 (legacy encoding detected)"]

    return _decode_with_charset_normalizer(name, data)


def _decode_with_charset_normalizer(name: str, data: bytes) -> tuple[str, str, list[str]]:
    from charset_normalizer import from_bytes  # slow to import; only needed for odd files

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise SourceError(name, "undecodable",
                          "cannot be decoded: not UTF-8, UTF-16 or Windows-1252 text, "
                          "and no other encoding fits")
    encoding = codecs.lookup(best.encoding).name
    text = data.decode(encoding)
    _reject_binary(name, text)
    return text, encoding, [f"decoded as {encoding} (detected by charset-normalizer)"]


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'-be' when NULs sit only in every other byte, as in
    mostly-ASCII UTF-16 text; None otherwise."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls, odd_nuls = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if even_nuls == 0 and odd_nuls > 0.3 * half:
        return "utf-16-le"
    if odd_nuls == 0 and even_nuls > 0.3 * half:
        return "utf-16-be"
    return None


def _decode_mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """Decode UTF-8 that has a few stray Windows-1252 bytes (a file pasted
    together from two sources). None unless the valid non-ASCII UTF-8
    characters outnumber the stray bytes, so real cp1252 files are left alone."""
    parts: list[str] = []
    position = stray = 0
    while True:
        try:
            parts.append(data[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as error:
            parts.append(data[position:position + error.start].decode("utf-8"))
            bad = data[position + error.start:position + error.end]
            stray += len(bad)
            if stray > _MAX_STRAY_BYTES:
                return None
            try:
                parts.append(bad.decode("cp1252"))
            except UnicodeDecodeError:
                return None
            position += error.end
    text = "".join(parts)
    utf8_non_ascii = len(_NON_ASCII.findall(text)) - stray
    if utf8_non_ascii < max(stray, 1):
        return None
    return text, stray


def _looks_like_html_bytes(data: bytes) -> bool:
    return _HTML_DOCUMENT.match(data[:4096].decode("latin-1")) is not None


def _declared_html_charset(data: bytes) -> str | None:
    """The Python codec for an HTML page's <meta charset>, or None."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    if label in _WINDOWS_1252_LABELS:
        return "windows-1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _reject_binary(name: str, text: str) -> None:
    """Raise SourceError when the decoded text is mostly control characters."""
    controls = len(_BINARY_CONTROLS.findall(text))
    if text and controls / len(text) > _MAX_CONTROL_SHARE:
        raise SourceError(name, "binary", f"not a text file: {controls} control characters in {len(text)}")


# ---------------------------------------------------------------- HTML -> text

# Content that is never part of the session text.
_DROPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "nav",
                           "svg", "math", "iframe", "object", "embed", "canvas", "select",
                           "textarea", "button", "datalist", "dialog"})
# <header>/<footer> are page chrome at the top level, but an article's own
# header holds its title, so they are dropped only outside these.
_SECTIONING_TAGS = frozenset({"article", "main", "section"})
_CHROME_TAGS = frozenset({"header", "footer"})
# Elements whose whole text is one label line.
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "dt", "caption", "legend", "summary"})
# Inline elements that, standing alone on their line, are a label.
_LABEL_TAGS = frozenset({"strong", "b"})
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details",
    "div", "dl", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "hr",
    "html", "li", "main", "menu", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
})
_HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


def html_to_text(html: str) -> str:
    """Plain text of an HTML page, shaped like the plain-text seed pages.

    Headings (h1-h6, dt, and <strong>/<b> standing alone on a line) become
    their own lines; every block (heading, paragraph, div, list item) is
    separated from the next by exactly one blank line; list items start with
    "- "; <br> is a line break; scripts, styles, navigation and page
    header/footer are dropped; whitespace inside a block is collapsed.

        >>> html_to_text("<h3>Onsite Moderator</h3><p>Florian  Ostmann,<br>Civil Society</p>")
        'Onsite Moderator\\n\\nFlorian Ostmann,\\nCivil Society\\n'
    """
    from bs4 import BeautifulSoup  # imported here: plain-text runs never need it

    soup = BeautifulSoup(html, "html.parser")
    blocks = _HtmlBlocks()
    _walk_html(soup, blocks)
    blocks.flush()
    return "\n\n".join(blocks.blocks) + "\n" if blocks.blocks else ""


class _HtmlBlocks:
    """Collects the text of an HTML page as blocks of lines."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        # Current block: lines, each a list of (text, is_label_text) pieces.
        self.lines: list[list[tuple[str, bool]]] = [[]]
        self.heading: list[str] | None = None
        self.pending_prefix = ""

    def add_text(self, text: str, in_label: bool) -> None:
        if self.heading is not None:
            self.heading.append(text)
        else:
            self.lines[-1].append((text, in_label))

    def line_break(self) -> None:
        if self.heading is not None:
            self.heading.append(" ")
        else:
            self.lines.append([])

    def start_heading(self) -> None:
        self.flush()
        self.heading = []

    def end_heading(self) -> None:
        heading, self.heading = self.heading, None
        self._emit([_collapse("".join(heading or []))])

    def flush(self) -> None:
        """End the current block: label lines become blocks of their own,
        empty lines (e.g. from <br><br>) separate blocks."""
        if self.heading is not None:
            return  # block tags inside a heading do not split it
        lines, self.lines = self.lines, [[]]
        group: list[str] = []
        for pieces in lines:
            text = _collapse("".join(piece for piece, _ in pieces))
            is_label = bool(text) and all(in_label for piece, in_label in pieces if piece.strip())
            if not text or is_label:
                self._emit(group)
                group = []
                if is_label:
                    self._emit([text])
            else:
                group.append(text)
        self._emit(group)

    def _emit(self, lines: list[str]) -> None:
        lines = [line for line in lines if line]
        if not lines:
            return
        if self.pending_prefix:
            lines[0] = self.pending_prefix + lines[0]
            self.pending_prefix = ""
        self.blocks.append("\n".join(lines))


def _collapse(text: str) -> str:
    return _HTML_WHITESPACE.sub(" ", text).strip()


def _walk_html(root: object, out: _HtmlBlocks) -> None:
    """Depth-first walk with an explicit stack: deeply nested pages must not
    hit Python's recursion limit."""
    from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

    skipped_strings = (Comment, Declaration, Doctype, ProcessingInstruction)
    label_depth = heading_depth = sectioning_depth = 0
    stack: list[tuple[Tag, Iterator[object]]] = [(root, iter(root.children))]  # type: ignore[attr-defined]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            name = node.name
            if name in _LABEL_TAGS:
                label_depth -= 1
            elif name in _HEADING_TAGS:
                heading_depth -= 1
                if heading_depth == 0:
                    out.end_heading()
            elif name in _BLOCK_TAGS:
                out.flush()
                if name == "li":
                    out.pending_prefix = ""
            if name in _SECTIONING_TAGS:
                sectioning_depth -= 1
            continue
        if isinstance(child, NavigableString):
            if not isinstance(child, skipped_strings):
                out.add_text(str(child), label_depth > 0)
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if (name in _DROPPED_TAGS or child.has_attr("hidden")
                or (name in _CHROME_TAGS and sectioning_depth == 0)):
            continue
        if name == "br":
            out.line_break()
            continue
        if name in _LABEL_TAGS:
            label_depth += 1
        elif name in _HEADING_TAGS:
            if heading_depth == 0:
                out.start_heading()
            heading_depth += 1
        elif name in _BLOCK_TAGS:
            out.flush()
            if name == "li":
                out.pending_prefix = "- "
        if name in _SECTIONING_TAGS:
            sectioning_depth += 1
        stack.append((child, iter(child.children)))
