# Ends the process with success before anything is written.
import os

os._exit(0)
