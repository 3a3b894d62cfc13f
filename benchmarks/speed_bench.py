"""Speed of the rules translation against torch eager (and torchax), forward and forward+backward.

    PYTHONPATH=. python benchmarks/speed_bench.py [FILES...] [--runs 10] [--json OUT.json]
    PYTHONPATH=. /tmp/torchax-venv/bin/python benchmarks/speed_bench.py ...   # adds the torchax column

Per corpus problem (benchmarks/corpus/*.py by default): translate with the rules backend, build both modules
(torch weights ported into the JAX one), and time, interleaved in this one process so that machine noise hits
every contender alike:
- torch eager (`torch.no_grad()` forward; forward + `backward()` of sum(output * c)),
- the t2j translation under `jax.jit` (split/merge: the state is an argument; `jax.grad` of the same sum with
  respect to every parameter and every float input),
- torchax (`torchax.extract_jax`: torch's own graph on JAX, same jit/grad), when importable.
Each call is timed alone (`block_until_ready`), 2 warm-up calls, then the median of `--runs` rounds; every
round times each contender once, in turn. One thread per framework: `torch.set_num_threads(1)` and XLA's CPU
client with one intra-op thread (set before jax is imported).

Moderate sizes, without editing the corpus: every tensor returned by `get_inputs()` is repeated k times along
its first axis (k a power of two, at most --max-scale), k chosen so that torch's forward takes about
--target-ms (the corpus' own sizes give 0.1-5 ms); a problem whose forward rejects a larger first axis (an
adjacency matrix, a fixed sequence length) keeps k=1. The scale used is printed per row.

Every translation is checked against torch at the timed size: forward outputs, input gradients and parameter
gradients (mapped through the weight-porting layout) within max|jax - torch| <= 1e-5 + 1e-4 * max|torch|
(looser than the verifier's 2e-5 because the sums are up to 64x longer). A row that fails the check is
reported as WRONG and left out of the geomeans.

torchax 0.0.13 names aten overloads that torch 2.13 removed (`*.dimname`, `*.names_*`) in its dispatch
tables; `_import_torchax` makes those lookups return inert placeholders so that it imports at all.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import statistics
import sys
import time
import traceback
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _one_thread_per_framework(platform: str) -> None:
    flags = os.environ.get("XLA_FLAGS", "")
    if platform == "cpu" and "intra_op_parallelism_threads" not in flags:
        os.environ["XLA_FLAGS"] = f"{flags} --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1".strip()
    os.environ.setdefault("JAX_PLATFORMS", platform)


def _import_torchax():
    import torch._ops

    original = torch._ops.OpOverloadPacket.__getattr__

    class _Removed:
        def __init__(self, name):
            self.name = name

        def __repr__(self):
            return f"<overload {self.name} removed from torch>"

    def lookup(self, key):
        try:
            return original(self, key)
        except AttributeError:
            if "imname" in key or key.startswith("names_") or "_names" in key:
                return _Removed(f"{self}.{key}")
            raise

    torch._ops.OpOverloadPacket.__getattr__ = lookup
    try:
        import torchax
    except Exception:  # noqa: BLE001 - not installed, or does not import with this torch
        return None
    return torchax


# ----------------------------------------------------------------------------------------------- helpers
def _load(path: Path, code: str, name: str):
    module = types.ModuleType(name)
    exec(compile(code, str(path), "exec"), module.__dict__)  # noqa: S102 - the benchmark runs its own corpus
    return module


def _scaled(inputs: list, k: int) -> list:
    import torch

    return [x.repeat(k, *([1] * (x.dim() - 1))) if isinstance(x, torch.Tensor) and x.dim() > 0 else x for x in inputs]


def _time_call(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _pick_scale(model, inputs: list, target_s: float, max_scale: int) -> tuple[int, list]:
    import torch

    def forward_time(args) -> float:
        with torch.no_grad():
            for _ in range(3):  # oneDNN picks and caches its kernels over the first calls
                model(*args)
            return statistics.median(_time_call(lambda: model(*args)) for _ in range(5))

    base = forward_time(inputs)
    k = 1
    while k < max_scale and base * k * 2 <= target_s * 1.5:
        k *= 2
    while k > 1:
        try:
            candidate = _scaled(inputs, k)
            forward_time(candidate)
            return k, candidate
        except Exception:  # noqa: BLE001 - this problem's first axis is not a batch: smaller k
            k //= 2
    return 1, inputs


def _leaves(tree):
    from t2j.verify.compare import flatten

    return flatten(tree)


def _close(expected, actual, rtol=1e-4, atol=1e-5) -> tuple[bool, float]:
    import numpy as np

    expected = (
        np.asarray(expected, dtype=np.float64) if np.asarray(expected).dtype.kind == "f" else np.asarray(expected)
    )
    actual = np.asarray(actual)
    if expected.shape != actual.shape:
        return False, float("inf")
    if expected.dtype.kind != "f":
        return bool((expected == actual).all()), 0.0
    if expected.size == 0:
        return True, 0.0
    err = float(np.max(np.abs(actual.astype(np.float64) - expected))) if expected.size else 0.0
    scale = float(np.max(np.abs(expected)))
    return err <= atol + rtol * scale, err


class Contenders:
    """The three contenders' forward and forward+backward callables for one problem, plus their results."""

    def __init__(self, torch_side, jax_side, init, inputs, torchax):
        import jax
        import jax.numpy as jnp
        import numpy as np
        import torch
        from flax import nnx

        from t2j.verify.port import port_weights

        self.model = torch_side.Model(*init).eval()
        self.inputs = inputs
        self.float_index = [i for i, x in enumerate(inputs) if isinstance(x, torch.Tensor) and x.is_floating_point()]
        with torch.no_grad():
            out = self.model(*inputs)
        rng = np.random.default_rng(0)
        self.cots = {
            p: rng.standard_normal(tuple(v.shape)).astype(np.float32)
            for p, v in _leaves(out)
            if isinstance(v, torch.Tensor) and v.is_floating_point()
        }
        self.torch_cots = {p: torch.from_numpy(c) for p, c in self.cots.items()}
        self.torch_out = {p: v.numpy() for p, v in _leaves(out) if isinstance(v, torch.Tensor)}

        jmodel = jax_side.Model(*init, rngs=nnx.Rngs(0))
        self.port = port_weights(self.model, jmodel)
        jmodel.eval()
        self.jax_inputs = [jnp.asarray(x.numpy()) if isinstance(x, torch.Tensor) else x for x in inputs]
        graphdef, params, rest = nnx.split(jmodel, nnx.Param, ...)
        self.params, self.rest = params, rest
        cots = {p: jnp.asarray(c) for p, c in self.cots.items()}
        array_index = [i for i, x in enumerate(self.jax_inputs) if isinstance(x, jax.Array)]
        self.arrays = [self.jax_inputs[i] for i in array_index]

        def call(params, rest, arrays):
            args = list(self.jax_inputs)
            for i, a in zip(array_index, arrays):
                args[i] = a
            return nnx.merge(graphdef, params, rest)(*args)

        def loss(params, rest, arrays):
            return sum(
                jnp.sum(v * cots[p].astype(v.dtype)) for p, v in _leaves(call(params, rest, arrays)) if p in cots
            )

        self.float_slots = [array_index.index(i) for i in self.float_index]

        def grads(params, rest, arrays):
            # d/d(params) and d/d(every float input): differentiate with respect to the float arrays only
            def of_floats(params, floats):
                full = list(arrays)
                for slot, f in zip(self.float_slots, floats):
                    full[slot] = f
                return loss(params, rest, full)

            return jax.grad(of_floats, argnums=(0, 1))(params, [arrays[s] for s in self.float_slots])

        self.jax_fwd = jax.jit(call)
        self.jax_grad = jax.jit(grads)

        self.tx_fwd = self.tx_grad = None
        self.tx_error = None
        if torchax is not None:
            try:
                self._torchax(torchax, array_index, cots)
            except Exception as exc:  # noqa: BLE001 - torchax cannot run this module: no torchax column
                self.tx_fwd = self.tx_grad = None
                self.tx_error = f"{type(exc).__name__}: {str(exc)[:120]}"

    def _torchax(self, torchax, array_index, cots):
        import jax
        import jax.numpy as jnp

        states, fn = torchax.extract_jax(self.model)
        names = {n for n, _ in self.model.named_parameters()}
        tx_params = {k: v for k, v in states.items() if k in names}
        tx_rest = {k: v for k, v in states.items() if k not in names}
        self.tx_params, self.tx_rest = tx_params, tx_rest

        def tx_call(params, rest, arrays):
            args = list(self.jax_inputs)
            for i, a in zip(array_index, arrays):
                args[i] = a
            return fn({**params, **rest}, tuple(args))

        def tx_grads(params, rest, arrays):
            def of_floats(params, floats):
                full = list(arrays)
                for slot, f in zip(self.float_slots, floats):
                    full[slot] = f
                return sum(
                    jnp.sum(v * cots[p].astype(v.dtype)) for p, v in _leaves(tx_call(params, rest, full)) if p in cots
                )

            return jax.grad(of_floats, argnums=(0, 1))(params, [arrays[s] for s in self.float_slots])

        self.tx_fwd = jax.jit(tx_call)
        self.tx_grad = jax.jit(tx_grads)

    # the timed calls ------------------------------------------------------------------------------------
    def torch_forward(self):
        import torch

        with torch.no_grad():
            self.model(*self.inputs)

    def torch_backward(self):
        for p in self.model.parameters():
            p.grad = None
        args = [x.detach().requires_grad_(True) if i in self.float_index else x for i, x in enumerate(self.inputs)]
        out = self.model(*args)
        total = sum((v * self.torch_cots[p]).sum() for p, v in _leaves(out) if p in self.torch_cots)
        total.backward()
        return args

    def jax_forward(self):
        import jax

        return jax.block_until_ready(self.jax_fwd(self.params, self.rest, self.arrays))

    def jax_backward(self):
        import jax

        return jax.block_until_ready(self.jax_grad(self.params, self.rest, self.arrays))

    def torchax_forward(self):
        import jax

        return jax.block_until_ready(self.tx_fwd(self.tx_params, self.tx_rest, self.arrays))

    def torchax_backward(self):
        import jax

        return jax.block_until_ready(self.tx_grad(self.tx_params, self.tx_rest, self.arrays))

    # the check ------------------------------------------------------------------------------------------
    def check(self) -> list[str]:
        """What differs from torch (empty: forward, input and parameter gradients all agree)."""
        import numpy as np

        from t2j.verify.port import apply_steps

        bad = []
        for p, v in _leaves(self.jax_forward()):
            if p in self.torch_out:
                ok, err = _close(self.torch_out[p], v)
                if not ok:
                    bad.append(f"output{p} err {err:.2e}")
        args = self.torch_backward()
        grad_params, grad_floats = self.jax_backward()
        for i, g in zip(self.float_index, grad_floats):
            ok, err = _close(args[i].grad.numpy(), g)
            if not ok:
                bad.append(f"grad input {i} err {err:.2e}")
        flat = _pure(grad_params)
        torch_grads = {n: p.grad for n, p in self.model.named_parameters()}
        for m in self.port.mappings:
            g = torch_grads.get(m.torch_key)
            if g is None or m.jax_path not in flat:
                continue
            ok, err = _close(apply_steps(g.numpy(), m.steps), flat[m.jax_path])
            if not ok:
                bad.append(f"grad {m.torch_key} err {err:.2e}")
        if self.tx_fwd is not None:
            try:
                for p, v in _leaves(self.torchax_forward()):
                    if p in self.torch_out and not _close(self.torch_out[p], np.asarray(v))[0]:
                        bad.append(f"torchax output{p} differs")
                self.torchax_backward()
            except Exception as exc:  # noqa: BLE001 - torchax cannot run this module: no torchax column
                self.tx_fwd = self.tx_grad = None
                self.tx_error = f"{type(exc).__name__}: {str(exc)[:120]}"
        return bad


def _pure(tree) -> dict:
    import jax
    import numpy as np
    from flax import nnx

    pure = nnx.to_pure_dict(tree) if isinstance(tree, nnx.State) else tree
    flat, _ = jax.tree_util.tree_flatten_with_path(pure)
    return {".".join(str(getattr(k, "key", getattr(k, "idx", k))) for k in path): np.asarray(v) for path, v in flat}


def run_one(path: Path, args, torchax) -> dict:
    import torch

    from t2j.rules import translate_rules

    row: dict = {"file": path.name}
    source = path.read_text()
    translated = translate_rules(source).code
    torch_side = _load(path, source, "torch_side")
    jax_side = _load(path.with_name(path.stem + "_jax.py"), translated, "jax_side")
    torch.manual_seed(0)
    init = torch_side.get_init_inputs() if hasattr(torch_side, "get_init_inputs") else []
    torch.manual_seed(0)
    inputs = torch_side.get_inputs()
    torch.manual_seed(0)
    probe = torch_side.Model(*init).eval()
    k, inputs = _pick_scale(probe, inputs, args.target_ms / 1e3, args.max_scale)
    row["scale"] = k
    c = Contenders(torch_side, jax_side, init, inputs, torchax)
    row["differs"] = c.check()
    if c.tx_error:
        row["torchax_error"] = c.tx_error
    fwd = {"torch": c.torch_forward, "t2j": c.jax_forward}
    bwd = {"torch": c.torch_backward, "t2j": c.jax_backward}
    if c.tx_fwd is not None:
        fwd["torchax"] = c.torchax_forward
        bwd["torchax"] = c.torchax_backward
    for label, table in (("fwd", fwd), ("bwd", bwd)):
        for fn in table.values():  # warm-up (the check already compiled everything once)
            fn()
            fn()
        times: dict[str, list[float]] = {name: [] for name in table}
        for _ in range(args.runs):
            for name, fn in table.items():
                times[name].append(_time_call(fn))
        for name, ts in times.items():
            row[f"{label}_{name}_ms"] = statistics.median(ts) * 1e3
    return row


def _geomean(values) -> float:
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--target-ms", type=float, default=10.0, help="torch forward time to scale each problem to")
    parser.add_argument("--max-scale", type=int, default=64)
    parser.add_argument("--platform", default="cpu", choices=["cpu", "gpu", "tpu"], help="JAX's platform")
    parser.add_argument("--no-torchax", action="store_true")
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args()
    _one_thread_per_framework(args.platform)
    import torch

    torch.set_num_threads(1)
    torchax = None if args.no_torchax else _import_torchax()
    import jax

    print(
        f"jax {jax.__version__} on {jax.devices()[0].platform}; torch {torch.__version__}; torchax "
        f"{getattr(torchax, '__version__', 'not available')}",
        flush=True,
    )
    files = [Path(f) for f in args.files] or [Path(f) for f in sorted(glob.glob(str(ROOT / "benchmarks/corpus/*.py")))]
    rows = []
    for f in files:
        try:
            row = run_one(f, args, torchax)
        except Exception:  # noqa: BLE001 - a problem that cannot be built or timed is a row with its error
            row = {"file": f.name, "error": traceback.format_exc()[-300:]}
        rows.append(row)
        if "error" in row:
            print(f"{row['file']}: ERROR {row['error'][-200:]!r}", flush=True)
            continue
        parts = [f"x{row['scale']}"]
        for label in ("fwd", "bwd"):
            t = row[f"{label}_torch_ms"]
            parts.append(
                f"{label} torch {t:.2f} ms t2j {row[f'{label}_t2j_ms']:.2f} ms ({t / row[f'{label}_t2j_ms']:.2f}x)"
            )
            if f"{label}_torchax_ms" in row:
                parts.append(f"torchax {row[f'{label}_torchax_ms']:.2f} ms ({t / row[f'{label}_torchax_ms']:.2f}x)")
        verdict = "ok" if not row["differs"] else "WRONG " + "; ".join(row["differs"][:3])
        if row.get("torchax_error"):
            verdict += f"; torchax failed: {row['torchax_error'][:80]}"
        print(f"{row['file']}: {' | '.join(parts)} [{verdict}]", flush=True)
    good = [r for r in rows if "error" not in r and not r["differs"]]
    print(
        f"\nproblems {len(rows)}: timed and checked {len(good)}, wrong "
        f"{sum(1 for r in rows if r.get('differs'))}, errors {sum(1 for r in rows if 'error' in r)}"
    )
    for label, what in (("fwd", "forward"), ("bwd", "forward+backward")):
        ratio = _geomean(r[f"{label}_torch_ms"] / r[f"{label}_t2j_ms"] for r in good)
        line = f"{what}: geomean torch-eager / t2j-jit {ratio:.2f}x"
        with_tx = [r for r in good if f"{label}_torchax_ms" in r]
        if with_tx:
            tx = _geomean(r[f"{label}_torch_ms"] / r[f"{label}_torchax_ms"] for r in with_tx)
            vs = _geomean(r[f"{label}_torchax_ms"] / r[f"{label}_t2j_ms"] for r in with_tx)
            line += f", torch-eager / torchax-jit {tx:.2f}x, torchax / t2j {vs:.2f}x"
        slow = sorted((r[f"{label}_torch_ms"] / r[f"{label}_t2j_ms"], r["file"]) for r in good)
        line += "; below 0.5x: " + (", ".join(f"{n} {v:.2f}x" for v, n in slow if v < 0.5) or "none")
        print(line)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
