"""Run every benchmark module (or those named) and print one table."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import tests.benchmarks as package
from tests.benchmarks.figure import table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev bench", description=__doc__)
    parser.add_argument("only", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller data")
    args = parser.parse_args(argv)
    names = [m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_")]
    if args.only:
        names = [n for n in names if n in args.only or n.removeprefix("bench_") in args.only]
    figures = []
    for name in sorted(names):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        module = importlib.import_module(f"tests.benchmarks.{name}")
        figures.extend(module.run(quick=args.quick))
    print(table(figures))
    return 0 if all(f.met is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
