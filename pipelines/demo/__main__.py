"""CLI: ``python -m pipelines.demo <out_dir> [--seed N] [--years 2012-2024] [--scale N]`` writes the synthetic demo
extracts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.demo.families import generate_demo
from pipelines.demo.generator import DEFAULT_SEED, DEFAULT_YEARS


def _years(text: str) -> range:
    first, _, last = text.partition("-")
    try:
        a, b = int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY or YYYY-YYYY, got {text!r}") from None
    if b < a:
        raise argparse.ArgumentTypeError(f"empty year range {text!r}")
    return range(a, b + 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.demo",
        description="Write synthetic demo extracts (Demodaten, keine amtlichen Zahlen) in the layouts of the "
                    "real sources (GENESIS table CSV, BA Excel, Kreis templates).",
    )
    parser.add_argument("out_dir", type=Path, help="target directory (created if missing)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--years", type=_years, default=DEFAULT_YEARS,
                        help="Stichtag years, YYYY or YYYY-YYYY "
                             f"(default {DEFAULT_YEARS.start}-{DEFAULT_YEARS.stop - 1})")
    parser.add_argument("--scale", type=int, default=1,
                        help="multiplies the number of schools and KiTas per Gemeinde (benchmarks; default 1)")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    paths = generate_demo(args.out_dir, seed=args.seed, years=args.years, scale=args.scale)
    total = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} demo files ({total} bytes) written to {args.out_dir.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
