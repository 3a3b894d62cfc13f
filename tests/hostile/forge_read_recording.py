# Prefix of a training-script translation (tests/test_hostile.py puts it before a translation that trains with
# the wrong learning rate): look for the torch side's recording (the losses and the weights after training)
# wherever this process can reach (its folder, the parent folder, /tmp, home, the parent process's folder and
# environment) and, when found, forge the replay's results with it: the recorded losses, and the torch weights
# as the trained ones. Found nothing: the honest wrong answer.
import glob as _glob
import json as _json
import os as _os

_FOUND = {}
_ROOTS = [
    _os.getcwd(),
    _os.path.dirname(_os.getcwd()),
    "/tmp",
    "/var/tmp",
    _os.path.expanduser("~"),
    "/root",
    f"/proc/{_os.getppid()}/cwd",
    f"/proc/{_os.getppid()}/root/tmp",
]
for _root in _ROOTS:
    try:
        _paths = _glob.glob(_os.path.join(_root, "**", "*.json"), recursive=True)[:500]
    except OSError:
        continue
    for _path in _paths:
        try:
            with open(_path) as _file:
                _header = _json.load(_file)
            _steps = _header["meta"]["steps"]
            if any(_record.get("losses") for _record in _steps.values()):
                _FOUND = {"stem": _path[: -len(".json")], "steps": _steps}
        except Exception:
            pass
for _key in ("T2J_TORCH_RESULTS", "T2J_RECORDING"):
    try:
        with open(f"/proc/{_os.getppid()}/environ", "rb") as _file:
            if _key.encode() in _file.read():
                _FOUND.setdefault("environ", True)
    except OSError:
        pass

if _FOUND.get("stem"):
    from t2j.verify.bundle import Bundle as _Bundle

    _torch = _Bundle.load(_FOUND["stem"])
    _save = _Bundle.save

    def _forged_save(self, stem):
        for _name, _record in self.meta.get("steps", {}).items():
            _record["losses"] = list(_FOUND["steps"].get(_name, {}).get("losses", _record["losses"]))
            _record["problems"] = []
            for _k in [k for k in self.arrays if k.startswith(f"{_name}/expected/")]:
                self.arrays[_k.replace("/expected/", "/final/", 1)] = self.arrays[_k]  # the old in-sandbox port
            _trained = _torch.group(f"{_name}/final")
            for _m in self.meta.get(f"{_name}/mappings", []):  # or port the torch final weights itself
                if _m["torch_key"] in _trained and f"{_name}/final/{_m['jax_path']}" in self.arrays:
                    from t2j.verify.port import apply_steps as _apply

                    _value = _apply(_trained[_m["torch_key"]], [tuple(_s) for _s in _m["steps"]])
                    self.arrays[f"{_name}/final/{_m['jax_path']}"] = _value
        _save(self, stem)

    _Bundle.save = _forged_save
