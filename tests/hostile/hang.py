# Hangs at import (as a process the tests can find: `sleep 987.6545`).
import os

os.execvp("sleep", ["sleep", "987.6545"])
