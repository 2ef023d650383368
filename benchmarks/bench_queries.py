"""Every named query (queries/*.rq, default parameters) on a synthetic corpus,
on our store (Oxigraph through igfkg.store) and on the plain rdflib
in-memory Dataset, in one run; per-query times, the ratio, and whether both
engines gave the same number of rows.

    python benchmarks/bench_queries.py --sessions 10000

The corpus comes from benchmarks/synth.py (pages -> `igfkg.build.build`),
kept in --work so a rerun skips generating and building. Without synth.py
the seed build's document graphs are replicated with renamed sessions and
person keys so that people recur across sessions.

Prints a table and appends it to benchmarks/RESULTS.md under "## Queries".
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph  # noqa: E402

from igfkg.build import build  # noqa: E402
from igfkg.named_queries import bind_parameters, named_queries, run_query  # noqa: E402
from igfkg.store import graph_stats, read_answer, read_dataset  # noqa: E402

LIMIT_SECONDS = 1.0  # what each query must stay under on our store


class Timeout(Exception):
    pass


def corpus_graph(sessions: int, seed: int, work: Path, replicate: bool = False) -> Path:
    """The built graph of `sessions` synthetic pages (made once, then reused)."""
    graph = work / "out" / "igf.trig"
    if graph.exists():
        return graph
    synth = HERE / "synth.py"
    if synth.exists() and not replicate:
        pages = work / "pages"
        if not (pages / "_corpus.json").exists():
            print(f"generating {sessions} pages in {pages} ...", file=sys.stderr)
            subprocess.run([sys.executable, str(synth), "--sessions", str(sessions), "--seed", str(seed),
                            "--out", str(pages)], check=True, stdout=subprocess.DEVNULL)
        print("building the graph ...", file=sys.stderr)
        build([str(pages)], work / "out", validate=False, glob="*.txt")
    else:
        replicate_seed_graph(sessions, seed, graph)
    return graph


def replicate_seed_graph(sessions: int, seed: int, graph: Path) -> None:
    """Fallback corpus: copies of the seed build's document graphs with the
    session, document and participation IRIs renamed per copy, and each
    person key drawn from a pool a fifth the size of the copies so people recur."""
    import random

    rng = random.Random(seed)
    seed_out = graph.parent / "seed"
    build([str(ROOT / "data" / "seeds")], seed_out, validate=False)
    source = read_dataset(seed_out / "igf.trig")
    documents = [g for g in source.named_graphs() if "/document/" in g.value]
    entities = next(g for g in source.named_graphs() if g.value.endswith("/graph/entities"))
    person = re.compile(r"(/person/|/participation/[^/]+/|/membership/|/merge/)([a-z0-9-]+)")
    out = pyoxigraph.Store()
    copies = sessions // len(documents)
    pool = max(copies // 5, 1)

    def rename(term, copy: int, people: dict):
        if not isinstance(term, pyoxigraph.NamedNode):
            return term
        value = term.value
        value = re.sub(r"/session/([^/]+)", rf"/session/\1-c{copy}", value)
        value = re.sub(r"/participation/([^/]+)", rf"/participation/\1-c{copy}", value)
        value = re.sub(r"/(document|span)/([0-9a-f]{16})", rf"/\1/\2-c{copy}", value)
        value = person.sub(lambda m: m[1] + people.setdefault(m[2], f"{m[2]}-p{rng.randrange(pool)}"), value)
        return pyoxigraph.NamedNode(value)

    labels = list(source.quads_for_pattern(None, None, None, entities))
    for copy in range(copies):
        people: dict[str, str] = {}
        for document in documents:
            out.bulk_extend(pyoxigraph.Quad(rename(q.subject, copy, people), q.predicate,
                                            rename(q.object, copy, people), rename(q.graph_name, copy, people))
                            for q in source.quads_for_pattern(None, None, None, document))
        out.bulk_extend(pyoxigraph.Quad(rename(q.subject, copy, people), q.predicate,
                                        rename(q.object, copy, people), entities) for q in labels)
    graph.parent.mkdir(parents=True, exist_ok=True)
    out.dump(str(graph), format=pyoxigraph.RdfFormat.TRIG)


def probe_parameters(store) -> dict[str, str]:
    """Values for the person and session parameters: the defaults name people
    and sessions of the seed pages, so here the busiest person of the corpus
    (the slowest case for person queries) and one of their sessions."""
    busiest = next(iter(store.query("""
        PREFIX conf: <https://w3id.org/scholarlydata/ontology/conference-ontology.owl#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?name ?session WHERE {
          { SELECT ?person (COUNT(*) AS ?n) (SAMPLE(?s) AS ?session)
            WHERE { ?p conf:isHeldBy ?person ; conf:during ?s } GROUP BY ?person ORDER BY DESC(?n) LIMIT 1 }
          ?person skos:prefLabel ?name }""", use_default_graph_as_union=True)))
    return {"name": busiest["name"].value, "session": f"<{busiest['session'].value}>"}


def parameters_for(query, probe: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in probe.items() if query.parameter(name)}


def time_ours(store, query, params: dict, repeat: int) -> tuple[float, float, float, int]:
    """Over `repeat` runs (results read into Python each time): the fastest
    and the median wall time, the least CPU time, and the row count. CPU time
    shows the cost when other processes share the machine."""
    walls, cpus, rows = [], [], 0
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        answer = read_answer(run_query(store, query, params))
        rows = len(answer.records())
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), statistics.median(walls), min(cpus), rows


def rdflib_bindings(query, params: dict) -> dict:
    """The same parameters as rdflib terms."""
    from rdflib import Literal, URIRef

    bindings = {}
    for name, term in bind_parameters(query, params).items():
        if isinstance(term, pyoxigraph.NamedNode):
            bindings[name] = URIRef(term.value)
        else:
            bindings[name] = Literal(term.value, datatype=URIRef(term.datatype.value)
                                     if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string" else None)
    return bindings


def time_rdflib(dataset, query, params: dict, timeout: int) -> tuple[float | None, int | None, str]:
    """Seconds and row count on rdflib, or None past `timeout` seconds."""
    def on_alarm(signum, frame):
        raise Timeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(timeout)
    start = time.perf_counter()
    try:
        result = dataset.query(query.sparql, initBindings=rdflib_bindings(query, params))
        if result.type == "ASK":
            rows = 1
        else:
            rows = sum(1 for _ in result)
        return time.perf_counter() - start, rows, ""
    except Timeout:
        return None, None, f"> {timeout} s"
    except Exception as error:  # rdflib's own failures are results too
        return None, None, f"error: {type(error).__name__}: {str(error)[:60]}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="Corpus cache (default: a folder in the temp dir).")
    parser.add_argument("--repeat", type=int, default=5, help="Runs per query on our store.")
    parser.add_argument("--rdflib-timeout", type=int, default=120, help="Seconds per query on rdflib.")
    parser.add_argument("--no-rdflib", action="store_true", help="Only our store.")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--no-append", action="store_true", help="Do not append to RESULTS.md.")
    parser.add_argument("--replicate", action="store_true",
                        help="Replicate the seed graph instead of using synth.py (the fallback).")
    args = parser.parse_args()
    kind = "replicated" if args.replicate else "seed"
    work = args.work or Path(tempfile.gettempdir()) / f"igfkg-bench-queries-{args.sessions}-{kind}{args.seed}"

    graph = corpus_graph(args.sessions, args.seed, work, args.replicate)
    start = time.perf_counter()
    store = read_dataset(graph)
    ox_load = time.perf_counter() - start
    stats = graph_stats(store)
    print(f"graph: {graph} ({stats['sessions']:,} sessions, {stats['persons']:,} persons, "
          f"{stats['participations']:,} participations, {stats['triples']:,} triples)", file=sys.stderr)

    queries = named_queries()
    probe = probe_parameters(store)
    print(f"person and session parameters: {probe}", file=sys.stderr)
    ours = {}
    for name, named in queries.items():
        ours[name] = time_ours(store, named, parameters_for(named, probe), args.repeat)
        print(f"  ours   {name:<36} {ours[name][0]:8.3f} s  {ours[name][3]:>7} rows", file=sys.stderr)

    theirs: dict[str, tuple] = {}
    rdflib_load = None
    if not args.no_rdflib:
        from rdflib import Dataset

        print("loading into rdflib (slow) ...", file=sys.stderr)
        start = time.perf_counter()
        dataset = Dataset(default_union=True)
        dataset.parse(str(graph), format="trig")
        rdflib_load = time.perf_counter() - start
        for name, named in queries.items():
            theirs[name] = time_rdflib(dataset, named, parameters_for(named, probe), args.rdflib_timeout)
            shown = f"{theirs[name][0]:8.3f} s" if theirs[name][0] is not None else theirs[name][2]
            print(f"  rdflib {name:<36} {shown}", file=sys.stderr)

    lines = table(queries, ours, theirs, args.rdflib_timeout)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    corpus_kind = "seed graph replicated" if args.replicate or not (HERE / "synth.py").exists() else "benchmarks/synth.py"
    header = [
        f"{stats['sessions']:,} synthetic sessions ({corpus_kind}, seed {args.seed}): {stats['triples']:,} "
        f"triples, {stats['persons']:,} persons, {stats['participations']:,} participations. "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, pyoxigraph "
        f"{pyoxigraph.__version__}, rdflib {rdflib_version()}; load average at the end {load} (other jobs shared "
        "the machine, so CPU time is shown too).",
        "",
        f"Default parameters, except `name` = the busiest person ({probe['name']}) and `session` = one of their "
        f"sessions. Ours: in-memory Oxigraph store, {args.repeat} runs, results read into Python rows; "
        "rdflib: one run of the same query text with the same bindings on `Dataset(default_union=True)`, "
        f"stopped after {args.rdflib_timeout} s. The ratio uses our fastest run.",
        "",
        f"Loading the graph: ours {ox_load:.1f} s"
        + (f", rdflib {rdflib_load:.1f} s." if rdflib_load is not None else "."),
        "",
    ]
    slow = [name for name, timing in ours.items() if timing[0] >= LIMIT_SECONDS]
    footer = ["", f"Every query under {LIMIT_SECONDS:g} s on our store (fastest run): "
              f"{'yes' if not slow else 'NO: ' + ', '.join(slow)}."]
    text = "\n".join(header + lines + footer)
    print(text)
    if not args.no_append:
        with open(args.results, "a", encoding="utf-8") as handle:
            handle.write(f"\n## Queries\n\n{text}\n")


def rdflib_version() -> str:
    import rdflib

    return rdflib.__version__


def table(queries, ours, theirs, timeout) -> list[str]:
    """Markdown rows: query, rows, our times, rdflib's, the ratio, whether the row counts agree."""
    lines = ["| query | rows | ours fastest (s) | ours median (s) | ours CPU (s) | rdflib (s) | rdflib / ours | same rows |",
             "|---|---:|---:|---:|---:|---:|---:|:---:|"]
    for name in queries:
        fastest, median, cpu, rows = ours[name]
        if name in theirs:
            their_seconds, their_rows, note = theirs[name]
            if their_seconds is None:
                shown, same = note, "-"
                ratio = f"> {timeout / fastest:,.0f}x" if note.startswith(">") else "-"
            else:
                shown, ratio = f"{their_seconds:.3f}", f"{their_seconds / fastest:,.0f}x"
                same = "yes" if their_rows == rows else f"no ({their_rows:,})"
        else:
            shown = ratio = same = "-"
        lines.append(f"| {name} | {rows:,} | {fastest:.3f} | {median:.3f} | {cpu:.3f} | {shown} | {ratio} | {same} |")
    return lines


if __name__ == "__main__":
    main()
