"""The learned re-ranker: gradient-boosted trees over the pair features of
:mod:`matching.features`, fitted to graded relevance (pointwise regression of the grade).

Trees, not a linear model, because fit is a product of conditions (a perfect skill match in
another province is not half a match) and trees learn such interactions from the grades.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.ensemble import HistGradientBoostingRegressor

from matching.features import FEATURES

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1


class RankerModelError(RuntimeError):
    """A saved ranker cannot be used (other format or other features)."""


class LearnedRanker:
    """scikit-learn style: ``fit(X, y)`` returns self; learned state ends in ``_``."""

    def __init__(
        self,
        *,
        max_iter: int = 200,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        min_samples_leaf: int = 40,
        random_state: int = 0,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state

    def fit(
        self,
        features: npt.NDArray[np.float32],
        grades: npt.NDArray[np.float64],
        *,
        metadata: dict[str, Any] | None = None,
    ) -> LearnedRanker:
        if features.shape[1] != len(FEATURES):
            raise ValueError(f"expected {len(FEATURES)} feature columns, got {features.shape[1]}")
        model = HistGradientBoostingRegressor(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            early_stopping=False,
            random_state=self.random_state,
        )
        # A feature no training pair has (no occupation coder: no occupation level) is
        # constant for the trees; scikit-learn's binning refuses an all-NaN column.
        features = np.where(np.isnan(features).all(axis=0), 0.0, features).astype(np.float32)
        model.fit(features, grades)
        self.model_ = model
        self.feature_names_ = FEATURES
        self.metadata_ = dict(metadata or {})
        return self

    def predict(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        if not len(features):
            return np.zeros(0, dtype=np.float64)
        return np.asarray(self.model_.predict(features), dtype=np.float64)

    def save(self, path: Path) -> None:
        """Pickle atomically: a reader never sees half a model."""
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": FORMAT_VERSION, "features": FEATURES, "ranker": self}
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> LearnedRanker:
        # Only files this project wrote into its own models folder are read here.
        with path.open("rb") as handle:
            payload = pickle.load(handle)
        if not isinstance(payload, dict) or payload.get("version") != FORMAT_VERSION:
            raise RankerModelError(f"{path} holds a ranker of another format")
        if tuple(payload.get("features", ())) != FEATURES:
            raise RankerModelError(f"{path} was trained on other features")
        ranker = payload["ranker"]
        if not isinstance(ranker, cls):
            raise RankerModelError(f"{path} does not hold a LearnedRanker")
        return ranker
