"""Small Persian text helpers used while composing demo documents."""

from __future__ import annotations

from random import Random

LATIN_DIGITS = "0123456789"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"


def join_fa(items: list[str]) -> str:
    """Join items the Persian way: ``"الف، ب و ج"``."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return "، ".join(items[:-1]) + " و " + items[-1]


def join_list(items: list[str], rng: Random) -> str:
    """Join items with one of the separators seen in form-like ads."""
    sep = rng.choice(("، ", "، ", ", ", " - ", " / ", "، "))
    return sep.join(items)


def pick_form(skill: str, rng: Random) -> str:
    """Pick one spelling of a skill written as ``"form1|form2|..."``."""
    return rng.choice(skill.split("|"))


def is_latin_start(text: str) -> bool:
    """Whether the text starts with a Latin letter (an English-language title)."""
    return bool(text) and text[0].isascii() and text[0].isalpha()


def fa_number(value: int) -> str:
    """Write a small count as a Persian word where ads usually do (1-3), else as digits."""
    words = {1: "یک", 2: "دو", 3: "سه"}
    return words.get(value, str(value))


def pick_some(pool: tuple[str, ...], rng: Random, low: int, high: int) -> list[str]:
    """Sample between ``low`` and ``high`` distinct items of ``pool`` (fewer if it is small)."""
    if not pool:
        return []
    k = rng.randint(min(low, len(pool)), min(high, len(pool)))
    return rng.sample(list(pool), k)


_CREDENTIAL_WORDS = ("گواهینامه", "گواهی", "کارت", "پروانه", "مدرک")


def is_credential(name: str) -> bool:
    """Whether a skill name is really a licence or certificate (written «دارا بودن ...»)."""
    return name.split(" ", 1)[0] in _CREDENTIAL_WORDS


def merge_credentials(chosen: list[str], extra: list[str]) -> list[str]:
    """Credentials among ``chosen`` plus those of ``extra`` that are not the same kind.

    Two credentials are the same kind when their first two words agree, so «گواهینامه پایه ۲»
    and «گواهینامه پایه دو» are not both mentioned.
    """
    found = [c for c in chosen if is_credential(c)]
    kinds = {tuple(c.split()[:2]) for c in found}
    for cred in extra:
        if tuple(cred.split()[:2]) not in kinds:
            found.append(cred)
            kinds.add(tuple(cred.split()[:2]))
    return found
