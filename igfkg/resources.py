"""Where the project's data files live: the ontology, the shapes, the named
queries and the default corpus, found beside the package in a checkout (the
README installs it editable)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def ontology_path() -> Path:
    return PROJECT_ROOT / "ontology" / "igf.ttl"


def shapes_path() -> Path:
    return PROJECT_ROOT / "shapes" / "igf.shacl.ttl"


def queries_dir() -> Path:
    return PROJECT_ROOT / "queries"


def default_corpus() -> Path:
    return PROJECT_ROOT / "data"
