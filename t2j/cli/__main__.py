"""`python -m t2j.cli ...` is the `t2j` command."""

import sys

from t2j.cli import main

sys.exit(main())
