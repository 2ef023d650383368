"""The `igfkg` command line: each command is a few lines over the library
function of the same name, so everything here is scriptable from Python."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from igfkg.vocab import DEFAULT_BASE

DEFAULT_OUT = "out"


def _graph_file(graph: str | None, out: str = DEFAULT_OUT) -> Path:
    """The built graph a reading command works on (`out/igf.trig` by default)."""
    path = Path(graph) if graph else Path(out) / "igf.trig"
    if not graph:
        from igfkg.outputs import OutputError, recover_outputs

        try:
            recover_outputs(out)  # finish a build that was killed while replacing its files
        except OutputError as error:
            raise click.ClickException(str(error)) from error
    if not path.exists():
        raise click.ClickException(f"{path}: no built graph here; run `igfkg build` first (or pass --graph)")
    return path


def _load_store(graph: str | None):
    from igfkg.store import read_dataset

    path = _graph_file(graph)
    try:
        return read_dataset(path)
    except (OSError, SyntaxError, ValueError) as error:
        raise click.ClickException(f"{path}: cannot read graph: {error}") from error


class _StderrProgress:
    """A progress bar on stderr for the build's stages (only on a terminal)."""

    def __init__(self) -> None:
        self.bar = None
        self.stage = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = click.progressbar(length=total, label=stage, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.group()
@click.version_option(package_name="igfkg")
def main() -> None:
    """igfkg: build a knowledge graph of Internet Governance Forum sessions."""


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--out", "out_dir", default=DEFAULT_OUT, show_default=True, help="Output folder.")
@click.option("--base", default=DEFAULT_BASE, show_default=True, help="Base IRI of instance data.")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), help="Alias file (TOML) forcing or forbidding merges.")
@click.option("--glob", help="File pattern when walking folders (default: *.txt, *.html, *.htm).")
@click.option("--strict", is_flag=True, help="Treat parser warnings as failures.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes for parsing, mapping and validation (default 1).")
@click.option("--no-cache", is_flag=True, help="Build from scratch, ignoring and not updating .igfkg-cache/.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def build(paths, out_dir, base, aliases, glob, strict, no_validate, jobs, no_cache, fmt) -> None:
    """Parse, resolve, map and validate PATHS (default data/) into OUT/igf.ttl and OUT/igf.trig.

    PATHS are files, folders (walked recursively) or "-" for standard input.
    Each page's outcome is listed on stderr; the exit code is non-zero when a
    page was rejected (with --strict: or had warnings) or the graph does not
    conform. An interrupted build leaves the previous OUT files whole.
    """
    from igfkg.build import build as run_build
    from igfkg.outputs import OutputError, signals_interrupt
    from igfkg.resolve import read_aliases

    try:
        alias_rules = read_aliases(aliases) if aliases else None
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    progress = _StderrProgress()
    try:
        with signals_interrupt():  # SIGTERM/SIGHUP clean up like Ctrl-C
            result = run_build(list(paths) or None, out_dir, base=base, aliases=alias_rules, glob=glob,
                               strict=strict, validate=not no_validate, progress=progress, jobs=jobs,
                               use_cache=not no_cache)
    except (ValueError, OutputError) as error:  # a malformed alias file beside the corpus; an unwritable out/
        raise click.ClickException(str(error)) from error
    except KeyboardInterrupt as interrupt:
        progress.close()
        _exit_interrupted(interrupt, out_dir)
    finally:
        progress.close()
    if fmt == "json":
        click.echo(json.dumps(_build_summary(result), indent=2))
    else:
        _echo_build_summary(result)
    if not result.ok:
        sys.exit(1)


def _build_summary(result) -> dict:
    return {
        "ok": result.ok,
        "stats": result.stats,
        "conforms": None if result.validation is None else result.validation.conforms,
        "violations": 0 if result.validation is None else len(result.validation.violations),
        "outputs": [str(p) for p in result.outputs],
        "documents": [
            {"source": o.source, "status": o.status, "reason": o.reason, "line": o.line,
             "warnings": [{"line": w.line, "text": w.text, "reason": w.reason} for w in o.warnings],
             "notes": o.notes}
            for o in result.outcomes
        ],
    }


def _exit_interrupted(interrupt: KeyboardInterrupt, out_dir: str) -> None:
    """Say what an interrupted build left behind (never a half-written
    output: see igfkg.outputs), and exit 130 as shells do for Ctrl-C."""
    from igfkg.outputs import OutputError, read_manifest

    how = f" ({interrupt})" if str(interrupt) else ""
    try:
        manifest = read_manifest(out_dir)
    except OutputError:
        manifest = None
    kept = (f"{out_dir}/ holds the complete build {manifest.build_id} of {manifest.created}" if manifest
            else f"nothing was written to {out_dir}/")
    click.echo(f"error: build interrupted{how}; {kept}", err=True)
    sys.exit(130)


def _echo_outcome(outcome) -> None:
    """A document's rejection, warnings (file:line and the text) and
    encoding notes, on stderr."""
    where = f"{outcome.source}:{outcome.line}" if outcome.line else outcome.source
    if outcome.status == "rejected":
        click.echo(f"error: {where}: {outcome.reason}", err=True)
    for warning in outcome.warnings:
        click.echo(f"warning: {outcome.source}:{warning.line}: {warning.reason}: {warning.text!r}", err=True)
    for note in outcome.notes:
        if note not in (outcome.reason or ""):  # `file is empty` is said once
            click.echo(f"note: {outcome.source}: {note}", err=True)


def _echo_build_summary(result) -> None:
    from igfkg.build import outcome_table

    for outcome in result.outcomes:
        _echo_outcome(outcome)
    click.echo(outcome_table(result.outcomes), err=True)
    counts = {s: sum(o.status == s for o in result.outcomes) for s in ("built", "built with warnings", "rejected")}
    click.echo(f"documents: {len(result.outcomes)} ({counts['built']} built, "
               f"{counts['built with warnings']} built with warnings, {counts['rejected']} rejected)")
    for key in ("sessions", "persons", "organizations", "participations", "triples"):
        click.echo(f"{key}: {result.stats[key]}")
    if result.validation is None:
        click.echo("SHACL: not run")
    else:
        v = result.validation
        click.echo(f"SHACL: {'conforms' if v.conforms else 'does not conform'} "
                   f"({len(v.violations)} violations, {len(v.results) - len(v.violations)} warnings)")
    for override in sorted(set(result.resolution.overrides_fired)):
        click.echo(f"alias override fired: {override}")
    for path in result.outputs:
        click.echo(f"wrote {path}")
    if not result.records:
        click.echo("error: no document could be built; nothing written", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--glob", help="File pattern when walking folders (default: *.txt, *.html, *.htm).")
@click.option("--strict", is_flag=True, help="Treat parser warnings as failures (the record is not printed).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", show_default=True)
@click.option("--explain", is_flag=True, help="Show, line by line, which rule read which line into which field.")
def parse(files, glob, strict, fmt, explain) -> None:
    """Print the parsed record of each FILE (folders are walked; "-" is standard input).

    Records go to stdout; errors, warnings and the summary table to stderr.
    """
    from igfkg.build import expand_paths, outcome_table, read_document, reject_warned
    from igfkg.parse import explain_session

    documents, outcomes = expand_paths(files, glob=glob)
    for outcome in outcomes:
        _echo_outcome(outcome)
    if not documents:
        raise click.ClickException("no input documents found")
    steps_of = {}

    def parse_and_explain(text: str, source: str):
        record, steps_of[source] = explain_session(text, source)
        return record

    records = []
    for path in documents:
        record, outcome = read_document(path, parse_and_explain)
        if strict and record is not None and record.warnings:
            record = reject_warned([record], [outcome]) and None
        outcomes.append(outcome)
        _echo_outcome(outcome)
        if record is None:
            continue
        if explain:
            click.echo(f"# {record.source}")
            for step in steps_of[record.source]:
                # What the rule read (a person's facts, a warning's reason), else the line itself.
                shown = f"{step.value}   <- {step.text[:60]}" if step.value else step.text[:100]
                click.echo(f"{step.line:>5}  {step.rule:<40} -> {step.field:<28} {shown}")
        elif fmt == "jsonl":
            click.echo(json.dumps(record.to_json(), ensure_ascii=False))
        else:
            records.append(record.to_json())
    if fmt == "json" and not explain:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    click.echo(outcome_table(outcomes), err=True)
    if any(outcome.status == "rejected" for outcome in outcomes):
        sys.exit(1)


@main.command()
@click.option("--graph", help="Graph file (default out/igf.trig).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats(graph, fmt) -> None:
    """Counts: documents, sessions, persons, organizations, participations, triples."""
    from igfkg.store import graph_stats

    counts = graph_stats(_load_store(graph))
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
    else:
        for key, value in counts.items():
            click.echo(f"{key}: {value}")


@main.command()
@click.option("--graph", help="Graph file (default out/igf.trig).")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "jsonld", "trig", "rdfxml"]), default="ttl", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here (atomically) instead of stdout.")
def export(graph, fmt, output) -> None:
    """The graph in a standard syntax (quad syntaxes keep one graph per document)."""
    from igfkg.store import serialize, write_serialization

    store = _load_store(graph)
    if output:
        write_serialization(store, fmt, output)
    else:
        sys.stdout.buffer.write(serialize(store, fmt))


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), help="Alias file (TOML).")
@click.option("--report", "show_report", is_flag=True, default=True, help="List merges, near misses and overrides.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def resolve(paths, aliases, show_report, fmt) -> None:
    """Resolve the people and organizations of PATHS (default data/) and report why."""
    from dataclasses import asdict

    from igfkg.build import default_paths, read_corpus
    from igfkg.resolve import format_resolution_report, read_aliases
    from igfkg.resolve import resolve as run_resolve

    try:
        alias_rules = read_aliases(aliases) if aliases else None
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    records, outcomes = read_corpus(list(paths) or default_paths())
    for outcome in outcomes:
        if outcome.status == "rejected":
            click.echo(f"error: {outcome.source}: {outcome.reason}", err=True)
    resolution = run_resolve(records, alias_rules)
    if fmt == "json":
        click.echo(json.dumps({
            "persons": [asdict(p) for p in resolution.persons.values()],
            "organizations": [asdict(o) for o in resolution.organizations.values()],
            "near_misses": [asdict(m) for m in resolution.near_misses],
            "overrides_fired": sorted(set(resolution.overrides_fired)),
        }, indent=2, ensure_ascii=False))
    else:
        click.echo(format_resolution_report(resolution), nl=False)


@main.command()
@click.argument("graph", required=False)
@click.option("--shapes", type=click.Path(exists=True, dir_okay=False), help="Shapes file (default shapes/igf.shacl.ttl).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ttl"]), default="text", show_default=True,
              help="text: grouped by shape and focus node; json; ttl: the SHACL validation report graph.")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: the shapes as SPARQL over the whole store; pyshacl: the reference engine, per document.")
@click.option("--fail-on", type=click.Choice(["violation", "warning"]), default="violation", show_default=True,
              help="Exit non-zero on violations only, or on warnings too.")
def validate(graph, shapes, fmt, engine, fail_on) -> None:
    """SHACL report on GRAPH (default out/igf.trig), with the source page and line of each failing fact."""
    from igfkg.validate import UnsupportedShape, load_shapes, validate_store

    try:
        report = validate_store(_load_store(graph), load_shapes(shapes), engine=engine)
    except (UnsupportedShape, SyntaxError, ValueError) as error:
        raise click.ClickException(f"cannot validate: {error}") from error
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    elif fmt == "ttl":
        click.echo(report.to_turtle(), nl=False)
    else:
        click.echo(report.format_text(), nl=False)
    if not report.conforms or (fail_on == "warning" and report.warnings):
        sys.exit(1)


# `igfkg load` / `igfkg serve`: defined beside their library functions.
from igfkg.load import load_command  # noqa: E402
from igfkg.serve import serve_command  # noqa: E402

main.add_command(load_command)
main.add_command(serve_command)


@main.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter (repeatable); bound as an RDF term of the declared type.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"]),
              default="table", show_default=True,
              help="table, or a SPARQL 1.1 results format; ttl/nt/jsonld for CONSTRUCT queries.")
@click.option("--graph", help="Graph file (default out/igf.trig).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Keep the graph in a persisted store here; reloaded only when the graph file changes.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries with their titles and parameters.")
def query(name, params, fmt, graph, store_dir, list_queries) -> None:
    """Run NAME (a named query from queries/, or a .rq file) on the graph."""
    from igfkg.named_queries import QueryError, find_query, format_answer, named_queries, run_query
    from igfkg.store import format_table, open_dataset, read_answer

    if list_queries:
        for named in named_queries().values():
            params_text = ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in named.parameters)
            click.echo(f"{named.name:<36} {named.title}" + (f"  [{params_text}]" if params_text else ""))
        return
    if not name:
        raise click.ClickException("give a query name or .rq file (see `igfkg query --list`)")
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.ClickException(f"--param {item!r}: expected NAME=VALUE")
        values[key.strip()] = value
    graph_path = Path(graph) if graph else Path(DEFAULT_OUT) / "igf.trig"
    try:
        named = find_query(name)
        if not (store_dir and Path(store_dir).is_dir()):
            graph_path = _graph_file(graph)
        store = open_dataset(graph_path, store_dir)
        results = run_query(store, named, values)
        if fmt == "table":
            click.echo(format_table(read_answer(results)), nl=False)
        else:
            data = format_answer(results, fmt)
            sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")
    except QueryError as error:
        raise click.ClickException(str(error)) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise click.ClickException(f"{store_dir or graph_path}: cannot open the graph: {error}") from error


def _network_filters(years, roles, themes) -> dict:
    """--year/--roles/--theme as `filter_data` keyword arguments."""
    return {"years": list(years) or None, "roles": ["speaker"] if roles == "speakers" else None,
            "themes": list(themes) or None}


def _write_or_echo(text: str, output: str | None) -> None:
    from igfkg.atomic import atomic_write_text

    if output:
        atomic_write_text(output, text)
    else:
        click.echo(text, nl=False)


_filter_options = [
    click.option("--graph", help="Graph file (default out/igf.trig)."),
    click.option("--year", "years", type=int, multiple=True, help="Only sessions of this year (repeatable)."),
    click.option("--roles", type=click.Choice(["all", "speakers"]), default="all", show_default=True,
                 help="Every role, or speakers only (the co-speaker network)."),
    click.option("--theme", "themes", multiple=True, help="Only sessions with this theme (repeatable)."),
    click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here (atomically) instead of stdout."),
]


def _with_filters(command):
    for option in reversed(_filter_options):
        command = option(command)
    return command


@main.command()
@_with_filters
@click.option("--projection", type=click.Choice(["person", "organization", "bipartite", "groups"]), default="person",
              show_default=True, help="People, organizations, people-sessions, or stakeholder-group x region cells.")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv", "json"]), default="graphml", show_default=True)
@click.option("--table", type=click.Choice(["edges", "nodes"]), default="edges", show_default=True, help="With --format csv: which table.")
def network(graph, years, roles, themes, output, projection, fmt, table) -> None:
    """The who-speaks-where network for Gephi, Cytoscape or pandas."""
    from igfkg.network import export_graph, filter_data, read_network_data
    from igfkg.network import network as project

    try:
        data = filter_data(read_network_data(_load_store(graph)), **_network_filters(years, roles, themes))
        if not data.participations:
            raise ValueError("no participation matches the filters (years, roles, themes)")
        _write_or_echo(export_graph(project(data, projection), fmt, table=table), output)
    except (ValueError, OSError) as error:
        raise click.ClickException(str(error)) from error


@main.command()
@_with_filters
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows per table.")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "json", "html"]), default="md", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of Louvain, sampling and layout.")
def report(graph, years, roles, themes, output, top, fmt, seed) -> None:
    """Centrality, brokers, communities, mixing and session diversity (md, csv, json or one HTML page)."""
    from igfkg.network import read_network_data
    from igfkg.report import render
    from igfkg.report import report as make_report

    try:
        def progress(stage: str) -> None:
            if sys.stderr.isatty():
                click.echo(f"report: {stage}...", err=True)

        progress("reading the graph")
        data = read_network_data(_load_store(graph))
        result = make_report(data, top=top, seed=seed, progress=progress, **_network_filters(years, roles, themes))
        _write_or_echo(render(result, fmt), output)
    except (ValueError, OSError) as error:
        raise click.ClickException(str(error)) from error
