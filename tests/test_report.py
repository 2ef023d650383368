"""The network report: tables on the seed corpus against hand-worked
values, the four formats, the CLI, and the HTML page opened in headless
Chromium over the DevTools protocol (no console error, no request, the
network and the charts drawn, hover/zoom/search working, a screenshot)."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

import igfkg.network as nw
import igfkg.report as rp
from igfkg.build import build
from igfkg.cli import main
from igfkg.store import read_dataset

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts"
SESSION = "https://w3id.org/igfkg/id/session/"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    assert build([str(ROOT / "data")], out).ok
    return out / "igf.trig"


@pytest.fixture(scope="module")
def data(built):
    return nw.read_network_data(read_dataset(built))


@pytest.fixture(scope="module")
def seed_report(data):
    return rp.report(data, top=10)


def name_of(data, label):
    key = sorted(label.casefold().split())
    (found,) = [i for i, name in data.names.items() if sorted(name.casefold().split()) == key]
    return found


# --------------------------------------------------------------------------- tables


def test_gong_ke_tops_betweenness_with_the_hand_value(data, seed_report):
    table = seed_report.table("people_by_betweenness")
    first = table.records()[0]
    assert first["iri"] == name_of(data, "Gong Ke")
    # the only link between the 5 others of seed 001 and the 11 others of seed 003, among 43 people
    assert first["betweenness"] == pytest.approx(5 * 11 / (42 * 41 / 2), abs=1e-6)
    assert first["degree"] == 16 and first["sessions"] == 2
    assert seed_report.summary["methods"]["betweenness"] == "exact"


def test_least_diverse_session_by_hand(seed_report):
    table = seed_report.table("least_diverse_sessions")
    first = table.records()[0]
    # seed 002's speakers: 6 Technical Community and 1 Government -> Blau 1 - (36 + 1) / 49
    assert first["iri"] == SESSION + "igf2023-ns-109"
    assert first["stakeholder_blau"] == pytest.approx(12 / 49, abs=1e-4)
    assert first["stakeholder_groups"] == "Government 1, Technical Community 6"
    # seed 003 states no stakeholder group at all: left out, and said so
    assert SESSION + "igf2021-of-5" not in {r["iri"] for r in table.records()}
    assert table.note.startswith("1 session")
    assert [r["rank"] for r in table.records()] == [1, 2, 3, 4]


def test_communities_follow_the_sessions(seed_report):
    # 003 (12 people, Gong Ke kept with its 11 others), 000 (10), 002 (10), 004 (6), 001 without Gong Ke (5)
    assert [r["size"] for r in seed_report.table("communities").records()] == [12, 10, 10, 6, 5]
    assert seed_report.summary["communities"] == 5


def test_mixing_and_balance_tables_count_what_the_graph_holds(data, seed_report):
    people = nw.person_graph(data)
    matrix = seed_report.table("mixing_stakeholder_group")
    expected = nw.mixing_matrix(people, "stakeholder_group", labels=nw.STAKEHOLDER_LABELS)
    assert [row[1:] for row in matrix.rows] == expected.counts
    assortativity = dict(seed_report.table("assortativity").rows)
    assert assortativity["region"] == pytest.approx(nw.assortativity(people, "region"), abs=1e-6)
    balance = {r["year"]: r for r in seed_report.table("balance_stakeholder_group").records()}
    # 2021 (seed 003): 11 speakers, no group stated; 2023: seeds 000, 002, 004 have 6 + 7 + 3 speakers
    assert balance["2021"]["Unknown"] == 11 and balance["2021"]["total"] == 11
    assert balance["2023"]["total"] == 6 + 7 + 3
    cross = seed_report.table("stakeholder_by_region")
    assert sum(sum(row[1:]) for row in cross.rows) == 43


def test_filters_apply_to_the_report(data):
    only_2023 = rp.report(data, years=[2023], roles=["speaker"], top=3)
    assert only_2023.summary["sessions"] == 3
    assert only_2023.summary["people"] == 6 + 7 + 3
    assert all(len(t.rows) <= 3 for t in only_2023.tables if t.name.startswith("people_by_"))
    with pytest.raises(ValueError, match="no participation"):
        rp.report(data, years=[1999])


def test_sampled_path_states_its_sample(data, monkeypatch):
    monkeypatch.setattr(rp, "EXACT_MEASURES_UP_TO_EDGES", 50)
    monkeypatch.setattr(rp, "BROKER_CANDIDATES", 12)
    result = rp.report(data, top=5, seed=4)
    k = rp.sample_size(186)
    assert f"estimated from {k} sampled sources (seed 4)" == result.summary["methods"]["betweenness"]
    assert "for the 12 highest-betweenness people" in result.summary["methods"]["brokerage"]
    assert len(result.table("people_by_closeness").rows) == 5


# --------------------------------------------------------------------------- formats


def test_markdown_csv_json(seed_report):
    md = rp.render(seed_report, "md")
    assert md.startswith("# Who speaks where")
    assert "## People by betweenness" in md and "| rank | name |" in md
    rows = list(csv.DictReader(io.StringIO(rp.render(seed_report, "csv"))))
    least = [r for r in rows if r["table"] == "least_diverse_sessions" and r["row"] == "1"]
    assert {r["column"]: r["value"] for r in least}["iri"] == SESSION + "igf2023-ns-109"
    assert {r["value"] for r in rows if r["table"] == "summary" and r["column"] == "people"} == {"43"}
    doc = json.loads(rp.render(seed_report, "json"))
    assert doc["summary"]["people"] == 43
    assert doc["tables"]["people_by_pagerank"]["rows"][0]["name"] == "Gong Ke"
    assert set(doc["tables"]) == {t.name for t in seed_report.tables}
    with pytest.raises(ValueError):
        rp.render(seed_report, "pdf")


def test_html_is_self_contained(seed_report):
    page = rp.render(seed_report, "html")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline" not in csp
    assert not re.search(r'\b(src|href)\s*=\s*["\']?(https?:)?//', page)  # nothing to fetch
    assert "<link" not in page and "@import" not in page
    scripts = re.findall(r"<script(?: [^>]*)?>", page)
    assert scripts == ['<script type="application/json" id="report-data">', "<script>"]


def test_report_command(built, tmp_path):
    runner = CliRunner()
    out = tmp_path / "report.json"
    result = runner.invoke(main, ["report", "--graph", str(built), "--format", "json", "--top", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["people"] == 43
    result = runner.invoke(main, ["report", "--graph", str(built), "--roles", "speakers", "--year", "2021"])
    assert result.exit_code == 0 and "people: 11" in result.output
    assert runner.invoke(main, ["report", "--graph", str(built), "--year", "1999"]).exit_code != 0
    assert runner.invoke(main, ["report", "--graph", str(built), "--top", "0"]).exit_code != 0


# --------------------------------------------------------------------------- headless Chromium


class DevTools:
    """A minimal Chrome DevTools Protocol client: one WebSocket (RFC 6455)
    to one page, standard library only."""

    def __init__(self, url: str) -> None:
        parsed = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parsed.hostname, parsed.port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {parsed.path} HTTP/1.1\r\nHost: {parsed.hostname}:{parsed.port}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            head += self._exactly(1)
        assert b" 101 " in head.split(b"\r\n")[0], head
        self.events: list[dict] = []
        self.last_id = 0

    def _exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("DevTools connection closed")
            data += chunk
        return data

    def _send(self, text: str, opcode: int = 0x1) -> None:
        payload = text.encode()
        n = len(payload)
        header = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big")
                                           if n < 65536 else bytes([0x80 | 127]) + n.to_bytes(8, "big"))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _receive(self) -> dict:
        message = b""
        while True:
            first, second = self._exactly(2)
            n = second & 0x7F
            if n == 126:
                n = int.from_bytes(self._exactly(2), "big")
            elif n == 127:
                n = int.from_bytes(self._exactly(8), "big")
            payload = self._exactly(n)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError("DevTools connection closed")
            if opcode == 0x9:
                self._send(payload.decode(errors="replace"), opcode=0xA)
                continue
            message += payload
            if first & 0x80:
                return json.loads(message)

    def call(self, method: str, **params) -> dict:
        self.last_id += 1
        self._send(json.dumps({"id": self.last_id, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("id") == self.last_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events:
                if event.get("method") == method:
                    return event
            self.events.append(self._receive())
        raise TimeoutError(method)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def close(self) -> None:
        self.sock.close()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser(tmp_path):
    binary = _chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/install-system-deps installs it)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", f"--user-data-dir={profile}",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",  # a free port, chosen by Chromium
         "--window-size=1280,1600", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        for _ in range(100):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
                pages = [t for t in json.load(answer) if t["type"] == "page"]
            if pages:
                break
            time.sleep(0.1)
        devtools = DevTools(pages[0]["webSocketDebuggerUrl"])
        yield devtools
        devtools.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_html_report_in_headless_chromium(browser, data, seed_report, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(rp.render(seed_report, "html"), encoding="utf-8")
    url = page.as_uri()
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.call(f"{domain}.enable")
    browser.call("Page.navigate", url=url)
    browser.wait_for("Page.loadEventFired")
    status = json.loads(browser.evaluate("document.documentElement.getAttribute('data-report-status')"))
    assert status["rendered"] is True and status["errors"] == []

    # one node per person, and they are the people of the graph
    persons = {p.holder for p in data.participations if p.holder_kind == "person"}
    assert browser.evaluate("document.querySelectorAll('#network circle.node').length") == len(persons) == 43
    drawn = browser.evaluate("JSON.parse(document.getElementById('report-data').textContent).network.nodes.map(n => n.id)")
    assert sorted(drawn) == sorted(persons)
    assert browser.evaluate("document.querySelectorAll('#network line').length") == 186
    # the charts: a bar per non-empty (year, group) cell, a bar per top actor
    for chart, table in (("chart-stakeholder", "balance_stakeholder_group"), ("chart-region", "balance_region")):
        cells = sum(1 for row in seed_report.table(table).rows for value in row[1:-1] if value)
        assert browser.evaluate(f"document.querySelectorAll('#{chart} rect.bar').length") == cells > 0
    assert browser.evaluate("document.querySelectorAll('#chart-top rect.bar').length") == 10

    # hover over Gong Ke: name, groups and sessions in the tooltip
    index = drawn.index(name_of(data, "Gong Ke"))
    box = browser.evaluate(f"""(() => {{ const c = document.querySelectorAll('#network circle.node')[{index}];
        c.scrollIntoView({{block: 'center'}}); const r = c.getBoundingClientRect();
        return [r.left + r.width / 2, r.top + r.height / 2]; }})()""")
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=box[0], y=box[1])
    tooltip = browser.evaluate("document.getElementById('tooltip').hidden ? '' : document.getElementById('tooltip').innerText")
    assert "Gong Ke" in tooltip and "Technical Community" in tooltip
    assert "Development and Rule-Making on Artificial Intelligence" in tooltip

    # zoom with the wheel
    assert browser.evaluate("document.getElementById('viewport').getAttribute('transform')") is None
    browser.call("Input.dispatchMouseEvent", type="mouseWheel", x=box[0], y=box[1], deltaX=0, deltaY=-400)
    transform = browser.evaluate("document.getElementById('viewport').getAttribute('transform')")
    assert float(re.search(r"scale\(([\d.]+)\)", transform).group(1)) > 1.5

    # search a name (accents and case aside)
    browser.evaluate("document.getElementById('search').focus()")
    browser.call("Input.insertText", text="GONG")
    assert browser.evaluate("document.getElementById('search-result').textContent") == "1 person found"
    assert browser.evaluate("document.querySelectorAll('#network circle.node.match').length") == 1

    ARTIFACTS.mkdir(exist_ok=True)
    browser.evaluate("window.scrollTo(0, 0)")
    shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"])
    assert shot.startswith(b"\x89PNG\r\n\x1a\n")
    (ARTIFACTS / "report.png").write_bytes(shot)

    time.sleep(0.3)  # let late console messages arrive
    browser.evaluate("1")
    problems = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"
                or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert", "warning"))
                or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] in ("error", "warning"))]
    assert problems == []
    requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requests == [url]  # the page itself, nothing else


def hand_made_data() -> nw.NetworkData:
    """Three sessions: s1 hears only governments, s2 two groups, s3 three."""
    def part(person, session, group, region="African Group", role="speaker"):
        return nw.Participation(f"p:{person}", "person", f"s:{session}", role, group, region)

    parts = [part("a", 1, "Government"), part("b", 1, "Government", "Asia-Pacific Group"),
             part("c", 1, "Government", role="organizer"),
             part("a", 2, "Government"), part("d", 2, "Civil Society"),
             part("d", 3, "Civil Society"), part("e", 3, "Private Sector"), part("f", 3, "Technical Community"),
             part("x", 3, None, None)]
    sessions = {f"s:{i}": nw.SessionInfo(f"s:{i}", f"Session {i}", 2020 + i) for i in (1, 2, 3)}
    names = {f"p:{k}": f"Person {k.upper()}" for k in "abcdefx"}
    names["p:f"] = "</script><script>alert(1)</script>"
    return nw.NetworkData(parts, sessions, names)


def test_least_diverse_ranks_single_group_sessions_first():
    table = rp.report(hand_made_data(), top=3).table("least_diverse_sessions")
    records = table.records()
    assert [r["iri"] for r in records] == ["s:1", "s:2", "s:3"]
    assert records[0]["stakeholder_blau"] == 0.0 and records[0]["speakers"] == 2  # c only organizes
    assert records[1]["stakeholder_blau"] == pytest.approx(0.5)
    # s3: three known groups of one each (x states none): Blau 2/3, Shannon ln 3
    assert records[2]["stakeholder_blau"] == pytest.approx(2 / 3, abs=1e-4)
    assert records[2]["stakeholder_shannon"] == pytest.approx(1.0986, abs=1e-4)
    assert records[2]["speakers"] == 4 and records[2]["speakers_with_group"] == 3


def test_brokers_table_on_hand_made_data():
    # a (Government) sits in s1 with b, c and in s2 with d (Civil Society): b-d and c-d are open
    # pairs of two groups through a: 2 representative pairs; d brokers a-e, a-f, ... in s3
    result = rp.report(hand_made_data(), top=5)
    brokers = {r["name"]: r for r in result.table("brokers_stakeholder_group").records()}
    assert brokers["Person A"]["representative"] == 2 and brokers["Person A"]["liaison"] == 0
    # d (Civil Society): a (Gov) with e (Private), f (Technical): liaison pairs a-e, a-f; x unknown is left out
    assert brokers["Person D"]["liaison"] == 2 and brokers["Person D"]["representative"] == 0


def test_html_data_block_survives_hostile_names():
    page = rp.render(rp.report(hand_made_data()), "html")
    assert "</script><script>alert(1)" not in page
    data_block = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.DOTALL).group(1)
    names = [n["name"] for n in json.loads(data_block)["network"]["nodes"]]
    assert "</script><script>alert(1)</script>" in names


def test_progress_names_each_stage_in_order(data):
    stages = []
    rp.report(data, top=2, progress=stages.append)
    assert stages == ["graphs", "centrality", "communities", "brokerage", "diversity", "network view"]


def test_drawn_ties_keep_each_persons_strongest_tie(monkeypatch):
    monkeypatch.setattr(rp, "NETWORK_VIEW_EDGES", 4)
    # a heavy core 0-1-2 and leaves 3, 4 with one light tie each
    edges = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 4), (2, 3)]
    weights = [9, 8, 7, 1, 2, 1]
    drawn = rp._drawn_ties(edges, weights, 5)
    assert len(drawn) == 4
    assert {e for e, _ in drawn} >= {(0, 1), (1, 4), (0, 3)}  # 3 and 4 stay attached
    assert drawn[0] == ((0, 1), 9)


def test_outliers_are_pulled_in():
    coords = [[float(i % 10), float(i // 10)] for i in range(100)] + [[1000.0, -1000.0]]
    pulled = rp._pull_in_outliers(coords)
    assert pulled[:100] == coords[:100]
    assert pulled[100][0] < 11 and pulled[100][1] > -1


def test_doc_examples_run():
    import doctest

    assert doctest.testmod(rp).failed == 0
