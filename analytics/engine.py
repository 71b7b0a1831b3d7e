"""Analytics over a store, for the API and the CLI: facts read once per store generation."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from analytics.build import AnalyticsRules, build_report, load_market_facts
from analytics.emerging import PhraseEmbedder
from analytics.facts import MarketFacts, Window
from analytics.labels import Labels
from analytics.model import SkillReport
from nlp.normalize import normalize
from storage.sql_store import SqlStore
from taxonomy.courses import CourseCatalogue

logger = logging.getLogger(__name__)

CACHED_REPORTS = 16


class UnknownProvinceError(ValueError):
    """A province no stored vacancy or jobseeker is in."""


class SkillAnalytics:
    """Reports over the live and archived records of one store.

    Facts are re-read only when the store has changed since the last read, and the last few
    reports are kept, so the analyst page can ask for one table after another cheaply.
    """

    def __init__(
        self,
        store: SqlStore,
        labels: Labels,
        courses: CourseCatalogue | None,
        *,
        embed: PhraseEmbedder | None = None,
        rules: AnalyticsRules | None = None,
    ) -> None:
        self.store = store
        self.labels = labels
        self.courses = courses
        self.embed = embed
        self.rules = rules or AnalyticsRules()
        self._lock = threading.Lock()
        self._facts: tuple[int, MarketFacts] | None = None
        self._reports: OrderedDict[tuple[int, Window], SkillReport] = OrderedDict()

    def facts(self) -> MarketFacts:
        with self._lock:
            generation = self.store.generation()
            if self._facts is None or self._facts[0] != generation:
                self._facts = (generation, load_market_facts(self.store))
                self._reports.clear()
            return self._facts[1]

    def provinces(self) -> list[str]:
        facts = self.facts()
        names = set(facts.vacancies.records["province"]) | set(facts.jobseekers.records["province"])
        return sorted(name for name in names if name)

    def resolve(self, window: Window) -> Window:
        """``window`` with its province spelled as stored (Arabic ي/ك, ZWNJ and spacing
        variants accepted); :class:`UnknownProvinceError` when no record is there."""
        if not window.province:
            return window
        known = {normalize(name).replace(" ", ""): name for name in self.provinces()}
        name = known.get(normalize(window.province).replace(" ", ""))
        if name is None:
            raise UnknownProvinceError(
                f"no vacancies or jobseekers in province {window.province!r}; "
                f"known: {'، '.join(self.provinces())}"
            )
        return Window(window.first_month, window.last_month, name)

    def report(self, window: Window, *, show_progress: bool = False) -> SkillReport:
        window = self.resolve(window)
        facts = self.facts()
        with self._lock:
            assert self._facts is not None
            key = (self._facts[0], window)
            if key in self._reports:
                self._reports.move_to_end(key)
                return self._reports[key]
        report = build_report(
            facts,
            window,
            self.labels,
            self.courses,
            embed=self.embed,
            rules=self.rules,
            show_progress=show_progress,
        )
        with self._lock:
            self._reports[key] = report
            while len(self._reports) > CACHED_REPORTS:
                self._reports.popitem(last=False)
        return report
