"""Seed pages in the shapes the robustness tests need: rendered as the web
page they came from (HTML with real headings), re-encoded, and varied into
a corpus of many distinct pages.

    >>> html = render_html_page(seed_text(0), lost_headings(0))   # doctest: +SKIP
"""

from __future__ import annotations

import html
import re
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "data" / "seeds"
SEED_PATHS = sorted(SEEDS_DIR.glob("*.txt"))
# Lines of the seed pages that are section or role headings on the web page.
KNOWN_HEADINGS = {
    "Additional Speakers", "Onsite Moderator", "Online Moderator", "Rapporteur",
    "Policy Question(s)", "Expected Outcomes", "Key Takeaways", "Call to Action",
    "Report", "Session", "Description:", "Keynote Speech", "Concluding Remarks",
}
# Seed 000 lost two role headings in its plain-text copy; the web page has them.
LOST_HEADINGS_000 = {
    "Florian Ostmann, Civil Society, Western European and Others Group (WEOG)": "Onsite Moderator",
    "arcangelo leone de castris, Technical Community, Western European and Others Group (WEOG)": "Rapporteur",
}
# The role headings each seed's plain-text copy lost, by the 1-based line
# number of the first line under the heading (where the copy shows only a
# double blank line). Seed 001 labels its people on each line.
LOST_ROLE_HEADINGS = {
    0: {22: "Onsite Moderator", 29: "Rapporteur"},
    2: {14: "Organizers", 21: "Speakers", 45: "Rapporteur"},
    3: {48: "Rapporteur"},
    4: {18: "Onsite Moderator", 25: "Rapporteur"},
}


def seed_text(index: int) -> str:
    """A seed page exactly as stored (UTF-8, line ends untouched)."""
    return SEED_PATHS[index].read_bytes().decode("utf-8")


def lost_headings(index: int) -> dict[int, str]:
    """{line number: heading} restoring the headings seed `index` lost."""
    return LOST_ROLE_HEADINGS.get(index, {})


def normalise(line: str) -> str:
    """How a browser shows one line of a <p>: ASCII whitespace runs collapsed."""
    return re.sub(r"[ \t\n\r\f]+", " ", line).strip()


def render_html_page(text: str, headings: dict[int, str]) -> str:
    """A seed page as the web shows it: <h1> title, <h3> headings (the
    known ones, plus `headings` inserted before their line numbers), one
    <p> per line, wrapped in the site's chrome (menus, scripts, footer)."""
    body = []
    for number, raw in enumerate(text.splitlines(), 1):
        if number in headings:
            body.append(f"<h3>{html.escape(headings[number])}</h3>")
        line = normalise(raw)
        if not line:
            continue
        tag = "h1" if not body else "h3" if line in KNOWN_HEADINGS else "p"
        body.append(f"<{tag}>\n    {html.escape(line)}\n  </{tag}>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>IGF session</title>"
        "<style>h3 { color: navy }</style><script>var tracker = 'Rapporteur';</script></head>\n"
        "<body><header><nav><ul><li><a href=\"/\">Home</a></li><li>Sessions</li></ul></nav></header>\n"
        "<main><article>\n" + "\n".join(body) + "\n</article></main>\n"
        "<footer>Copyright IGF Secretariat</footer><script>init();</script></body></html>\n"
    )


_TITLE_NUMBER = re.compile(r"#\s*(\d{1,4})")


def vary_seed(text: str, index: int, names: list[str]) -> str:
    """Seed page `text` made into a distinct page: session number `index`
    and every token of the people's `names` given a suffix (the same one
    everywhere on the page, so the page stays consistent)."""
    suffix = _letters(index)
    varied = _TITLE_NUMBER.sub(f"#{index}", text, count=1) if _TITLE_NUMBER.search(text.split("\n", 1)[0]) else text
    tokens = sorted({t for name in names for t in name.split() if len(t) >= 3 and t.isalpha()}, key=len, reverse=True)
    if tokens:
        varied = re.sub(r"\b(" + "|".join(map(re.escape, tokens)) + r")\b", lambda m: m[1] + suffix, varied)
    return varied


def _letters(number: int) -> str:
    """0 -> 'a', 25 -> 'z', 26 -> 'ba': a suffix that keeps a name a name."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
        if number == 0:
            return letters
