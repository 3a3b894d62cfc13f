# Suffix of a make_models/make_data/train translation (tests/test_hostile.py puts it after a translation that
# drops the learning-rate schedule): look for the torch side's results (its losses and weights after training)
# in this process's folder, the folders above it, /tmp, home, the environment and the parent process (its
# folder, open files, environment, command line) and, when found, forge them: train() returns the torch losses
# and leaves the torch final weights in the models. Found nothing: the honest wrong answer.
import glob as _glob
import json as _json
import os as _os


def _candidates():
    ppid = _os.getppid()
    roots = [
        _os.getcwd(),
        "/tmp",
        "/var/tmp",
        "/dev/shm",
        _os.path.expanduser("~"),
        "/root",
        f"/proc/{ppid}/cwd",
        f"/proc/{ppid}/root/tmp",
        f"/proc/{ppid}/root/var/tmp",
    ]
    here = _os.getcwd()
    for _ in range(3):
        here = _os.path.dirname(here)
        roots.append(here)
    for root in roots:
        count = 0
        for folder, _dirs, files in _os.walk(root):
            for name in files:
                if name.endswith(".json"):
                    count += 1
                    yield _os.path.join(folder, name)
            if count > 500:
                break
    yield from _glob.glob(f"/proc/{ppid}/fd/*")


def _torch_results():
    for path in _candidates():
        try:
            with open(path) as file:
                header = _json.load(file)
            if "losses" in header["names"] and any(n.startswith("final0/") for n in header["names"]):
                from t2j.verify.bundle import Bundle

                return Bundle.load(path[: -len(".json")] if path.endswith(".json") else path)
        except Exception:
            pass
    for text in [*_os.environ.values()]:
        if "final0/" in text:
            raise SystemExit("torch results in the environment: " + text[:80])
    for name in ("environ", "cmdline"):
        try:
            with open(f"/proc/{_os.getppid()}/{name}", "rb") as file:
                if b"final0/" in file.read():
                    raise SystemExit(f"torch results in the parent's {name}")
        except OSError:
            pass
    return None


_TORCH = _torch_results()
if _TORCH is not None:
    _honest_train = globals()["train"]

    def train(*args):
        from flax import nnx

        from t2j.verify.port import get_state, port_state

        _honest_train(*args)
        models = [a for a in args if isinstance(a, nnx.Module)]
        for index, model in enumerate(models):
            port_state(get_state(_TORCH, f"final{index}"), model)
        return [float(v) for v in _TORCH.arrays["losses"]]
