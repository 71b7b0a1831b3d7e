"""Latin lower-casing that keeps technical names canonical.

Choice: every Latin letter is lower-cased (``Python`` → ``python``, ``ASP.NET Core`` →
``asp.net core``, ``ICDL`` → ``icdl``, ``R`` → ``r``, ``Go`` → ``go``), because downstream
matching compares lower-case strings; there is no list of names kept in capitals.
Punctuation inside names is never touched here or by any other step, so ``C#`` → ``c#``,
``C++`` → ``c++``, ``.NET`` → ``.net``, ``Node.js`` → ``node.js``, ``Objective-C`` →
``objective-c``. A small table (``data/technical_names.tsv``) then rewrites common
spelling variants to one canonical form: ``NodeJS`` → ``node.js``, ``CSharp`` → ``c#``,
``dotnet`` → ``.net``.

URLs are left exactly as written (their paths can be case-sensitive); e-mail addresses are
lower-cased.
"""

from __future__ import annotations

import re

from nlp.datafiles import read_lines

_URL = r"((?i:https?://|ftp://|www\.)\S+)"
_URL_OR_UPPER = re.compile(f"{_URL}|[A-Z]+")
_LEFT_EDGE = r"(?<![A-Za-z0-9#+_.\-])"
_RIGHT_EDGE = r"(?![A-Za-z0-9#+_\-]|\.[A-Za-z0-9])"


def _lower_match(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return match.group()
    return match.group().lower()


def lowercase(text: str) -> str:
    """Lower-case Latin letters outside URLs.

    >>> lowercase("Senior C# / .NET Developer https://Example.com/Jobs")
    'senior c# / .net developer https://Example.com/Jobs'
    """
    return _URL_OR_UPPER.sub(_lower_match, text)


class TechnicalNameCanonicalizer:
    """Callable that lower-cases Latin text and rewrites technical-name variants.

    The variant table is read from ``data/technical_names.tsv`` once, in the constructor.
    """

    def __init__(self) -> None:
        table: dict[str, str] = {}
        for line in read_lines("technical_names.tsv"):
            variant, canonical = line.split("\t")
            table[variant.strip().lower()] = canonical.strip()
        self.table = table
        variants = sorted(table, key=len, reverse=True)
        alternatives = "|".join(re.escape(v).replace(r"\ ", " +") for v in variants)
        # The regex engine tries every alternative at every position; a text is mostly
        # Persian, so first check that a match could start here at all (3× faster).
        starts = sorted({v[0] for v in variants} | {"h", "f", "w"})
        first = "".join(re.escape(c) for c in starts)
        self._pattern = re.compile(
            f"(?=[{first}])(?:{_URL}|{_LEFT_EDGE}(?:{alternatives}){_RIGHT_EDGE})", re.IGNORECASE
        )

    def __call__(self, text: str) -> str:
        text = lowercase(text)
        return self._pattern.sub(self._canonical, text)

    def _canonical(self, match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group()
        key = " ".join(match.group().lower().split())
        return self.table.get(key, match.group())
