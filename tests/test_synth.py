"""The synthetic corpus (benchmarks/synth.py) and the parser's accuracy on it.

A generated page's ground truth is what a correct reader must produce; the
parser must produce exactly that on every page and every field. When this
fails, the message gives the per-field accuracy and the first differences.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from igfkg.model import SessionRecord
from igfkg.parse import parse_session
from igfkg.sources import read_source

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402 (benchmarks/ is not a package)

PAGES = 1000
SEED = 11


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return synth.generate_corpus(PAGES, SEED, tmp_path_factory.mktemp("synth"))


def field_accuracy(pairs: list[tuple[dict, dict]]) -> tuple[dict[str, float], list[str]]:
    """Per-field share of pages where the parsed value equals the truth, and
    a description of the first few differences."""
    wrong: Counter = Counter()
    differences = []
    for truth, parsed in pairs:
        for key, expected in truth.items():
            if key == "source":
                continue
            if parsed.get(key) != expected:
                wrong[key] += 1
                if len(differences) < 5:
                    differences.append(f"{truth['source']} {key}:\n  truth  {json.dumps(expected, ensure_ascii=False)[:600]}"
                                       f"\n  parsed {json.dumps(parsed.get(key), ensure_ascii=False)[:600]}")
    keys = [k for k in pairs[0][0] if k != "source"]
    return {k: 1 - wrong[k] / len(pairs) for k in keys}, differences


def test_parser_reads_every_generated_page_exactly(corpus):
    pairs = []
    for path, truth in synth.iter_truth(corpus):
        source = read_source(str(path))
        pairs.append((truth, parse_session(source.text, source.path).to_json()))
    assert len(pairs) == PAGES
    accuracy, differences = field_accuracy(pairs)
    below = {k: round(v, 4) for k, v in accuracy.items() if v < 1}
    assert not below, f"per-field accuracy below 1: {below}\n" + "\n".join(differences)


def test_generated_corpus_covers_every_shape_and_variant(corpus):
    truths = [truth for _, truth in synth.iter_truth(corpus)]
    texts = {path.stem: path.read_text(encoding="utf-8") for path in sorted(corpus.glob("*.txt"))}
    assert sum(t["title"] is None for t in truths) > 50  # `Session` pages
    assert sum(t["session_type"] == "networking_session" for t in truths) > 50
    assert sum(bool(t["unnamed_participants"]) for t in truths) > 20  # `Delegate from`
    assert sum(t["start"] is None and t["local_start"] is None and t["year"] is not None for t in truths) > 50
    assert sum(bool(t["local_start"]) for t in truths) > 20
    assert sum(bool(t["sdg_targets"]) for t in truths) > 50
    participants = [p for t in truths for p in t["participants"]]
    rules = Counter(rule for p in participants for rule in p["inferred_roles"].values())
    for rule in ("unlabelled-block-after-speaker-is-onsite-moderator",
                 "unlabelled-block-after-online-moderator-is-rapporteur",
                 "first-of-several-unlabelled-blocks-is-organizers", "later-unlabelled-block-is-speakers",
                 "single-unlabelled-block-is-speakers", "person-with-job-title-in-agenda-is-speaker"):
        assert rules[rule] > 10, (rule, rules)
    variants = [v for p in participants for v in p["name_variants"]]
    assert len(variants) > 100
    assert any(v.isupper() or any(t.isupper() and len(t) > 2 for t in v.split()) for v in variants)
    assert sum(synth.strip_diacritics(p["name"]) != p["name"] for p in participants) > 50
    assert sum("🔒" in text for text in texts.values()) > 50


def test_ground_truth_spans_point_at_the_names(corpus):
    """The generator's own bookkeeping: every span covers a spelling of that participant."""
    for path, truth in list(synth.iter_truth(corpus))[:300]:
        text = path.read_text(encoding="utf-8")
        for person in truth["participants"]:
            spellings = {person["name"], *person["name_variants"]}
            for start, end in person["spans"]:
                assert text[start:end] in spellings, (path.name, person["name"], text[start:end])
        for unnamed in truth["unnamed_participants"]:
            for start, end in unnamed["spans"]:
                assert text[start:end] == unnamed["text"]


def test_ground_truth_is_the_json_record(corpus):
    path, truth = next(synth.iter_truth(corpus))
    fields = set(SessionRecord.__dataclass_fields__)
    assert set(truth) == fields
    assert SessionRecord.from_json(truth).to_json() == truth
    assert truth["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_bytes(tmp_path):
    a = synth.generate_corpus(40, 5, tmp_path / "a")
    b = synth.generate_corpus(40, 5, tmp_path / "b", jobs=2)
    d = synth.generate_corpus(40, 6, tmp_path / "d")
    for name in ("000000.txt", "000017.json", "000039.txt", "_corpus.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert (a / "000003.txt").read_bytes() != (d / "000003.txt").read_bytes()


def test_people_recur_with_a_long_tail(tmp_path):
    out = synth.generate_corpus(400, 3, tmp_path)
    ids = json.loads((out / "_corpus.json").read_text())["person_ids"]
    counts = Counter(pid for page in ids.values() for pid in page)
    ranked = sorted(counts.values(), reverse=True)
    assert ranked[0] >= 5  # a few people at many sessions
    assert sum(1 for n in ranked if n == 1) > len(ranked) / 3  # most at one


def test_cli_writes_pages_and_truth(tmp_path):
    assert synth.main(["--sessions", "3", "--seed", "2", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "000000.json", "000000.txt", "000001.json", "000001.txt", "000002.json", "000002.txt", "_corpus.json"]
    with pytest.raises(SystemExit):
        synth.main(["--sessions", "0", "--out", str(tmp_path)])
