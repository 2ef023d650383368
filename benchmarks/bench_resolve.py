"""Resolution cost as the number of person mentions grows (blocking, not all
pairs), and the resolver's precision/recall on the labelled pair set.

    python benchmarks/bench_resolve.py --mentions 1000 10000 100000

Prints a table and appends it to benchmarks/RESULTS.md under "## Resolution".
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from igfkg.model import Participant, SessionRecord  # noqa: E402
from igfkg.resolve import resolve  # noqa: E402
from resolution_pairs import FAMILY, GIVEN, ORGS, labelled_pairs  # noqa: E402


def synthetic_records(mentions: int, seed: int = 1) -> list[SessionRecord]:
    """Pages of 10 people; people recur with Zipf-like frequency and are
    sometimes written upper-case, family-name-first, or with a typo."""
    rng = random.Random(seed)
    population = max(mentions // 4, 10)
    people = [(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}{'' if i < len(GIVEN) * len(FAMILY) else f' {i}'}",
               rng.choice(ORGS)) for i in range(population)]
    weights = [1 / (rank + 1) for rank in range(population)]
    records = []
    for page in range(mentions // 10):
        chosen = rng.choices(people, weights=weights, k=10)
        participants = []
        for name, org in chosen:
            roll = rng.random()
            if roll < 0.05:
                name = name.upper()
            elif roll < 0.08:
                name = " ".join(reversed(name.split()))
            elif roll < 0.10 and len(name) > 6:
                i = rng.randrange(1, len(name) - 1)
                name = name[:i] + name[i + 1:]
            participants.append(Participant(name, affiliation=org))
        records.append(SessionRecord(f"page{page:06d}.txt", f"{page:064d}", participants=participants))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    rows = []
    for n in args.mentions:
        records = synthetic_records(n)
        start = time.perf_counter()
        resolution = resolve(records)
        seconds = time.perf_counter() - start
        rows.append((n, len(resolution.persons), seconds))
        print(f"{n:>8} mentions -> {len(resolution.persons):>7} persons in {seconds:6.2f} s", flush=True)
    from test_resolve import measure

    pairs = labelled_pairs()
    scores = measure(pairs)
    lines = [
        "", "## Resolution", "",
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}.", "",
        "| mentions | persons | seconds |", "|---:|---:|---:|",
        *[f"| {n:,} | {p:,} | {s:.2f} |" for n, p, s in rows], "",
        f"Labelled pairs: {scores['pairs']}; precision {scores['precision']:.3f}, recall {scores['recall']:.3f} "
        f"({scores['false_merges']} false merges, {scores['missed_merges']} missed merges).", "",
    ]
    print("\n".join(lines))
    with open(HERE / "RESULTS.md", "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines))


if __name__ == "__main__":
    main()
