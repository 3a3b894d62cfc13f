"""What the jit form costs per call: `nnx.jit` over the module versus split/merge `jax.jit` (the state an argument),
for inference and for an SGD train step (with the state donated), on one corpus model translated by the rules.

    PYTHONPATH=. python benchmarks/jit_form_bench.py [benchmarks/corpus/155_mlp.py] [--scale 64] [--runs 30]

`nnx.jit` re-walks the module graph in Python on every call and returns the whole state from the compiled
function; the split/merge form splits once, outside, and hands XLA the state as one pytree. The contenders are
interleaved call by call (each timed alone with `block_until_ready`), 3 warm-up calls, then the median of `--runs`
rounds; the two forms' outputs and updated weights are compared, so the figure is of two equal computations.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import time
import types
from pathlib import Path

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
from flax import nnx  # noqa: E402

from t2j.rules import translate_rules  # noqa: E402


def _timed(fn) -> float:
    start = time.perf_counter()
    jax.block_until_ready(fn())
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default="benchmarks/corpus/155_mlp.py")
    parser.add_argument("--scale", type=int, default=64, help="repeat get_inputs() this many times along axis 0")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    torch_source = Path(args.file).read_text()
    translated = types.ModuleType("translated")
    exec(compile(translate_rules(torch_source).code, args.file, "exec"), translated.__dict__)  # noqa: S102
    init = translated.get_init_inputs() if hasattr(translated, "get_init_inputs") else []
    inputs = [jnp.concatenate([x] * args.scale, axis=0) for x in translated.get_inputs()]
    model = translated.Model(*init, rngs=nnx.Rngs(0))
    model.eval()  # inference: dropout off, so both forms compute the same thing

    # inference
    nnx_forward = nnx.jit(lambda m, *xs: m(*xs))
    graphdef, state = nnx.split(model)
    split_forward = jax.jit(lambda state, *xs: nnx.merge(graphdef, state)(*xs))
    np.testing.assert_allclose(nnx_forward(model, *inputs), split_forward(state, *inputs), rtol=1e-6, atol=1e-6)

    # train step: SGD on mean(output ** 2); nnx.jit over (model, optimizer) vs jax.jit over their state, donated
    def loss_fn(m, *xs):
        return jnp.mean(m(*xs) ** 2)

    nnx_model = translated.Model(*init, rngs=nnx.Rngs(0))
    nnx_opt = nnx.Optimizer(nnx_model, optax.sgd(1e-3), wrt=nnx.Param)

    @nnx.jit
    def nnx_step(m, opt, *xs):
        loss, grads = nnx.value_and_grad(loss_fn)(m, *xs)
        opt.update(m, grads)
        return loss

    split_model = translated.Model(*init, rngs=nnx.Rngs(0))
    split_opt = nnx.Optimizer(split_model, optax.sgd(1e-3), wrt=nnx.Param)
    train_graph, train_state = nnx.split((split_model, split_opt))

    @functools.partial(jax.jit, donate_argnums=0)
    def split_step(state, *xs):
        m, opt = nnx.merge(train_graph, state)
        loss, grads = nnx.value_and_grad(loss_fn)(m, *xs)
        opt.update(m, grads)
        return loss, nnx.state((m, opt))

    box = {"state": train_state}

    def run_split_step():
        loss, box["state"] = split_step(box["state"], *inputs)
        return loss

    contenders = {
        "forward nnx.jit": lambda: nnx_forward(model, *inputs),
        "forward split/merge jax.jit": lambda: split_forward(state, *inputs),
        "train step nnx.jit": lambda: nnx_step(nnx_model, nnx_opt, *inputs),
        "train step split/merge jax.jit (donated)": run_split_step,
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(3):
        for fn in contenders.values():
            fn()
    for _ in range(args.runs):
        for name, fn in contenders.items():
            times[name].append(_timed(fn))
    nnx.update((split_model, split_opt), box["state"])
    steps = 3 + args.runs
    for a, b in zip(
        jax.tree.leaves(nnx.state(nnx_model, nnx.Param)), jax.tree.leaves(nnx.state(split_model, nnx.Param))
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)  # the same weights after the same `steps` steps
    n_params = sum(x.size for x in jax.tree.leaves(nnx.state(model, nnx.Param)))
    print(f"{args.file}: {n_params} parameters, inputs x{args.scale}, median of {args.runs} ({steps} train steps each)")
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, median in medians.items():
        print(f"  {name:42s} {median * 1e3:8.3f} ms")
    fwd = medians["forward nnx.jit"] / medians["forward split/merge jax.jit"]
    step = medians["train step nnx.jit"] / medians["train step split/merge jax.jit (donated)"]
    print(f"  nnx.jit / split-merge: forward {fwd:.2f}x, train step {step:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
