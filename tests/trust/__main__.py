"""``python -m tests.trust [--only SUBSTRING] [--jobs N] [-v]``: run the cases, print what held."""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor

from .cases import all_cases
from .contract import Result, run
from .servers import servers_for


def run_one(case) -> Result:
    with servers_for(case) as servers:
        return run(case, servers)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.trust")
    p.add_argument("--only", default="", help="run the cases whose name or group contains this")
    p.add_argument("--jobs", type=int, default=4)
    p.add_argument("-v", "--verbose", action="store_true", help="show stderr of failing cases")
    args = p.parse_args(argv)
    cases = [c for c in all_cases() if args.only in c.name or args.only == c.group]
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(run_one, cases))
    by_group: dict[str, list[Result]] = {}
    for r in results:
        by_group.setdefault(r.case.group, []).append(r)
    for r in results:
        if not r.held:
            print(f"BROKEN {r.case.group}/{r.case.name} (exit {r.code}, {r.seconds:.1f} s): {'; '.join(r.broken)}")
            if args.verbose:
                for line in r.stderr.splitlines()[-4:]:
                    print(f"    stderr| {line[:200]}")
    for group, rs in by_group.items():
        print(f"{group:<10} {sum(r.held for r in rs)}/{len(rs)} held")
    held = sum(r.held for r in results)
    print(f"{held}/{len(results)} cases held")
    return 0 if held == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
