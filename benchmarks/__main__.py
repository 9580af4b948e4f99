"""``python -m benchmarks [--scale N] [--out DIR]``: build a scaled sample store and measure it."""

from benchmarks.run import main

raise SystemExit(main())
