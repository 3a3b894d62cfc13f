"""Torch-semantics helpers that the rules backend EMITS into translated files (never imported by them).

One file per concern (conv, pooling, norms, rnn, attention, losses, tensor_ops, optimizers, schedulers, data,
checkpoints...). Each top-level definition of these files is copied verbatim (by source) into an output file
that needs it, together with the definitions it names, from whichever file of this package they live in
(`t2j.rules.emit` resolves helpers by name). Keep every definition self-contained: it may use only jax, jnp,
lax, nnx, np, math, functools, optax and the other definitions here (imported from their file, so that each file
also runs as Python; those imports are not emitted).
"""
