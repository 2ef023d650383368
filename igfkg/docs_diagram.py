"""Generate the class diagram and the term tables of docs/model.md from
ontology/igf.ttl, so the documentation cannot drift from the ontology.

    python -m igfkg.docs_diagram           # rewrite the generated parts of docs/model.md
    python -m igfkg.docs_diagram --check   # exit 1 if docs/model.md is out of date

The diagram is Mermaid `classDiagram` text (GitHub and most Markdown viewers
draw it): classes with their datatype properties as attributes, object
properties as arrows from domain to range, rdfs:subClassOf as inheritance.
Domains and ranges come from rdfs:domain / rdfs:range for igf: terms and from
schema:domainIncludes / schema:rangeIncludes for the borrowed terms.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from igfkg.resources import PROJECT_ROOT, ontology_path
from igfkg.vocab import PREFIXES

SCHEMA_DOMAIN = URIRef("http://schema.org/domainIncludes")
SCHEMA_RANGE = URIRef("http://schema.org/rangeIncludes")
MODEL_DOC = PROJECT_ROOT / "docs" / "model.md"
_NAMESPACES = sorted(((str(ns), name) for name, ns in PREFIXES.items()), key=lambda i: -len(i[0]))


def curie(term) -> str:
    """`https://w3id.org/igfkg/ontology#Session` -> `igf:Session`."""
    text = str(term)
    for namespace, name in _NAMESPACES:
        if text.startswith(namespace):
            return f"{name}:{text[len(namespace):]}"
    return f"<{text}>"


def _node_id(term) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", curie(term))


def _first(graph: Graph, subject, predicates) -> list:
    for predicate in predicates:
        values = sorted(graph.objects(subject, predicate), key=str)
        if values:
            return values
    return []


def mermaid_diagram(ontology: Graph) -> str:
    """The Mermaid classDiagram of the ontology's classes and properties."""
    classes = sorted(set(ontology.subjects(RDF.type, OWL.Class)), key=curie)
    class_set = set(classes)
    attributes: dict = {c: [] for c in classes}
    edges: list[str] = []
    for prop in sorted(set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
                       | set(ontology.subjects(RDF.type, OWL.ObjectProperty))
                       | set(ontology.subjects(RDF.type, OWL.AnnotationProperty)), key=curie):
        domains = [d for d in _first(ontology, prop, (RDFS.domain, SCHEMA_DOMAIN)) if d in class_set]
        ranges = _first(ontology, prop, (RDFS.range, SCHEMA_RANGE))
        for domain in domains:
            targets = [r for r in ranges if r in class_set]
            if targets:
                edges += [f"    {_node_id(domain)} --> {_node_id(r)} : {curie(prop)}" for r in targets]
            else:
                kind = " | ".join(curie(r) for r in ranges) or "literal"
                attributes[domain].append(f"{curie(prop)} {kind}")
    lines = ["```mermaid", "classDiagram", "    direction LR"]
    for cls in classes:
        lines.append(f'    class {_node_id(cls)}["{curie(cls)}"]' + (" {" if attributes[cls] else ""))
        if attributes[cls]:
            lines += [f"        +{attribute}" for attribute in attributes[cls]]
            lines.append("    }")
    for cls in classes:
        for parent in sorted(ontology.objects(cls, RDFS.subClassOf), key=curie):
            if parent in class_set:
                lines.append(f"    {_node_id(parent)} <|-- {_node_id(cls)}")
        for same in sorted(ontology.objects(cls, OWL.equivalentClass), key=curie):
            if same in class_set:
                lines.append(f"    {_node_id(cls)} .. {_node_id(same)} : owl:equivalentClass")
    lines += sorted(edges)
    lines.append("```")
    return "\n".join(lines)


def terms_table(ontology: Graph) -> str:
    """A Markdown table of the igf: classes and properties with their label,
    kind, domain, range, alignment and comment."""
    igf = str(PREFIXES["igf"])
    rows = ["| term | kind | label | domain → range | aligned to | meaning |", "|---|---|---|---|---|---|"]
    kinds = {OWL.Class: "class", OWL.ObjectProperty: "object property", OWL.DatatypeProperty: "datatype property"}
    for kind, name in kinds.items():
        for term in sorted((t for t in ontology.subjects(RDF.type, kind) if str(t).startswith(igf)), key=curie):
            domain = ", ".join(curie(d) for d in sorted(ontology.objects(term, RDFS.domain), key=curie))
            range_ = ", ".join(curie(r) for r in sorted(ontology.objects(term, RDFS.range), key=curie))
            aligned = ", ".join(curie(a) for p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentProperty)
                                for a in sorted(ontology.objects(term, p), key=curie))
            comment = " ".join(str(ontology.value(term, RDFS.comment) or "").split()).replace("|", "\\|")
            span = f"{domain} → {range_}" if domain or range_ else ""
            rows.append(f"| `{curie(term)}` | {name} | {ontology.value(term, RDFS.label)} | {span} | {aligned} | {comment} |")
    return "\n".join(rows)


def schemes_list(ontology: Graph) -> str:
    """The SKOS concept schemes with their concepts' preferred and alternative labels."""
    lines = []
    for scheme in sorted(ontology.subjects(RDF.type, SKOS.ConceptScheme), key=curie):
        lines.append(f"- **{ontology.value(scheme, SKOS.prefLabel)}** (`{curie(scheme)}`): "
                     f"{ontology.value(scheme, SKOS.definition)}")
        for concept in sorted(ontology.subjects(SKOS.inScheme, scheme), key=curie):
            alt = sorted(str(a) for a in ontology.objects(concept, SKOS.altLabel))
            also = f" (also: {', '.join(alt)})" if alt else ""
            lines.append(f"  - `{curie(concept)}` {ontology.value(concept, SKOS.prefLabel)}{also}")
    return "\n".join(lines)


GENERATED = {"diagram": mermaid_diagram, "terms": terms_table, "schemes": schemes_list}


def render_model_doc(text: str, ontology: Graph) -> str:
    """`text` with every `<!-- BEGIN GENERATED: name -->` ... `<!-- END GENERATED: name -->`
    block replaced by its freshly generated content."""
    for name, make in GENERATED.items():
        pattern = re.compile(rf"(<!-- BEGIN GENERATED: {name} -->\n)(?:.*?\n)?(<!-- END GENERATED: {name} -->)",
                             re.DOTALL)
        if not pattern.search(text):
            raise ValueError(f"the document has no generated block named {name!r}")
        content = make(ontology)
        text = pattern.sub(lambda m, content=content: m.group(1) + content + "\n" + m.group(2), text)
    return text


def update_model_doc(doc: Path = MODEL_DOC, ontology_file: Path | None = None, *, check: bool = False) -> bool:
    """Regenerate the blocks of `doc` from the ontology; True when it was (or,
    with check, would be) changed."""
    ontology = Graph().parse(ontology_file or ontology_path())
    old = doc.read_text(encoding="utf-8")
    new = render_model_doc(old, ontology)
    if new != old and not check:
        doc.write_text(new, encoding="utf-8")
    return new != old


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = update_model_doc(check=check)
    if check and changed:
        print(f"{MODEL_DOC} is out of date with ontology/igf.ttl; run python -m igfkg.docs_diagram", file=sys.stderr)
        return 1
    print(f"{MODEL_DOC}: {'updated' if changed else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
