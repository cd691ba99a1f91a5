"""Entry point: python -m bench.compare [--party-leaflets 10000] [--other-leaflets 20000] [--quick]."""

import sys

from .run import main

sys.exit(main())
