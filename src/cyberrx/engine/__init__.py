"""Pure numeric kernel: random streams, distributions, scenarios, simulation, policy terms, metrics.

Knows nothing of files, databases, HTTP or printing (import-linter contract).
"""
