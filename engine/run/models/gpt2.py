"""GPT-2 from its transformers configuration, on a repeating-pattern token task."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable

import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

from engine.core.catalog import ModelInfo
from engine.run.models.base import ModelSpec

VOCAB_SIZE = 50257  # GPT-2's tokenizer vocabulary
PATTERN_VOCAB = 1024  # patterns draw tokens from the first 1024 ids
NUM_PATTERNS = 256
PERIOD = 16

_SIZES = {
    "gpt2": {"n_layer": 12, "n_embd": 768, "n_head": 12},  # GPT-2 small, 124 M parameters
    "gpt2-tiny": {"n_layer": 2, "n_embd": 128, "n_head": 2},
}


class Gpt2Spec(ModelSpec):
    """``transformers.GPT2LMHeadModel`` built from a ``GPT2Config`` with random weights.

    Data: 256 fixed patterns of 16 tokens drawn from ids ``[0, 1024)``; a sequence repeats
    one pattern from a random phase. After the first period every next token is
    determined, so the loss falls from ln 50257 ≈ 10.8. The loss is the mean next-token
    cross-entropy over positions ``1 … L-1``.
    """

    def __init__(
        self, info: ModelInfo, input_size: int, batch_size: int, device: torch.device, seed: int,
        max_new_tokens: int = 0,
    ) -> None:
        super().__init__(info, input_size, batch_size, device, seed, max_new_tokens)
        logging.getLogger("transformers").setLevel(logging.ERROR)
        size = _SIZES[info.id]
        config = GPT2Config(
            vocab_size=VOCAB_SIZE,
            n_positions=max(1024, input_size + max_new_tokens),
            n_layer=size["n_layer"],
            n_embd=size["n_embd"],
            n_head=size["n_head"],
        )
        self.module = GPT2LMHeadModel(config)
        self.module.config.use_cache = False
        self.patterns = torch.randint(
            PATTERN_VOCAB, (NUM_PATTERNS, PERIOD), generator=self.task_generator
        ).to(device)
        self.positions = torch.arange(input_size, device=device)

    @property
    def data_classes(self) -> int:
        """Token ids the patterns draw from."""
        return PATTERN_VOCAB

    def make_batch(
        self, generator: torch.Generator | None = None, batch_size: int | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids ``(batch, seq_len)`` int64; targets are the same ids (shifted in loss)."""
        g = self.generator if generator is None else generator
        n = batch_size or self.batch_size
        which = torch.randint(NUM_PATTERNS, (n,), generator=g, device=self.device)
        phase = torch.randint(PERIOD, (n, 1), generator=g, device=self.device)
        cols = (self.positions.unsqueeze(0) + phase) % PERIOD
        tokens = torch.gather(self.patterns[which], 1, cols)
        return tokens, tokens

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch, seq_len, vocab)``."""
        return self.module(input_ids=inputs, use_cache=False).logits

    def generate(self, prompt: torch.Tensor, new_tokens: int, mark: Callable[[], None]) -> int:
        """Greedy generation with a KV cache; ``mark()`` after the prefill and at the end.

        The prefill (the prompt's forward pass and the first token) is the time to first
        token; each further token is one forward pass over one position, reading the cache.

        Returns:
            Tokens generated per sequence.
        """
        # transformers renamed past_key_values to cache (5.2x); support both spellings
        key = "cache" if "cache" in inspect.signature(self.module.forward).parameters else (
            "past_key_values")
        out = self.module(input_ids=prompt, use_cache=True)
        token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
        past = out[key]
        mark()
        for _ in range(new_tokens - 1):
            out = self.module(input_ids=token, use_cache=True, **{key: past})
            token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            past = out[key]
        mark()
        return new_tokens

    def correct(self, outputs: torch.Tensor, targets: torch.Tensor) -> tuple[int, int]:
        """``(correct, predictions)`` of greedy next-token predictions at positions 1 … L-1."""
        predicted = outputs[:, :-1, :].argmax(-1)
        return int((predicted == targets[:, 1:]).sum()), int(predicted.numel())

    def loss(self, outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Mean next-token cross-entropy (nats)."""
        logits = outputs[:, :-1, :].float()
        return F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets[:, 1:].reshape(-1))

    def default_learning_rate(self, optimizer: str) -> float:
        """Transformers want a smaller step than the vision models."""
        return {"sgd": 0.02, "adamw": 6e-4}[optimizer]
