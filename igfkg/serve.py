"""A local, read-only SPARQL endpoint over the built graph, for tools such as YASGUI.

`igfkg serve` loads `out/igf.trig` into an in-memory Oxigraph store and answers
the SPARQL 1.1 Protocol at ``http://127.0.0.1:7879/sparql`` (also ``/query``):

- ``GET /sparql?query=...`` and ``POST /sparql`` with a form (``query=...``) or an
  ``application/sparql-query`` body; ``default-graph-uri`` / ``named-graph-uri``
  are honoured.
- SELECT/ASK as JSON (default), XML, CSV or TSV by ``Accept`` (or ``format=json|xml|csv|tsv``);
  CONSTRUCT/DESCRIBE as Turtle (default), N-Triples, RDF/XML or JSON-LD.
- Without a ``default-graph-uri`` the default graph is the union of all named
  graphs, so ``SELECT * WHERE { ?s ?p ?o }`` sees the data.
- Updates are refused (403). Every answer carries ``Access-Control-Allow-Origin: *``.
- Binds to loopback unless told otherwise.

Example::

    server = make_server("out/igf.trig", port=0)   # port 0: any free port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.url)
"""

from __future__ import annotations

import http.server
import ipaddress
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import click
import pyoxigraph as ox

DEFAULT_PORT = 7879
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE, "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML, "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD, "json": ox.RdfFormat.JSON_LD,
}
MAX_BODY = 1_000_000  # bytes; a query, not a data upload


class ServeError(Exception):
    """The endpoint could not start (unreadable graph, port taken)."""


def open_store(source: str | os.PathLike[str] | ox.Store) -> ox.Store:
    """An in-memory store holding the TriG/N-Quads file (or the store itself)."""
    if isinstance(source, ox.Store):
        return source
    path = Path(source)
    if not path.is_file():
        raise ServeError(f"graph file not found: {path} (run `igfkg build` first or pass --graph)")
    store = ox.Store()
    fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
    try:
        store.bulk_load(path=path, format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        raise ServeError(f"cannot read {path}: {exc}") from exc
    return store


def _media(fmt: Any) -> str:
    """`text/csv` from pyoxigraph's `text/csv; charset=utf-8`."""
    return fmt.media_type.split(";")[0].strip()


def _pick(accept: str, requested: str | None, table: dict[str, Any], default: Any) -> Any:
    """The first format the client accepts, by `format=` name or Accept media type."""
    if requested:
        return table.get(requested.lower())
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in ("", "*/*"):
            return default
        for fmt in table.values():
            if _media(fmt) == media:
                return fmt
        if media in ("application/json", "text/json") and "json" in table:
            return table["json"]
        if media == "text/plain" and "nt" in table:
            return table["nt"]
    return default if not accept.strip() else None


class SparqlServer(http.server.ThreadingHTTPServer):
    """ThreadingHTTPServer answering SPARQL queries over `store`."""

    daemon_threads = True

    def __init__(self, store: ox.Store, host: str, port: int):
        self.store = store
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/sparql"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt: str, *args: Any) -> None:
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def _send(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8", extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_OPTIONS(self) -> None:
        self._send(204, b"", extra={
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "86400",
        })

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self._answer(url.path, parse_qs(url.query))

    do_HEAD = do_GET

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, b"query too large")
            return
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            self._send(403, b"this endpoint is read-only: SPARQL Update is refused")
            return
        if content_type == "application/sparql-query":
            params["query"] = [body]
        elif content_type in ("application/x-www-form-urlencoded", ""):
            for key, values in parse_qs(body).items():
                params.setdefault(key, []).extend(values)
        else:
            self._send(415, f"unsupported Content-Type {content_type}; send a form or application/sparql-query".encode())
            return
        self._answer(url.path, params)

    def _answer(self, path: str, params: dict[str, list[str]]) -> None:
        if path not in ("/sparql", "/query", "/"):
            self._send(404, b"not found; the SPARQL endpoint is /sparql")
            return
        if "update" in params:
            self._send(403, b"this endpoint is read-only: SPARQL Update is refused")
            return
        if "query" not in params:
            self._send(200, f"igfkg read-only SPARQL endpoint: {self.server.url}?query=...\n".encode())
            return
        query = params["query"][0]
        options: dict[str, Any] = {}
        if params.get("default-graph-uri"):
            options["default_graph"] = [ox.NamedNode(g) for g in params["default-graph-uri"]]
        else:
            options["use_default_graph_as_union"] = True
        if params.get("named-graph-uri"):
            options["named_graphs"] = [ox.NamedNode(g) for g in params["named-graph-uri"]]
        try:
            results = self.server.store.query(query, **options)
        except SyntaxError as exc:
            self._send(400, f"query syntax error: {exc}".encode())
            return
        except (ValueError, OSError) as exc:
            self._send(400, f"query failed: {exc}".encode())
            return
        accept = self.headers.get("Accept") or ""
        requested = (params.get("format") or [None])[0]
        if isinstance(results, ox.QueryTriples):
            graph_format = _pick(accept, requested, GRAPH_FORMATS, ox.RdfFormat.TURTLE)
            if graph_format is None:
                self._send(406, b"no acceptable RDF format; use text/turtle, application/n-triples, application/rdf+xml or application/ld+json")
                return
            self._send(200, results.serialize(format=graph_format), f"{_media(graph_format)}; charset=utf-8")
            return
        result_format = _pick(accept, requested, RESULT_FORMATS, ox.QueryResultsFormat.JSON)
        if result_format is None:
            self._send(406, b"no acceptable results format; use application/sparql-results+json, +xml, text/csv or text/tab-separated-values")
            return
        self._send(200, results.serialize(format=result_format), f"{_media(result_format)}; charset=utf-8")


def make_server(source: str | os.PathLike[str] | ox.Store, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> SparqlServer:
    """A server ready to `serve_forever()`; `port=0` picks a free port."""
    store = open_store(source)
    try:
        return SparqlServer(store, host, port)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(source: str | os.PathLike[str] | ox.Store, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
    """Serve `source` read-only until interrupted (Ctrl-C).

    >>> serve("out/igf.trig")  # doctest: +SKIP
    """
    server = make_server(source, host, port)
    if not is_loopback(host):
        print(f"warning: listening on {host}, not loopback: anyone who can reach it can query the graph", file=sys.stderr)
    print(f"SPARQL endpoint: {server.url} ({len(server.store)} triples; Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command("serve")
@click.option("--graph", "graph_path", type=click.Path(dir_okay=False, path_type=Path), default=Path("out/igf.trig"),
              show_default=True, help="TriG (or N-Quads) file to serve.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; loopback unless you need otherwise.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True)
def serve_command(graph_path: Path, host: str, port: int) -> None:
    """Serve the built graph as a local read-only SPARQL endpoint (e.g. for YASGUI)."""
    try:
        serve(graph_path, host, port)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None
