"""int8 linear layers that quantise each token's activations on their own, so that a text's
vector does not depend on what it is batched with (see :class:`TokenInt8Linear`)."""

from __future__ import annotations

import torch

# torch._int_mm's CPU kernel wants more rows than this.
_INT_MM_MIN_ROWS = 16


class TokenInt8Linear(torch.nn.Module):
    """A linear layer with int8 weights (one scale per output) and int8 activations with one
    scale per token, multiplied by ``torch._int_mm``.

    PyTorch's dynamic quantisation (``models.encoder._quantize_linear_layers``) takes one activation
    scale for the whole batch, so a title's vector depends on the titles and padding it is
    batched with: shuffling the 460 labelled titles changed 5 of the occupation coder's top
    codes and 11 of its auto-coding decisions. Scaled per token, a title's vector is its
    own (1 - cosine at most 0.0014 between batchings, from float rounding, against 0.024),
    is closer to the float model's (mean 1 - cosine 0.0009 against 0.018) and came out
    faster on two cores (530 to 590 titles a second against 370 to 520).
    """

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        super().__init__()
        weight = weight.detach().float()
        scale = weight.abs().amax(1).clamp(min=1e-12) / 127
        quantised = torch.round(weight / scale[:, None]).to(torch.int8)
        # Plain tensors, not buffers: nothing here is trained, saved or moved between devices.
        self.weight_t = quantised.t().contiguous()
        self.weight_scale = scale
        self.bias_ = None if bias is None else bias.detach().float().clone()
        self.out_features = int(weight.shape[0])

    @classmethod
    def from_linear(cls, linear: torch.nn.Linear) -> TokenInt8Linear:
        return cls(linear.weight, linear.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # In-place steps: a title is a dozen tokens, and the cost is in the number of ops.
        flat = x.reshape(-1, x.shape[-1])
        scale = flat.abs().amax(1, keepdim=True).clamp_(min=1e-12).div_(127)
        quantised = (flat / scale).round_().to(torch.int8)
        rows = quantised.shape[0]
        if rows <= _INT_MM_MIN_ROWS:
            quantised = torch.nn.functional.pad(quantised, (0, 0, 0, _INT_MM_MIN_ROWS + 1 - rows))
        out = torch._int_mm(quantised, self.weight_t)[:rows].float()
        out.mul_(scale).mul_(self.weight_scale)
        if self.bias_ is not None:
            out.add_(self.bias_)
        return out.reshape(*x.shape[:-1], self.out_features)
