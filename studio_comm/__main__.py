"""`python -m studio_comm`: the same entry point as the `studio-comm` command."""

import sys

from studio_comm.cli import main

sys.exit(main())
