"""``python -m dashboard``: the command line (see ``dashboard.cli.main``)."""

import sys

from dashboard.cli.main import main

sys.exit(main())
