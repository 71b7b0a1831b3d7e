"""A static (lookup-table) encoder distilled offline from the project's e5 model.

e5 runs about 40 short segments a second on two cores: too slow for mining every sentence of
every ad. Following model2vec's recipe (its distillation extra pins an older transformers, so
the few steps are done here), each vocabulary token is passed through e5 on its own
(``[CLS] token [SEP]``), its output vector is reduced with PCA, scaled to unit length and
weighted down for frequent tokens (SIF, with frequency read from the SentencePiece rank).
On the task of finding a skill from one of its alternative labels among 3,179 preferred
labels this reaches recall@1 0.42 and @5 0.64, against 0.54/0.77 for e5 itself and
0.35/0.63 for character TF-IDF. A text is then the weighted mean of its tokens' rows:
thousands of texts a second, good enough to rank skill labels against a sentence.

Only tokens made of Persian/Arabic or Latin letters, digits and common symbols are kept: the
rest of XLM-R's 250k pieces (CJK, Cyrillic, ...) never occur in Iranian ads. Given a corpus
(hazm's Persian lexicon and the taxonomies' labels), only the pieces that corpus uses are
distilled: about a third of the Latin/Persian pieces, and a third of the time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.encoder import TextKind, _no_texts, _unit_rows

logger = logging.getLogger(__name__)

STATIC_DIM = 256
STATIC_FOLDER = "e5-static"
RECIPE = "token-output-pca256-unit-sif"
_KEEP_TOKEN = re.compile(r"^▁?[\u0600-\u06FFa-zA-Z0-9#+.\-_/&]+$")
_SIF_A = 1e-3


class StaticEncoder:
    """Weighted mean of distilled token vectors; implements :class:`models.encoder.Encoder`."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        data = np.load(folder / "embeddings.npz")
        self._rows = data["rows"].astype(np.float32)
        self._row_of = data["row_of"].astype(np.int64)
        meta = json.loads((folder / "static.json").read_text(encoding="utf-8"))
        self._name = f"static:{meta['source']}"

    @property
    def dim(self) -> int:
        return int(self._rows.shape[1])

    @property
    def name(self) -> str:
        return self._name

    def encode(
        self,
        texts: Sequence[str],
        kind: TextKind,
        *,
        batch_size: int = 256,
        show_progress: bool = False,
    ) -> np.ndarray:
        # The static model is symmetric: ``kind`` only matters to e5's prefixes.
        if _no_texts(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        for i, encoding in enumerate(encodings):
            rows = self._row_of[np.asarray(encoding.ids, dtype=np.int64)]
            rows = rows[rows >= 0]
            if rows.size:
                out[i] = self._rows[rows].sum(axis=0)
        return _unit_rows(out)


def corpus_token_ids(e5_folder: Path, corpus: Iterable[str]) -> list[int]:
    """Vocabulary ids the corpus uses, among the Latin/Persian pieces."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(e5_folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    texts = list(corpus)
    used: set[int] = set()
    for start in range(0, len(texts), 4096):
        for encoding in tokenizer.encode_batch(
            texts[start : start + 4096], add_special_tokens=False
        ):
            used.update(encoding.ids)
    vocab = tokenizer.get_vocab()
    return sorted(i for piece, i in vocab.items() if i in used and _KEEP_TOKEN.match(piece))


def _ids_digest(ids: Sequence[int]) -> str:
    return hashlib.sha256(np.asarray(ids, dtype=np.int64).tobytes()).hexdigest()[:16]


def distill_static(
    e5_folder: Path,
    out: Path,
    *,
    token_ids: Sequence[int] | None = None,
    corpus_digest: str | None = None,
    batch_size: int = 512,
) -> Path:
    """Write the static model for ``e5_folder`` into ``out`` (atomically); returns ``out``.

    ``token_ids`` restricts the vocabulary (see :func:`corpus_token_ids`); by default every
    Latin/Persian piece is distilled.
    """
    import torch
    from sentence_transformers import SentenceTransformer
    from tqdm.auto import tqdm

    model = SentenceTransformer(str(e5_folder), device="cpu")
    tokenizer = model.tokenizer
    vocab: dict[str, int] = tokenizer.get_vocab()
    if token_ids is not None:
        keep = sorted(set(token_ids))
    else:
        keep = sorted(i for piece, i in vocab.items() if _KEEP_TOKEN.match(piece))
    logger.info("distilling %d of %d vocabulary tokens", len(keep), len(vocab))

    transformer: Any = model[0].auto_model
    transformer.eval()
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    vectors = np.zeros((len(keep), transformer.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in tqdm(range(0, len(keep), batch_size), desc="distilling tokens"):
            ids = keep[start : start + batch_size]
            batch = torch.tensor([[cls_id, i, sep_id] for i in ids])
            hidden = transformer(input_ids=batch, attention_mask=torch.ones_like(batch))[0]
            vectors[start : start + len(ids)] = hidden[:, 1].numpy()

    from sklearn.decomposition import PCA

    dim = min(STATIC_DIM, len(keep) - 1)  # a tiny test vocabulary has fewer rows
    reduced = PCA(n_components=dim, random_state=0).fit_transform(vectors)
    # SentencePiece ids grow roughly with falling frequency: a Zipf estimate of p(token).
    ranks = np.asarray(keep, dtype=np.float64)
    probability = 1.0 / (ranks + 10.0)
    probability /= probability.sum()
    weights = _SIF_A / (_SIF_A + probability)
    rows = (_unit_rows(reduced.astype(np.float32)) * weights[:, None]).astype(np.float32)
    row_of = np.full(len(vocab) + 1, -1, dtype=np.int32)
    row_of[np.asarray(keep)] = np.arange(len(keep), dtype=np.int32)

    out.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=".static-", dir=out.parent))
    try:
        np.savez(workdir / "embeddings.npz", rows=rows, row_of=row_of)
        shutil.copy(e5_folder / "tokenizer.json", workdir / "tokenizer.json")
        digest = hashlib.sha256((workdir / "embeddings.npz").read_bytes()).hexdigest()
        meta = {
            "source": e5_folder.name,
            "recipe": RECIPE,
            "tokens": len(keep),
            "vocabulary": _ids_digest(keep),
            "corpus": corpus_digest,
            "dim": dim,
            "sha256": digest,
        }
        (workdir / "static.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(workdir, out)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return out


def ensure_static(
    e5_folder: Path, corpus: Iterable[str] | None = None, out: Path | None = None
) -> Path:
    """The static model (by default next to ``e5_folder``), distilled on first use and again
    when the corpus brings other vocabulary or the files fail their checksum."""
    out = out or e5_folder.parent / STATIC_FOLDER
    meta_path = out / "static.json"
    texts = list(corpus) if corpus is not None else None
    # A hash of the corpus text says whether it changed; tokenising it (seconds) is left to
    # the distillation, so a normal start does not pay for it.
    corpus_digest = (
        hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
        if texts is not None
        else None
    )
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        digest = hashlib.sha256((out / "embeddings.npz").read_bytes()).hexdigest()
        if (
            meta.get("sha256") == digest
            and meta.get("source") == e5_folder.name
            and meta.get("recipe") == RECIPE
            and meta.get("corpus") == corpus_digest
        ):
            return out
        logger.warning("static model at %s is stale or damaged; distilling again", out)
    token_ids = corpus_token_ids(e5_folder, texts) if texts is not None else None
    return distill_static(e5_folder, out, token_ids=token_ids, corpus_digest=corpus_digest)
