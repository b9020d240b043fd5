"""``python -m kpi_xl`` runs the ``kpi-xl`` command line."""

import sys

from .cli import main

sys.exit(main())
