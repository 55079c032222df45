"""rashba_diffusion: spin accumulation and spin-orbit torques from the Rashba
diffusion equations (Wang, Ortiz Pauyac, Manchon, PRB 89, 054405) by FEM.

Light imports only: DOLFINx is loaded by the modules that need it
(``model``, ``solver``, ``wire``, ``geometry``, ``io``).
"""

from .bulk import BulkResult, solve_bulk
from .parameters import Coefficients, Drive, Film, ParameterError, paper_film

__version__ = "0.1.0"
__all__ = ["BulkResult", "Coefficients", "Drive", "Film", "ParameterError", "paper_film", "solve_bulk", "__version__"]
