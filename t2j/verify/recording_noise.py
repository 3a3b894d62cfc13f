"""Randomness inside a model's forward in the recording checker (t2j.verify.recording_side): normal draws
(a VAE's reparameterisation noise) are replaced by their mean on both sides, since the torch and JAX generators
cannot share draws; the report says so. Like dropout, the replay then checks the network around the noise."""

from __future__ import annotations

from t2j.verify.bundle import Bundle

_JAX_STATE: dict = {"depth": 0, "wrapped": set(), "patched": False}  # the JAX side's process: one translated script

NORMAL_DRAWS = ("randn", "randn_like", "normal")


def quiet_torch_noise(torch, bundle: Bundle) -> list[int]:
    """Normal draws inside a module's forward (a VAE's `eps = torch.randn_like(std)`) return their mean: the
    two sides' generators cannot share draws, so the noise is switched off on both (the JAX side's
    `jax.random.normal` inside the translated modules returns zeros, `quiet_jax_noise`) and reported. The draw
    still runs, so the script's later draws stay as they were. Returns the forward depth counter."""
    depth = [0]
    bundle.meta["noise"] = 0

    def quiet(original, name):
        def draw(*args, **kwargs):
            value = original(*args, **kwargs)
            if depth[0] == 0 or not isinstance(value, torch.Tensor) or not value.is_floating_point():
                return value
            bundle.meta["noise"] += 1
            mean = kwargs.get("mean", args[0] if args and name == "normal" else 0.0)
            return torch.zeros_like(value) + mean

        return draw

    for name in NORMAL_DRAWS:
        setattr(torch, name, quiet(getattr(torch, name), name))
    return depth


def quiet_jax_noise(bundle: Bundle, models) -> None:
    """The JAX half of `quiet_torch_noise`: `jax.random.normal` called while a module class of the translation
    (defined in `__main__`) runs its `__call__` returns zeros (the exported step holds them)."""
    import jax
    import jax.numpy as jnp
    from flax import nnx

    state = _JAX_STATE
    if not state["patched"]:
        state["patched"] = True
        original = jax.random.normal

        def normal(key, shape=(), dtype=float, *args, **kwargs):
            if state["depth"] == 0:
                return original(key, shape, dtype, *args, **kwargs)
            bundle.meta["noise"] = bundle.meta.get("noise", 0) + 1
            return jnp.zeros(shape, dtype)

        jax.random.normal = normal
    for model in models:
        for _, sub in nnx.graph.iter_graph(model):
            cls = type(sub)
            if not isinstance(sub, nnx.Module) or cls.__module__ != "__main__" or cls in state["wrapped"]:
                continue
            state["wrapped"].add(cls)
            if "__call__" in cls.__dict__:
                cls.__call__ = _counted(cls.__dict__["__call__"], state)


def _counted(call, state: dict):
    def __call__(self, *args, **kwargs):
        state["depth"] += 1
        try:
            return call(self, *args, **kwargs)
        finally:
            state["depth"] -= 1

    return __call__
