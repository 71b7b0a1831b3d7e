"""Hand-written occupation material for the demo labour market."""

from __future__ import annotations

from demo.content.care import CARE
from demo.content.crafts import CRAFTS
from demo.content.engineering import ENGINEERING
from demo.content.finance import FINANCE
from demo.content.model import Occupation, PastRole, Province
from demo.content.office import OFFICE
from demo.content.sales import SALES
from demo.content.services import SERVICES
from demo.content.software import SOFTWARE
from demo.content.transport import TRANSPORT

OCCUPATIONS: tuple[Occupation, ...] = (
    SOFTWARE + FINANCE + TRANSPORT + SALES + OFFICE + ENGINEERING + CRAFTS + SERVICES + CARE
)

# Occupation families that the ranker's acceptance tests rely on.
FAMILIES: dict[str, tuple[str, ...]] = {
    "software": ("2512", "2513", "2514"),
    "accounting": ("2411", "3313", "4311"),
    "driving": ("8322", "8332"),
}

__all__ = ["FAMILIES", "OCCUPATIONS", "Occupation", "PastRole", "Province"]
