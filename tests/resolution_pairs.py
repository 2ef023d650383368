"""A labelled set of person-name pairs for measuring the resolver.

Each pair is two mentions (name, affiliation, document) and whether they are
the same person. Positives are the spelling drift seen on IGF pages (case,
name order, diacritics, a one-letter typo) with the evidence a careful human
would use; negatives are the traps (a shared family name, the same tokens
in another order at another institution, initials, a near-identical name at
another institution). Built deterministically from name lists of many
languages, so the set is reproducible; also used by benchmarks/bench_resolve.py.
"""

from __future__ import annotations

from dataclasses import dataclass

GIVEN = [
    "Amina", "Kwame", "Chinedu", "Fatoumata", "Tendai", "Seung Hyun", "So Young", "Ji Woo",
    "Hiroshi", "Yuki", "Takayuki", "Wei", "Xiaofeng", "Priya", "Arjun", "Ananya", "Olga",
    "Dmitri", "Katarzyna", "Tomasz", "Ioana", "Lucía", "Joaquín", "Camila", "Thiago", "João",
    "Aurélie", "François", "Anne-Marie", "Lars", "Ingrid", "Mohammed", "Layla", "Omar",
    "Nour", "Emeka", "Ngozi", "Siosaia", "Mele", "Ravi", "Hyun Woo", "Mei Ling", "Nikolai",
]
FAMILY = [
    "Okafor", "Mensah", "Diallo", "Moyo", "Kim", "Park", "Lee", "Tanaka", "Suzuki", "Ito",
    "Zhang", "Wang", "Sharma", "Iyer", "Ivanova", "Petrov", "Nowak", "Kowalski", "Popescu",
    "García", "Fernández", "Silva", "Oliveira", "Dubois", "Müller", "Jansen", "Hansen",
    "Al-Sayed", "Haddad", "Nwosu", "Tupou", "Nair", "Choi", "Chen", "Sokolov", "de la Cruz",
]
ORGS = [
    "Kyoto University", "UNESCO", "Internet Society", "Ministry of ICT", "Access Now",
    "ICANN", "University of Lagos", "KAIST", "Fundação Getulio Vargas", "Google",
    "Article 19", "APNIC", "University of Edinburgh", "JICA", "Council of Europe",
]


@dataclass(frozen=True)
class Mention:
    name: str
    affiliation: str | None
    document: str


@dataclass(frozen=True)
class LabelledPair:
    a: Mention
    b: Mention
    same: bool
    kind: str


def _strip_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(token: str, i: int) -> str:
    """A one-letter typo: substitute a vowel, or double a consonant."""
    for j in range(len(token) - 2, 0, -1):
        if token[j] in "aeiou":
            replacement = "u" if token[j] != "u" else "a"
            return token[:j] + replacement + token[j + 1:]
    return token + token[-1]


def labelled_pairs() -> list[LabelledPair]:
    """The labelled set (deterministic, over 200 pairs)."""
    pairs: list[LabelledPair] = []
    people = [(g, f) for i, g in enumerate(GIVEN) for f in FAMILY[i % 7::9]][:60]
    for i, (given, family) in enumerate(people):
        org = ORGS[i % len(ORGS)]
        other_org = ORGS[(i + 5) % len(ORGS)]
        full = f"{given} {family}"
        doc_a, doc_b = f"doc{i:03d}a", f"doc{i:03d}b"
        pairs.append(LabelledPair(Mention(full, org, doc_a), Mention(full.upper(), None, doc_b), True, "letter case"))
        pairs.append(LabelledPair(Mention(full, org, doc_a), Mention(f"{family.upper()} {given}", org, doc_b), True,
                                  "family name first, same affiliation"))
        if _strip_accents(full) != full:
            pairs.append(LabelledPair(Mention(full, org, doc_a), Mention(_strip_accents(full), org, doc_b), True,
                                      "diacritics dropped"))
        long_token = max(full.split(), key=len)
        if len(long_token) >= 5:
            typo = full.replace(long_token, _typo(long_token, i), 1)
            pairs.append(LabelledPair(Mention(full, org, doc_a), Mention(typo, org, doc_b), True,
                                      "one-letter typo, same affiliation"))
            pairs.append(LabelledPair(Mention(full, org, doc_a), Mention(typo, other_org, doc_b), False,
                                      "one letter apart, different affiliation"))
        pairs.append(LabelledPair(Mention(full, org, doc_a), Mention(f"{family} {given}", other_org, doc_b), False,
                                  "same tokens in another order, different affiliation"))
        pairs.append(LabelledPair(Mention(full, org, doc_a), Mention(f"{given[0]}. {family}", org, doc_b), False,
                                  "initial vs full given name"))
        other_given = GIVEN[(GIVEN.index(given) + 3) % len(GIVEN)]
        pairs.append(LabelledPair(Mention(full, org, doc_a), Mention(f"{other_given} {family}", org, doc_b), False,
                                  "shared family name, same institution"))
    # Drift the rules deliberately do not cover (counted as misses, not hidden).
    nicknames = [("William", "Bill"), ("Robert", "Bob"), ("Elizabeth", "Liz"), ("Alexander", "Alex"),
                 ("Margaret", "Peggy"), ("Katherine", "Kate"), ("Jonathan", "Jon"), ("Alejandro", "Alex")]
    for i, (formal, nickname) in enumerate(nicknames):
        family, org = FAMILY[i * 3 % len(FAMILY)], ORGS[i % len(ORGS)]
        pairs.append(LabelledPair(Mention(f"{formal} {family}", org, f"nick{i}a"),
                                  Mention(f"{nickname} {family}", org, f"nick{i}b"), True, "nickname"))
    for i, (given, family) in enumerate(people[:12]):
        token = max(f"{given} {family}".split(), key=len)
        if len(token) >= 5:
            full = f"{given} {family}"
            pairs.append(LabelledPair(Mention(full, ORGS[i % len(ORGS)], f"bare{i}a"),
                                      Mention(full.replace(token, _typo(token, i), 1), None, f"bare{i}b"), True,
                                      "one-letter typo, no affiliation on one page"))
    for i, (joined, split) in enumerate([("Xiaofeng Tao", "Xiao Feng Tao"), ("Jiwoo Park", "Ji Woo Park"),
                                         ("Meiling Chen", "Mei Ling Chen"), ("Hyunwoo Choi", "Hyun Woo Choi")]):
        org = ORGS[(i + 2) % len(ORGS)]
        pairs.append(LabelledPair(Mention(joined, org, f"split{i}a"), Mention(split, org, f"split{i}b"), True,
                                  "given name written joined or split"))
    for i, (a, b) in enumerate([("Mohammed Haddad", "Mohamed Haddad"), ("Olga Ivanova", "Olga Ivanowa"),
                                ("Katarzyna Nowak", "Katarzina Nowak"), ("Dmitri Sokolov", "Dmitriy Sokolov")]):
        org = ORGS[(i + 4) % len(ORGS)]
        pairs.append(LabelledPair(Mention(a, org, f"tr{i}a"), Mention(b, org, f"tr{i}b"), True,
                                  "transliteration, one letter, same affiliation"))
    return pairs
