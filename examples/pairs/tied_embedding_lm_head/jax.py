from flax import nnx


class Model(nnx.Module):
    def __init__(self, vocab, dim, *, rngs: nnx.Rngs):
        self.wte = nnx.Embed(vocab, dim, rngs=rngs)
        self.ln = nnx.LayerNorm(dim, epsilon=1e-5, rngs=rngs)

    def __call__(self, tokens):
        # the tied head: logits = h @ E^T (one parameter, used twice, gradients summed as in torch)
        return self.wte.attend(self.ln(self.wte(tokens)))
