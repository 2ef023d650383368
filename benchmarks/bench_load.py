"""Loading into real triple stores: a first load, reloads, and the baselines.

    python benchmarks/bench_load.py                      # 300 documents x ~75 triples
    python benchmarks/bench_load.py --documents 3000 --people 16   # ~750k triples
    python benchmarks/bench_load.py --stores oxigraph --no-append

For each store (Oxigraph from PyPI; Virtuoso when `virtuoso-t` is installed,
see .ci/install-virtuoso) on a fresh temporary database, it times:

- first load (batched: few large requests) versus one GSP PUT per graph;
- reload with nothing changed (manifest: every graph skipped);
- reload with one document edited (its new graph written, the old one deleted);
- reload with one document added: the entity graph grows a little and is
  patched (only the difference sent) versus replaced (PUT / DROP+INSERT);
- reload with --force (every graph replaced).

Prints a table and appends it to benchmarks/RESULTS.md under "## Load".
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the store launchers and data generator the tests use

from triplestores import OxigraphServer, VirtuosoServer, igf_dataset, virtuoso_executable, write_trig  # noqa: E402

from igfkg.load import Credentials, LoadReport, load, read_graphs  # noqa: E402

VIRTUOSO_PASSWORD = "bench-dba"


@dataclass
class Row:
    store: str
    scenario: str
    graphs_written: int
    graphs_deleted: int
    triples_sent: int
    requests: int
    seconds: float


@dataclass
class Store:
    name: str
    start: Callable[[Path], object]
    kind: str
    credentials: Credentials | None
    gsp_path: str
    query_path: str


STORES = {
    "oxigraph": Store("oxigraph", lambda d: OxigraphServer(d).start(), "oxigraph", None, "/store", "/query"),
    "virtuoso": Store("virtuoso", lambda d: VirtuosoServer(d, password=VIRTUOSO_PASSWORD).start(), "virtuoso",
                      Credentials("digest", "dba", VIRTUOSO_PASSWORD), "/sparql-graph-crud-auth", "/sparql"),
}


def _row(store: str, scenario: str, report: LoadReport, seconds: float) -> Row:
    if not report.ok:
        raise SystemExit(f"{store} / {scenario}: load not verified:\n{report.summary()}")
    return Row(store, scenario, len(report.loaded), len(report.deleted), sum(g.sent for g in report.loaded),
               sum(1 for r in report.requests), seconds)


def bench_store(store: Store, files: dict[str, Path], work: Path) -> list[Row]:
    rows: list[Row] = []

    def timed(server, scenario: str, path: Path, **options) -> LoadReport:
        started = time.perf_counter()
        if options.pop("naive", False):
            report = load(path, server.url + store.gsp_path, kind="generic", query_endpoint=server.url + store.query_path,
                          auth=store.credentials, **options)
        else:
            report = load(path, server.url, kind=store.kind, auth=store.credentials, **options)
        rows.append(_row(store.name, scenario, report, time.perf_counter() - started))
        print(f"  {scenario}: {rows[-1].seconds:.2f} s", file=sys.stderr)
        return report

    def fresh(tag: str):
        return store.start(Path(tempfile.mkdtemp(prefix=f"{store.name}-{tag}-", dir=work)))

    server = fresh("main")
    try:
        timed(server, "first load (batched)", files["v1"])
        timed(server, "reload, nothing changed", files["v1"])
        timed(server, "reload, 1 document edited", files["edited"])
        timed(server, "reload, 1 document added (entity graph patched)", files["added"], patch_min_triples=1)
        timed(server, "reload --force (every graph replaced)", files["added"], force=True)
    finally:
        server.stop()
    server = fresh("baseline")
    try:
        timed(server, "first load, one PUT per graph (baseline)", files["v1"], naive=True)
        load(files["edited"], server.url, kind=store.kind, auth=store.credentials)
        timed(server, "reload, 1 document added (entity graph replaced)", files["added"], patch_min_triples=10**12)
    finally:
        server.stop()
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| store | scenario | graphs written | graphs deleted | triples sent | write requests | seconds |",
             "|---|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {r.store} | {r.scenario} | {r.graphs_written:,} | {r.graphs_deleted:,} | {r.triples_sent:,} | {r.requests:,} | {r.seconds:.2f} |"
              for r in rows]
    return "\n".join(lines)


def append_results(text: str, results: Path) -> None:
    """Insert `text` at the end of the "## Load" section (created if absent)."""
    content = results.read_text() if results.exists() else "# Benchmark results\n"
    lines = content.rstrip("\n").split("\n")
    if "## Load" not in lines:
        results.write_text("\n".join(lines) + "\n\n## Load\n\n" + text + "\n")
        return
    start = lines.index("## Load")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    lines[end:end] = ([""] if lines[end - 1].strip() else []) + text.split("\n") + ([""] if end < len(lines) else [])
    results.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--people", type=int, default=4, help="participants per document (~15 triples each)")
    parser.add_argument("--stores", default="oxigraph,virtuoso")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()

    names = [s.strip() for s in args.stores.split(",") if s.strip()]
    if "virtuoso" in names and virtuoso_executable() is None:
        print("virtuoso-t not installed (.ci/install-virtuoso): Virtuoso skipped", file=sys.stderr)
        names.remove("virtuoso")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        work = Path(tmp)
        n = args.documents
        v1 = igf_dataset(n, people=args.people)
        files = {
            "v1": write_trig(v1, work / "v1.trig"),
            "edited": write_trig(igf_dataset(n, people=args.people, edits={n // 2: 1}), work / "edited.trig"),
            "added": write_trig(igf_dataset(n + 1, people=args.people, edits={n // 2: 1}), work / "added.trig"),
        }
        graphs = read_graphs(files["v1"])
        triples = sum(g.count for g in graphs)
        entity_triples = graphs[-1].count if graphs[-1].iri.endswith("/graph/entities") else 0
        print(f"{n} documents + entity graph, {triples:,} triples", file=sys.stderr)
        rows: list[Row] = []
        for name in names:
            print(f"{name}:", file=sys.stderr)
            rows += bench_store(STORES[name], files, work)
    heading = (
        f"### {date.today().isoformat()}: {n} documents + entity graph ({entity_triples:,} triples), "
        f"{triples:,} triples\n\nMachine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load_before:.1f} at the start and {os.getloadavg()[0]:.1f} at the end (other jobs share the machine); "
        "each store on a fresh temporary database on loopback; times include reading the TriG file.\n"
    )
    text = heading + "\n" + table(rows)
    print(text)
    if not args.no_append:
        append_results(text, args.results)


if __name__ == "__main__":
    main()
