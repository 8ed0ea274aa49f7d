"""Benchmarks, apart from the tests: `./dev bench` (or `python -m tests.benchmarks`).

Each `bench_*.py` module here defines `run(quick: bool) -> list[Figure]`. Every figure
carries a baseline measured in the same run, because these machines are noisy: the
ratio against the baseline is what is compared over time, not the raw value.
"""
