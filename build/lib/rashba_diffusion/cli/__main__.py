"""``python -m rashba_diffusion.cli``: the same as ``rashba-diffusion``."""

import sys

from . import main

sys.exit(main())
