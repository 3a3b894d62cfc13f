import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(6, 3, rngs=rngs)

    def __call__(self, x):
        logits = self.fc(x)
        return {"logits": logits, "prob": jax.nn.softmax(logits, axis=-1)}  # BUG: key renamed (callers break)
