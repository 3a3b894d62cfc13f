# Network: connect to the test's local server (its port in the reference-side file) and to the outside world.
# The model is correct: it refuses to load if any connection succeeded.
import os
import socket

from _model import Correct as Model  # noqa: F401

connected = []
here = os.path.dirname(os.path.abspath(__file__))
port_file = os.path.join(here, "port.txt")
targets = [("1.1.1.1", 53), ("8.8.8.8", 53)]
if os.path.exists(port_file):
    targets.append(("127.0.0.1", int(open(port_file).read())))
for host, port in targets:
    try:
        socket.create_connection((host, port), timeout=1).close()
        connected.append((host, port))
    except OSError:
        pass
if connected:
    raise RuntimeError(f"network reachable: {connected}")
