"""``python -m dashboard``: the command line (see ``dashboard.cli.main``)."""

import sys

from dashboard.cli.main import main
from dashboard.cli.printing import guard_terminal

guard_terminal()
sys.exit(main())
