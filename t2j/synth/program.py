"""What a grammar produces: a paired PyTorch/JAX program with its input signature (before verification)."""

from __future__ import annotations

from pydantic import BaseModel, Field

FLOAT_DTYPES = ("float32", "bfloat16")


class InputSpec(BaseModel):
    """One argument of the generated function.

    kind: "normal" (standard normal), "positive" (uniform in [0.5, 2)), "uniform" ([0, 1)), "int" (integers in
    [low, high)), "key" (a JAX PRNG key; the PyTorch side receives the draw `draw` of shape `shape` that JAX makes
    from that key, so that both sides see the same random numbers).
    """

    name: str
    shape: list[int]
    dtype: str = "float32"
    kind: str = "normal"
    low: int = 0
    high: int = 0
    draw: str = ""  # for kind="key": "uniform" or "normal"
    derive: str = ""  # for kind="key": "" (the key itself), "fold_in:N" or "split:I" (the key JAX draws from)
    differentiable: bool | None = None  # None: decided by dtype (floating and not a key)

    @property
    def is_differentiable(self) -> bool:
        if self.differentiable is not None:
            return self.differentiable
        return self.kind != "key" and self.dtype in FLOAT_DTYPES

    def signature(self, torch_name: str | None = None) -> str:
        if self.kind == "key":
            if torch_name:
                return f"{torch_name}: float32{self.shape} ({self.draw} noise; JAX draws it from a PRNG key)"
            return f"{self.name}: PRNG key (draws {self.draw} float32{self.shape})"
        return f"{self.name}: {self.dtype}{self.shape}"


class Program(BaseModel):
    """A candidate pair. Both codes are self-contained modules defining a function called `name`."""

    category: str
    name: str
    torch_code: str
    jax_code: str
    inputs: list[InputSpec]
    torch_apis: list[str] = Field(default_factory=list)
    rtol: float | None = None  # None: the run's default tolerances
    atol: float | None = None
