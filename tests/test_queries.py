"""The named queries of queries/ on the seed corpus, each answer worked out by
hand from the five pages in data/seeds; parameters bound as RDF terms (and
SPARQL syntax in a value staying a value); `igfkg query` formats and errors;
the persisted store.

What the pages say, in short (seed: session, year):
  000 IGF 2023 WS #465 (2023-10-11 23:30 UTC): organizers Florian Ostmann,
      arcangelo leone de castris, Ana Alania, Nalanda Sharadjaya (Alan Turing
      Institute); speakers Nikita Bhangu (Government, WEOG), Ashley Casovan
      (Civil Society, WEOG), Jacquet Aurelie (Technical Community, Asia-Pacific),
      Sundeep Bhandari (Technical Community, WEOG), Sahar Danesh (Private
      Sector, WEOG), Wan Sie Lee (no group, Asia-Pacific); unlabelled block
      after the speakers: Florian (onsite moderator); online moderator Ana;
      unlabelled block after it: arcangelo (rapporteur).
  001 no title line, so no year, type or date; organizers/speakers Ke GONG
      (TC, WEOG), Daisy Selematsela (CS, African), Ricardo Israel Robles Pelayo
      (PS, GRULAC), Horst Kremers (TC, WEOG), Xiaofeng Tao (CS, Asia-Pacific),
      organizer Jieyao Wang; SDGs 1, 4, 5, 9 (9.4 9.5 9.b 9.c), 10, 11, 16, 17.
  002 IGF 2023 Networking Session #109 (2023-10-08 23:30 UTC): unlabelled
      blocks (organizers, then speakers) from KAIST, NYU, Kyoto University,
      JICA, UNSW, all Technical Community except Atsushi Yamanaka
      (Government), all Asia-Pacific except Matthew Liao (WEOG); onsite
      moderator Kyung Ryul Park, online moderator So Young Kim, rapporteur
      Junho Kwon; SDG 17; three themes.
  003 IGF 2021 Open Forum #5: eleven agenda speakers with job titles (no
      group or region) incl. Gong Ke (= Ke GONG); online moderator Li Yuxiao;
      onsite moderator and rapporteur "Delegate from Cyberspace
      Administration of China"; SDGs 8, 9, 10, 11, 12, 16.
  004 IGF 2023 WS #73 (no date): speakers Bu Zhong (CS, Asia-Pacific),
      Xianhong Hu (IGO, WEOG), FATIMA ROUMATE (PS, African); Bu Zhong also
      onsite moderator; Xingdong FANG online moderator and rapporteur; two themes.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, Quad

from igfkg import query
from igfkg.build import build
from igfkg.cli import main
from igfkg.named_queries import QueryError, bind_parameters, named_queries, parse_query
from igfkg.sources import read_source
from igfkg.store import (
    execute_query, graph_names, graph_stats, open_dataset, read_answer, read_dataset, store_is_fresh, with_values_hint,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "seeds"
ID = "https://w3id.org/igfkg/id/"
KE_GONG = {"Ke GONG", "Gong Ke"}  # one person; the resolver picks which spelling is preferred
SKOS = "http://www.w3.org/2004/02/skos/core#"


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seed-out")
    result = build([str(SEEDS)], out, validate=False)
    assert result.stats["sessions"] == 5
    return out / "igf.trig"


@pytest.fixture(scope="module")
def store(seed_graph):
    return read_dataset(seed_graph)


@pytest.fixture(scope="module")
def homogeneous_graph(tmp_path_factory) -> Path:
    """Seed 004 with every speaker made Civil Society / Asia-Pacific, and
    FATIMA ROUMATE replaced by a name with an apostrophe."""
    pages = tmp_path_factory.mktemp("homogeneous-pages")
    text = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
    text = text.replace("Xianhong Hu, Intergovernmental Organization, Western European and Others Group (WEOG)",
                        "Xianhong Hu, Civil Society, Asia-Pacific Group")
    text = text.replace("FATIMA ROUMATE, Private Sector, African Group",
                        "Siobhán O'Brien, Civil Society, Asia-Pacific Group")
    (pages / "004_variant.txt").write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("homogeneous-out")
    build([str(pages)], out, validate=False)
    return out / "igf.trig"


def run(query_name: str, store, /, **params) -> list[dict]:
    return query(query_name, params, store=store)


def names(rows: list[dict], key: str = "name") -> list[str]:
    return sorted(row[key] for row in rows)


# --- the library of named queries -------------------------------------------

TESTED_QUERIES = {
    "speakers-by-stakeholder-group", "speakers-by-regional-group", "speakers-in-stakeholder-group",
    "sessions-one-stakeholder-group", "sessions-one-region", "session-diversity", "top-people",
    "top-organizations", "co-speakers", "sessions-by-theme", "sessions-by-sdg", "sessions-for-sdg",
    "sessions-in-date-range", "moderators-who-speak", "inferred-roles", "person-spellings", "provenance",
    "sessions-without-online-moderator", "organizations-sending-delegates", "session-participants",
    "sessions-by-type", "speakers-without-stakeholder-group", "person-spoke-in-year", "session-graph",
    "inferred-roles-by-rule",
}


def test_every_named_query_has_a_test_and_a_complete_header():
    queries = named_queries()
    assert set(queries) == TESTED_QUERIES
    assert len(queries) >= 15
    for named in queries.values():
        assert named.title and named.description, named.name
        bound = bind_parameters(named)  # every default is a valid value of its type
        assert set(bound) == {p.name for p in named.parameters if p.default is not None}


def test_civil_society_speakers_of_2023(store):
    # Only lines under a speaker heading of a 2023 page: Florian Ostmann's Civil
    # Society line is his onsite-moderator block, Xingdong FANG's his moderator
    # and rapporteur blocks; Daisy Selematsela and Xiaofeng Tao are on seed
    # 001, which gives no year.
    rows = run("speakers-in-stakeholder-group", store)
    assert names(rows) == ["Ashley Casovan", "Bu Zhong"]
    assert {r["session"] for r in rows} == {ID + "session/igf2023-ws-465", ID + "session/igf2023-ws-73"}
    assert {r["year"] for r in rows} == {2023}


def test_speakers_of_another_group_and_year(store):
    rows = run("speakers-in-stakeholder-group", store, group="sg:technical-community")
    assert names(rows) == ["Dasom Lee", "Jacquet Aurelie", "Liming Zhu", "Matthew Liao", "Rafik Hadfi",
                           "Seung Hyun Kim", "Sundeep Bhandari", "Takayaki Ito"]
    full_iri = "https://w3id.org/igfkg/vocab/stakeholder-group/government"
    assert names(run("speakers-in-stakeholder-group", store, group=f"<{full_iri}>")) == [
        "Atsushi Yamanaka", "Nikita Bhangu"]
    # 2021's only page (seed 003) states no stakeholder group for anyone.
    assert run("speakers-in-stakeholder-group", store, group="sg:technical-community", year=2021) == []


def test_speakers_by_stakeholder_group(store):
    counts = {(r["year"], r["stakeholderGroup"]): r["speakers"] for r in run("speakers-by-stakeholder-group", store)}
    assert counts == {
        (2021, "not stated"): 11,
        (2023, "civil-society"): 2, (2023, "government"): 2, (2023, "intergovernmental-organization"): 1,
        (2023, "private-sector"): 2, (2023, "technical-community"): 8, (2023, "not stated"): 1,
    }
    only_2021 = run("speakers-by-stakeholder-group", store, year=2021)
    assert [(r["year"], r["stakeholderGroup"], r["speakers"]) for r in only_2021] == [(2021, "not stated", 11)]


def test_speakers_by_regional_group(store):
    counts = {(r["year"], r["regionalGroup"]): r["speakers"] for r in run("speakers-by-regional-group", store)}
    # 2023 Asia-Pacific: Jacquet Aurelie, Wan Sie Lee (000); six of seed 002; Bu Zhong (004).
    assert counts == {(2021, "not stated"): 11, (2023, "african"): 1, (2023, "asia-pacific"): 9, (2023, "weog"): 6}
    assert {r["regionalGroup"] for r in run("speakers-by-regional-group", store, year=2023)} == {
        "african", "asia-pacific", "weog"}


def test_sessions_one_stakeholder_group(store, homogeneous_graph):
    # Every seed session with stated groups has speakers from 2 or more groups.
    assert run("sessions-one-stakeholder-group", store) == []
    # At most two groups: seed 002 (technical community, and JICA for government).
    rows = run("sessions-one-stakeholder-group", store, max_groups=2)
    assert [(r["session"], r["groups"], r["speakers"]) for r in rows] == [(ID + "session/igf2023-ns-109", 2, 7)]
    assert set(rows[0]["stakeholderGroups"].split(", ")) == {"technical-community", "government"}
    variant = query("sessions-one-stakeholder-group", graph=homogeneous_graph)
    assert [(r["session"], r["stakeholderGroups"], r["speakers"]) for r in variant] == [
        (ID + "session/igf2023-ws-73", "civil-society", 3)]


def test_sessions_one_region(store, homogeneous_graph):
    assert run("sessions-one-region", store) == []
    rows = run("sessions-one-region", store, max_regions=2)
    # 000: WEOG and Asia-Pacific (Jacquet Aurelie, Wan Sie Lee); 002: Asia-Pacific and WEOG (Matthew Liao).
    assert {(r["session"], r["speakers"]) for r in rows} == {
        (ID + "session/igf2023-ws-465", 6), (ID + "session/igf2023-ns-109", 7)}
    assert all(set(r["regionalGroups"].split(", ")) == {"weog", "asia-pacific"} for r in rows)
    variant = query("sessions-one-region", graph=homogeneous_graph)
    assert [(r["title"], r["regionalGroups"]) for r in variant] == [
        ("Interconnecting Global AI Governance Mechanisms", "asia-pacific")]


def test_session_diversity(store):
    rows = {r["session"].rsplit("/", 1)[1]: r for r in run("session-diversity", store)}
    summary = {key: (r["speakers"], r["stakeholderGroups"], r["regionalGroups"], r["withoutGroup"], r["withoutRegion"])
               for key, r in rows.items()}
    assert summary == {
        "igf2023-ws-465": (6, 4, 2, 1, 0),
        "doc-" + rows_key_of_seed_001(rows): (5, 3, 4, 0, 0),
        "igf2023-ns-109": (7, 2, 2, 0, 0),
        "igf2021-of-5": (11, 0, 0, 11, 11),
        "igf2023-ws-73": (3, 3, 3, 0, 0),
    }


def rows_key_of_seed_001(rows: dict) -> str:
    """Seed 001 has no title line, so its session is keyed by content hash."""
    keys = [k for k in rows if k.startswith("doc-")]
    assert len(keys) == 1
    return keys[0][4:]


def test_top_people(store):
    rows = run("top-people", store)
    assert len(rows) == 43  # every person of the five pages
    first = rows[0]
    # Ke GONG (seed 001) and Gong Ke (seed 003) are one person in two sessions.
    assert first["name"] in KE_GONG and first["sessions"] == 2
    assert set(first["roles"].split(", ")) == {"organizer", "speaker"}
    assert all(r["sessions"] == 1 for r in rows[1:])
    by_name = {r["name"]: set(r["roles"].split(", ")) for r in rows}
    assert by_name["Bu Zhong"] == {"organizer", "speaker", "onsite-moderator"}
    assert by_name["Xingdong FANG"] == {"organizer", "online-moderator", "rapporteur"}
    assert by_name["Junho Kwon"] == {"rapporteur"}
    assert [r["name"] in KE_GONG for r in run("top-people", store, min_sessions=2)] == [True]


def test_top_organizations(store):
    rows = run("top-organizations", store)
    top = [(r["name"], r["people"], r["sessions"]) for r in rows[:5]]
    assert top == [
        ("The Alan Turing Institute", 4, 1),  # the four organizers of 000
        ("Korea Advanced Institute of Science and Technology", 3, 1),  # KAIST: Park, Kim, Lee
        ("Chinese Academy of Cyberspace Studies", 2, 1),  # Xia Xueping, Li Yuxiao
        ("Kyoto University", 2, 1),  # Rafik Hadfi, Takayaki Ito
        ("World Federation of Engineering Organizations", 1, 2),  # Ke GONG in 001 and 003
    ]
    assert all(r["people"] == 1 for r in rows[5:])
    # The Cyberspace Administration of China counts Xu Feng, not its delegate.
    cac = next(r for r in rows if r["name"] == "Cyberspace Administration of China")
    assert cac["people"] == 1


def test_co_speakers(store):
    rows = run("co-speakers", store)
    seed_001 = ["Daisy Selematsela", "Horst Kremers", "Ricardo Israel Robles Pelayo", "Xiaofeng Tao"]
    seed_003 = ["Ayad Al-Ani", "David Robertson", "Luca Belli", "Ma Yanjun", "Thorsten Jelinek", "Wang Bo",
                "Xia Xueping", "Xu Feng", "Xue Lan", "Zhang Hui"]
    assert names(rows, "coSpeakerName") == sorted(seed_001 + seed_003)
    # Another spelling, in another case, finds the same person.
    assert names(run("co-speakers", store, name="gong ke"), "coSpeakerName") == sorted(seed_001 + seed_003)
    # Bu Zhong's fellow speakers of seed 004; FANG only moderated, so is not one.
    assert names(run("co-speakers", store, name="Bu Zhong"), "coSpeakerName") == ["FATIMA ROUMATE", "Xianhong Hu"]
    assert run("co-speakers", store, name="Nobody Atall") == []


def test_sessions_by_theme(store):
    rows = run("sessions-by-theme", store)
    assert sorted((r["label"], r["sessions"], r["years"]) for r in rows) == [
        ("Avoiding Internet Fragmentation", 1, "2023"),
        ("Global Digital Governance & Cooperation", 1, "2023"),
        ("Governing Digital Economy", 1, "2023"),
        ("Harmonising Global Digital Infrastructure", 1, "2023"),
        ("Technical challenges of Internet fragmentation", 1, "2023"),
    ]


def test_sessions_by_sdg(store):
    counts = {r["goalNumber"]: r["sessions"] for r in run("sessions-by-sdg", store)}
    # 001: 1 4 5 9 10 11 16 17; 002: 17; 003: 8 9 10 11 12 16.
    assert counts == {1: 1, 4: 1, 5: 1, 8: 1, 9: 2, 10: 2, 11: 2, 12: 1, 16: 2, 17: 2}
    assert run("sessions-by-sdg", store)[0]["goal"] == "http://metadata.un.org/sdg/9"


def test_sessions_for_sdg(store):
    rows = {r["session"]: r for r in run("sessions-for-sdg", store)}
    seed_001 = next(key for key in rows if "/doc-" in key)
    assert set(rows) == {seed_001, ID + "session/igf2021-of-5"}
    assert set(rows[seed_001]["targets"].split(", ")) == {"9.4", "9.5", "9.b", "9.c"}
    assert not rows[ID + "session/igf2021-of-5"]["targets"]  # the page names no target
    only_17 = run("sessions-for-sdg", store, goal=17)
    assert {r["session"] for r in only_17} == {seed_001, ID + "session/igf2023-ns-109"}
    assert run("sessions-for-sdg", store, goal=3) == []


def test_sessions_in_date_range(store):
    rows = run("sessions-in-date-range", store)
    assert [r["session"] for r in rows] == [ID + "session/igf2023-ns-109", ID + "session/igf2023-ws-465"]
    assert rows[1]["start"] == datetime(2023, 10, 11, 23, 30, tzinfo=timezone.utc)
    assert rows[1]["room"] == "WS 4 – Room B-1"
    assert rows[0]["sessionType"] == "networking-session"
    # Both ends included, by UTC day: WS #465 starts late on 11 October.
    assert [r["session"] for r in run("sessions-in-date-range", store, **{"from": "2023-10-11", "to": "2023-10-11"})] == [
        ID + "session/igf2023-ws-465"]
    assert [r["session"] for r in run("sessions-in-date-range", store, **{"from": "2021-01-01", "to": "2021-12-31"})] == [
        ID + "session/igf2021-of-5"]


def test_moderators_who_speak(store):
    rows = run("moderators-who-speak", store)
    assert [(r["name"], r["year"], r["moderatorRole"]) for r in rows] == [(
        "Bu Zhong", 2023, "onsite-moderator")]


def test_inferred_roles(store):
    rows = run("inferred-roles", store)
    # 000: 2 (Florian, arcangelo); 002: 11 (blocks with no heading); 003: 11
    # agenda speakers + the delegate's rapporteur role; 004: 2.
    assert len(rows) == 27
    per_seed = {}
    for row in rows:
        per_seed[Path(row["source"]).name[:3]] = per_seed.get(Path(row["source"]).name[:3], 0) + 1
    assert per_seed == {"000": 2, "002": 11, "003": 12, "004": 2}
    agenda = run("inferred-roles", store, rule="person-with-job-title-in-agenda-is-speaker")
    assert len(agenda) == 11 and {r["role"] for r in agenda} == {"speaker"}
    assert "Gong Ke" in {r["nameAsWritten"] for r in agenda}
    delegate = [r for r in rows if r["holder"] == ID + "organization/cyberspace-administration-of-china"]
    assert [(r["role"], r["nameAsWritten"]) for r in delegate] == [
        ("rapporteur", "Delegate from Cyberspace Administration of China")]


def test_inferred_roles_by_rule(store):
    rows = {(r["rule"], r["role"]): (r["roles"], r["documents"]) for r in run("inferred-roles-by-rule", store)}
    assert rows == {
        ("person-with-job-title-in-agenda-is-speaker", "speaker"): (11, 1),  # 003
        ("later-unlabelled-block-is-speakers", "speaker"): (7, 1),  # 002
        ("first-of-several-unlabelled-blocks-is-organizers", "organizer"): (3, 1),  # 002
        ("unlabelled-block-after-online-moderator-is-rapporteur", "rapporteur"): (4, 4),  # 000 002 003 004
        ("unlabelled-block-after-speaker-is-onsite-moderator", "onsite-moderator"): (2, 2),  # 000 004
    }


def test_person_spellings(store):
    rows = run("person-spellings", store)
    spellings = {frozenset([r["name"], *r["otherSpellings"].split(" | ")]): r for r in rows}
    assert set(spellings) == {
        frozenset({"Atsushi Yamanaka", "Atshushi Yamanaka"}),  # 002, speaker line vs report
        frozenset({"Jacquet Aurelie", "Aurelie Jacquet"}),  # 000, speaker line vs description
        frozenset(KE_GONG),  # 001 vs 003, name order
        frozenset({"Takayaki Ito", "Takayuki Ito"}),  # 002, speaker line vs report
    }
    assert len(rows) == 4  # one row per person, though Ke GONG is typed on two pages
    assert all(r["spellings"] == 2 for r in rows)
    assert spellings[frozenset(KE_GONG)]["mergeRules"] == "name-order-swapped"


def test_provenance_points_at_the_name_in_the_source_text(store):
    rows = run("provenance", store)
    # Florian Ostmann: organizer and (inferred) onsite moderator of seed 000,
    # each backed by his three mentions on the page.
    assert sorted({r["role"] for r in rows}) == ["onsite-moderator", "organizer"]
    assert len(rows) == 6
    source = read_source(rows[0]["source"]).text
    assert {(r["start"], r["end"]) for r in rows} == {(193, 208), (893, 908), (1569, 1584)}
    for row in rows:
        assert Path(row["source"]).name.startswith("000_")
        assert source[row["start"]:row["end"]] == row["nameAsWritten"] == "Florian Ostmann"
        assert len(row["sha256"]) == 64
    # A merged spelling: each mention is the name as that page wrote it.
    seed_003 = next(SEEDS.glob("003_*.txt")).name
    ke_gong = run("provenance", store, name="Ke GONG")
    assert len({r["source"] for r in ke_gong}) == 2
    for row in ke_gong:
        text = read_source(row["source"]).text
        assert text[row["start"]:row["end"]] == row["nameAsWritten"]
        assert row["nameAsWritten"] == ("Gong Ke" if row["source"].endswith(seed_003) else "Ke GONG")
        assert row["role"] in ("organizer", "speaker")


def test_sessions_without_online_moderator(store):
    rows = run("sessions-without-online-moderator", store)
    assert len(rows) == 1
    assert Path(rows[0]["source"]).name.startswith("001_")
    assert rows[0]["title"] is None and rows[0]["year"] is None


def test_organizations_sending_delegates(store):
    rows = run("organizations-sending-delegates", store)
    assert [(r["name"], r["session"]) for r in rows] == [
        ("Cyberspace Administration of China", ID + "session/igf2021-of-5")]
    assert set(rows[0]["roles"].split(", ")) == {"onsite-moderator", "rapporteur"}


def test_session_participants(store):
    rows = {r["name"]: r for r in run("session-participants", store)}
    assert set(rows) == {"Florian Ostmann", "arcangelo leone de castris", "Ana Alania", "Nalanda Sharadjaya",
                         "Nikita Bhangu", "Ashley Casovan", "Jacquet Aurelie", "Sundeep Bhandari", "Sahar Danesh",
                         "Wan Sie Lee"}
    florian = rows["Florian Ostmann"]
    assert set(florian["roles"].split(", ")) == {"organizer", "onsite-moderator"}
    assert (florian["stakeholderGroup"], florian["regionalGroup"], florian["affiliation"]) == (
        "civil-society", "weog", "The Alan Turing Institute")
    wan = rows["Wan Sie Lee"]
    assert (wan["stakeholderGroup"], wan["regionalGroup"], wan["affiliation"]) == (
        None, "asia-pacific", "Singapore Government")
    delegation = run("session-participants", store, session="id:session/igf2021-of-5")
    assert len(delegation) == 13  # eleven speakers, Li Yuxiao, the delegation
    assert "Cyberspace Administration of China" in {r["name"] for r in delegation}


def test_sessions_by_type(store):
    rows = [(r["year"], r["sessionType"], r["sessions"]) for r in run("sessions-by-type", store)]
    assert sorted(rows, key=str) == sorted([
        (None, None, 1),  # seed 001: no title line
        (2021, "open-forum", 1), (2023, "networking-session", 1), (2023, "workshop", 2)], key=str)


def test_speakers_without_stakeholder_group(store):
    rows = {Path(r["source"]).name[:3]: r for r in run("speakers-without-stakeholder-group", store)}
    # 000: Wan Sie Lee's line says "Singapore Government (Asia-Pacific)"; 003:
    # the eleven agenda speakers.
    assert {key: r["speakers"] for key, r in rows.items()} == {"000": 1, "003": 11}
    assert rows["000"]["names"] == "Wan Sie Lee"
    assert "Gong Ke" in rows["003"]["names"].split(" | ")


def test_person_spoke_in_year(store):
    assert run("person-spoke-in-year", store) == [{"result": True}]  # Gong Ke, 2021
    # Ke GONG's other session (001) has no year, so nothing says 2023.
    assert run("person-spoke-in-year", store, year=2023) == [{"result": False}]
    # Florian Ostmann moderated in 2023 but was not a speaker.
    assert run("person-spoke-in-year", store, name="Florian Ostmann", year=2023) == [{"result": False}]
    assert run("person-spoke-in-year", store, name="Ashley Casovan", year=2023) == [{"result": True}]


def test_session_graph(store):
    triples = run("session-graph", store)
    session = ID + "session/igf2023-ws-465"
    facts = {(t["subject"], t["predicate"], t["object"]) for t in triples}
    assert (session, "http://schema.org/name", "International multistakeholder cooperation for AI standards") in facts
    participations = {t["subject"] for t in triples if t["object"] == session
                      and t["predicate"].endswith("#during")}
    assert len(participations) == 13  # ten people, three of them in two roles
    assert (ID + "person/wan-sie-lee", SKOS + "prefLabel", "Wan Sie Lee") in facts
    assert not any("igf2023-ws-73" in t["subject"] for t in triples)


# --- parameters are values, never query text -----------------------------------

INJECTIONS = [
    'Ke GONG") ) } UNION { ?coSpeaker ?p ?o } #',
    "Ke GONG' } UNION { ?other ?p ?o . BIND('x' AS ?name) } #",
    '"}} UNION {{ ?s ?p ?o }}',
    "} UNION { ?coSpeaker a ?t }",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_sparql_syntax_in_a_string_parameter_is_a_plain_value(store, value):
    assert run("co-speakers", store, name=value) == []
    assert run("inferred-roles", store, rule=value) == []
    assert run("person-spoke-in-year", store, name=value) == [{"result": False}]


def test_a_name_full_of_sparql_syntax_is_found_exactly(store):
    """A person whose recorded label is SPARQL syntax is found by exactly that
    label, and only by it (a copy of the seed store with one such speaker,
    and what the build adds for every speaker: a lower-case label and the
    session's schema:performer)."""
    copy = pyoxigraph.Store()
    copy.bulk_extend(store)
    odd = NamedNode(ID + "person/odd")
    label = 'Ke GONG" ) } UNION { ?x ?y ?z } # \'}'
    graph = NamedNode(ID + "graph/test")
    conf = "https://w3id.org/scholarlydata/ontology/conference-ontology.owl#"
    part = NamedNode(ID + "participation/igf2023-ws-73/odd/speaker")
    copy.bulk_extend([
        Quad(odd, NamedNode(SKOS + "prefLabel"), Literal(label), graph),
        Quad(odd, NamedNode("https://w3id.org/igfkg/ontology#lowercaseLabel"), Literal(label.lower()), graph),
        Quad(part, NamedNode(conf + "isHeldBy"), odd, graph),
        Quad(part, NamedNode(conf + "during"), NamedNode(ID + "session/igf2023-ws-73"), graph),
        Quad(part, NamedNode(conf + "withRole"), NamedNode("https://w3id.org/igfkg/vocab/role/speaker"), graph),
        Quad(NamedNode(ID + "session/igf2023-ws-73"), NamedNode("http://schema.org/performer"), odd, graph),
    ])
    assert names(run("co-speakers", copy, name=label), "coSpeakerName") == [
        "Bu Zhong", "FATIMA ROUMATE", "Xianhong Hu"]
    assert run("co-speakers", copy, name=label[:-1]) == []


def test_name_lookup_is_not_cut_by_the_planner_hint(store):
    """The person lookup's LIMIT (a hint for Oxigraph's planner) applies after
    the name is matched: 3000 other labels do not crowd the person out."""
    copy = pyoxigraph.Store()
    copy.bulk_extend(store)
    graph = NamedNode(ID + "graph/decoys")
    copy.bulk_extend(Quad(NamedNode(f"{ID}person/decoy-{i}"), NamedNode(SKOS + "prefLabel"),
                          Literal(f"Decoy {i:04d}"), graph) for i in range(3000))
    assert names(run("co-speakers", copy, name="Bu Zhong"), "coSpeakerName") == ["FATIMA ROUMATE", "Xianhong Hu"]
    assert len(run("provenance", copy)) == 6
    assert run("person-spoke-in-year", copy, name="Ashley Casovan", year=2023) == [{"result": True}]


def test_apostrophe_in_a_real_name(homogeneous_graph):
    rows = query("co-speakers", {"name": "Siobhán O'Brien"}, graph=homogeneous_graph)
    assert names(rows, "coSpeakerName") == ["Bu Zhong", "Xianhong Hu"]


@pytest.mark.parametrize("name,value", [
    ("year", "2023 } UNION { ?s ?p ?o"), ("year", "twenty"), ("group", "sg:x> } UNION { <a"),
    ("group", "not an iri"),
])
def test_a_value_that_does_not_fit_its_type_is_refused(store, name, value):
    with pytest.raises(QueryError, match=name):
        run("speakers-in-stakeholder-group", store, **{name: value})


def test_unknown_parameter_is_refused(store):
    with pytest.raises(QueryError, match="min_sessions"):
        run("top-people", store, minimum=2)


def test_ad_hoc_sparql_with_python_parameters(store):
    sparql = "SELECT ?year ?session WHERE { ?session igf:year ?year }"
    assert query(sparql, {"year": 2021}, store=store) == [{"year": 2021, "session": ID + "session/igf2021-of-5"}]
    with pytest.raises(QueryError, match="no variable"):
        query(sparql, {"nothing": 1}, store=store)


def test_header_parsing():
    named = parse_query(
        "# title: A title\n# description: first line\n#   second line\n"
        "# param: year = 2023 (xsd:integer) -- the year\n# param: who (string)\n"
        "# param: g = <https://e/x> (iri)\nSELECT ?year ?who ?g WHERE {}\n", "t")
    assert named.title == "A title" and named.description == "first line second line"
    assert [(p.name, p.default, p.type_label, p.description) for p in named.parameters] == [
        ("year", "2023", "xsd:integer", "the year"), ("who", None, "string", ""), ("g", "<https://e/x>", "iri", "")]
    with pytest.raises(QueryError, match="unknown type"):
        parse_query("# param: x = 1 (number)\nSELECT ?x WHERE {}")


@pytest.mark.parametrize("name", sorted(n for n, q in named_queries().items() if q.parameters))
def test_stating_the_parameters_as_values_gives_the_same_answer(store, name):
    """`# plan: parameters first` only changes the plan: every parameterized
    query answers the same with and without the VALUES block."""
    named = named_queries()[name]
    substitutions = bind_parameters(named)
    plain, hinted = (read_answer(execute_query(store, named.sparql, substitutions, values_first=first)).records()
                     for first in (False, True))
    assert hinted == plain


@pytest.mark.parametrize("sparql, expected", [
    ('PREFIX a: <http://e/x#>\n# a { in a comment\nSELECT ?y ("{" AS ?b) WHERE { { SELECT ?y WHERE { ?s ?p ?y } } }',
     'WHERE { VALUES (?y) { ("2023") } { SELECT'),
    ("SELECT * { ?s ?p '''}''' , ?y }", 'SELECT * { VALUES (?y) { ("2023") } ?s'),
    ("CONSTRUCT { ?s ?p ?y } WHERE { ?s ?p ?y }", "CONSTRUCT { ?s ?p ?y } WHERE { VALUES"),
    ("ASK { ?s ?p ?y }", "ASK { VALUES (?y)"),
    ("CONSTRUCT WHERE { ?s ?p ?y }", "CONSTRUCT WHERE { ?s ?p ?y }"),  # the group is the template: no hint
])
def test_the_values_block_opens_the_where_group(sparql, expected):
    hinted = with_values_hint(sparql, {"y": Literal("2023")})
    assert expected in hinted
    assert hinted.replace(' VALUES (?y) { ("2023") }', "", 1) == sparql


def test_a_value_in_the_values_block_stays_a_value(store):
    hinted = with_values_hint("SELECT ?y WHERE { ?s ?p ?y }", {"y": Literal('x" } ; DROP ALL ; #')})
    assert hinted == 'SELECT ?y WHERE { VALUES (?y) { ("x\\" } ; DROP ALL ; #") } ?s ?p ?y }'
    assert read_answer(execute_query(store, hinted)).rows == []


def test_plan_header():
    assert parse_query("# plan: parameters first\nSELECT ?x WHERE {}").parameters_first
    assert not parse_query("# title: t\nSELECT ?x WHERE {}").parameters_first


# --- igfkg query -----------------------------------------------------------------

def invoke(*args: str):
    return CliRunner().invoke(main, ["query", *args])


def test_cli_table(seed_graph):
    result = invoke("speakers-in-stakeholder-group", "--graph", str(seed_graph))
    assert result.exit_code == 0, result.output
    assert "Ashley Casovan" in result.output and "Bu Zhong" in result.output
    assert "id:person/bu-zhong" in result.output
    assert result.output.rstrip().endswith("(2 rows)")


def test_cli_json_csv_tsv(seed_graph):
    args = ["co-speakers", "--graph", str(seed_graph), "--param", "name=Bu Zhong"]
    data = json.loads(invoke(*args, "--format", "json").output)
    assert data["head"]["vars"] == ["name", "coSpeaker", "coSpeakerName", "sessions", "titles"]
    people = sorted(b["coSpeakerName"]["value"] for b in data["results"]["bindings"])
    assert people == ["FATIMA ROUMATE", "Xianhong Hu"]
    assert data["results"]["bindings"][0]["coSpeaker"]["type"] == "uri"
    assert data["results"]["bindings"][0]["sessions"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    csv_rows = list(csv.reader(io.StringIO(invoke(*args, "--format", "csv").output)))
    assert csv_rows[0] == ["name", "coSpeaker", "coSpeakerName", "sessions", "titles"]
    assert sorted(r[2] for r in csv_rows[1:]) == ["FATIMA ROUMATE", "Xianhong Hu"]
    tsv_lines = invoke(*args, "--format", "tsv").output.splitlines()
    assert tsv_lines[0].split("\t") == ["?name", "?coSpeaker", "?coSpeakerName", "?sessions", "?titles"]
    assert '"Xianhong Hu"' in tsv_lines[1] + tsv_lines[2]


def test_cli_ask_and_construct(seed_graph):
    ask = json.loads(invoke("person-spoke-in-year", "--graph", str(seed_graph), "--format", "json").output)
    assert ask["boolean"] is True
    assert invoke("person-spoke-in-year", "--graph", str(seed_graph)).output.strip() == "yes"
    turtle = invoke("session-graph", "--graph", str(seed_graph), "--format", "ttl")
    assert turtle.exit_code == 0
    parsed = list(pyoxigraph.parse(turtle.output.encode(), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(parsed) == len(query("session-graph", graph=seed_graph))
    jsonld = json.loads(invoke("session-graph", "--graph", str(seed_graph), "--format", "jsonld").output)
    assert jsonld
    refused = invoke("session-graph", "--graph", str(seed_graph), "--format", "csv")
    assert refused.exit_code != 0 and "CONSTRUCT" in refused.output


def test_cli_list():
    result = invoke("--list")
    assert result.exit_code == 0
    for named in named_queries().values():
        assert named.name in result.output and named.title in result.output
    assert "year=2023" in result.output


def test_cli_unknown_query_lists_the_named_ones(seed_graph):
    result = invoke("no-such-query", "--graph", str(seed_graph))
    assert result.exit_code != 0
    assert "no-such-query" in result.output and "co-speakers" in result.output and "top-people" in result.output


def test_cli_malformed_query_gives_line_and_column(seed_graph, tmp_path):
    bad = tmp_path / "bad.rq"
    # Line numbers count the header comments: the file is what the user edits.
    bad.write_text("# title: broken\nSELECT ?x WHERE {\n  ?x ?y ?z .\n  ?x nope:p ?z\n}\n", encoding="utf-8")
    result = invoke(str(bad), "--graph", str(seed_graph))
    assert result.exit_code != 0
    assert "bad.rq" in result.output and "line 4, column 12: unknown prefix" in result.output
    with pytest.raises(QueryError, match="line 1, column"):
        query("SELECT ?x WHERE { ?x ?y ?z . FILTER(?z = \"open) }", graph=seed_graph)


def test_cli_bad_parameters(seed_graph):
    result = invoke("top-people", "--graph", str(seed_graph), "--param", "min_sessions=lots")
    assert result.exit_code != 0 and "xsd:integer" in result.output
    result = invoke("top-people", "--graph", str(seed_graph), "--param", "min_sessions")
    assert result.exit_code != 0 and "NAME=VALUE" in result.output


def test_cli_query_file_with_parameters(seed_graph, tmp_path):
    file = tmp_path / "mine.rq"
    file.write_text("# title: Sessions of a year\n# param: year = 2021 (xsd:integer)\n"
                    "SELECT ?year ?session WHERE { ?session igf:year ?year }\n", encoding="utf-8")
    result = invoke(str(file), "--graph", str(seed_graph), "--format", "csv")
    assert result.output.splitlines()[1:] == ["2021," + ID + "session/igf2021-of-5"]


def test_cli_without_a_graph(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("top-people")
    assert result.exit_code != 0 and "igfkg build" in result.output


# --- the store ------------------------------------------------------------------

def test_persisted_store_reloads_only_when_the_graph_changes(seed_graph, tmp_path):
    graph = tmp_path / "igf.trig"
    shutil.copy(seed_graph, graph)
    store_dir = tmp_path / "store"
    store = open_dataset(graph, store_dir)
    assert store_is_fresh(graph, store_dir)
    expected = graph_stats(read_dataset(graph))
    assert graph_stats(store) == expected
    assert len(graph_names(store)) == 7  # five documents, the entities and the summaries graphs
    del store
    # The CLI reads the persisted store as it is.
    result = invoke("sessions-by-type", "--graph", str(graph), "--store", str(store_dir), "--format", "csv")
    assert result.exit_code == 0 and len(result.output.splitlines()) == 5
    # A rebuild from two pages replaces the graph file: the store follows.
    out = tmp_path / "smaller"
    build([str(next(SEEDS.glob("000_*.txt"))), str(next(SEEDS.glob("004_*.txt")))], out, validate=False)
    shutil.copy(out / "igf.trig", graph)
    assert not store_is_fresh(graph, store_dir)
    store = open_dataset(graph, store_dir)
    assert graph_stats(store)["sessions"] == 2
    assert names(query("speakers-in-stakeholder-group", store=store)) == ["Ashley Casovan", "Bu Zhong"]
    del store
    # With the graph file gone, the store loaded before still answers.
    graph.unlink()
    assert len(query("sessions-by-type", graph=graph, store=store_dir)) == 1


def test_another_process_queries_a_store_this_one_has_open(seed_graph, tmp_path):
    """The first process to open a persisted store holds its lock; another
    one reads it as well (read-only)."""
    store_dir = tmp_path / "store"
    held = open_dataset(seed_graph, store_dir)
    command = [sys.executable, "-c", "from igfkg.cli import main; main()", "query", "sessions-by-type",
               "--graph", str(seed_graph), "--store", str(store_dir), "--format", "csv"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 5
    assert graph_stats(held)["sessions"] == 5


@pytest.fixture(scope="module")
def twice_read_graph(tmp_path_factory) -> Path:
    """Seed 000 saved twice (the second copy with a trailing note, so another
    document): one session, its facts stated in two document graphs."""
    pages = tmp_path_factory.mktemp("twice-pages")
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, pages / path.name)
    first = next(SEEDS.glob("000_*.txt"))
    (pages / "000_saved_again.txt").write_text(first.read_text(encoding="utf-8") + "\nSaved again.\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("twice-out")
    result = build([str(pages)], out, validate=False)
    assert result.stats["documents"] == 6 and result.stats["sessions"] == 5
    return out / "igf.trig"


SOURCE_KEYS = {"source", "document", "sha256", "documents"}  # legitimately differ: one more page
SOURCE_PREDICATES = {"http://www.w3.org/ns/prov#wasDerivedFrom", "https://w3id.org/igfkg/ontology#textSpan"}


def without_sources(rows: list[dict]) -> list[str]:
    """Rows as sorted JSON, leaving out which document (and span) they come from, repeats removed."""
    kept = {json.dumps({k: v for k, v in row.items() if k not in SOURCE_KEYS}, default=str, sort_keys=True)
            for row in rows if row.get("predicate") not in SOURCE_PREDICATES}
    return sorted(kept)


@pytest.mark.parametrize("name", sorted(TESTED_QUERIES))
def test_a_session_read_from_two_pages_gives_the_same_answers(store, twice_read_graph, name):
    """Oxigraph's union default graph repeats a triple stated in two graphs;
    every query answers as if it were stated once (sources aside), without
    repeated rows."""
    twice = run(name, read_dataset(twice_read_graph))
    assert without_sources(twice) == without_sources(run(name, store))
    listing = [json.dumps(row, default=str, sort_keys=True) for row in twice]
    assert len(listing) == len(set(listing))


def test_union_default_graph_joins_document_and_entity_graphs(store):
    # Labels live in the entities graph, participations in document graphs.
    rows = query("SELECT ?name WHERE { ?p conf:isHeldBy ?x . ?x skos:prefLabel ?name "
                 "FILTER(?name IN (\"Ke GONG\", \"Gong Ke\")) }", store=store)
    assert len(rows) == 3  # organizer + speaker in 001, speaker in 003
