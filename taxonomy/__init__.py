"""Occupation and skills taxonomies: ISCO-08 with Persian titles, and the Persian title index.

Data files live in ``taxonomy/data`` (see its README for sources and attribution).
"""

from taxonomy.isco import IscoGroup, IscoTaxonomy, load_isco
from taxonomy.titles import TitleEntry, load_title_index

__all__ = ["IscoGroup", "IscoTaxonomy", "TitleEntry", "load_isco", "load_title_index"]
