"""``python -m dashboard``: the command line (see ``dashboard.cli``)."""

import sys

from dashboard.cli import main

sys.exit(main())
