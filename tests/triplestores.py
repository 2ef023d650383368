"""Real triple stores and IGF-like data for the load tests and benchmarks/bench_load.py.

- `OxigraphServer`: the `oxigraph` executable (PyPI package `oxigraph`) on a free
  loopback port with a temporary database directory.
- `VirtuosoServer`: Debian's `virtuoso-t` (`.ci/install-virtuoso`) with its own
  virtuoso.ini in a temporary directory, HTTP and SQL ports on loopback.
- `FaultProxy`: a loopback HTTP proxy in front of a server that can answer 500,
  drop the connection or ask for credentials, and records every request.
- `igf_dataset`: named graphs of IGF-like triples (schema.org, SKOS, ORG, PROV,
  the ScholarlyData conference ontology), one graph per document plus the
  cross-document entity graph, as `igfkg build` writes them.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import requests
import requests.auth

ID = "https://w3id.org/igfkg/id/"
IGF = "https://w3id.org/igfkg/ontology#"
VOCAB = "https://w3id.org/igfkg/vocab/"
SCHEMA = "http://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
DCT = "http://purl.org/dc/terms/"
CONF = "https://w3id.org/scholarlydata/ontology/conference-ontology.owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
ENTITIES_GRAPH = ID + "graph/entities"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not answer within {seconds} s: {log.read_text(errors='replace')[-2000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def oxigraph_executable() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


@dataclass
class OxigraphServer:
    """`oxigraph serve --location DIR --bind 127.0.0.1:PORT`, started on enter."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> OxigraphServer:
        exe = oxigraph_executable()
        if exe is None:
            raise RuntimeError("the `oxigraph` executable is missing: pip install -e '.[test]'")
        self.directory.mkdir(parents=True, exist_ok=True)
        log = self.directory / "oxigraph.log"
        self.process = subprocess.Popen(
            [exe, "serve", "--location", str(self.directory / "db"), "--bind", f"127.0.0.1:{self.port}"],
            stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        _wait_until(f"{self.url}/query", self.process, 30, log)
        return self

    def clear(self) -> None:
        requests.post(f"{self.url}/update", data={"update": "DROP ALL"}, timeout=60).raise_for_status()

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 60
NumberOfBuffers    = 20000
MaxDirtyBuffers    = 12000
DirsAllowed        = {dir}
CaseMode           = 2

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {dir}
ServerThreads        = 10
MaxClientConnections = 10
KeepAliveTimeout     = 10

[SPARQL]
ResultSetMaxRows      = 1000000
MaxQueryExecutionTime = 300
"""


def virtuoso_executable() -> str | None:
    return shutil.which("virtuoso-t")


@dataclass
class VirtuosoServer:
    """Debian's `virtuoso-t +foreground` on its own database directory.

    The fresh database's administrator is `dba` with password `dba`; `password`
    changes it after start so that tests use a secret of their own.
    """

    directory: Path
    password: str = "dba"
    http_port: int = field(default_factory=free_port)
    sql_port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> VirtuosoServer:
        exe = virtuoso_executable()
        if exe is None:
            raise RuntimeError("virtuoso-t is missing: run .ci/install-virtuoso")
        ini = self.directory / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(dir=self.directory, sql_port=self.sql_port, http_port=self.http_port))
        log = self.directory / "stdout.log"
        self.process = subprocess.Popen(
            [exe, "+foreground", "+configfile", str(ini)], cwd=self.directory,
            stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        _wait_until(f"{self.url}/sparql", self.process, 60, log)
        if self.password != "dba":
            isql = shutil.which("isql-vt") or shutil.which("isql")
            if isql is None:
                raise RuntimeError("isql-vt is missing (virtuoso-opensource package)")
            subprocess.run(
                [isql, f"127.0.0.1:{self.sql_port}", "dba", "dba",
                 f"exec=user_change_password('dba', 'dba', '{self.password}');"],
                check=True, capture_output=True, timeout=30,
            )
        return self

    def clear(self, prefix: str = "https://w3id.org/igfkg/") -> None:
        """Drop every graph under `prefix` (Virtuoso keeps system graphs of its own)."""
        auth = requests.auth.HTTPDigestAuth("dba", self.password)
        for graph in server_graph_counts(f"{self.url}/sparql"):
            if graph.startswith(prefix):
                requests.post(f"{self.url}/sparql-auth", data={"update": f"DROP SILENT GRAPH <{graph}>"},
                              auth=auth, timeout=60).raise_for_status()

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ----------------------------------------------------------------------- fault proxy


@dataclass
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FaultProxy:
    """Loopback HTTP proxy to `upstream`. Set `fail_on(predicate, mode, times)` to
    make matching requests fail ("500" or "drop"); `require_auth` answers 401 to
    requests without that exact Authorization header (and does not forward it);
    `transform` rewrites request bodies (a store that loses data). `seen` records
    every request."""

    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.seen: list[SeenRequest] = []
        self.require_auth: str | None = None
        self.transform: Callable[[SeenRequest], bytes] | None = None  # rewrites bodies sent upstream
        self.echo_auth_in_errors = False  # a careless server: its error pages quote the Authorization header
        # rewrites answers: (request, upstream response) -> (body, extra headers) or None to pass it on
        self.rewrite_response: Callable[[SeenRequest, requests.Response], tuple[bytes, dict[str, str]] | None] | None = None
        self._rule: tuple[object, str, int] | None = None
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = SeenRequest(self.command, self.path, dict(self.headers.items()), body)
                with proxy._lock:
                    proxy.seen.append(seen)
                    mode = proxy._take_fault(seen)
                if proxy.require_auth is not None and self.headers.get("Authorization") != proxy.require_auth:
                    self._answer(401, b"authentication required", {"WWW-Authenticate": 'Basic realm="test"'})
                    return
                if mode == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if mode == "500":
                    echo = b" Authorization was: " + self.headers.get("Authorization", "").encode() if proxy.echo_auth_in_errors else b""
                    self._answer(500, b"injected failure: server overloaded" + echo, {})
                    return
                if proxy.transform is not None:
                    body = proxy.transform(seen)
                hop = ("host", "content-length", "connection", "keep-alive", "transfer-encoding", "accept-encoding")
                if proxy.require_auth is not None:
                    hop += ("authorization",)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in hop}
                upstream = requests.request(self.command, proxy.upstream + self.path, data=body, headers=headers, timeout=120)
                answer, extra = upstream.content, {}
                rewritten = proxy.rewrite_response(seen, upstream) if proxy.rewrite_response else None
                if rewritten is not None:
                    answer, extra = rewritten
                self._answer(upstream.status_code, answer, {
                    "Content-Type": upstream.headers.get("Content-Type", ""),
                    "WWW-Authenticate": upstream.headers.get("WWW-Authenticate", ""),
                    **extra,
                })

            def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    if v:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail_on(self, predicate, mode: str = "500", times: int = 1_000_000) -> None:  # noqa: ANN001
        """Fail the next `times` requests for which `predicate(SeenRequest)` holds."""
        with self._lock:
            self._rule = (predicate, mode, times)

    def heal(self) -> None:
        with self._lock:
            self._rule = None

    def _take_fault(self, seen: SeenRequest) -> str | None:
        if self._rule is None:
            return None
        predicate, mode, times = self._rule
        if not predicate(seen):  # type: ignore[operator]
            return None
        self._rule = (predicate, mode, times - 1) if times > 1 else None
        return mode

    def writes(self) -> list[SeenRequest]:
        """Requests that change data (everything but queries and GETs)."""
        return [r for r in self.seen if is_write(r)]

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def is_write(r: SeenRequest) -> bool:
    """PUT, DELETE, or a POST that is not a SPARQL query."""
    is_query = r.path.split("?")[0].endswith(("/query", "/sparql")) and r.body.startswith(b"query=")
    return r.method in ("PUT", "DELETE") or (r.method == "POST" and not is_query)


# ---------------------------------------------------------------------------- data


FIRST = ["Amina", "Jean", "Li", "María", "Olena", "Kwame", "Priya", "Søren", "Tomás", "Nadia", "Yuki", "Ahmed"]
LAST = ["Okafor", "Dupont", "Wei", "González", "Kovalenko", "Mensah", "Sharma", "Jørgensen", "Herrera", "Haddad", "Tanaka", "Farouk"]
ORGS = ["Internet Society", "Access Now", "ICANN", "UNESCO", "Ministry of ICT, Ghana", "Meta", "APC", "RIPE NCC",
        "Digital Rights Foundation", "ITU", "Government of Brazil", "Mozilla Foundation"]
STAKEHOLDERS = ["government", "civil-society", "private-sector", "technical-community", "intergovernmental-organization"]
REGIONS = ["african", "asia-pacific", "eastern-european", "grulac", "weog"]
ROLES = ["organizer", "speaker", "onsite_moderator", "online_moderator", "rapporteur"]
THEMES = ["Cybersecurity, Cybercrime & Online Safety", "Data Governance & Trust", "AI & Emerging Technologies",
          "Avoiding Internet Fragmentation", "Human Rights & Freedoms", "Digital Divides & Inclusion"]


def _key(name: str) -> str:
    return "-".join(name.lower().replace(",", "").replace("ø", "o").replace("á", "a").replace("é", "e").split())


def document_graph_iri(key: str) -> str:
    return ID + "document/" + hashlib.sha256(key.encode()).hexdigest()[:16]


def igf_document(number: int, *, people: int = 6, seed: int = 0, edit: int = 0,
                 graph_names: str = "content") -> tuple[str, list[ox.Triple], list[ox.Triple]]:
    """One IGF-like session page as (graph IRI, document triples, entity-label triples).
    `edit` changes the page's text-derived facts (a different revision of the page).
    `graph_names`: "content" names the graph after the page's content, as `igfkg
    build` does (an edited page gets a new graph), "path" after its file name."""
    rng = random.Random(seed * 100_003 + number)
    n = ox.NamedNode
    lit = ox.Literal
    source = f"data/seeds/{number:03d}_igf2023_ws_{number}.txt"
    session = n(f"{ID}session/igf2023-ws-{number}")
    out: list[ox.Triple] = []
    labels: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: object) -> None:
        out.append(ox.Triple(s, n(p), o))

    title = f"WS #{number} {rng.choice(THEMES)}: who decides? (revision {edit})" if edit else f"WS #{number} {rng.choice(THEMES)}: who decides?"
    doc = n(document_graph_iri(source if graph_names == "path" else f"{source} revision {edit}"))
    add(doc, DCT + "source", lit(source))
    add(doc, RDF_TYPE, n(PROV + "Entity"))
    add(session, RDF_TYPE, n(SCHEMA + "Event"))
    add(session, SCHEMA + "name", lit(title, language="en"))
    add(session, SCHEMA + "startDate", lit("2023-10-11T23:30:00Z", datatype=n(XSD + "dateTime")))
    add(session, SCHEMA + "endDate", lit("2023-10-12T01:00:00Z", datatype=n(XSD + "dateTime")))
    add(session, SCHEMA + "location", lit("WS 4 – Room B-1"))
    add(session, IGF + "sessionType", n(VOCAB + "session-type/workshop"))
    add(session, IGF + "durationMinutes", lit(str(90 + edit), datatype=n(XSD + "integer")))
    add(session, DCT + "subject", n(VOCAB + "theme/" + _key(rng.choice(THEMES)).replace("&", "and")))
    add(session, SCHEMA + "about", n(f"http://metadata.un.org/sdg/{rng.randint(1, 17)}"))
    add(session, IGF + "keyTakeaway", lit(f'Multistakeholder "cooperation" matters.\nSecond line — naïve café 中文 {number}/{edit}', language="en"))
    for i in range(people):
        name = f"{FIRST[rng.randrange(len(FIRST))]} {LAST[rng.randrange(len(LAST))]}"
        if i == 0:  # most speakers recur across sessions; each session also has one of its own
            name = name.replace(" ", f" {chr(65 + number % 26)}{number // 26}. ")
        org = rng.choice(ORGS)
        role = ROLES[i % len(ROLES)]
        person = n(f"{ID}person/{_key(name)}")
        organization = n(f"{ID}organization/{_key(org)}")
        part = n(f"{ID}participation/igf2023-ws-{number}/{_key(name)}/{role}")
        selector = n(f"{ID}selector/igf2023-ws-{number}/{i}")
        add(part, RDF_TYPE, n(CONF + "RoleDuringEvent"))
        add(part, RDF_TYPE, n(SCHEMA + "Role"))
        add(part, CONF + "isHeldBy", person)
        add(part, CONF + "withRole", n(VOCAB + "role/" + role))
        add(part, CONF + "during", session)
        add(part, IGF + "stakeholderGroup", n(VOCAB + "stakeholder-group/" + rng.choice(STAKEHOLDERS)))
        add(part, IGF + "regionalGroup", n(VOCAB + "regional-group/" + rng.choice(REGIONS)))
        add(part, ORG + "memberOf", organization)
        add(part, OA + "hasSelector", selector)
        add(selector, RDF_TYPE, n(OA + "TextPositionSelector"))
        add(selector, OA + "start", lit(str(100 * i), datatype=n(XSD + "integer")))
        add(selector, OA + "end", lit(str(100 * i + len(name)), datatype=n(XSD + "integer")))
        add(person, RDF_TYPE, n(SCHEMA + "Person"))
        add(organization, RDF_TYPE, n(SCHEMA + "Organization"))
        labels.append(ox.Triple(person, n(SKOS + "prefLabel"), lit(name)))
        labels.append(ox.Triple(person, n(SCHEMA + "name"), lit(name)))
        labels.append(ox.Triple(person, n(SKOS + "altLabel"), lit(name.upper())))
        labels.append(ox.Triple(organization, n(SKOS + "prefLabel"), lit(org)))
    return doc.value, out, labels


def igf_dataset(documents: int, *, people: int = 6, seed: int = 0, edits: dict[int, int] | None = None,
                graph_names: str = "content") -> list[tuple[str, list[ox.Triple]]]:
    """(graph IRI, triples) for `documents` pages plus the entity graph.
    `edits` maps a document number to its revision (0 = original)."""
    edits = edits or {}
    graphs: list[tuple[str, list[ox.Triple]]] = []
    entity_labels: list[ox.Triple] = []
    for number in range(1, documents + 1):
        iri, triples, labels = igf_document(number, people=people, seed=seed, edit=edits.get(number, 0), graph_names=graph_names)
        graphs.append((iri, triples))
        entity_labels.extend(labels)
    graphs.append((ENTITIES_GRAPH, entity_labels))
    return graphs


def write_trig(graphs: list[tuple[str, list[ox.Triple]]], path: Path) -> Path:
    """Serialize (graph IRI, triples) as TriG, as `igfkg build` does."""
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g, triples in graphs for t in triples]
    path.parent.mkdir(parents=True, exist_ok=True)
    ox.serialize(quads, str(path), format=ox.RdfFormat.TRIG,
                 prefixes={"schema": SCHEMA, "skos": SKOS, "igf": IGF, "conf": CONF, "oa": OA, "prov": PROV})
    return path


def server_quads(query_url: str, graph: str) -> set[str]:
    """The triples of one graph on a server, as N-Triples lines (for comparisons)."""
    response = requests.post(
        query_url, data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/n-triples"}, timeout=60,
    )
    response.raise_for_status()
    return {f"{t.subject} {t.predicate} {t.object} ." for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)}


def server_graph_counts(query_url: str) -> dict[str, int]:
    response = requests.post(
        query_url, data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"}, timeout=60,
    )
    response.raise_for_status()
    return {row["g"]["value"]: int(row["n"]["value"]) for row in response.json()["results"]["bindings"]}


def tempdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("TMPDIR")))
