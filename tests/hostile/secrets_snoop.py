# Secrets: the environment, the parent's environment through /proc, every readable environ, ~/.netrc.
# The model is correct: it refuses to load only if it saw a secret, so VERIFIED means it saw none.
import glob
import os
import pwd

from _model import Correct as Model  # noqa: F401

MARKER = "t2j-secret-marker"
seen = [k for k, v in os.environ.items() if MARKER in v]
paths = glob.glob("/proc/*/environ") + [f"/proc/{os.getppid()}/environ"]
homes = {os.path.expanduser("~"), pwd.getpwuid(os.getuid()).pw_dir, "/root", os.environ.get("T2J_TEST_HOME", "")}
paths += [os.path.join(h, ".netrc") for h in homes if h]
for path in paths:
    try:
        with open(path, "rb") as handle:
            if MARKER.encode() in handle.read():
                seen.append(path)
    except OSError:
        pass
if seen:
    raise RuntimeError(f"secrets leaked: {seen}")
