"""The counts in the summaries graph (igfkg.summaries) equal the same counts
aggregated in SPARQL over the document graphs, on a synthetic corpus with
spelling variants, inferred roles and delegates, the seed pages, two pages
for one session (a speaker's group stated on one of them only) and a
moderator who also speaks. A rebuild after a group changes on one page
updates the counts as a build from scratch does.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from pyoxigraph import Store

from igfkg.build import build
from igfkg.store import execute_query, read_dataset, term_to_python

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402 (benchmarks/ is not a package)

SUMMARIES = "https://w3id.org/igfkg/id/graph/summaries"
TWIN_A = """IGF 2022 WS #77 Twin Session

Monday, 28th November, 2022 (10:00 UTC) - Monday, 28th November, 2022 (11:00 UTC)
Room A

Speaker 1: Ana Souza, Civil Society, Latin American and Caribbean Group (GRULAC)
Speaker 2: Lucas Lima
"""
# The same session from another page: Lucas Lima's group is stated here only.
TWIN_B = """IGF 2022 WS #77 Twin Session

Monday, 28th November, 2022 (10:00 UTC) - Monday, 28th November, 2022 (11:00 UTC)
Room B

Speaker 1: Lucas Lima, Private Sector, Western European and Others Group (WEOG)
Speaker 2: Mei Chen, Government
"""
MODERATOR_SPEAKS = """IGF 2021 WS #12 A Moderator on the Panel

Tuesday, 7th December, 2021 (09:00 UTC) - Tuesday, 7th December, 2021 (10:00 UTC)
Room C

Speaker 1: Kofi Mensah, Civil Society, African Group
Speaker 2: Ines Duarte, Government, Latin American and Caribbean Group (GRULAC)

Onsite Moderator: Kofi Mensah
Online Moderator: Ines Duarte
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    pages = synth.generate_corpus(120, 7, tmp_path_factory.mktemp("corpus"))
    for path in pages.glob("*.json"):
        path.unlink()
    for seed in (ROOT / "data" / "seeds").glob("*.txt"):
        shutil.copy(seed, pages / seed.name)
    for name, text in (("twin-a.txt", TWIN_A), ("twin-b.txt", TWIN_B), ("moderator.txt", MODERATOR_SPEAKS)):
        (pages / name).write_text(text, encoding="utf-8")
    return pages


@pytest.fixture(scope="module")
def store(corpus, tmp_path_factory) -> Store:
    out = tmp_path_factory.mktemp("out")
    build([str(corpus)], out, validate=False)
    return read_dataset(out / "igf.trig")


def rows(store: Store, sparql: str) -> list[tuple]:
    return [tuple(term_to_python(term) for term in row) for row in execute_query(store, sparql)]


def stored(store: Store, pattern: str, variables: str) -> list[tuple]:
    """Solutions of `pattern` in the summaries graph only."""
    return counted(store, f"SELECT {variables} WHERE {{ GRAPH <{SUMMARIES}> {{ {pattern} }} }}")


def counted(store: Store, sparql: str) -> list[tuple]:
    return sorted(rows(store, sparql), key=repr)  # repr: a row may hold None


SPEAKERS = """?p conf:withRole igfv:role\\/speaker ; conf:during ?session ; conf:isHeldBy ?person ."""


def test_session_speaker_counts(store):
    expected = counted(store, f"""
        SELECT ?session (COUNT(DISTINCT ?person) AS ?n) (COUNT(DISTINCT ?g) AS ?groups) (COUNT(DISTINCT ?r) AS ?regions)
        WHERE {{ {SPEAKERS} OPTIONAL {{ ?p igf:stakeholderGroup ?g }} OPTIONAL {{ ?p igf:regionalGroup ?r }} }}
        GROUP BY ?session""")
    assert len(expected) > 100
    assert stored(store, "?session igf:speakerCount ?n ; igf:speakerStakeholderGroupCount ?groups ; "
                         "igf:speakerRegionalGroupCount ?regions", "?session ?n ?groups ?regions") == expected


@pytest.mark.parametrize("prop, count", [("stakeholderGroup", "speakersWithoutStakeholderGroup"),
                                         ("regionalGroup", "speakersWithoutRegionalGroup")])
def test_speakers_without_a_stated_group(store, prop, count):
    missing = dict(counted(store, f"""
        SELECT ?session (COUNT(DISTINCT ?person) AS ?n)
        WHERE {{ {SPEAKERS} FILTER NOT EXISTS {{ ?p igf:{prop} ?any }} }} GROUP BY ?session"""))
    sessions = [s for (s,) in counted(store, f"SELECT DISTINCT ?session WHERE {{ {SPEAKERS} }}")]
    assert 0 < len(missing) < len(sessions)
    assert stored(store, f"?session igf:{count} ?n", "?session ?n") == sorted(
        ((s, missing.get(s, 0)) for s in sessions), key=repr)


def test_twin_pages_count_one_session_with_the_group_either_page_states(store):
    twin = "https://w3id.org/igfkg/id/session/igf2022-ws-77"
    assert stored(store, f"<{twin}> igf:speakerCount ?n ; igf:speakersWithoutStakeholderGroup ?without ; "
                         f"igf:speakersWithoutRegionalGroup ?noRegion", "?n ?without ?noRegion") == [(3, 0, 1)]


@pytest.mark.parametrize("prop", ["speakerStakeholderGroup", "speakerRegionalGroup"])
def test_the_groups_of_each_session(store, prop):
    source = "stakeholderGroup" if prop == "speakerStakeholderGroup" else "regionalGroup"
    expected = counted(store, f"SELECT DISTINCT ?session ?g WHERE {{ {SPEAKERS} ?p igf:{source} ?g }}")
    assert expected
    assert stored(store, f"?session igf:{prop} ?g", "?session ?g") == expected


def test_sessions_of_each_person(store):
    expected = counted(store, """SELECT ?person (COUNT(DISTINCT ?session) AS ?n)
        WHERE { ?p conf:isHeldBy ?person ; conf:during ?session } GROUP BY ?person""")
    assert max(n for _, n in expected) > 1
    assert stored(store, "?person igf:sessionCount ?n", "?person ?n") == expected


def test_people_and_sessions_of_each_organization(store):
    expected = counted(store, """SELECT ?org (COUNT(DISTINCT ?person) AS ?people) (COUNT(DISTINCT ?session) AS ?n)
        WHERE { ?p igf:affiliation ?org ; conf:isHeldBy ?person ; conf:during ?session } GROUP BY ?org""")
    assert max(people for _, people, _ in expected) > 1
    assert stored(store, "?org igf:participantCount ?people ; igf:participantSessionCount ?n",
                  "?org ?people ?n") == expected


@pytest.mark.parametrize("prop, structure", [("stakeholderGroup", "SpeakersByStakeholderGroupStructure"),
                                             ("regionalGroup", "SpeakersByRegionalGroupStructure")])
def test_speakers_per_group_and_year(store, prop, structure):
    expected = counted(store, f"""SELECT ?year ?g (COUNT(DISTINCT ?person) AS ?n)
        WHERE {{ {SPEAKERS} ?session igf:year ?year . OPTIONAL {{ ?p igf:{prop} ?g }} }} GROUP BY ?year ?g""")
    assert len({year for year, _, _ in expected}) > 3
    ref = "refStakeholderGroup" if prop == "stakeholderGroup" else "refRegionalGroup"
    found = counted(store, f"""SELECT ?year ?g ?n WHERE {{ GRAPH <{SUMMARIES}> {{
        ?set qb:structure igf:{structure} . ?o qb:dataSet ?set ; igf:refYear ?year ; igf:numberOfSpeakers ?n .
        OPTIONAL {{ ?o igf:{ref} ?g }} }} }}""")
    assert found == expected


def test_sessions_per_year_and_type(store):
    expected = counted(store, """SELECT ?year ?type (COUNT(DISTINCT ?session) AS ?n)
        WHERE { ?session a igf:Session . OPTIONAL { ?session igf:year ?year }
                OPTIONAL { ?session igf:sessionType ?type } } GROUP BY ?year ?type""")
    assert any(year is None for year, _, _ in expected)  # seed 001 states no year
    found = counted(store, f"""SELECT ?year ?type ?n WHERE {{ GRAPH <{SUMMARIES}> {{
        ?set qb:structure igf:SessionsByTypeStructure . ?o qb:dataSet ?set ; igf:numberOfSessions ?n .
        OPTIONAL {{ ?o igf:refYear ?year }} OPTIONAL {{ ?o igf:refSessionType ?type }} }} }}""")
    assert found == expected


def test_roles_and_documents_per_inference_rule(store):
    # A document counts when the rule fired on it: the rule's triple is in that document's graph.
    expected = counted(store, """SELECT ?rule ?role (COUNT(DISTINCT ?p) AS ?roles) (COUNT(DISTINCT ?doc) AS ?docs)
        WHERE { GRAPH ?doc { ?p igf:inferenceRule ?rule } ?p conf:withRole ?role } GROUP BY ?rule ?role""")
    assert len(expected) > 2
    found = counted(store, f"""SELECT ?rule ?role ?roles ?docs WHERE {{ GRAPH <{SUMMARIES}> {{
        ?set qb:structure igf:InferredRolesByRuleStructure .
        ?o qb:dataSet ?set ; igf:refRule ?rule ; igf:refRole ?role ; igf:numberOfRoles ?roles ;
           igf:numberOfDocuments ?docs }} }}""")
    assert found == expected


def test_moderations_by_a_speaker_of_the_session(store):
    expected = counted(store, f"""SELECT DISTINCT ?session ?m WHERE {{
        ?m conf:withRole ?role ; conf:during ?session ; conf:isHeldBy ?person .
        FILTER(?role IN (igfv:role\\/onsite-moderator, igfv:role\\/online-moderator)) {SPEAKERS} }}""")
    moderated = "https://w3id.org/igfkg/id/session/igf2021-ws-12"
    assert len([m for s, m in expected if s == moderated]) == 2
    assert stored(store, "?session igf:moderationBySpeaker ?m", "?session ?m") == expected


def test_a_group_changed_on_one_page_updates_the_counts_on_rebuild(corpus, tmp_path):
    pages = tmp_path / "pages"
    shutil.copytree(corpus, pages)
    build([str(pages)], tmp_path / "cached", validate=False)
    page = pages / "twin-b.txt"
    page.write_text(TWIN_B.replace("Mei Chen, Government", "Mei Chen, Civil Society"), encoding="utf-8")
    build([str(pages)], tmp_path / "cached", validate=False)
    build([str(pages)], tmp_path / "fresh", validate=False, use_cache=False)
    cached, fresh = ((tmp_path / out / "igf.trig").read_bytes() for out in ("cached", "fresh"))
    assert cached == fresh
    twin = "https://w3id.org/igfkg/id/session/igf2022-ws-77"
    groups = rows(read_dataset(tmp_path / "cached" / "igf.trig"),
                  f"SELECT ?g WHERE {{ <{twin}> igf:speakerStakeholderGroup ?g }}")
    assert sorted(g.rsplit("/", 1)[1] for (g,) in groups) == ["civil-society", "private-sector"]


@pytest.mark.parametrize("kind", ["igf:Session", "schema:Person", "schema:Organization"])
def test_positions_number_the_nodes_of_a_kind_in_iri_order(store, kind):
    found = rows(store, f"SELECT DISTINCT ?node ?position WHERE {{ ?node a {kind} ; igf:position ?position }}")
    nodes = [node for (node,) in rows(store, f"SELECT DISTINCT ?node WHERE {{ ?node a {kind} }}")]
    assert len(found) == len(nodes) > 10
    assert [node for node, _ in sorted(found, key=lambda row: row[1])] == sorted(nodes)
    assert sorted(position for _, position in found) == list(range(1, len(nodes) + 1))


def test_the_inference_rules_of_each_session(store):
    expected = counted(store, """SELECT DISTINCT ?session ?rule
        WHERE { ?p igf:inferenceRule ?rule ; conf:during ?session }""")
    assert len({session for session, _ in expected}) > 10
    assert stored(store, "?session igf:inferredRule ?rule", "?session ?rule") == expected


def test_the_roles_each_person_held(store):
    expected = counted(store, "SELECT DISTINCT ?person ?role WHERE { ?p conf:isHeldBy ?person ; conf:withRole ?role }")
    assert len({role for _, role in expected}) == 5
    assert stored(store, "?person igf:heldRole ?role", "?person ?role") == expected


def test_the_speakers_of_each_session_without_a_stated_group(store):
    expected = counted(store, f"""SELECT DISTINCT ?session ?p
        WHERE {{ {SPEAKERS} FILTER NOT EXISTS {{ ?p igf:stakeholderGroup ?g }} }}""")
    assert len(expected) > 10
    assert stored(store, "?session igf:speakerWithoutStakeholderGroup ?p", "?session ?p") == expected


def test_online_moderators_of_each_session(store):
    moderated = dict(counted(store, """SELECT ?session (COUNT(DISTINCT ?p) AS ?n)
        WHERE { ?p conf:withRole igfv:role\\/online-moderator ; conf:during ?session } GROUP BY ?session"""))
    sessions = [s for (s,) in counted(store, "SELECT DISTINCT ?session WHERE { ?session a igf:Session }")]
    assert 0 < len(moderated) < len(sessions)
    assert stored(store, "?session igf:onlineModeratorCount ?n", "?session ?n") == sorted(
        ((s, moderated.get(s, 0)) for s in sessions), key=repr)


def test_the_spellings_of_each_person(store):
    expected = counted(store, """SELECT ?person (COUNT(DISTINCT ?label) + 1 AS ?n)
        WHERE { ?person skos:altLabel ?label FILTER EXISTS { ?person a schema:Person } } GROUP BY ?person""")
    assert len(expected) > 5
    assert stored(store, "?person igf:spellingCount ?n", "?person ?n") == expected


def test_the_merge_rules_of_each_person(store):
    expected = counted(store, "SELECT DISTINCT ?person ?rule WHERE { ?d igf:mergedInto ?person ; igf:mergeRule ?rule }")
    assert len(expected) > 5
    assert stored(store, "?person igf:mergedByRule ?rule", "?person ?rule") == expected


def test_each_person_is_found_by_any_label_in_lower_case(store):
    expected = counted(store, """SELECT DISTINCT ?person (LCASE(?label) AS ?key) WHERE {
        { ?person skos:prefLabel ?label } UNION { ?person skos:altLabel ?label } ?person a schema:Person }""")
    assert len(expected) > 100
    assert stored(store, "?person igf:lowercaseLabel ?key", "?person ?key") == expected


def test_a_sessions_performers_are_its_speakers(store):
    expected = counted(store, f"SELECT DISTINCT ?session ?person WHERE {{ {SPEAKERS} }}")
    assert len(expected) > 100
    assert counted(store, "SELECT DISTINCT ?session ?person WHERE { ?session schema:performer ?person }") == expected


def test_sessions_per_year_and_theme(store):
    expected = counted(store, """SELECT ?year ?theme (COUNT(DISTINCT ?session) AS ?n)
        WHERE { ?session igf:theme ?theme . OPTIONAL { ?session igf:year ?year } } GROUP BY ?year ?theme""")
    assert len({theme for _, theme, _ in expected}) > 3
    found = counted(store, f"""SELECT ?year ?theme ?n WHERE {{ GRAPH <{SUMMARIES}> {{
        ?set qb:structure igf:SessionsByThemeStructure . ?o qb:dataSet ?set ; igf:numberOfSessions ?n ;
        igf:refTheme ?theme . OPTIONAL {{ ?o igf:refYear ?year }} }} }}""")
    assert found == expected


def test_each_speaker_count_per_group_links_the_participations_it_counts(store):
    expected = counted(store, f"""SELECT DISTINCT ?year ?g ?p
        WHERE {{ {SPEAKERS} ?session igf:year ?year . OPTIONAL {{ ?p igf:stakeholderGroup ?g }} }}""")
    assert len(expected) > 100
    found = counted(store, f"""SELECT ?year ?g ?p WHERE {{ GRAPH <{SUMMARIES}> {{
        ?set qb:structure igf:SpeakersByStakeholderGroupStructure .
        ?o qb:dataSet ?set ; igf:refYear ?year ; igf:countedParticipation ?p .
        OPTIONAL {{ ?o igf:refStakeholderGroup ?g }} }} }}""")
    assert found == expected


def test_the_diversity_rank_orders_sessions_by_groups_then_regions_then_iri(store):
    counts = rows(store, f"""SELECT ?session (COUNT(DISTINCT ?g) AS ?groups) (COUNT(DISTINCT ?r) AS ?regions)
        WHERE {{ {SPEAKERS} OPTIONAL {{ ?p igf:stakeholderGroup ?g }} OPTIONAL {{ ?p igf:regionalGroup ?r }} }}
        GROUP BY ?session""")
    expected = [session for session, _, _ in sorted(counts, key=lambda row: (row[1], row[2], row[0]))]
    assert len({(groups, regions) for _, groups, regions in counts}) > 3
    ranked = rows(store, "SELECT ?session ?rank WHERE { ?session igf:diversityRank ?rank }")
    assert [session for session, _ in sorted(ranked, key=lambda row: row[1])] == expected


# -- a rebuild's summaries: made again only where the changed records reach

def _slices_after(old_records, new_records):
    """(the summary slices updated from the old ones, and those made from scratch)."""
    from igfkg.incremental import _changed_entities
    from igfkg.mapping import IriMinter
    from igfkg.resolve import resolve
    from igfkg.summaries import summarize, summary_footprint, summary_slices, update_summary_slices

    minter = IriMinter()
    old_resolution, new_resolution = resolve(old_records), resolve(new_records)
    old = summary_slices(summarize(old_records, old_resolution, minter), minter)
    before = {(r.source, r.sha256): summary_footprint(r, old_resolution, minter) for r in old_records}
    after = {(r.source, r.sha256): summary_footprint(r, new_resolution, minter) for r in new_records}
    came = [f for key, f in after.items() if before.get(key) != f]
    went = [f for key, f in before.items() if after.get(key) != f]
    updated = update_summary_slices(old, new_records, [after[(r.source, r.sha256)] for r in new_records], came,
                                    went, new_resolution, minter, _changed_entities(old_resolution, new_resolution))
    return updated, summary_slices(summarize(new_records, new_resolution, minter), minter)


@pytest.fixture(scope="module")
def records(corpus):
    from igfkg.build import read_corpus

    return read_corpus([str(corpus)])[0]


def _edited(record, **changes):
    from dataclasses import replace

    return replace(record, sha256=f"{len(changes)}{record.sha256[1:]}", **changes)


@pytest.mark.parametrize("edit", ["rename", "regroup", "drop", "add", "add-lone", "unrole", "twin", "twins-drop"])
def test_summaries_updated_where_changes_reach_are_the_summaries_made_afresh(records, edit):
    from dataclasses import replace

    pages = list(records)
    at = next(i for i, r in enumerate(pages) if len(r.participants) > 2 and r.year
              and any(p.inferred_roles for p in r.participants))
    page = pages[at]
    people = list(page.participants)
    if edit == "rename":  # a new person; the old one loses a session, everyone after it a position
        people[0] = replace(people[0], name="Zofia Quennell-Abara", name_variants=[])
        pages[at] = _edited(page, participants=people)
    elif edit == "regroup":  # the session's diversity, its rank, the year's observations
        people[1] = replace(people[1], stakeholder_group="Government" if people[1].stakeholder_group
                            != "Government" else "Civil Society")
        pages[at] = _edited(page, participants=people)
    elif edit == "drop":  # a session goes, with what it counted
        del pages[at]
    elif edit == "add":  # a session of a new year
        pages.append(_edited(page, source=page.source + ".copy.txt", year=2031, number=9999))
    elif edit == "add-lone":  # one new speaker in a year of many sessions: the year's counts take all of them
        from igfkg.model import Participant

        lone = Participant("Solo Quennell", roles=["speaker"], stakeholder_group="Government")
        pages.append(_edited(page, source=page.source + ".lone.txt", number=9998, participants=[lone],
                             unnamed_participants=[], organizing_organizations=[], themes=[]))
    elif edit == "unrole":  # a person keeps no role
        people[0] = replace(people[0], roles=[])
        pages[at] = _edited(page, participants=people)
    elif edit == "twin":  # one of two pages of one session (the same people) loses its people
        twin = _edited(page, source=page.source + ".twin.txt")
        records = [*records, twin]
        pages = [*pages, _edited(twin, participants=[], unnamed_participants=[])]
    else:  # both pages of one session go: what both counted, counted once, goes once
        records = [*records, _edited(page, source=page.source + ".twin.txt")]
        del pages[at]
    updated, afresh = _slices_after(records, pages)
    assert updated == afresh
