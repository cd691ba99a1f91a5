"""Entry point: python -m bench.upload_cpu [--photos 8] [--matches 3] [--rounds 3]."""

import sys

from .run import main

sys.exit(main())
