"""Load-test tools, kept out of the product: synthetic data and the benchmark's framework floor.

Installed only when the environment asks (``LOADTEST=1``, which benchmarks/run.py sets for its own
processes); the product runs and passes its tests without it.
"""
