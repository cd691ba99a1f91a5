"""Entry point: python -m bench.load [--uploaders 50] [--readers 8] [--duration 60] [--database sqlite]
[--quick]."""

import sys

from .run import main

sys.exit(main())
