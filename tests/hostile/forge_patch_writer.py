# Forging the evidence: patch t2j's writers in this process and write a result claiming success.
import json
import os

import t2j.verify.bundle as bundle
from _model import Wrong as Model  # noqa: F401

bundle.Bundle.save = lambda self, stem: None
for name in ("result.json", "../result.json", "jax.json", "torch.json"):
    try:
        with open(name, "w") as handle:
            json.dump({"names": [], "meta": {"ok": True}}, handle)
    except OSError:
        pass
try:
    import t2j.verify.program_runner as runner

    runner.check_program = lambda *a, **k: None
    runner.run_programs = lambda *a, **k: None
except Exception:
    pass
os.environ["T2J_FORGED"] = "1"
