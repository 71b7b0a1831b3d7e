"""Persian and English names of skills and ISCO groups for report tables."""

from __future__ import annotations

from dataclasses import dataclass

from taxonomy.isco import IscoTaxonomy
from taxonomy.skills import SkillTaxonomy


@dataclass(frozen=True)
class Labels:
    skills: SkillTaxonomy
    isco: IscoTaxonomy

    def skill_fa(self, skill_id: str) -> str:
        return self.skills.get(skill_id).label_fa if skill_id in self.skills else skill_id

    def skill_en(self, skill_id: str) -> str:
        return self.skills.get(skill_id).label_en if skill_id in self.skills else skill_id

    def isco_fa(self, code: str) -> str:
        return self.isco.get(code).title_fa if code in self.isco else code
