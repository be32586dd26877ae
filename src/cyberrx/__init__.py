"""cyberrx: cyber risk and cyber liability insurance for US medical practices.

Layers (imports point down only; see ../shared/DESIGN.md and the import-linter contract in pyproject.toml):
vocab/errors -> reference -> domain -> engine -> claims/breach/underwriting -> services -> cli/reports.
"""

__version__ = "0.1.0"
ENGINE_VERSION = __version__

__all__ = ["ENGINE_VERSION", "__version__"]
