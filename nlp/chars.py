"""Character classes shared by the normaliser, the title parser and the tokenizer.

Only immutable string constants live here: each is meant to be dropped into a regular
expression character class (``f"[{PERSIAN_LETTERS}]"``).
"""

from __future__ import annotations

ZWNJ = "\u200c"
"""Zero-width non-joiner (نیم‌فاصله)."""

KASHIDA = "\u0640"
"""Arabic tatweel (ـ), used only to stretch words."""

PERSIAN_LETTERS = (
    "\u0621-\u063a"  # ء آ أ ؤ إ ئ ا ب ة ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ
    "\u0641-\u064a"  # ف ق ك ل م ن ه و ى ي
    "\u067e\u0686\u0698\u06a9\u06af\u06cc\u06c0"  # پ چ ژ ک گ ی ۀ
)
"""Letters of Persian text (with the Arabic forms the normaliser unifies)."""

NON_JOINING_LETTERS = "اآأإٱدذرزژوؤءة"
"""Letters that never join the following letter; a ZWNJ after them has no visual effect."""

DIACRITICS = "\u064b-\u065f\u0670"
"""Tanwin, fatha, damma, kasra, shadda, sukun, maddah/hamza marks and superscript alef."""

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"
ANY_DIGIT = "0-9\u06f0-\u06f9\u0660-\u0669"
"""Latin, Persian (extended Arabic-Indic) and Arabic-Indic digits."""

LATIN_ALNUM = "A-Za-z0-9"

# Arabic letters and variants written for Persian ones (one letter per sound); the
# normaliser applies it, and searches that cannot normalise their column fold with it.
LETTER_VARIANTS = {
    "ي": "ی", "ى": "ی", "ې": "ی", "ێ": "ی", "ۍ": "ی", "ے": "ی", "ۓ": "ی", "ۑ": "ی",
    "ك": "ک", "ڪ": "ک",
    "ة": "ه", "ۀ": "ه", "ە": "ه", "ھ": "ه", "ہ": "ه", "ۂ": "ه", "ۃ": "ه",
    "أ": "ا", "إ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ؤ": "و",
}  # fmt: skip
