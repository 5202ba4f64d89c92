"""Benchmarks: ``python -m bench`` runs them all, prints a table and writes JSON.

Not part of the test suite: timing targets live here, never in timed tests. See
docs/PERFORMANCE.md for what each benchmark measures and the targets.
"""
