"""Entity resolution: person and organization mentions across all documents
of a build -> one entity each, with every spelling kept and every merge
explained.

Rules, in the order they are tried (a merge of two different people invents
a career, so every rule past the first needs evidence):

- `same-name`: the same name up to case, diacritics and punctuation.
- `same-page-variant`: the parser saw both spellings of one person on one
  page (a name in the speaker list and the same person in the report).
- `name-order-swapped`: the same tokens in another order (`Ke GONG`,
  `Gong Ke`), only with evidence: the same affiliation.
- `one-letter-typo`: one token differs by one letter (`Takayaki`,
  `Takayuki`), only with evidence: the same affiliation.
- `override`: the user's alias file forces a merge or forbids one.

Candidate pairs come from blocking keys (`names.typo_block_keys`), never all
pairs, so the cost grows with the number of mentions.

>>> from igfkg.model import SessionRecord, Participant
>>> a = SessionRecord("a.txt", "a" * 64, participants=[Participant("Ke GONG", affiliation="WFEO")])
>>> b = SessionRecord("b.txt", "b" * 64, participants=[Participant("Gong Ke", affiliation="WFEO")])
>>> r = resolve([a, b])
>>> r.person_key(a, 0) == r.person_key(b, 0)
True
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from igfkg.model import SessionRecord
from igfkg.names import bag_key, fold, one_token_typo, ordered_key, typo_block_keys
from igfkg.parse.organizations import parent_of_unit
from igfkg.vocab import slugify


@dataclass
class MergeDecision:
    """Why one spelling joined an entity: the rule and its evidence (two
    different spellings: the same spelling twice needs no explaining)."""

    label: str
    other: str
    rule: str
    evidence: str


@dataclass
class NearMiss:
    """Two spellings that looked alike but were kept apart, and why."""

    a: str
    b: str
    rule: str
    reason: str


@dataclass
class PersonEntity:
    key: str
    pref_label: str
    labels: list[str]
    decisions: list[MergeDecision] = field(default_factory=list)


@dataclass
class OrganizationEntity:
    key: str
    pref_label: str
    labels: list[str]
    acronyms: list[str] = field(default_factory=list)
    parent_key: str | None = None


@dataclass
class Aliases:
    """User overrides read from an alias file (TOML)::

        [[same_person]]
        names = ["Bill Smith", "William Smith"]
        [[different_people]]
        names = ["Li Wei", "Wei Li"]
        [[same_organization]]
        names = ["ITU", "International Telecommunication Union"]
    """

    same_person: list[list[str]] = field(default_factory=list)
    different_people: list[list[str]] = field(default_factory=list)
    same_organization: list[list[str]] = field(default_factory=list)


def read_aliases(path: str | Path) -> Aliases:
    """Read an alias file; a malformed one raises ValueError naming the file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path}: cannot read alias file: {error}") from error
    aliases = Aliases()
    for section in ("same_person", "different_people", "same_organization"):
        for index, entry in enumerate(data.get(section, [])):
            names = entry.get("names") if isinstance(entry, dict) else None
            if not isinstance(names, list) or len(names) < 2 or not all(isinstance(n, str) for n in names):
                raise ValueError(f"{path}: [[{section}]] entry {index + 1} needs names = [two or more strings]")
            getattr(aliases, section).append(names)
    return aliases


@dataclass
class Resolution:
    """The outcome of `resolve`: entities, and which mention went where."""

    persons: dict[str, PersonEntity]
    organizations: dict[str, OrganizationEntity]
    person_by_mention: dict[tuple[str, int], str]
    organization_by_name: dict[tuple[str, str], str]
    near_misses: list[NearMiss]
    overrides_fired: list[str]
    # Theme IRI slug -> its spellings, the preferred one first (pages write
    # "Data Governance" and "Data governance" for one theme; it gets one prefLabel).
    theme_labels: dict[str, list[str]] = field(default_factory=dict)

    def person_key(self, record: SessionRecord, index: int) -> str:
        """Entity key of the record's index-th participant."""
        return self.person_by_mention[(record.sha256, index)]

    def organization_key(self, record: SessionRecord, name: str) -> str:
        """Entity key of an organization name as written in a record."""
        return self.organization_by_name[(record.sha256, name)]


class _ClusterSets(dict):
    """Root -> a set about its cluster, made by `first(root)` when first asked
    for (`in` does not make it: it tells whether a merge touched the root)."""

    def __init__(self, first: Callable[[int], set[str]]) -> None:
        super().__init__()
        self.first = first

    def __missing__(self, root: int) -> set[str]:
        found = self[root] = self.first(root)
        return found


class _UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(slots=True)
class _Mention:
    doc: str
    index: int
    name: str
    variants: list[str]
    affiliation: str | None  # organization key
    source: str = ""  # the page's path, named in merge evidence (its hash changes with every edit)
    key: str = ""  # ordered_key(name), computed once

    def __post_init__(self) -> None:
        self.key = ordered_key(self.name)


def _org_key_text(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", " ", fold(name)).strip()
    return re.sub(r"^the\s+", "", text)


def resolve(records: list[SessionRecord], aliases: Aliases | None = None) -> Resolution:
    """Resolve the people and organizations of all records at once."""
    aliases = aliases or Aliases()
    records = sorted(records, key=lambda r: (r.source, r.sha256))
    organizations, organization_by_name = _resolve_organizations(records, aliases)
    overrides_fired: list[str] = []
    mentions = [
        _Mention(r.sha256, i, p.name, p.name_variants,
                 organization_by_name.get((r.sha256, p.affiliation)) if p.affiliation else None, r.source)
        for r in records for i, p in enumerate(r.participants)
    ]
    persons, person_by_mention, near_misses = _resolve_persons(mentions, aliases, overrides_fired)
    return Resolution(persons, organizations, person_by_mention, organization_by_name, near_misses, overrides_fired,
                      resolve_theme_labels(records))


def resolve_theme_labels(records: list[SessionRecord]) -> dict[str, list[str]]:
    """Each theme's spellings, by the slug its IRI is minted from: the
    preferred one first (chosen as a person's name is: the most used, then a
    well-cased one), then the others sorted.

        >>> from igfkg.model import SessionRecord
        >>> pages = [SessionRecord(source=str(i), sha256=str(i), themes=[theme]) for i, theme in
        ...          enumerate(["Data governance", "Data Governance", "Data Governance"])]
        >>> resolve_theme_labels(pages)
        {'data-governance': ['Data Governance', 'Data governance']}
    """
    spellings: dict[str, Counter] = defaultdict(Counter)
    for record in records:
        for theme in record.themes:
            spellings[slugify(theme)][theme] += 1
    labels = {}
    for slug in sorted(spellings):
        pref = _pick_pref_label(spellings[slug])
        labels[slug] = [pref] + sorted(set(spellings[slug]) - {pref})
    return labels


def _resolve_persons(mentions: list[_Mention], aliases: Aliases, fired: list[str]):
    forest = _UnionFind(len(mentions))
    decisions: dict[int, list[MergeDecision]] = defaultdict(list)
    near_misses: list[NearMiss] = []
    forbidden = [{ordered_key(n) for n in group} for group in aliases.different_people]

    # Per cluster (by its root): its name keys, affiliations and pages. Made when
    # first asked for: most mentions join a cluster at once and never need their own.
    members = _ClusterSets(lambda i: {mentions[i].key})
    affiliations = _ClusterSets(lambda i: {mentions[i].affiliation} - {None})
    pages = _ClusterSets(lambda i: {mentions[i].doc})

    def merge(a: int, b: int, rule: str, evidence: str) -> bool:
        ra, rb = forest.find(a), forest.find(b)
        if ra == rb:
            return True
        for group in forbidden:
            in_a, in_b = group & members[ra], group & members[rb]
            if in_a and in_b and not in_a & in_b:
                near_misses.append(NearMiss(mentions[a].name, mentions[b].name, rule,
                                            "kept apart by the alias file (different_people)"))
                fired.append(f"different_people: {' / '.join(sorted(group))}")
                return False
        forest.union(ra, rb)
        root = forest.find(ra)
        other = rb if root == ra else ra
        # The smaller set joins the larger in place: a person named on thousands
        # of pages is merged once per page, and copying both sets each time is quadratic.
        for table in (members, affiliations, pages):
            kept, joining = table[root], table[other]
            del table[other]
            if len(kept) < len(joining):
                kept, joining = joining, kept
            kept |= joining
            table[root] = kept
        decisions[root].extend(decisions.pop(other, []))
        if mentions[b].name != mentions[a].name:  # one spelling seen twice explains nothing
            decisions[root].append(MergeDecision(mentions[b].name, mentions[a].name, rule, evidence))
        return True

    for group in aliases.same_person:
        keys = {ordered_key(n) for n in group}
        hits = [i for i, m in enumerate(mentions) if m.key in keys]
        for i in hits[1:]:
            if forest.find(i) != forest.find(hits[0]):
                merge(hits[0], i, "override", "same_person in the alias file")
                fired.append(f"same_person: {' / '.join(group)}")
    first_by_key: dict[str, int] = {}
    for i, mention in enumerate(mentions):
        key = mention.key
        if key in first_by_key:
            j = first_by_key[key]
            if mentions[j].name == mention.name and forest.parent[i] == i and i not in members:
                # The first's spelling, and a mention no merge has touched: `merge` would do
                # just this (no alias can keep one name key apart from itself, nothing to explain).
                root = forest.find(j)
                forest.parent[i] = root
                if mention.affiliation:
                    affiliations[root].add(mention.affiliation)
                pages[root].add(mention.doc)
            elif mentions[j].name != mention.name or forest.find(i) != forest.find(j):
                merge(j, i, "same-name", "same name up to case, diacritics and punctuation")
        else:
            first_by_key[key] = i
    # Spellings the parser tied to one participant on one page.
    for i, mention in enumerate(mentions):
        for variant in mention.variants:
            evidence_text = f"both spellings for one person on the page {mention.source}"
            key = ordered_key(variant)
            if key in first_by_key:
                merge(i, first_by_key[key], "same-page-variant", evidence_text)
            if variant != mention.name:
                decisions[forest.find(i)].append(
                    MergeDecision(variant, mention.name, "same-page-variant", evidence_text))

    by_bag: dict[str, list[int]] = defaultdict(list)
    by_typo_block: dict[str, list[int]] = defaultdict(list)
    representatives = sorted(first_by_key.values())
    for i in representatives:
        by_bag[bag_key(mentions[i].name)].append(i)
        for key in typo_block_keys(mentions[i].name):
            by_typo_block[key].append(i)

    def evidence(a: int, b: int) -> str | None:
        shared = sorted(affiliations[forest.find(a)] & affiliations[forest.find(b)])
        return f"same affiliation: {shared[0]}" if shared else None

    for rule, blocks, accept in (
        ("name-order-swapped", by_bag, lambda x, y: ordered_key(x) != ordered_key(y)),
        ("one-letter-typo", by_typo_block, one_token_typo),
    ):
        seen_pairs: set[tuple[int, int]] = set()
        for block in blocks.values():
            if len(block) < 2 or len(block) > 50:
                continue
            for x_index, a in enumerate(block):
                for b in block[x_index + 1:]:
                    pair = (a, b)
                    if pair in seen_pairs or forest.find(a) == forest.find(b):
                        continue
                    seen_pairs.add(pair)
                    if not accept(mentions[a].name, mentions[b].name):
                        continue
                    if pages[forest.find(a)] & pages[forest.find(b)]:
                        # A page that lists both as participants means two people
                        # (Olena and Elena Ionescu, speakers of one session).
                        near_misses.append(NearMiss(mentions[a].name, mentions[b].name, rule,
                                                    "both listed on one page: kept apart"))
                    elif found := evidence(a, b):
                        merge(a, b, rule, found)
                    else:
                        near_misses.append(NearMiss(mentions[a].name, mentions[b].name, rule,
                                                    "no shared affiliation: kept apart"))
    return _person_entities(forest, mentions, decisions) + (near_misses,)


def _well_cased(label: str) -> bool:
    """`Gong Ke` yes; `Ke GONG`, `zhu xiaobiao` no (particles such as `de` may be lower case)."""
    words = [w for w in label.split() if w.isalpha() and len(w) > 1]
    capitalized = [w for w in words if w[0].isupper() and not w.isupper()]
    return bool(words) and all(w in capitalized or w.islower() and len(w) <= 3 for w in words)


def _pick_pref_label(labels: Counter) -> str:
    """The stated rule: the spelling seen most often; on a tie, a well-cased
    one (no ALL-CAPS or all-lower-case name word); then the first seen."""
    order = list(labels)
    return max(order, key=lambda s: (labels[s], _well_cased(s), -order.index(s)))


def _person_entities(forest: _UnionFind, mentions: list[_Mention], decisions):
    clusters: dict[int, list[int]] = defaultdict(list)
    find = forest.find
    for i in range(len(mentions)):
        clusters[find(i)].append(i)
    persons: dict[str, PersonEntity] = {}
    person_by_mention: dict[tuple[str, int], str] = {}
    drafts = []
    for root, members in clusters.items():
        labels = Counter(mentions[i].name for i in members)
        for i in members:
            for variant in mentions[i].variants:
                labels[variant] += 0
        pref = _pick_pref_label(labels) if len(labels) > 1 else next(iter(labels))
        drafts.append((slugify(pref) or "person", pref, root, members, sorted(labels)))
    used: Counter = Counter()
    for base, pref, root, members, labels in sorted(drafts, key=lambda d: (d[0], d[2])):
        used[base] += 1
        key = base if used[base] == 1 else f"{base}-{used[base]}"
        persons[key] = PersonEntity(key, pref, labels, decisions.get(root, []))
        for i in members:
            person_by_mention[(mentions[i].doc, mentions[i].index)] = key
    return persons, person_by_mention


def _resolve_organizations(records: list[SessionRecord], aliases: Aliases):
    """Organizations by name key; an acronym the page defines (`New York
    University (NYU)`) joins the full name, a unit (`Bureau of X, Org`) points
    to its organization."""
    corpus_acronyms: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for acronym, full in record.organization_acronyms.items():
            corpus_acronyms[acronym].add(_org_key_text(full))
    forced = {}
    for group in aliases.same_organization:
        keys = [_org_key_text(n) for n in group]
        for key in keys[1:]:
            forced[key] = keys[0]

    key_of_text: dict[str, str] = {}

    def canonical(record: SessionRecord, name: str) -> str:
        if name in record.organization_acronyms:
            key = _org_key_text(record.organization_acronyms[name])
        elif len(corpus_acronyms.get(name, ())) == 1:
            key = next(iter(corpus_acronyms[name]))
        else:
            key = key_of_text.get(name) or key_of_text.setdefault(name, _org_key_text(name))
        return forced.get(key, key)

    spellings: dict[str, Counter] = defaultdict(Counter)
    acronyms_of: dict[str, set[str]] = defaultdict(set)
    organization_by_text: dict[tuple[str, str], str] = {}
    for record in records:
        names = [p.affiliation for p in record.participants if p.affiliation]
        names += [u.organization for u in record.unnamed_participants if u.organization]
        names += record.organizing_organizations
        for name in names:
            key = canonical(record, name)
            if not key:
                continue
            organization_by_text[(record.sha256, name)] = key
            if name in record.organization_acronyms or name in corpus_acronyms:
                acronyms_of[key].add(name)
                spellings[key][record.organization_acronyms.get(name) or name] += 0
            else:
                spellings[key][name] += 1
    slugs: dict[str, str] = {}
    used: Counter = Counter()
    for key in sorted(spellings):
        pref = _pick_pref_label(spellings[key]) if spellings[key] else key
        base = slugify(pref) or "organization"
        used[base] += 1
        slugs[key] = base if used[base] == 1 else f"{base}-{used[base]}"
    organizations = {}
    for key, slug in slugs.items():
        labels = sorted(set(spellings[key]) | acronyms_of[key])
        pref = _pick_pref_label(spellings[key]) if spellings[key] else labels[0]
        parent = parent_of_unit(pref)
        parent_key = slugs.get(_org_key_text(parent)) if parent != pref else None
        organizations[slug] = OrganizationEntity(slug, pref, labels, sorted(acronyms_of[key]), parent_key)
    return organizations, {k: slugs[v] for k, v in organization_by_text.items()}


def format_resolution_report(resolution: Resolution) -> str:
    """Human-readable list of merges, near misses and overrides (`igfkg resolve --report`)."""
    lines = ["# Entity resolution", "", f"persons: {len(resolution.persons)}",
             f"organizations: {len(resolution.organizations)}", "", "## Merges"]
    for person in sorted(resolution.persons.values(), key=lambda p: p.key):
        lines += [f"- {person.key}: '{d.label}' = '{d.other}' [{d.rule}] {d.evidence}" for d in person.decisions]
    lines += ["", "## Near misses (not merged)"]
    lines += [f"- '{m.a}' / '{m.b}' [{m.rule}] {m.reason}" for m in resolution.near_misses] or ["- none"]
    lines += ["", "## Overrides fired"]
    lines += [f"- {o}" for o in sorted(set(resolution.overrides_fired))] or ["- none"]
    return "\n".join(lines) + "\n"
