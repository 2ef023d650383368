"""Input layer: decoding real seed pages in many encodings, rejecting bad
files with the file named, HTML pages turned into seed-shaped text, and
finding the documents under the paths a user gives."""

from __future__ import annotations

import html
import io
import os
import re
from pathlib import Path

import pytest

from igfkg.sources import (
    SourceError,
    SourceText,
    html_to_text,
    iter_source_paths,
    read_source,
    read_stdin,
)

from seed_pages import KNOWN_HEADINGS, LOST_HEADINGS_000, SEED_PATHS, SEEDS_DIR


def seed_text(index: int) -> str:
    """A seed page exactly as stored (UTF-8, line ends untouched)."""
    return SEED_PATHS[index].read_bytes().decode("utf-8")


def cp1252_seeds() -> list[Path]:
    """The seed pages whose characters all exist in Windows-1252."""
    usable = []
    for path in SEED_PATHS:
        try:
            path.read_text(encoding="utf-8").encode("cp1252")
        except UnicodeEncodeError:
            continue
        usable.append(path)
    return usable


# ------------------------------------------------------------------ encodings

ENCODINGS = [
    # (name, how to encode, expected .encoding, expected words in the note or None)
    ("utf-8", lambda t: t.encode("utf-8"), "utf-8", None),
    ("utf-8 with BOM", lambda t: t.encode("utf-8-sig"), "utf-8-sig", "byte-order mark"),
    ("utf-16 LE with BOM", lambda t: b"\xff\xfe" + t.encode("utf-16-le"), "utf-16-le", "utf-16-le"),
    ("utf-16 BE with BOM", lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "utf-16-be", "utf-16-be"),
    ("utf-32 LE with BOM", lambda t: t.encode("utf-32"), "utf-32-le", "utf-32-le"),
]


@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("name,encode,encoding,note", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_every_seed_decodes_back_to_the_original_in_every_unicode_encoding(tmp_path, seed, name, encode,
                                                                           encoding, note):
    original = seed.read_bytes().decode("utf-8")
    path = tmp_path / seed.name
    path.write_bytes(encode(original))

    source = read_source(str(path))

    assert source.text == original
    assert source.encoding == encoding
    assert source.path == str(path)
    if note is None:
        assert source.notes == []
    else:
        assert any(note in n for n in source.notes), source.notes


def test_seed_000_non_ascii_characters_survive_utf16(tmp_path):
    original = seed_text(0)
    path = tmp_path / "page.txt"
    path.write_bytes(original.encode("utf-16"))  # BOM in native byte order

    text = read_source(path).text

    assert "WS 4 – Room B-1" in text
    assert "UK’s AI Standards Hub" in text
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_crlf_line_ends_are_kept_so_spans_match_the_file(tmp_path, encoding):
    original = seed_text(3).replace("\n", "\r\n")
    path = tmp_path / "crlf.txt"
    path.write_bytes(original.encode(encoding))

    text = read_source(path).text

    assert text == original
    start = text.index("Luca Belli")
    assert text[start:start + 10] == "Luca Belli"


@pytest.mark.parametrize("seed", cp1252_seeds(), ids=lambda p: p.name[:3])
def test_windows_1252_seed_pages_decode_back_to_the_original(tmp_path, seed):
    original = seed.read_bytes().decode("utf-8")
    path = tmp_path / seed.name
    path.write_bytes(original.encode("cp1252"))

    source = read_source(path)

    assert source.text == original
    assert source.encoding == "windows-1252"
    assert source.notes == ["decoded as windows-1252 (legacy encoding detected)"]


def test_latin1_page_with_portuguese_affiliation_decodes(tmp_path):
    original = seed_text(3)
    assert "Fundação Getulio Vargas" in original
    path = tmp_path / "latin1.txt"
    path.write_bytes(original.encode("latin-1"))

    source = read_source(path)

    assert source.text == original
    assert "Luca Belli, Professor of Internet Governance and Regulation,\xa0Fundação Getulio Vargas\xa0\n" in source.text
    assert "windows-1252" in source.notes[0]


def test_there_are_cp1252_seeds_to_test_with():
    # Guards the parametrized test above against silently running on nothing.
    assert [p.name[:3] for p in cp1252_seeds()] == ["002", "003"]


def test_utf8_page_with_a_pasted_cp1252_line_keeps_both_parts(tmp_path):
    utf8_page = seed_text(2)  # has ‘ ’ “ ” • as UTF-8
    pasted = "Luca Belli, Fundação Getulio Vargas\n"
    path = tmp_path / "mixed.txt"
    path.write_bytes(utf8_page.encode("utf-8") + pasted.encode("cp1252"))

    source = read_source(path)

    assert source.text == utf8_page + pasted
    assert source.encoding == "utf-8"
    assert "mixed encoding" in source.notes[0] and "2 stray byte(s)" in source.notes[0]


def test_bomless_utf16_is_recognised_from_its_nul_pattern(tmp_path):
    original = seed_text(0)
    path = tmp_path / "nobom.txt"
    path.write_bytes(original.encode("utf-16-le"))

    source = read_source(path)

    assert source.text == original
    assert source.encoding == "utf-16-le"
    assert "no byte-order mark" in source.notes[0]


def test_serbian_cyrillic_legacy_file_is_decoded_by_charset_normalizer(tmp_path):
    # "ђ" is byte 0x90 in Windows-1251, a byte Windows-1252 leaves undefined,
    # so the cp1252 fallback cannot take this file.
    text = ("Говорник 1: Ђорђе Ђорђевић, Цивилно друштво, Источноевропска група\n"
            "Модератор: Јелена Џаковић, Влада, Београд\n") * 4
    path = tmp_path / "sr.txt"
    path.write_bytes(text.encode("cp1251"))

    source = read_source(path)

    assert source.text == text
    assert source.encoding == "cp1251"
    assert source.notes == ["decoded as cp1251 (detected by charset-normalizer)"]


def test_empty_file_reads_as_empty_text_with_a_note(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")

    source = read_source(path)

    assert source.text == ""
    assert source.notes == ["file is empty"]


# ------------------------------------------------------------ rejected files

def test_binary_file_is_rejected_naming_the_file(tmp_path):
    path = tmp_path / "slides.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 8)

    with pytest.raises(SourceError) as caught:
        read_source(path)

    assert caught.value.path == str(path)
    assert caught.value.kind == "binary"
    assert str(path) in str(caught.value)
    assert "not a text file" in str(caught.value)


def test_binary_without_nul_bytes_is_rejected_by_its_control_characters(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(1, 32)) * 40 + b"IGF 2023")

    with pytest.raises(SourceError) as caught:
        read_source(path)

    assert caught.value.kind == "binary"
    assert str(path) in str(caught.value)


def test_text_with_one_stray_control_character_is_still_text(tmp_path):
    original = seed_text(0) + "\x1a"  # DOS end-of-file marker
    path = tmp_path / "dos.txt"
    path.write_bytes(original.encode("utf-8"))

    assert read_source(path).text == original


def test_random_bytes_that_fit_no_encoding_are_rejected(tmp_path):
    import random

    rng = random.Random(1)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(2000)) + b"\x81\x8d\x8f\x90\x9d"
    path = tmp_path / "noise.txt"
    path.write_bytes(data)

    with pytest.raises(SourceError) as caught:
        read_source(path)

    assert caught.value.kind in ("undecodable", "binary")
    assert str(path) in str(caught.value)


def test_broken_utf16_after_a_bom_is_rejected(tmp_path):
    path = tmp_path / "broken16.txt"
    path.write_bytes(b"\xff\xfe" + "IGF".encode("utf-16-le") + b"\x00\xdc")  # lone low surrogate

    with pytest.raises(SourceError) as caught:
        read_source(path)

    assert caught.value.kind == "undecodable"
    assert "UTF-16-LE" in caught.value.reason


def test_file_over_the_size_limit_is_rejected_naming_the_file(tmp_path):
    page = seed_text(0).encode("utf-8")
    path = tmp_path / "huge.txt"
    path.write_bytes(page * 3)

    with pytest.raises(SourceError) as caught:
        read_source(path, max_bytes=len(page) * 2)

    assert caught.value.kind == "too_large"
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    assert f"{len(page) * 3 / 1024:.1f} KB" in caught.value.reason


def test_file_exactly_at_the_size_limit_is_read(tmp_path):
    page = seed_text(0)
    path = tmp_path / "exact.txt"
    path.write_bytes(page.encode("utf-8"))

    assert read_source(path, max_bytes=len(page.encode("utf-8"))).text == page


def test_default_size_limit_is_five_megabytes(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (5 * 1024 * 1024 + 1))

    with pytest.raises(SourceError, match="limit is 5.0 MB"):
        read_source(path)
    assert len(read_source(path, max_bytes=None).text) == 5 * 1024 * 1024 + 1


def test_missing_file_and_directory_are_rejected_naming_them(tmp_path):
    with pytest.raises(SourceError) as missing:
        read_source(tmp_path / "nope.txt")
    with pytest.raises(SourceError) as directory:
        read_source(tmp_path)

    assert missing.value.kind == "not_found" and "nope.txt" in str(missing.value)
    assert directory.value.kind == "unreadable" and str(tmp_path) in str(directory.value)


def test_path_through_a_regular_file_is_unreadable(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    bad = tmp_path / "file.txt" / "page.txt"

    with pytest.raises(SourceError) as caught:
        read_source(bad)

    assert caught.value.kind == "unreadable"
    assert str(bad) in str(caught.value)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root can read files without read permission")
def test_file_without_read_permission_is_unreadable(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(seed_text(0), encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(SourceError) as caught:
            read_source(path)
    finally:
        path.chmod(0o600)

    assert caught.value.kind == "unreadable"
    assert str(path) in str(caught.value)


# ---------------------------------------------------------------------- stdin

def test_stdin_bytes_in_utf16_are_decoded():
    original = seed_text(1)

    source = read_stdin(io.BytesIO(original.encode("utf-16")))

    assert source == SourceText("<stdin>", original, "utf-16-le", ["decoded as utf-16-le (byte-order mark)"])


def test_stdin_text_stream_reads_through_its_binary_buffer():
    original = seed_text(3)
    stream = io.TextIOWrapper(io.BytesIO(original.encode("cp1252")), encoding="utf-8")

    source = read_stdin(stream)

    assert source.text == original
    assert source.encoding == "windows-1252"


def test_stdin_already_decoded_text_is_accepted():
    original = seed_text(0)

    assert read_stdin(io.StringIO(original)).text == original


def test_stdin_html_document_is_converted():
    page = "<!DOCTYPE html><html><body><h3>Rapporteur</h3><p>Ana Alania</p></body></html>"

    source = read_stdin(io.BytesIO(page.encode("utf-8")))

    assert source.text == "Rapporteur\n\nAna Alania\n"
    assert "extracted text from HTML" in source.notes


def test_stdin_over_the_limit_is_rejected():
    with pytest.raises(SourceError) as caught:
        read_stdin(io.BytesIO(b"x" * 101), max_bytes=100)

    assert caught.value.path == "<stdin>"
    assert caught.value.kind == "too_large"
    assert "more than 100 bytes" in caught.value.reason


# ----------------------------------------------------------------------- HTML

def normalise(line: str) -> str:
    """How a browser shows one line of a <p>: ASCII whitespace runs collapsed."""
    return re.sub(r"[ \t\n\r\f]+", " ", line).strip()


def seed_lines_with_headings(text: str, lost_headings: dict[str, str]) -> list[tuple[str, bool]]:
    """(line, is_heading) for each non-blank line, restoring lost headings."""
    result = []
    for raw in text.splitlines():
        line = normalise(raw)
        if not line:
            continue
        if line in lost_headings:
            result.append((lost_headings[line], True))
        result.append((line, line in KNOWN_HEADINGS))
    return result


def render_paragraph_page(text: str, lost_headings: dict[str, str], ascii_only: bool = False) -> str:
    """A seed page as the web shows it: <h1> title, <h3> headings, one <p>
    per line, wrapped in the site's chrome (menus, scripts, footer)."""
    lines = seed_lines_with_headings(text, lost_headings)
    body = [f"<h1 class=\"page-title\">{html.escape(lines[0][0])}</h1>"]
    for line, is_heading in lines[1:]:
        tag = "h3" if is_heading else "p"
        body.append(f"<{tag}>\n    {html.escape(line)}\n  </{tag}>")
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>IGF session</title>"
        "<style>h3 { color: navy }</style><script>var tracker = 'Rapporteur';</script></head>\n"
        "<body><header><nav><ul><li><a href=\"/\">Home</a></li><li>Sessions</li></ul></nav></header>\n"
        "<main><article>\n" + "\n".join(body) + "\n</article></main>\n"
        "<footer>Copyright IGF Secretariat</footer><script>init();</script></body></html>\n"
    )
    if ascii_only:
        page = page.encode("ascii", errors="xmlcharrefreplace").decode("ascii")
    return page


def render_label_page(text: str, lost_headings: dict[str, str]) -> str:
    """A seed page with its blocks as <p> and <br>-separated lines, headings
    as a <strong> label on a line of their own."""
    blocks = []
    for block in re.split(r"\n\s*\n", text):
        items = []
        for line, is_heading in seed_lines_with_headings(block, lost_headings):
            escaped = html.escape(line)
            items.append(f"<strong>{escaped}</strong>" if is_heading else escaped)
        if items:
            blocks.append("<p>" + "<br>\n".join(items) + "</p>")
    return "<html><body><div class=\"node\">" + "\n".join(blocks) + "</div></body></html>"


@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("ascii_only", [False, True], ids=["utf8", "entities"])
def test_html_page_gives_back_every_heading_and_line_in_order(seed, ascii_only):
    text = seed.read_bytes().decode("utf-8")
    lost = LOST_HEADINGS_000 if seed == SEED_PATHS[0] else {}
    expected = [line for line, _ in seed_lines_with_headings(text, lost)]

    result = html_to_text(render_paragraph_page(text, lost, ascii_only))

    # Every line its own block: exactly one blank line between lines.
    assert result == "\n\n".join(expected) + "\n"
    assert "\n\n\n" not in result


def test_html_keeps_the_role_headings_the_plain_text_copy_lost():
    result = html_to_text(render_paragraph_page(seed_text(0), LOST_HEADINGS_000))

    assert ("Additional Speakers\n\nWan Sie Lee - Singapore Government (Asia-Pacific).\n\n"
            "Onsite Moderator\n\nFlorian Ostmann, Civil Society, Western European and Others Group (WEOG)\n\n"
            "Online Moderator\n\nAna Alania, Technical Community, Western European and Others Group (WEOG)\n\n"
            "Rapporteur\n\narcangelo leone de castris, Technical Community, "
            "Western European and Others Group (WEOG)\n\nOther - 90 Min\n") in result
    assert result.startswith("IGF 2023 WS #465 International multistakeholder cooperation for AI standards\n\n"
                             "Wednesday, 11th October")
    assert "Home" not in result and "Copyright" not in result and "tracker" not in result


@pytest.mark.parametrize("seed", SEED_PATHS, ids=lambda p: p.name[:3])
def test_strong_labels_alone_on_a_line_become_heading_lines(seed):
    text = seed.read_bytes().decode("utf-8")
    lost = LOST_HEADINGS_000 if seed == SEED_PATHS[0] else {}
    expected_blocks = []
    for block in re.split(r"\n\s*\n", text):
        run: list[str] = []
        for line, is_heading in seed_lines_with_headings(block, lost):
            if is_heading:
                expected_blocks += ["\n".join(run)] if run else []
                expected_blocks.append(line)
                run = []
            else:
                run.append(line)
        expected_blocks += ["\n".join(run)] if run else []

    result = html_to_text(render_label_page(text, lost))

    assert result == "\n\n".join(expected_blocks) + "\n"


def test_organizer_lines_separated_by_br_stay_consecutive_lines():
    result = html_to_text(render_label_page(seed_text(0), LOST_HEADINGS_000))

    assert ("Organizer 1: Florian Ostmann, The Alan Turing Institute\n"
            "Organizer 2: arcangelo leone de castris, The Alan Turing Institute\n") in result
    assert "Onsite Moderator\n\nFlorian Ostmann, Civil Society" in result


def test_inline_bold_inside_a_line_is_not_a_heading():
    page = "<p><strong>Speaker 1:</strong> Nikita Bhangu, <b>Government</b>, WEOG<br>Speaker 2: Ashley</p>"

    assert html_to_text(page) == "Speaker 1: Nikita Bhangu, Government, WEOG\nSpeaker 2: Ashley\n"


def test_definition_list_terms_are_headings():
    page = ("<dl><dt>Onsite Moderator</dt><dd>Florian Ostmann, Civil Society</dd>"
            "<dt>Rapporteur</dt><dd>arcangelo leone de castris<br>Technical Community</dd></dl>")

    assert html_to_text(page) == ("Onsite Moderator\n\nFlorian Ostmann, Civil Society\n\n"
                                  "Rapporteur\n\narcangelo leone de castris\nTechnical Community\n")


def test_list_items_are_prefixed_and_separated():
    page = "<h3>Policy Question(s)</h3><ol><li>What is the role of <em>standards</em>?</li>" \
           "<li>What challenges?<ul><li>for civil society</li></ul></li></ol>"

    assert html_to_text(page) == ("Policy Question(s)\n\n- What is the role of standards?\n\n"
                                  "- What challenges?\n\n- for civil society\n")


def test_script_style_and_page_chrome_are_dropped_but_article_header_kept():
    page = """<html><head><style>.x{content:"Speaker 9: Ghost"}</style></head><body>
      <header>IGF website <nav>Menu</nav></header>
      <script type="text/javascript">document.write("Organizer 7: Nobody")</script>
      <article><header><h1>IGF 2023 WS #465 Title</h1></header>
        <noscript>Enable JavaScript</noscript><!-- Rapporteur: hidden comment -->
        <p hidden>Speaker 8: Hidden</p><p>Speaker 1: Nikita Bhangu</p></article>
      <footer>Contact us</footer></body></html>"""

    assert html_to_text(page) == "IGF 2023 WS #465 Title\n\nSpeaker 1: Nikita Bhangu\n"


def test_entities_are_decoded_and_whitespace_collapsed():
    page = "<p>WS 4 &ndash; Room\n   B-1 &amp; UK&#8217;s\tHub&nbsp;x</p><p>&nbsp;</p><p>  </p><p>Fundação</p>"

    assert html_to_text(page) == "WS 4 – Room B-1 & UK’s Hub\xa0x\n\nFundação\n"


def test_double_br_splits_a_block_without_extra_blank_lines():
    page = "<div>Online Moderator<br><br><br>Ana Alania<br>Technical Community</div><p>Next</p>"

    assert html_to_text(page) == "Online Moderator\n\nAna Alania\nTechnical Community\n\nNext\n"


def test_heading_with_markup_inside_is_one_line():
    page = "<h1>IGF 2023 <span>WS #465</span><br>International <div>cooperation</div></h1><p>x</p>"

    assert html_to_text(page) == "IGF 2023 WS #465 International cooperation\n\nx\n"


def test_deeply_nested_html_does_not_hit_the_recursion_limit():
    depth = 5000
    page = "<div>" * depth + "<h3>Rapporteur</h3><p>Ana Alania</p>" + "</div>" * depth

    assert html_to_text(page) == "Rapporteur\n\nAna Alania\n"


def test_empty_html_gives_empty_text():
    assert html_to_text("<html><body><script>x()</script></body></html>") == ""


def test_html_file_in_windows_1252_is_decoded_by_its_meta_charset_and_converted(tmp_path):
    text = seed_text(3)
    page = render_paragraph_page(text, {}).replace('charset="utf-8"', 'charset="windows-1252"')
    path = tmp_path / "session.html"
    path.write_bytes(page.encode("cp1252"))

    source = read_source(path)

    assert source.encoding == "windows-1252"
    assert "extracted text from HTML" in source.notes
    assert "Onsite Moderator\n\nDelegate from Cyberspace Administration of China\n" in source.text
    # A browser keeps &nbsp; inside a line; only the trailing one goes with the line end.
    assert "Luca Belli, Professor of Internet Governance and Regulation,\xa0Fundação Getulio Vargas\n" in source.text


def test_html_meta_charset_other_than_cp1252_is_honoured(tmp_path):
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">'
            "</head><body><h3>Speaker 1</h3><p>Łukasz Żółć, Civil Society</p></body></html>")
    path = tmp_path / "pl.htm"
    path.write_bytes(page.encode("iso-8859-2"))

    source = read_source(path)

    assert source.text == "Speaker 1\n\nŁukasz Żółć, Civil Society\n"
    assert source.encoding == "iso8859-2"
    assert "declared in the HTML" in source.notes[0]


def test_txt_file_holding_an_html_document_is_converted(tmp_path):
    path = tmp_path / "saved-page.txt"
    path.write_text(render_paragraph_page(seed_text(0), LOST_HEADINGS_000), encoding="utf-8")

    source = read_source(path)

    assert "extracted text from HTML" in source.notes
    assert "Rapporteur\n\narcangelo leone de castris" in source.text


def test_plain_txt_page_mentioning_tags_is_not_treated_as_html(tmp_path):
    original = "Format description: use <b>bold</b> on slides\n" + seed_text(0)
    path = tmp_path / "page.txt"
    path.write_text(original, encoding="utf-8")

    assert read_source(path).text == original


def test_html_named_file_without_markup_is_read_as_plain_text(tmp_path):
    original = seed_text(0)
    path = tmp_path / "page.html"
    path.write_text(original, encoding="utf-8")

    source = read_source(path)

    assert source.text == original
    assert source.notes == ["no HTML markup found; read as plain text"]


# -------------------------------------------------------------------- paths

def make_tree(root: Path) -> None:
    page = seed_text(0)
    for relative in ["b/2.txt", "a/z.html", "a/sub/x.htm", "a/notes.md", "c.TXT", ".hidden/h.txt",
                     "a/.cache.txt", "d.txt", "data.json"]:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")


def test_directories_are_walked_recursively_in_sorted_order(tmp_path):
    make_tree(tmp_path)

    found = list(iter_source_paths([str(tmp_path)]))

    assert [os.path.relpath(p, tmp_path) for p in found] == [
        "a/sub/x.htm", "a/z.html", "b/2.txt", "c.TXT", "d.txt"]
    assert all(p.startswith(str(tmp_path)) for p in found)


def test_user_glob_selects_files(tmp_path):
    make_tree(tmp_path)

    assert [os.path.relpath(p, tmp_path) for p in iter_source_paths([tmp_path], glob="*.md")] == ["a/notes.md"]
    assert [os.path.relpath(p, tmp_path) for p in iter_source_paths([tmp_path], glob="a/*")] == [
        "a/notes.md", "a/z.html"]


def test_files_are_kept_as_given_and_stdin_passes_through(tmp_path):
    make_tree(tmp_path)
    given = str(tmp_path / "data.json")  # not a default suffix, but named explicitly

    assert list(iter_source_paths([given, "-", str(tmp_path / "b")])) == [
        given, "-", str(tmp_path / "b" / "2.txt")]


def test_each_file_is_yielded_once(tmp_path):
    make_tree(tmp_path)
    d_txt = str(tmp_path / "d.txt")

    found = list(iter_source_paths([d_txt, str(tmp_path), d_txt, "-", "-"]))

    assert found.count(d_txt) == 1 and found.count("-") == 1
    assert len(found) == 6


def test_missing_path_raises_naming_it(tmp_path):
    make_tree(tmp_path)
    missing = str(tmp_path / "no-such-dir")

    paths = iter_source_paths([str(tmp_path / "d.txt"), missing])

    assert next(paths) == str(tmp_path / "d.txt")
    with pytest.raises(SourceError) as caught:
        next(paths)
    assert caught.value.path == missing and caught.value.kind == "not_found"
    assert missing in str(caught.value)


def test_seed_directory_reads_end_to_end():
    sources = [read_source(p) for p in iter_source_paths([str(SEEDS_DIR)])]

    assert [Path(s.path).name for s in sources] == [p.name for p in SEED_PATHS]
    assert all(s.encoding == "utf-8" and s.notes == [] for s in sources)
    assert sources[3].text == SEED_PATHS[3].read_bytes().decode("utf-8")
