import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    """Weighted NLLLoss with ignore_index, BCELoss on probabilities, CosineEmbeddingLoss with a margin."""

    def __init__(self, num_classes, *, rngs: nnx.Rngs):
        self.class_weight = nnx.Variable(jnp.linspace(0.5, 1.5, num_classes))
        self.margin = 0.2

    def __call__(self, logits, labels, x1, x2, sign):
        log_probs = jax.nn.log_softmax(logits, axis=1)
        picked = jnp.take_along_axis(log_probs, labels[:, None], axis=1)[:, 0]
        w = self.class_weight[...][labels] * (labels != 0)
        nll = -jnp.sum(w * picked) / jnp.sum(w)
        p, q = jax.nn.sigmoid(x1), jax.nn.sigmoid(x2)
        bce = -jnp.sum(q * jnp.maximum(jnp.log(p), -100.0) + (1 - q) * jnp.maximum(jnp.log1p(-p), -100.0))
        eps = 1e-12
        cos = jnp.sum(x1 * x2, axis=1) / jnp.sqrt((jnp.sum(x1 * x1, axis=1) + eps) * (jnp.sum(x2 * x2, axis=1) + eps))
        per = jnp.where(sign == 1, 1 - cos, 0.0) + jnp.where(sign == -1, jnp.maximum(cos - self.margin, 0.0), 0.0)
        return nll, bce, per.mean()
