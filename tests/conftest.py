import os
from pathlib import Path

import pytest

from rashba_diffusion.launch import mpiexec  # noqa: F401  (the MPICH wheel's mpiexec; tests import it from here)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env
