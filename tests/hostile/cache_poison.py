# Cache poisoning: write into every JAX compilation cache this process can name.
import os

from _model import Wrong as Model  # noqa: F401

candidates = {
    os.environ.get("JAX_COMPILATION_CACHE_DIR", ""),
    os.environ.get("T2J_JAX_CACHE_TARGET", ""),
    os.path.expanduser("~/.cache/t2j/jax-compilation-cache"),
    "/root/.cache/t2j/jax-compilation-cache",
}
for folder in filter(None, candidates):
    try:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "t2j-hostile-poison-cache"), "w") as handle:
            handle.write("poison")
    except OSError:
        pass
