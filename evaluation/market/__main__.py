"""Generate a market, write it and print its relevance statistics.

``python -m evaluation.market --size medium --setting untuned --out data/market-medium``;
``--size large`` streams the records (no qrels) and needs ``--out``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

from evaluation.market.config import SIZES, MarketConfig, Setting
from evaluation.market.generate import generate_market
from evaluation.market.io import write_large, write_market
from evaluation.market.stats import market_stats


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.market", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--setting", choices=list(get_args(Setting)), default="standard")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="directory to write")
    parser.add_argument("--progress", action="store_true", help="show progress bars")
    parser.add_argument("--workers", type=int, default=1, help="processes for --size large")
    args = parser.parse_args(argv)
    config = MarketConfig(size=args.size, setting=args.setting, seed=args.seed)
    start = time.perf_counter()
    if config.size == "large":
        if args.out is None:
            parser.error("--size large needs --out")
        write_large(config, args.out, args.progress, workers=args.workers)
        print(f"wrote {config.size} market to {args.out} in {time.perf_counter() - start:.1f} s")
        return 0
    market = generate_market(config, show_progress=args.progress)
    print(
        f"generated {config.size}/{config.setting} (seed {config.seed}) in "
        f"{time.perf_counter() - start:.1f} s"
    )
    for direction, stats in market_stats(market).items():
        grades = ", ".join(f"{g}: {share:.1%}" for g, share in stats.grade_shares.items())
        print(
            f"queries = {direction} ({stats.queries}): relevant per query mean {stats.mean:.1f}, "
            f"median {stats.median:.0f}, p95 {stats.p95:.0f}, max {stats.max}, "
            f"> 100: {stats.share_over_100:.2%}, none: {stats.share_zero:.2%}; grades {grades}"
        )
    if args.out is not None:
        write_market(market, args.out)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
