"""``python -m simulator.cli``, the same as the ``simulate`` program."""

import sys

from simulator.cli import main

sys.exit(main())
