"""Person-name keys and comparisons, shared by the parser (one page) and the
resolver (the whole corpus). Pure functions over strings.

>>> name_tokens("Aurélie  JACQUET")
('aurelie', 'jacquet')
>>> bag_key("Ke GONG") == bag_key("Gong Ke")
True
>>> edit_distance_at_most_one("takayaki", "takayuki")
True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_NAME_CHARS = re.compile(r"[^\w\s'-]", re.UNICODE)
_SEPARATORS = re.compile(r"[\s'\-_.]+")


# Letters with no NFKD decomposition, as pages write them without diacritics (`Bjørn` / `Bjorn`).
_UNDECOMPOSED = str.maketrans({"ı": "i", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
                               "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"})


def fold(text: str) -> str:
    """Case-folded, diacritics removed (`Fundação` -> `fundacao`, `Yılmaz` -> `yilmaz`)."""
    if text.isascii():
        return text.lower()  # the same result, without decomposing letter by letter
    return _fold_unicode(text)


@lru_cache(maxsize=1 << 16)
def _fold_unicode(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Pages and the resolver ask for the same names' tokens many times (a pure function, so cached).
@lru_cache(maxsize=1 << 16)
def name_tokens(name: str) -> tuple[str, ...]:
    """The name's tokens, folded, punctuation and hyphens dropped, in order."""
    cleaned = _NON_NAME_CHARS.sub(" ", fold(name))
    return tuple(t for t in _SEPARATORS.split(cleaned) if t)


def ordered_key(name: str) -> str:
    """Key that survives case, diacritics and punctuation, but not name order."""
    return " ".join(name_tokens(name))


def bag_key(name: str) -> str:
    """Key that also survives name order (`Gong Ke` == `Ke GONG`)."""
    return " ".join(sorted(name_tokens(name)))


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion,
    substitution or transposition of adjacent letters."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1:]


# A typo is told apart from another name only in a token this long (`Li Wei` / `Li Wen` are two people).
TYPO_TOKEN_LENGTH = 4


def one_token_typo(a: str, b: str, *, min_token_length: int = TYPO_TOKEN_LENGTH) -> bool:
    """True when the two names have the same tokens (in any order) but for one
    token pair at edit distance one, and that token is long enough for a typo
    to be told apart from a different name (`Takayaki Ito` ~ `Takayuki Ito`,
    not `Li Wei` ~ `Li Wen`)."""
    ta, tb = sorted(name_tokens(a)), sorted(name_tokens(b))
    if len(ta) != len(tb) or len(ta) < 2 or ta == tb:
        return False
    only_a = [t for t in ta if t not in tb]
    only_b = [t for t in tb if t not in ta]
    if len(only_a) != 1 or len(only_b) != 1:
        return False
    x, y = only_a[0], only_b[0]
    return min(len(x), len(y)) >= min_token_length and edit_distance_at_most_one(x, y)


def typo_block_keys(name: str, *, min_token_length: int = TYPO_TOKEN_LENGTH) -> list[str]:
    """Blocking keys such that two names that `one_token_typo` accepts share
    at least one key (symmetric-delete on each token, the others kept as
    they are). Lets the resolver compare only names in a common block. Only
    tokens that can be the typo have keys (as long as `one_token_typo`'s
    `min_token_length`, in a name of two tokens or more).

        >>> typo_block_keys("Li Wenjie")[:3]
        ['2|li|enjie', '2|li|wejie', '2|li|wenie']
    """
    tokens = sorted(name_tokens(name))
    keys = []
    if len(tokens) < 2:
        return keys
    for i, token in enumerate(tokens):
        if len(token) < min_token_length:
            continue
        rest = " ".join(tokens[:i] + tokens[i + 1:])
        variants = {token} | {token[:j] + token[j + 1:] for j in range(len(token))}
        keys.extend(f"{len(tokens)}|{rest}|{v}" for v in sorted(variants))
    return keys
