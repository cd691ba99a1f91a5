"""Entry point: python -m bench.near_duplicates [--sizes 10000,100000] [--databases sqlite,postgresql]."""

import sys

from .run import main

sys.exit(main())
