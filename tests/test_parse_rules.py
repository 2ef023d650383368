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
