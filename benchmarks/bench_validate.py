"""How SHACL validation time grows with the corpus: the fast engine (the
shapes as SPARQL over the Oxigraph store, igfkg's default) against the
pyshacl reference run per document, and pyshacl over the whole graph.

Corpora are made by replicating the seed build with renamed IRIs: each
replica of a page gets its own session, document, spans and participations;
people recur across replicas (replica k uses person group k mod 50), and
organizations are shared by all, as popular ones are in the real IGF.

    python benchmarks/bench_validate.py                       # 100, 1,000, 10,000 sessions
    python benchmarks/bench_validate.py --sessions 100 1000 --pyshacl-max 1000 --no-append

Prints a table and writes the "## Validation" section of benchmarks/RESULTS.md
(replacing an earlier one, leaving the other sections alone).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from igfkg.build import build
from igfkg.store import read_dataset
from igfkg.validate import (
    compile_shapes,
    load_shapes,
    locate_results,
    validate_fast,
    validate_pyshacl,
    validate_pyshacl_whole_graph,
)
from igfkg.vocab import DEFAULT_BASE, IGF

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
PERSON_GROUPS = 50
SESSIONS_PER_REPLICA = 5  # the seed corpus


def _new_hex(old: str, replica: int) -> str:
    return hashlib.sha256(f"{old}-{replica}".encode()).hexdigest()


def _rename_path(path: str, replica: int) -> str:
    """The replica's key path for an instance IRI path (`session/igf2023-ws-465`)."""
    kind, _, rest = path.partition("/")
    parts = rest.split("/")
    person_suffix = f"-p{replica % PERSON_GROUPS}"
    if kind == "session":
        key = parts[0]
        return f"session/doc-{_new_hex(key[4:], replica)[:16]}" if key.startswith("doc-") else f"session/{key}-r{replica}"
    if kind == "document":
        return f"document/{_new_hex(parts[0], replica)[:16]}"
    if kind == "span":
        return f"span/{_new_hex(parts[0], replica)[:16]}/{parts[1]}"
    if kind == "participation":
        session = _rename_path(f"session/{parts[0]}", replica).split("/", 1)[1]
        return f"participation/{session}/{parts[1]}{person_suffix}/{parts[2]}"
    if kind in ("person", "membership", "merge"):
        return f"{kind}/{parts[0]}{person_suffix}" + "".join(f"/{p}" for p in parts[1:])
    return path  # organizations and the entities graph are shared


def replicate(quads: list[Quad], replica: int, base: str = DEFAULT_BASE) -> Iterator[Quad]:
    """The seed quads as replica `replica`: same facts, new identities."""
    sha = NamedNode(str(IGF.sha256))
    cache: dict = {}

    def rename(term):
        if isinstance(term, NamedNode) and term.value.startswith(base):
            if term not in cache:
                cache[term] = NamedNode(base + _rename_path(term.value[len(base):], replica))
            return cache[term]
        return term

    for quad in quads:
        obj = quad.object
        if quad.predicate == sha:
            obj = Literal(_new_hex(obj.value[:16], replica))
        yield Quad(rename(quad.subject), quad.predicate, rename(obj), rename(quad.graph_name))


def corpus_store(seed_quads: list[Quad], sessions: int) -> Store:
    """A store of about `sessions` sessions made of seed replicas."""
    store = Store()
    for replica in range(math.ceil(sessions / SESSIONS_PER_REPLICA)):
        store.bulk_extend(replicate(seed_quads, replica))
    return store


def _timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - start


def _slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) on log(size): 1 means linear growth."""
    points = [(math.log(x), math.log(y)) for x, y in points if y > 0]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    var = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var if var else None


def run(sizes: list[int], pyshacl_max: int, whole_max: int) -> tuple[list[dict], str]:
    with tempfile.TemporaryDirectory() as out:
        build([str(ROOT / "data" / "seeds")], out)
        seed_quads = list(read_dataset(Path(out) / "igf.trig"))
    shapes = load_shapes()
    checks = compile_shapes(shapes)
    rows = []
    for size in sizes:
        store = corpus_store(seed_quads, size)
        sessions = size if size % SESSIONS_PER_REPLICA == 0 else math.ceil(size / SESSIONS_PER_REPLICA) * 5
        row = {"sessions": sessions, "triples": len(store)}
        raw, row["fast"] = _timed(validate_fast, store, shapes, checks)
        _, row["locate"] = _timed(locate_results, store, raw)
        row["results"] = len(raw)
        row["violations"] = sum(r.severity == "Violation" for r in raw)
        if sessions <= pyshacl_max:
            reference, row["pyshacl"] = _timed(validate_pyshacl, store, shapes)
            row["agree"] = {(str(r.focus), r.shape, r.component) for r in reference} == \
                           {(str(r.focus), r.shape, r.component) for r in raw}
        if sessions <= whole_max:
            _, row["whole"] = _timed(validate_pyshacl_whole_graph, store, shapes)
        rows.append(row)
        print(_format_row(row), flush=True)
    return rows, _table(rows)


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _per_k(row: dict, key: str) -> str:
    return "–" if key not in row else f"{row[key] / row['sessions'] * 1000:.2f}"


def _format_row(row: dict) -> str:
    return (f"{row['sessions']:>7,} sessions {row['triples']:>10,} triples  fast {row['fast']:7.2f}s"
            f"  locate {row['locate']:6.2f}s  pyshacl/doc {_seconds(row.get('pyshacl')):>7}s"
            f"  pyshacl/whole {_seconds(row.get('whole')):>7}s  results {row['results']}")


def _table(rows: list[dict]) -> str:
    header = ("| sessions | triples | fast engine (s) | per 1k sessions | tracing to pages (s) "
              "| pyshacl per document (s) | per 1k sessions | pyshacl whole graph (s) | per 1k sessions | same results |")
    lines = [header, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for row in rows:
        agree = {True: "yes", False: "**no**", None: "–"}[row.get("agree")]
        lines.append(
            f"| {row['sessions']:,} | {row['triples']:,} | {row['fast']:.2f} | {_per_k(row, 'fast')} "
            f"| {row['locate']:.2f} | {_seconds(row.get('pyshacl'))} | {_per_k(row, 'pyshacl')} "
            f"| {_seconds(row.get('whole'))} | {_per_k(row, 'whole')} | {agree} |")
    lines.append("")
    for key, name in (("fast", "fast engine"), ("pyshacl", "pyshacl per document"), ("whole", "pyshacl whole graph")):
        slope = _slope([(r["sessions"], r[key]) for r in rows if key in r])
        if slope is None:
            continue
        text = f"Growth of the {name}: time ∝ sessions^{slope:.2f}"
        # Below ~1,000 sessions the whole store fits in the CPU caches, which flatters the smallest run.
        large = _slope([(r["sessions"], r[key]) for r in rows if key in r and r["sessions"] >= 1000])
        if large is not None and len([r for r in rows if key in r and r["sessions"] >= 1000]) < len(rows):
            text += f", ^{large:.2f} from 1,000 sessions on"
        lines.append(text + " (1.00 is linear).  ")
    return "\n".join(lines)


def write_results(table: str) -> None:
    """Replace (or add) the "## Validation" section of benchmarks/RESULTS.md."""
    machine = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"load average {os.getloadavg()[0]:.1f} when written (other jobs shared the machine); "
               f"{time.strftime('%Y-%m-%d')}.")
    section = (
        "## Validation\n\n"
        "`python benchmarks/bench_validate.py`: SHACL validation of seed replicas with renamed IRIs "
        "(people recur across replicas, organizations are shared). The fast engine runs every shape as SPARQL "
        "over the Oxigraph store (the `igfkg build` default); pyshacl per document is the reference engine "
        "(`--engine pyshacl`); pyshacl over the whole graph is the naive way. Tracing results to their page "
        "and line is counted apart.\n\n"
        f"{machine}\n\n{table}\n"
    )
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(r"## Validation\n.*?(?=\n## |\Z)", re.DOTALL)
    text = pattern.sub(lambda _: section.rstrip("\n"), text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--pyshacl-max", type=int, default=1000,
                        help="run the pyshacl reference up to this many sessions (it takes ~0.1 s a page)")
    parser.add_argument("--whole-max", type=int, default=100,
                        help="run pyshacl over the whole graph up to this many sessions")
    parser.add_argument("--no-append", action="store_true", help="do not write benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    _, table = run(sorted(args.sessions), args.pyshacl_max, args.whole_max)
    print()
    print(table)
    if not args.no_append:
        write_results(table)
        print(f"\nwrote the Validation section of {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
