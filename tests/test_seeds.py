"""Every fact of seeds_expected.json, checked against `igfkg parse` output
of the five seed pages (through the CLI, as a user runs it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from igfkg.cli import main
from igfkg.names import bag_key
from igfkg.parse.labels import normalize_regional_group

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "seeds"
EXPECTED = json.loads((Path(__file__).parent / "seeds_expected.json").read_text(encoding="utf-8"))
SEED_IDS = sorted(EXPECTED["sessions"])


def _seed_file(seed_id: str) -> Path:
    return next(SEEDS.glob(f"{seed_id}_*.txt"))


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    files = [str(_seed_file(s)) for s in SEED_IDS]
    result = CliRunner().invoke(main, ["parse", *files, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {seed_id: record for seed_id, record in zip(SEED_IDS, lines)}


def _same_person_keys() -> list[set[str]]:
    """Spellings that name one person (from the expected file's equivalences)."""
    groups = EXPECTED["within_document_same_person"] + EXPECTED["cross_document_same_person"]
    return [{bag_key(n) for n in group} for group in groups]


def _equivalent(a: str, b: str) -> bool:
    ka, kb = bag_key(a), bag_key(b)
    return ka == kb or any(ka in g and kb in g for g in _same_person_keys())


def _find(record: dict, name: str) -> dict:
    hits = [p for p in record["participants"]
            if _equivalent(p["name"], name) or any(_equivalent(v, name) for v in p.get("name_variants", []))]
    assert len(hits) == 1, f"{name!r}: {len(hits)} participants match in {record['source']}"
    return hits[0]


SCALARS = ["title", "year", "number", "start", "end", "room", "format", "duration_min"]


@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_scalar_facts(records, seed_id):
    expected, record = EXPECTED["sessions"][seed_id], records[seed_id]
    for key in SCALARS:
        if key in expected:
            assert record[key] == expected[key], key
    if "type" in expected:
        assert record["session_type"] == expected["type"]


@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_list_facts(records, seed_id):
    expected, record = EXPECTED["sessions"][seed_id], records[seed_id]
    for key in ("sdg_goals", "sdg_targets", "themes", "organizing_organizations"):
        if key in expected:
            assert record[key] == expected[key], key
    for key in ("policy_questions", "key_takeaways", "calls_to_action"):
        if key in expected:
            assert len(record[key]) == expected[key], key
            assert all(item.strip() for item in record[key])


@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_person_count(records, seed_id):
    assert len(records[seed_id]["participants"]) == EXPECTED["sessions"][seed_id]["persons"]


@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_roles_are_complete(records, seed_id):
    """Each role's holders are exactly the expected people, no more."""
    record = records[seed_id]
    for role, names in EXPECTED["sessions"][seed_id]["roles"].items():
        holders = [p for p in record["participants"] if role in p["roles"]]
        assert len(holders) == len(names), role
        for name in names:
            assert role in _find(record, name)["roles"], (role, name)


@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_stakeholder_region_affiliation(records, seed_id):
    expected, record = EXPECTED["sessions"][seed_id], records[seed_id]
    for name, group in expected.get("stakeholder", {}).items():
        assert _find(record, name)["stakeholder_group"] == group, name
    for name, region in expected.get("region", {}).items():
        assert _find(record, name)["regional_group"] == normalize_regional_group(region), name
    for name, organization in expected.get("affiliation", {}).items():
        affiliation = _find(record, name)["affiliation"]
        # `Baidu` is read as `Baidu Deep Learning Platform` (a unit of Baidu): the
        # expected organization must stand in what was read, at a word boundary.
        assert affiliation == organization or affiliation.startswith(organization + " "), name


def test_anonymous_delegate_roles(records):
    for seed_id in SEED_IDS:
        expected = EXPECTED["sessions"][seed_id].get("anonymous_delegate_roles")
        if expected is None:
            continue
        record = records[seed_id]
        roles = sorted(r for u in record["unnamed_participants"] for r in u["roles"])
        assert roles == sorted(expected)
        assert all(u["organization"] for u in record["unnamed_participants"])
        assert not any("delegate" in p["name"].lower() for p in record["participants"])


def test_inferred_roles_name_their_rule(records):
    """Roles no heading stated are marked with the rule that inferred them."""
    record = records["000"]
    florian = _find(record, "Florian Ostmann")
    assert "onsite_moderator" in florian["inferred_roles"]
    assert "organizer" not in florian["inferred_roles"]  # stated by `Organizer 1:`
    assert "rapporteur" in _find(record, "arcangelo leone de castris")["inferred_roles"]
    assert _find(record, "Ana Alania")["inferred_roles"] == {}
    kyung = _find(records["002"], "Kyung Ryul Park")
    assert kyung["inferred_roles"].keys() == {"organizer"}  # moderator role stated by its heading


def test_spans_point_at_the_names(records):
    for seed_id in SEED_IDS:
        text = _seed_file(seed_id).read_text(encoding="utf-8")
        for person in records[seed_id]["participants"]:
            assert person["spans"], person["name"]
            spellings = {bag_key(person["name"])} | {bag_key(v) for v in person["name_variants"]}
            for start, end in person["spans"]:
                assert bag_key(text[start:end]) in spellings, (person["name"], text[start:end])


def test_within_document_spellings_are_one_participant(records):
    for group in EXPECTED["within_document_same_person"]:
        holders = {id(_find(r, name)) for r in records.values() for name in group
                   if any(_equivalent(p["name"], name) for p in r["participants"])}
        assert len(holders) == 1, group
