"""Rewriting and testing the texts of a column, once per distinct text.

Window titles and labels repeat: a table of a million events holds a few thousand
distinct texts, so every rewrite factorizes the column and works on those.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase

import numpy as np
import pandas as pd

from discover.privacy._secret import pseudonymise_user

Rewrite = Callable[[str], tuple[str, int]]

_MIN_USER_NAME = 3
#: Values shorter than this are not looked for in other text (too many false hits).
MIN_ECHO = 4
#: Values longer than this are not looked for either (free text, not an id).
MAX_ECHO = 200
#: The placeholder of a typed or copied value found again in a title or label.
ECHO_PLACEHOLDER = "<value>"
#: Characters that make a word: a value is not found next to one (as the
#: ``(?<![A-Za-z0-9])`` of the name and user patterns).
_WORD_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)
#: The placeholder of a name from the policy's ``names_file``.
NAME_PLACEHOLDER = "<name>"


def glob_rows(series: pd.Series, patterns: tuple[str, ...]) -> np.ndarray:
    """Rows whose text matches one of `patterns` (fnmatch, case-insensitive)."""
    lowered = tuple(p.lower() for p in patterns)
    return check_texts(
        series, lambda text: any(fnmatchcase(text.lower(), p) for p in lowered)
    )


def search_rows(series: pd.Series, pattern: re.Pattern[str]) -> np.ndarray:
    """Rows whose text `pattern` finds something in."""
    return check_texts(series, lambda text: pattern.search(text) is not None)


def check_texts(series: pd.Series, test: Callable[[str], bool]) -> np.ndarray:
    """`test` of each row's text (False where missing), run once per distinct text."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        # a compact table: the categories are the distinct texts already
        codes = np.asarray(series.array.codes)
        verdicts = [test(str(text)) for text in series.array.categories]
        return np.append(np.array(verdicts, dtype=bool), False)[codes]
    values = series.to_numpy(dtype=object)
    present = pd.notna(values)
    result = np.zeros(len(values), dtype=bool)
    if present.any():
        codes, uniques = pd.factorize(values[present])
        verdicts = np.array([test(str(text)) for text in uniques], dtype=bool)
        result[present] = verdicts[codes]
    return result


def rewrite_texts(series: pd.Series, change: Rewrite) -> tuple[pd.Series, int]:
    """Apply `change` (text -> (text, findings)) per distinct text; total findings."""
    new, found = rewrite_texts_counted(series, lambda text: _as_counter(change(text)))
    return new, found.get("", 0)


def _as_counter(result: tuple[str, int]) -> tuple[str, dict[str, int]]:
    text, n = result
    return text, {"": n} if n else {}


def rewrite_texts_counted(
    series: pd.Series, change: Callable[[str], tuple[str, dict[str, int]]]
) -> tuple[pd.Series, Counter]:
    """Apply `change` to each distinct text of `series`; counts weighted by rows.

    A categorical `series` stays categorical: its categories are rewritten (texts
    that become equal merge) and no clear text survives as an unused category.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        return _rewrite_categories(series, change)
    values = series.to_numpy(dtype=object).copy()
    present = pd.notna(values)
    total: Counter = Counter()
    if present.any():
        codes, uniques = pd.factorize(values[present])
        n_rows = np.bincount(codes, minlength=len(uniques))
        new = np.empty(len(uniques), dtype=object)
        for index, text in enumerate(uniques):
            changed, found = change(str(text))
            new[index] = changed if (found or changed != str(text)) else text
            for name, n in found.items():
                total[name] += n * int(n_rows[index])
        values[present] = new[codes]
    return pd.Series(values, index=series.index, dtype=object), total


def _rewrite_categories(
    series: pd.Series, change: Callable[[str], tuple[str, dict[str, int]]]
) -> tuple[pd.Series, Counter]:
    categorical = series.array
    codes = np.asarray(categorical.codes)
    n_rows = np.bincount(codes[codes >= 0], minlength=len(categorical.categories))
    total: Counter = Counter()
    new = np.empty(len(categorical.categories), dtype=object)
    for index, text in enumerate(categorical.categories):
        if not n_rows[index]:
            new[index] = None  # unused: dropped below, never kept in clear
            continue
        changed, found = change(str(text))
        new[index] = changed if (found or changed != str(text)) else text
        for name, n in found.items():
            total[name] += n * int(n_rows[index])
    merged, uniques = pd.factorize(new)  # None (unused) -> -1
    remap = np.append(merged, -1)
    rewritten = pd.Categorical.from_codes(
        remap[codes], categories=pd.Index(uniques, dtype=object)
    )
    return pd.Series(rewritten, index=series.index), total


def user_name_rewriter(names: Iterable[str], secret: bytes) -> Rewrite:
    """A function that replaces the user `names` in a text by their pseudonyms.

    Names shorter than three characters are left alone (too many false hits);
    matching ignores case and needs a non-alphanumeric character (or the end) on
    both sides, so ``anna.schmidt`` is found in ``C:\\Users\\anna.schmidt``.

    >>> rewrite = user_name_rewriter(["anna.schmidt"], b"k")
    >>> rewrite("C:/Users/Anna.Schmidt/cards.xlsx")
    ('C:/Users/user-9506d7d2ea/cards.xlsx', 1)
    """
    long_names = {n for n in names if len(n) >= _MIN_USER_NAME}
    if not long_names:
        return lambda text: (text, 0)
    pattern = re.compile(_bounded(_trie_pattern(long_names)), re.IGNORECASE)
    lookup = {name.lower(): pseudonymise_user(name, secret) for name in long_names}

    def rewrite(text: str) -> tuple[str, int]:
        return pattern.subn(lambda m: lookup.get(m.group().lower(), "<user>"), text)

    return rewrite


def names_rewriter(names: Iterable[str]) -> Rewrite:
    """A function that replaces the listed `names` in a text by ``<name>``.

    Case is ignored; a name is not found inside a longer word.

    >>> rewrite = names_rewriter(["Jonas Weber", "Kestrel Druck KG"])
    >>> rewrite("Re: Angebot - jonas weber, Kestrel Druck KG")
    ('Re: Angebot - <name>, <name>', 2)
    """
    wanted = {n.strip() for n in names if n.strip()}
    if not wanted:
        return lambda text: (text, 0)
    pattern = re.compile(_bounded(_trie_pattern(wanted)), re.IGNORECASE)
    return lambda text: pattern.subn(NAME_PLACEHOLDER, text)


def echo_rewriter(values: Iterable[str]) -> Rewrite:
    """A function that replaces recorded `values` found in other text by ``<value>``.

    A value typed into a form often shows up again: in the window title of the
    record it opened, in a list item, in a URL. Values are stripped; those of
    :data:`MIN_ECHO` to :data:`MAX_ECHO` characters are looked for, case-sensitive,
    not inside a longer word or number.

    >>> rewrite = echo_rewriter(["R-2026-62315", "ok"])
    >>> rewrite("Rechnung R-2026-62315 - Kestrel; ok")
    ('Rechnung <value> - Kestrel; ok', 1)
    """
    wanted = {v.strip() for v in values}
    wanted = frozenset(v for v in wanted if MIN_ECHO <= len(v) <= MAX_ECHO)
    if not wanted:
        return lambda text: (text, 0)
    # A set, not one regular expression: a log of millions of events holds
    # hundreds of thousands of distinct values, and their trie pattern costs
    # gigabytes and minutes to compile. Candidates are the spans between word
    # boundaries, so a text costs (its boundaries)^2 set lookups at most.
    longest = max(len(v) for v in wanted)

    def rewrite(text: str) -> tuple[str, int]:
        breaks = [k for k, char in enumerate(text) if char not in _WORD_CHARS]
        ends = [*breaks, len(text)]  # (?![A-Za-z0-9]) holds at these
        pieces: list[str] = []
        cursor = found = 0
        for start in (0, *(k + 1 for k in breaks)):  # (?<![A-Za-z0-9])
            if start < cursor:
                continue
            low = bisect_left(ends, start + MIN_ECHO)
            high = bisect_right(ends, start + longest)
            for end in reversed(ends[low:high]):  # longest first, as the regex
                if text[start:end] in wanted:
                    pieces += (text[cursor:start], ECHO_PLACEHOLDER)
                    cursor, found = end, found + 1
                    break
        if not found:
            return text, 0
        pieces.append(text[cursor:])
        return "".join(pieces), found

    return rewrite


def _bounded(body: str) -> str:
    # Not inside a longer word or number: "4711" is not hidden in "47110".
    return f"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])"


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression for many literal words, shaped as their prefix trie.

    An alternation of thousands of words is tried word by word at each position;
    the trie shares prefixes, so a position costs the length of the longest match.
    Longer words win: each optional tail is greedy.

    >>> _trie_pattern(["abc", "abd", "ab"])
    'ab(?:c|d)?'
    """
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    # Built bottom-up without recursion: values may be hundreds of characters long.
    order: list[dict] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(child for key, child in node.items() if key)
    built: dict[int, str] = {}
    for node in reversed(order):
        branches = [
            re.escape(char) + built[id(child)]
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            built[id(node)] = ""
        elif len(branches) == 1 and "" not in node:
            built[id(node)] = branches[0]
        else:
            body = "(?:" + "|".join(branches) + ")"
            built[id(node)] = body + "?" if "" in node else body
    return built[id(root)]
