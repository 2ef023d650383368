"""Namespaces and controlled vocabularies shared by mapping, validation,
queries and the network stage. The concept IRIs here are the ones that
`ontology/igf.ttl` defines; instance IRIs are minted in `mapping.py` only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from igfkg.model import RegionalGroup, Role, StakeholderGroup



class _Namespace(Namespace):
    """rdflib's Namespace, keeping each term it makes: mapping asks for the same
    few dozen terms millions of times, and making one checks the IRI (~6 us)."""

    def __getattr__(self, name: str):
        term = super().__getattr__(name)
        if not name.startswith("_"):
            self.__dict__[name] = term
        return term


IGF = _Namespace("https://w3id.org/igfkg/ontology#")
VOCAB = _Namespace("https://w3id.org/igfkg/vocab/")
DEFAULT_BASE = "https://w3id.org/igfkg/id/"
SCHEMA = _Namespace("http://schema.org/")
ORG = _Namespace("http://www.w3.org/ns/org#")
OA = _Namespace("http://www.w3.org/ns/oa#")
CONF = _Namespace("https://w3id.org/scholarlydata/ontology/conference-ontology.owl#")
SDG = _Namespace("http://metadata.un.org/sdg/")
SDGO = _Namespace("http://metadata.un.org/sdg/ontology#")
QB = _Namespace("http://purl.org/linked-data/cube#")

PREFIXES = {
    "igf": IGF, "igfv": VOCAB, "schema": SCHEMA, "org": ORG, "oa": OA, "conf": CONF,
    "sdg": SDG, "sdgo": SDGO, "skos": SKOS, "prov": PROV, "dcterms": DCTERMS,
    "qb": QB, "foaf": FOAF, "owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD,
}
# The same as plain strings, as Oxigraph's writers and queries take them.
PREFIX_MAP = {name: str(ns) for name, ns in PREFIXES.items()}

STAKEHOLDER_SCHEME = VOCAB["stakeholder-group"]
REGIONAL_SCHEME = VOCAB["regional-group"]
SESSION_TYPE_SCHEME = VOCAB["session-type"]
ROLE_SCHEME = VOCAB["role"]
THEME_SCHEME = VOCAB["theme"]

STAKEHOLDER_CODES = {
    StakeholderGroup.GOVERNMENT: "government",
    StakeholderGroup.CIVIL_SOCIETY: "civil-society",
    StakeholderGroup.PRIVATE_SECTOR: "private-sector",
    StakeholderGroup.TECHNICAL_COMMUNITY: "technical-community",
    StakeholderGroup.INTERGOVERNMENTAL_ORGANIZATION: "intergovernmental-organization",
}
REGION_CODES = {
    RegionalGroup.AFRICAN: "african",
    RegionalGroup.ASIA_PACIFIC: "asia-pacific",
    RegionalGroup.EASTERN_EUROPEAN: "eastern-european",
    RegionalGroup.GRULAC: "grulac",
    RegionalGroup.WEOG: "weog",
    RegionalGroup.INTERGOVERNMENTAL_ORGANIZATION: "intergovernmental-organization",
}


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated key: `Café Society` -> `cafe-society`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@lru_cache(maxsize=1 << 14)  # pure, and asked for once per participation
def stakeholder_iri(label: str):
    """Concept IRI of a canonical stakeholder-group label."""
    return VOCAB[f"stakeholder-group/{STAKEHOLDER_CODES[StakeholderGroup(label)]}"]


@lru_cache(maxsize=1 << 14)
def region_iri(label: str):
    """Concept IRI of a canonical regional-group label."""
    return VOCAB[f"regional-group/{REGION_CODES[RegionalGroup(label)]}"]


@lru_cache(maxsize=1 << 14)
def role_iri(role: str):
    """Concept IRI of a role (`speaker` -> igfv:role/speaker)."""
    return VOCAB[f"role/{Role(role).value.replace('_', '-')}"]


@lru_cache(maxsize=1 << 14)
def session_type_iri(session_type: str):
    """Concept IRI of a session type (`open_forum` -> igfv:session-type/open-forum)."""
    return VOCAB[f"session-type/{session_type.replace('_', '-')}"]


@lru_cache(maxsize=1 << 14)
def theme_iri(label: str):
    """Concept IRI of a theme, keyed by its slug so spellings in case agree."""
    return VOCAB[f"theme/{slugify(label)}"]


def sdg_goal_iri(goal: int):
    return SDG[str(goal)]


def sdg_target_iri(target: str):
    return SDG[target]
