"""Single parser rules found wrong on generated corpora (regressions)."""

from igfkg.parse import parse_session

THEME_WITH_COMMA = """IGF 2023 WS #1 Multilingual Internet after the Global Digital Compact


Enabling Safety, Security and Accountability
Global Digital Governance & Cooperation

Organizer 1: Young Kyu Kang, Japan Institute of Technology

Speaker 1: Laura Brown, Civil Society, Western European and Others Group (WEOG)
"""


def test_a_theme_with_a_comma_is_a_theme_not_a_person():
    record = parse_session(THEME_WITH_COMMA, "theme.txt")
    assert record.themes == ["Enabling Safety, Security and Accountability", "Global Digital Governance & Cooperation"]
    assert [p.name for p in record.participants] == ["Young Kyu Kang", "Laura Brown"]


def test_agenda_only_pages_build_and_conform(tmp_path):
    """Best Practice Forum and High-Level pages give an agenda and no people:
    valid sessions, not errors (the people shape exempts those types)."""
    from pathlib import Path

    from igfkg.build import build

    fixtures = Path(__file__).parent / "fixtures" / "formats"
    corpus = tmp_path / "pages"
    corpus.mkdir()
    for name in ("bpf_2022_agenda.txt", "high_level_2023_agenda.txt"):
        (corpus / name).write_bytes((fixtures / name).read_bytes())
    result = build([str(corpus)], tmp_path / "out")
    assert result.stats["sessions"] == 2 and result.stats["persons"] == 0
    assert result.validation.conforms and result.ok
