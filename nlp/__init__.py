"""Persian text processing for karyab: normalisation, job-title parsing and tokenization.

Importing the package is cheap; hazm's word lists are loaded on first use (see
:mod:`nlp.lexicon`).
"""

from nlp.normalize import NormalizerConfig, PersianNormalizer, normalize
from nlp.titles import JobTitleParser, ParsedTitle, parse_job_title
from nlp.tokenize import content_tokens, tokenize

__all__ = [
    "JobTitleParser",
    "NormalizerConfig",
    "ParsedTitle",
    "PersianNormalizer",
    "content_tokens",
    "normalize",
    "parse_job_title",
    "tokenize",
]
