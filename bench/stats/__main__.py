"""Entry point: python -m bench.stats [--sizes 10000,100000] [--databases sqlite,postgresql] [--quick]."""

import sys

from .run import main

sys.exit(main())
