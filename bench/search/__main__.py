"""Entry point: python -m bench.search [--sizes 10000,100000] [--quick]."""

import sys

from .run import main

sys.exit(main())
