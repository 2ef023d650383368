"""Regular-expression audit: every pattern the parser uses runs in linear
time on adversarial input, including 1 MB lines.

The patterns are collected two ways, so a new one cannot slip past:
- every compiled `re.Pattern` the audited modules hold at module level
  (also inside lists, tuples and dicts, e.g. a table of heading patterns);
- every literal pattern passed to a `re.*` function inside a function body
  (found by reading the source with `ast`). A pattern built at run time
  inside a function cannot be audited, so that is a failure of its own.

Attacks:
- generic 1 MB lines: 'a'*N, ' '*N, '('*N, 'A. '*N, '1. '*N, ', '*N and
  mixed ones, each followed by a character that makes any match fail late;
- attacks derived from each pattern's own structure, the classic ones for
  backtracking engines: for every unbounded repetition, the text that
  reaches it (a sample of what comes before) followed by a long run of what
  it repeats, and that prefix-and-unit repeated (so every start position is
  tried). These are 256 KB: a quadratic pattern needs minutes on them
  already, and there are many (the 1 MB generic lines stay the yardstick).

Each pattern runs in its own subprocess, killed when one attack runs longer
than ATTACK_TIMEOUT, so a hang fails its test instead of hanging the suite.
An attack passes when it finishes within a generous multiple of a linear
pass over a text of the same length (a pattern that fails at every
position): linear patterns take milliseconds to a second; a quadratic one
takes hours on 1 MB.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import pkgutil
import re
import select
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

try:  # Python 3.11+ (the project's minimum); sre_parse is the old name
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

import igfkg.parse

# The parser and the modules whose patterns run on whole lines or pages of input.
AUDITED_MODULES = sorted(
    [f"igfkg.parse.{m.name}" for m in pkgutil.iter_modules(igfkg.parse.__path__)]
    + ["igfkg.names", "igfkg.sources"]
)
ATTACK_LENGTH = 1_000_000
DERIVED_ATTACK_LENGTH = 256_000
# A linear pattern runs within this multiple of a linear pass over the text
# (or within MIN_SECONDS): far above what any linear pattern needs, far below
# what a quadratic one needs on 1 MB.
LINEAR_FACTOR = 300
MIN_SECONDS = 5.0
# An attack still running after this long has hung (the child is killed).
ATTACK_TIMEOUT = 30.0
RE_FUNCTIONS = {"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"}
# Position of the flags argument of each re function (when given positionally).
FLAGS_POSITION = {"compile": 1, "match": 2, "fullmatch": 2, "search": 2, "findall": 2, "finditer": 2,
                  "split": 3, "sub": 4, "subn": 4}


@dataclass(frozen=True)
class AuditedPattern:
    """One pattern, where it was found, and how it is compiled."""

    where: str
    pattern: str | bytes
    flags: int


# --------------------------------------------------------------- collection

def _patterns_in_value(value: object, where: str, depth: int = 0) -> list[AuditedPattern]:
    if isinstance(value, re.Pattern):
        return [AuditedPattern(where, value.pattern, value.flags)]
    found: list[AuditedPattern] = []
    if depth < 3 and isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            found += _patterns_in_value(item, f"{where}[{index}]", depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for key, item in value.items():
            found += _patterns_in_value(item, f"{where}[{key!r}]", depth + 1)
    return found


def module_level_patterns(module_name: str) -> list[AuditedPattern]:
    """Compiled patterns held by a module's globals."""
    module = importlib.import_module(module_name)
    found: list[AuditedPattern] = []
    for name, value in vars(module).items():
        found += _patterns_in_value(value, f"{module_name}.{name}")
    return found


class _InlineCalls(ast.NodeVisitor):
    """`re.<function>(...)` calls: literal patterns, and the lines of calls
    inside functions whose pattern is not a literal."""

    def __init__(self, module_name: str) -> None:
        self.module_name = module_name
        self.function_depth = 0
        self.literal: list[AuditedPattern] = []
        self.unauditable: list[str] = []

    def visit_FunctionDef(self, node: ast.AST) -> None:
        self.function_depth += 1
        self.generic_visit(node)
        self.function_depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re"
                and func.attr in RE_FUNCTIONS and node.args):
            where = f"{self.module_name}:{node.lineno}"
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, (str, bytes)):
                self.literal.append(AuditedPattern(where, first.value, self._flags(node)))
            elif self.function_depth:
                self.unauditable.append(f"{where}: re.{func.attr}({ast.unparse(first)}, ...)")
        self.generic_visit(node)

    @staticmethod
    def _flags(node: ast.Call) -> int:
        assert isinstance(node.func, ast.Attribute)
        expression = next((k.value for k in node.keywords if k.arg == "flags"), None)
        position = FLAGS_POSITION[node.func.attr]
        if expression is None and len(node.args) > position:
            expression = node.args[position]
        if expression is None:
            return 0
        return int(eval(compile(ast.Expression(expression), "<flags>", "eval"), {"re": re}))


def inline_calls(module_name: str) -> _InlineCalls:
    module = importlib.import_module(module_name)
    visitor = _InlineCalls(module_name)
    visitor.visit(ast.parse(inspect.getsource(module)))
    return visitor


def collected_patterns() -> list[AuditedPattern]:
    """Every distinct pattern of the audited modules (first place found wins)."""
    seen: dict[tuple[str | bytes, int], AuditedPattern] = {}
    for module_name in AUDITED_MODULES:
        for found in module_level_patterns(module_name) + inline_calls(module_name).literal:
            # re adds UNICODE to str patterns by itself; compare without it.
            key = (found.pattern, found.flags & ~re.UNICODE)
            seen.setdefault(key, found)
    return list(seen.values())


def audited_patterns(patterns: list[AuditedPattern]) -> list[AuditedPattern]:
    """The patterns to attack. A pattern that is a top-level alternative of
    another one (`A` of `A|B`) is audited as part of that one: the
    alternation runs `A` in full wherever it is tried, so its attacks
    (which include those derived from `A`) cover `A`'s."""
    return [p for p in patterns if not any(_is_top_level_alternative(p, other) for other in patterns)]


def _without_group_names(pattern: str | bytes) -> str:
    text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    return re.sub(r"\(\?P<\w+>", "(?:", text)


def _is_top_level_alternative(part: AuditedPattern, whole: AuditedPattern) -> bool:
    if part is whole or part.flags != whole.flags or type(part.pattern) is not type(whole.pattern):
        return False
    p, w = _without_group_names(part.pattern), _without_group_names(whole.pattern)
    # `whole` is `part|rest` or `rest|part` with both sides valid patterns on
    # their own, so the `|` between them is at the top level.
    if w.startswith(p + "|"):
        return _compiles(w[len(p) + 1:])
    if w.endswith("|" + p):
        return _compiles(w[:-len(p) - 1])
    return False


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


# ------------------------------------------------------------------ attacks

_CANDIDATE_CHARS = " aA1!(-.,:)_\u00a0é\t"
_CATEGORY_TESTS = {
    sre_constants.CATEGORY_DIGIT: str.isdigit,
    sre_constants.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    sre_constants.CATEGORY_SPACE: str.isspace,
    sre_constants.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    sre_constants.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    sre_constants.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
            getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)}


def _in_set(items: list, char: str) -> bool:
    negate = False
    hit = False
    for op, value in items:
        if op is sre_constants.NEGATE:
            negate = True
        elif op is sre_constants.LITERAL:
            hit |= ord(char) == value
        elif op in (sre_constants.RANGE, getattr(sre_constants, "RANGE_UNI_IGNORE", None)):
            hit |= value[0] <= ord(char) <= value[1]
        elif op is sre_constants.CATEGORY:
            hit |= _CATEGORY_TESTS.get(value, lambda c: False)(char)
    return hit != negate


def _sample(sequence: list) -> str:
    """A short text the sequence of parsed nodes matches (its minimal repeat counts)."""
    out = []
    for op, value in sequence:
        if op is sre_constants.LITERAL:
            out.append(chr(value))
        elif op is sre_constants.NOT_LITERAL:
            out.append("a" if value != ord("a") else "b")
        elif op is sre_constants.ANY:
            out.append("a")
        elif op is sre_constants.IN:
            out.append(next((c for c in _CANDIDATE_CHARS if _in_set(value, c)), "a"))
        elif op is sre_constants.BRANCH:
            out.append(_sample(value[1][0]))
        elif op is sre_constants.SUBPATTERN:
            out.append(_sample(value[3]))
        elif op in _REPEATS:
            out.append(_sample(value[2]) * value[0])
        elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
            out.append(_sample(value))
    return "".join(out)


def _pumps(sequence: list, prefix: str, found: set[tuple[str, str]]) -> None:
    """(text reaching an unbounded repeat, one unit of what it repeats) for
    every unbounded (or long) repeat, at any depth."""
    for index, (op, value) in enumerate(sequence):
        before = prefix + _sample(sequence[:index])
        if op in _REPEATS:
            low, high, body = value
            unit = _sample(body)
            if unit and (high is sre_constants.MAXREPEAT or high >= 32):
                found.add((before, unit))
            _pumps(body, before, found)
        elif op is sre_constants.BRANCH:
            for alternative in value[1]:
                _pumps(alternative, before, found)
        elif op is sre_constants.SUBPATTERN:
            _pumps(value[3], before, found)
        elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
            _pumps(value, before, found)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            _pumps(value[1], before, found)


GENERIC_UNITS = ["a", " ", "(", "A. ", "1. ", ", ", "a1 ", "Jane Doe, (", "\u00a0"]


@dataclass(frozen=True)
class Attack:
    """The text prefix + unit * (length // len(unit)) + NUL; NUL makes a
    match fail at the very end, after all the work."""

    name: str
    prefix: str
    unit: str
    length: int


def attacks(audited: AuditedPattern) -> list[Attack]:
    """The generic 1 MB lines, then the attacks derived from the pattern."""
    text_pattern = audited.pattern.decode("latin-1") if isinstance(audited.pattern, bytes) else audited.pattern
    parsed = sre_parse.parse(text_pattern, audited.flags & ~re.LOCALE)
    pumps: set[tuple[str, str]] = set()
    _pumps(list(parsed), "", pumps)
    texts: dict[tuple[str, str], Attack] = {}  # one attack per distinct text
    for unit in GENERIC_UNITS:
        texts[("", unit)] = Attack(f"{unit!r}*1MB+NUL", "", unit, ATTACK_LENGTH)
    for prefix, unit in sorted(pumps):
        texts.setdefault((prefix, unit), Attack(f"{prefix!r}+{unit!r}*N+NUL", prefix, unit, DERIVED_ATTACK_LENGTH))
        # The prefix and unit together, repeated: every start position is tried.
        texts.setdefault(("", prefix + unit),
                         Attack(f"({prefix + unit!r})*N+NUL", "", prefix + unit, DERIVED_ATTACK_LENGTH))
    return list(texts.values())


# A child process: reads the pattern and its attacks as JSON, times each
# against a linear pass over the same text, prints one JSON line per attack
# as soon as it is done (so a timeout still shows which attack hung).
_CHILD = r"""
import json, re, sys, time
job = json.load(sys.stdin)
pattern = job["pattern"].encode("latin-1") if job["is_bytes"] else job["pattern"]
compiled = re.compile(pattern, job["flags"])
linear = re.compile(b"(?:a|b)(?:c|d)" if job["is_bytes"] else "(?:a|b)(?:c|d)")
baselines = {}
def baseline(length):
    # A linear pass: a pattern tried, and failing, at every position of a
    # text of this length.
    if length not in baselines:
        text = ("ab" * (length // 2)).encode() if job["is_bytes"] else "ab" * (length // 2)
        started = time.perf_counter()
        linear.findall(text)
        baselines[length] = time.perf_counter() - started
    return baselines[length]
for name, prefix, unit, length in job["attacks"]:
    text = prefix + unit * (length // len(unit)) + "\x00"
    if job["is_bytes"]:
        text = text.encode("latin-1", "replace")
    print(json.dumps({"attack": name, "done": False}), flush=True)
    started = time.perf_counter()
    for _ in compiled.finditer(text):
        pass
    compiled.fullmatch(text)
    elapsed = time.perf_counter() - started
    print(json.dumps({"attack": name, "baseline": baseline(length), "elapsed": elapsed, "done": True}), flush=True)
"""


def run_attacks(audited: AuditedPattern, attack_list: list[Attack] | None = None, *,
                attack_timeout: float = ATTACK_TIMEOUT) -> tuple[list[dict], str | None]:
    """Run every attack on the pattern in a child process; (results, the
    attack that ran longer than `attack_timeout` seconds, or None). The
    child is killed as soon as one attack overruns."""
    job = {
        "pattern": audited.pattern.decode("latin-1") if isinstance(audited.pattern, bytes) else audited.pattern,
        "is_bytes": isinstance(audited.pattern, bytes),
        "flags": audited.flags & ~re.UNICODE if isinstance(audited.pattern, bytes) else audited.flags,
        "attacks": [(a.name, a.prefix, a.unit, a.length) for a in (attack_list or attacks(audited))],
    }
    child = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    results: list[dict] = []
    running = "(starting)"
    try:
        child.stdin.write(json.dumps(job))
        child.stdin.close()
        while True:
            ready, _, _ = select.select([child.stdout], [], [], attack_timeout)
            if not ready:
                return results, running
            line = child.stdout.readline()
            if not line:
                break
            report = json.loads(line)
            if report["done"]:
                results.append(report)
            else:
                running = report["attack"]
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        errors = child.stderr.read()
        child.stdout.close()
        child.stderr.close()
    if child.returncode != 0:
        raise AssertionError(f"{audited.where}: attack process failed:\n{errors}")
    return results, None


def too_slow(result: dict) -> bool:
    """Slower than any linear pattern is on that text."""
    return result["elapsed"] > max(MIN_SECONDS, LINEAR_FACTOR * result["baseline"])


COLLECTED = collected_patterns()
PATTERNS = audited_patterns(COLLECTED)


def test_the_audit_finds_the_parser_patterns():
    """The collection itself works: module-level, table-held and inline
    patterns of the parser are all in the audit."""
    from igfkg.parse import people, sections, session

    collected = {p.pattern for p in COLLECTED}
    audited = {p.pattern for p in PATTERNS}
    assert session._ROLE_LABEL.pattern in collected
    assert session._ANY_LABEL.pattern in audited
    assert people._NAME_PAREN.pattern in audited
    assert all(p.pattern in audited for p, _ in sections._PREFIX_HEADINGS)
    assert any(p.where.startswith("igfkg.parse.people:") for p in PATTERNS), "inline re.sub calls of people.py"
    assert len(PATTERNS) >= 40


def test_a_pattern_is_covered_only_by_an_alternation_of_it():
    role, any_label = (next(p for p in COLLECTED if p.where.endswith(name)) for name in ("_ROLE_LABEL", "_ANY_LABEL"))
    assert _is_top_level_alternative(role, any_label)
    assert not _is_top_level_alternative(any_label, role)
    assert not _is_top_level_alternative(AuditedPattern("x", "b", 0), AuditedPattern("y", "(?:a|b)c", 0))
    assert not _is_top_level_alternative(AuditedPattern("x", "b", 0), AuditedPattern("y", r"a\|b", 0))
    assert not _is_top_level_alternative(AuditedPattern("x", "b", 0), AuditedPattern("y", "a|b", re.IGNORECASE))


def test_no_pattern_is_built_at_run_time_inside_a_function():
    """A pattern assembled inside a function cannot be audited: build it at
    module level (where this audit sees it) instead."""
    unauditable = [line for name in AUDITED_MODULES for line in inline_calls(name).unauditable]
    assert unauditable == []


def test_attacks_reach_the_repeats_they_target():
    """The derived attacks put the text before a repeat in front of it, e.g.
    `speaker` then a run of spaces for `speaker\\s*:`."""
    audited = AuditedPattern("example", r"^speaker\s*\d*\s*:", re.IGNORECASE)
    names = {attack.name for attack in attacks(audited)}
    assert "'speaker'+' '*N+NUL" in names
    assert "'speaker'+'1'*N+NUL" in names
    assert "' '*1MB+NUL" in names


def test_a_quadratic_pattern_is_caught():
    """The audit fails a pattern with catastrophic backtracking (shows it
    is not a test that cannot fail)."""
    audited = AuditedPattern("example", r"\s*:", 0)
    results, hung = run_attacks(audited, [Attack("spaces", "", " ", DERIVED_ATTACK_LENGTH)], attack_timeout=2)
    assert hung is not None


@pytest.fixture(scope="module")
def attack_results() -> dict[str, tuple[list[dict], str | None]]:
    """Every pattern's attacks, one child process per CPU at a time."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip([p.where for p in PATTERNS], pool.map(run_attacks, PATTERNS)))


@pytest.mark.parametrize("audited", PATTERNS, ids=[p.where for p in PATTERNS])
def test_pattern_is_linear_on_1mb_adversarial_lines(audited, attack_results):
    results, hung = attack_results[audited.where]

    assert hung is None, f"{audited.where}: {audited.pattern!r} did not finish on attack {hung}"
    slow = [
        f"{r['attack']}: {r['elapsed']:.2f}s (linear pass {r['baseline'] * 1000:.1f} ms)"
        for r in results if too_slow(r)
    ]
    assert slow == [], f"{audited.where}: {audited.pattern!r} is not linear:\n" + "\n".join(slow)
    assert len(results) == len(attacks(audited))
