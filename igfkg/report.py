"""Who sits at the centre, who bridges groups, which sessions hear one voice:
the network measures of `igfkg.network` as tables (Markdown, CSV, JSON)
and as one self-contained HTML page (charts and an explorable network).

    >>> from igfkg.report import report, render
    >>> result = report(read_network_data(store), top=10, years=[2023])  # doctest: +SKIP
    >>> print(render(result, "md"))  # doctest: +SKIP

Measures run on igraph views of the graphs (see network.py). Betweenness
and closeness are exact up to `EXACT_MEASURES_UP_TO_EDGES` ties and sampled
above that, with the number of sources and the seed stated in the report.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import heapq
import html
import io
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources

from igfkg import network as nw

EXACT_MEASURES_UP_TO_EDGES = 50_000
"""Above this many ties, betweenness and closeness are estimated from a sample."""
SAMPLE_WORK = 40_000_000
"""Sampled sources x ties budget: k = SAMPLE_WORK / ties, between 16 and 512."""
BROKER_CANDIDATES = 50
"""On graphs measured by sample, brokerage is computed for this many top-betweenness people."""
NETWORK_VIEW_NODES = 1500
NETWORK_VIEW_EDGES = 6000
FORMATS = ("md", "csv", "json", "html")
MEASURES = ("weighted_degree", "degree", "betweenness", "pagerank", "closeness")
MEASURE_TITLES = {"weighted_degree": "Weighted degree (co-participations)", "degree": "Degree (distinct co-participants)",
                  "betweenness": "Betweenness", "pagerank": "PageRank", "closeness": "Closeness"}


@dataclass
class Table:
    """One table of the report: `rows` are lists in the order of `columns`."""

    name: str
    title: str
    columns: list[str]
    rows: list[list]
    note: str = ""

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, row)) for row in self.rows]


@dataclass
class Report:
    """What `report` found: a summary, the tables, and the data the HTML
    page draws (charts, network view)."""

    summary: dict
    tables: list[Table]
    charts: dict = field(default_factory=dict)
    network_view: dict = field(default_factory=dict)

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


def sample_size(ties: int) -> int | None:
    """Sources for sampled betweenness/closeness: None (exact) on small graphs.

        >>> sample_size(1_000), sample_size(300_000), sample_size(3_000_000)
        (None, 133, 16)
    """
    if ties <= EXACT_MEASURES_UP_TO_EDGES:
        return None
    return max(16, min(512, SAMPLE_WORK // ties))


def report(data: nw.NetworkData, *, top: int = 20, years: Iterable[int] | None = None,
           roles: Iterable[str] | None = None, themes: Iterable[str] | None = None, seed: int = 0,
           network_view_nodes: int = NETWORK_VIEW_NODES, progress: Callable[[str], None] | None = None) -> Report:
    """Centrality tables, brokers, communities, mixing matrices, balance per
    year and the least diverse sessions of the (filtered) corpus.

    `roles` None means every role (a co-participation network); ["speaker"]
    gives the co-speaker network. Session diversity is always over speakers.
    `progress`, if given, is called with the name of each stage as it starts.
    """
    step = progress or (lambda stage: None)
    if top < 1:
        raise ValueError("top must be at least 1")
    data = nw.filter_data(data, years=years, roles=roles, themes=themes)
    if not data.participations:
        raise ValueError("no participation matches the filters (years, roles, themes)")
    step("graphs")
    people = nw.person_igraph(data)
    orgs = nw.organization_igraph(data)
    ties = people.number_of_edges()
    k = sample_size(ties)

    step("centrality")
    measures = {
        "degree": nw.degree(people),
        "weighted_degree": nw.weighted_degree(people),
        "betweenness": nw.betweenness(people, k=k, seed=seed),
        "pagerank": nw.pagerank(people),
        "closeness": nw.closeness(people, k=k, seed=seed),
    }
    step("communities")
    found = nw.communities(people, seed=seed)
    summary = {
        "sessions": len(data.sessions),
        "people": people.number_of_nodes(),
        "organizations": orgs.number_of_nodes(),
        "participations": len(data.participations),
        "co_participation_ties": ties,
        "filters": {"years": sorted(years) if years else None, "roles": sorted(roles) if roles else "all",
                    "themes": sorted(themes) if themes else None},
        "methods": {
            "betweenness": "exact" if k is None else f"estimated from {k} sampled sources (seed {seed})",
            "closeness": "exact" if k is None else f"estimated from {k} sampled pivots per component (seed {seed})",
            "pagerank": "weighted by shared sessions, damping 0.85",
            "communities": f"Louvain on shared-session weights (seed {seed})",
            "brokerage": "Gould-Fernandez roles on open neighbour pairs; Burt's constraint",
            "diversity": "Shannon (natural log) and Blau over the speakers' stakeholder groups and regions",
        },
        "modularity": nw.modularity(people, found) if found else 0.0,
        "communities": len(found),
    }
    tables = [_centrality_table(people, measures, name, top) for name in MEASURES]
    tables.append(_organization_table(orgs, top, seed))
    candidates = None
    if k is not None:
        candidates = _top(measures["betweenness"], max(BROKER_CANDIDATES, 2 * top))
        summary["methods"]["brokerage"] += f", for the {len(candidates)} highest-betweenness people"
    step("brokerage")
    brokerage = nw.brokerage_by_attributes(people, ["stakeholder_group", "region"], nodes=candidates)
    for attribute, label in (("stakeholder_group", "stakeholder groups"), ("region", "regions")):
        tables.append(_broker_table(people, attribute, label, brokerage[attribute], measures, top))
    tables.append(_community_table(people, found, measures["weighted_degree"], top))
    assortativity = []
    for attribute, labels, title in (("stakeholder_group", nw.STAKEHOLDER_LABELS, "stakeholder groups"),
                                     ("region", nw.REGION_LABELS, "regions")):
        matrix = nw.mixing_matrix(people, attribute, labels=labels)
        tables.append(_matrix_table(f"mixing_{attribute}", f"Ties between {title} (each tie counted from both ends)",
                                    matrix.labels, matrix.counts))
        assortativity.append([attribute, _round(matrix.assortativity())])
    tables.append(Table("assortativity", "Assortativity (1: ties stay within the group; 0: as by chance)",
                        ["attribute", "assortativity"], assortativity))
    tables.append(_cross_table(people))
    balance = _balance_by_year(data)
    for attribute, labels in (("stakeholder_group", nw.STAKEHOLDER_LABELS), ("region", nw.REGION_LABELS)):
        tables.append(_balance_table(attribute, labels, balance[attribute]))
    step("diversity")
    tables.append(_least_diverse_table(nw.session_diversity(data), top))
    charts = {"balance": {a: {"labels": list(labels) + [nw.UNKNOWN], "years": balance[a]}
                          for a, labels in (("stakeholder_group", nw.STAKEHOLDER_LABELS), ("region", nw.REGION_LABELS))},
              "top_actors": [{"name": people.attributes[i]["name"], "value": v,
                              "stakeholder_group": people.attributes[i]["stakeholder_group"]}
                             for i, v in _top_indexed(people, measures["weighted_degree"], top)]}
    step("network view")
    view = _network_view(data, people, measures, found, network_view_nodes, seed)
    return Report(summary, tables, charts, view)


# --------------------------------------------------------------------------- tables


def _round(value, digits: int = 6):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, digits)
    return value


def _top(values: dict, n: int) -> list:
    """The n keys with the highest values (ties: by key)."""
    best = heapq.nsmallest(n, values.items(), key=lambda kv: (-_sort_value(kv[1]), str(kv[0])))
    return [key for key, _ in best]


def _sort_value(value) -> float:
    return -math.inf if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _top_indexed(view: nw.IGraphView, values: dict, n: int) -> list[tuple[int, float]]:
    index = view.index()
    return [(index[node], values[node]) for node in _top(values, n)]


def _centrality_table(people: nw.IGraphView, measures: dict, name: str, top: int) -> Table:
    index = people.index()
    rows = []
    for rank, node in enumerate(_top(measures[name], top), 1):
        a = people.attributes[index[node]]
        rows.append([rank, a["name"], a["stakeholder_group"], nw.SHORT_REGION.get(a["region"], a["region"]),
                     a["sessions"], *(_round(measures[m][node]) for m in MEASURES), node])
    return Table(f"people_by_{name}", f"People by {MEASURE_TITLES[name].lower()}",
                 ["rank", "name", "stakeholder_group", "region", "sessions", *MEASURES, "iri"], rows)


def _organization_table(orgs: nw.IGraphView, top: int, seed: int) -> Table:
    wdeg = nw.weighted_degree(orgs)
    deg = nw.degree(orgs)
    between = nw.betweenness(orgs, k=sample_size(orgs.number_of_edges()), seed=seed)
    index = orgs.index()
    rows = []
    for rank, node in enumerate(_top(wdeg, top), 1):
        a = orgs.attributes[index[node]]
        rows.append([rank, a["name"], a["stakeholder_group"], nw.SHORT_REGION.get(a["region"], a["region"]),
                     a["sessions"], a["people"], deg[node], wdeg[node], _round(between[node]), node])
    return Table("organizations", "Organizations by weighted degree (sessions shared with other organizations)",
                 ["rank", "name", "stakeholder_group", "region", "sessions", "people", "degree",
                  "weighted_degree", "betweenness", "iri"], rows)


def _broker_table(people: nw.IGraphView, attribute: str, label: str, roles: dict, measures: dict, top: int) -> Table:
    ranked = sorted((node for node, r in roles.items() if r.between_groups > 0),
                    key=lambda n: (-roles[n].between_groups, -roles[n].total, str(n)))[:top]
    burt = nw.constraint(people, nodes=ranked) if ranked else {}
    index = people.index()
    rows = []
    for rank, node in enumerate(ranked, 1):
        a, r = people.attributes[index[node]], roles[node]
        rows.append([rank, a["name"], a[attribute] if attribute != "region" else nw.SHORT_REGION.get(a["region"], a["region"]),
                     r.between_groups, r.liaison, r.representative, r.consultant, r.coordinator,
                     _round(burt[node]), _round(measures["betweenness"][node]), node])
    return Table(f"brokers_{attribute}", f"Brokers between {label}: pairs of people from different {label} "
                 "who are not tied but both tied to this person",
                 ["rank", "name", attribute, "between_groups", "liaison", "representative", "consultant",
                  "coordinator", "constraint", "betweenness", "iri"], rows)


def _community_table(people: nw.IGraphView, found: list[set], wdeg: dict, top: int) -> Table:
    index = people.index()
    rows = []
    for rank, members in enumerate(found[:top], 1):
        attrs = [people.attributes[index[m]] for m in members]
        leaders = [people.attributes[index[m]]["name"] for m in _top({m: wdeg[m] for m in members}, 5)]
        rows.append([rank, len(members), _dominant(a["stakeholder_group"] for a in attrs),
                     _dominant(nw.SHORT_REGION.get(a["region"], a["region"]) for a in attrs), "; ".join(leaders)])
    return Table("communities", f"Communities (Louvain), largest {min(top, len(found))} of {len(found)}",
                 ["rank", "size", "main_stakeholder_group", "main_region", "most_connected"], rows)


def _dominant(values: Iterable[str]) -> str:
    counts = Counter(values)
    total = sum(counts.values())
    value, count = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return f"{value} ({count / total:.0%})"


def _matrix_table(name: str, title: str, labels: list[str], counts: list[list]) -> Table:
    short = [nw.SHORT_REGION.get(label, label) for label in labels]
    return Table(name, title, ["group", *short], [[s, *row] for s, row in zip(short, counts)])


def _cross_table(people: nw.IGraphView) -> Table:
    """People by their main stakeholder group and region."""
    counts = Counter((a["stakeholder_group"], a["region"]) for a in people.attributes)
    regions = nw.REGION_LABELS + [nw.UNKNOWN]
    rows = [[g, *(counts[(g, r)] for r in regions)] for g in nw.STAKEHOLDER_LABELS + [nw.UNKNOWN]]
    return Table("stakeholder_by_region", "People by stakeholder group and regional group (their most frequent)",
                 ["stakeholder_group", *(nw.SHORT_REGION.get(r, r) for r in regions)], rows)


def _balance_by_year(data: nw.NetworkData) -> dict[str, dict[str, dict[str, int]]]:
    """attribute -> year -> group -> distinct people-in-sessions (speakers
    only where the corpus has speakers, as "who speaks")."""
    seen: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for p in data.participations:
        if p.holder_kind == "person" and p.role == "speaker":
            old = seen.get((p.holder, p.session), (None, None))
            seen[(p.holder, p.session)] = (p.stakeholder_group or old[0], p.region or old[1])
    result: dict[str, dict[str, Counter]] = {"stakeholder_group": defaultdict(Counter), "region": defaultdict(Counter)}
    for (_, session), (group, region) in seen.items():
        info = data.sessions.get(session)
        year = str(info.year) if info and info.year else "unknown"
        result["stakeholder_group"][year][group or nw.UNKNOWN] += 1
        result["region"][year][region or nw.UNKNOWN] += 1
    return {a: {y: dict(sorted(c.items())) for y, c in sorted(by_year.items())} for a, by_year in result.items()}


def _balance_table(attribute: str, labels: list[str], by_year: dict[str, dict[str, int]]) -> Table:
    columns = list(labels) + [nw.UNKNOWN]
    rows = [[year, *(counts.get(c, 0) for c in columns), sum(counts.values())] for year, counts in by_year.items()]
    title = "stakeholder group" if attribute == "stakeholder_group" else "regional group"
    return Table(f"balance_{attribute}", f"Speakers per year by {title}",
                 ["year", *(nw.SHORT_REGION.get(c, c) for c in columns), "total"], rows)


def _least_diverse_table(diversity: list[nw.SessionDiversity], top: int) -> Table:
    known = [d for d in diversity if d.stakeholder_counts]
    ranked = sorted(known, key=lambda d: (d.stakeholder_blau, d.region_blau, -d.speakers, d.session))[:top]
    rows = []
    for rank, d in enumerate(ranked, 1):
        rows.append([rank, d.title or d.session.rsplit("/", 1)[-1], d.year, d.speakers,
                     sum(d.stakeholder_counts.values()),
                     ", ".join(f"{g} {c}" for g, c in d.stakeholder_counts.items()),
                     ", ".join(f"{nw.SHORT_REGION.get(r, r)} {c}" for r, c in d.region_counts.items()),
                     _round(d.stakeholder_blau, 4), _round(d.stakeholder_shannon, 4),
                     _round(d.region_blau, 4), _round(d.region_shannon, 4), d.session])
    unknown = len(diversity) - len(known)
    note = f"{unknown} session(s) whose speakers have no stakeholder group stated are left out." if unknown else ""
    return Table("least_diverse_sessions", "Least diverse sessions (Blau index over speakers' stakeholder groups)",
                 ["rank", "session", "year", "speakers", "speakers_with_group", "stakeholder_groups", "regions",
                  "stakeholder_blau", "stakeholder_shannon", "region_blau", "region_shannon", "iri"], rows, note)


# --------------------------------------------------------------------------- network view


def _drawn_ties(edges: list[tuple[int, int]], weights: list, n: int) -> list[tuple[tuple[int, int], float]]:
    """At most NETWORK_VIEW_EDGES ties to draw: each person's strongest tie
    first (so nobody floats unattached), then the strongest of the rest."""
    def key(edge_weight):
        return (-edge_weight[1], edge_weight[0])

    best: dict[int, tuple[tuple[int, int], float]] = {}
    for edge, w in zip(edges, weights):
        for end in edge:
            if end not in best or key((edge, w)) < key(best[end]):
                best[end] = (edge, w)
    backbone = sorted(set(best.values()), key=key)[:NETWORK_VIEW_EDGES]
    chosen = {edge for edge, _ in backbone}
    rest = heapq.nsmallest(NETWORK_VIEW_EDGES - len(backbone),
                           ((e, w) for e, w in zip(edges, weights) if e not in chosen), key=key)
    return sorted(backbone + rest, key=key)


def _pull_in_outliers(coords: list[list[float]]) -> list[list[float]]:
    """Clamp positions to the central 96% (plus a margin) on each axis: the
    layout throws small components far away, which would shrink the rest."""
    if len(coords) < 20:
        return coords
    bounds = []
    for axis in (0, 1):
        values = sorted(c[axis] for c in coords)
        low, high = values[len(values) // 50], values[-1 - len(values) // 50]
        margin = (high - low) * 0.08
        bounds.append((low - margin, high + margin))
    return [[min(max(c[axis], bounds[axis][0]), bounds[axis][1]) for axis in (0, 1)] for c in coords]


def _network_view(data: nw.NetworkData, people: nw.IGraphView, measures: dict, found: list[set],
                  max_nodes: int, seed: int) -> dict:
    """The people drawn on the page: all of them, or the `max_nodes` with
    most co-participations; positions from a seeded igraph layout."""
    index = people.index()
    # igraph keeps the original vertex order in an induced subgraph
    vertices = sorted(index[n] for n in _top(measures["weighted_degree"], max_nodes))
    chosen = [people.nodes[v] for v in vertices]
    sub = people.graph.induced_subgraph(vertices)
    weights = sub.es["weight"] if sub.ecount() else []
    kept = _drawn_ties(sub.get_edgelist(), weights, sub.vcount())
    # lay out the drawn ties only: the full induced graph of the hubs is dense
    drawn = nw.ig.Graph(n=sub.vcount(), edges=[e for e, _ in kept])
    with nw._igraph_seeded(seed):
        layout = drawn.layout_fruchterman_reingold(weights=[w for _, w in kept] or None,
                                                   niter=300 if drawn.vcount() <= 500 else 150, grid="auto")
    coords = _pull_in_outliers(layout.coords) if sub.vcount() else []
    community = {n: i for i, members in enumerate(found) for n in members}
    sessions_of: dict[str, list[str]] = defaultdict(list)
    wanted = set(chosen)
    for p in data.participations:
        if p.holder in wanted and p.holder_kind == "person":
            title = (data.sessions.get(p.session) or nw.SessionInfo(p.session)).title or p.session.rsplit("/", 1)[-1]
            if title not in sessions_of[p.holder]:
                sessions_of[p.holder].append(title)
    nodes = []
    for i, node in enumerate(chosen):
        a = people.attributes[index[node]]
        x, y = coords[i] if coords else (0.0, 0.0)
        nodes.append({"id": node, "name": a["name"], "group": a["stakeholder_group"], "groups": a["stakeholder_groups"],
                      "region": nw.SHORT_REGION.get(a["region"], a["region"]), "regions": a["regions"],
                      "sessions": sorted(sessions_of[node])[:12], "session_count": a["sessions"],
                      "weight": measures["weighted_degree"][node], "community": community.get(node, -1),
                      "x": round(x, 3), "y": round(y, 3)})
    return {"nodes": nodes, "edges": [[a, b, w] for (a, b), w in kept], "total_people": people.number_of_nodes(),
            "total_ties": people.number_of_edges()}


# --------------------------------------------------------------------------- rendering


def render(result: Report, fmt: str) -> str:
    """The report as Markdown, CSV (long form: table, row, column, value),
    JSON or one self-contained HTML page."""
    if fmt == "md":
        return render_markdown(result)
    if fmt == "csv":
        return render_csv(result)
    if fmt == "json":
        return render_json(result)
    if fmt == "html":
        return render_html(result)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|")


def _summary_lines(summary: dict) -> list[str]:
    f = summary["filters"]
    years = ", ".join(map(str, f["years"])) if f["years"] else "all"
    roles = f["roles"] if isinstance(f["roles"], str) else ", ".join(f["roles"])
    themes = ", ".join(f["themes"]) if f["themes"] else "all"
    lines = [(f"- sessions: {summary['sessions']}, people: {summary['people']}, organizations: "
              f"{summary['organizations']}, participations: {summary['participations']}, "
              f"co-participation ties: {summary['co_participation_ties']}"),
             f"- filters: years {years}; roles {roles}; themes {themes}",
             f"- communities: {summary['communities']} (modularity {summary['modularity']:.3f})"]
    lines += [f"- {name}: {text}" for name, text in summary["methods"].items()]
    return lines


def render_markdown(result: Report) -> str:
    """Markdown: a summary list, then one table per section (IRIs left out)."""
    out = ["# Who speaks where: network report", "", *_summary_lines(result.summary), ""]
    for table in result.tables:
        columns = [c for c in table.columns if c != "iri"]
        keep = [table.columns.index(c) for c in columns]
        out += [f"## {table.title}", ""]
        if table.note:
            out += [table.note, ""]
        if not table.rows:
            out += ["(none)", ""]
            continue
        out.append("| " + " | ".join(columns) + " |")
        out.append("|" + "|".join("---" for _ in columns) + "|")
        for row in table.rows:
            out.append("| " + " | ".join(_cell(row[i]) for i in keep) + " |")
        out.append("")
    return "\n".join(out)


def render_csv(result: Report) -> str:
    """Long form, one value per line: table,row,column,value (pandas:
    `df.pivot(index=["table", "row"], columns="column", values="value")`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "row", "column", "value"])
    for key, value in result.summary.items():
        if not isinstance(value, dict):
            writer.writerow(["summary", 1, key, value])
    for table in result.tables:
        for number, row in enumerate(table.rows, 1):
            for column, value in zip(table.columns, row):
                writer.writerow([table.name, number, column, "" if value is None else value])
    return out.getvalue()


def _json_ready(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def render_json(result: Report) -> str:
    """JSON: {"summary": {...}, "tables": {name: {"title", "columns", "rows": [{...}]}}, "charts": {...}}."""
    doc = {"summary": result.summary,
           "tables": {t.name: {"title": t.title, "note": t.note, "columns": t.columns, "rows": t.records()}
                      for t in result.tables},
           "charts": result.charts}
    return json.dumps(_json_ready(doc), ensure_ascii=False, indent=1) + "\n"


def _asset(name: str) -> str:
    return resources.files("igfkg").joinpath("report_assets", name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _html_table(table: Table) -> str:
    columns = [c for c in table.columns if c != "iri"]
    keep = [table.columns.index(c) for c in columns]
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(row[i]).replace(chr(92) + '|', '|'))}</td>" for i in keep)
                   + "</tr>" for row in table.rows)
    note = f"<p class=\"note\">{html.escape(table.note)}</p>" if table.note else ""
    empty = "<p>(none)</p>" if not table.rows else ""
    return (f"<section class=\"table\" id=\"table-{table.name}\"><h2>{html.escape(table.title)}</h2>{note}{empty}"
            f"<div class=\"scroll\"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></section>")


def render_html(result: Report) -> str:
    """One HTML file that works offline: inline CSS, JS and data, and a
    Content-Security-Policy that lets nothing be fetched from anywhere."""
    script = _asset("report.js")
    style = _asset("report.css")
    data = json.dumps(_json_ready({"summary": result.summary, "charts": result.charts, "network": result.network_view}),
                      ensure_ascii=False, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # a "</script>" inside a name must not end the data block
    csp = (f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; img-src data:; "
           "connect-src 'none'; font-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; "
           "worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'")
    summary = "".join(f"<li>{html.escape(line[2:])}</li>" for line in _summary_lines(result.summary))
    view = result.network_view
    shown = (f"{len(view['nodes'])} of {view['total_people']} people (the most connected)"
             if len(view["nodes"]) < view["total_people"] else f"all {view['total_people']} people")
    tables = "".join(_html_table(t) for t in result.tables)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Who speaks where: IGF network report</title>
<style>{style}</style>
</head>
<body>
<header><h1>Who speaks where: IGF network report</h1><ul class="summary">{summary}</ul></header>
<section id="network-section"><h2>Network of co-participation</h2>
<p class="note">Showing {html.escape(shown)}; colour: stakeholder group; size: co-participations. Scroll to zoom, drag to pan, hover for details.</p>
<div class="controls"><label>Find a person <input id="search" type="search" placeholder="name" autocomplete="off"></label>
<span id="search-result"></span> <button id="reset-view" type="button">Reset view</button></div>
<div id="legend" class="legend"></div>
<div id="network-wrap"><svg id="network" role="img" aria-label="co-participation network"></svg><div id="tooltip" hidden></div></div>
</section>
<section id="charts"><h2>Balance and top actors</h2>
<div class="chart"><h3>Speakers per year by stakeholder group</h3><svg id="chart-stakeholder" class="chart-svg"></svg></div>
<div class="chart"><h3>Speakers per year by regional group</h3><svg id="chart-region" class="chart-svg"></svg></div>
<div class="chart"><h3>Top actors by co-participations</h3><svg id="chart-top" class="chart-svg"></svg></div>
</section>
{tables}
<script type="application/json" id="report-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
