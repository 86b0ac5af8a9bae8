"""`make parity`: run the ground-truth corpus, print each failure and P/N; list what the corpus backs.

    python -m tests.parity.report            # cases: failures, then P/N (exit 1 on a failure)
    python -m tests.parity.report --constructs   # construct -> case ids, and our unbacked constructs
    python -m tests.parity.report --markdown     # the construct -> cases table of docs/VTL.md
"""

from __future__ import annotations

import sys

from tests.parity.corpus import describe, load_cases, mismatches, run


def run_corpus() -> int:
    cases = load_cases()
    failures = 0
    for case in cases:
        try:
            outcome = run(case)
            problems = mismatches(case, outcome)
        except Exception as error:  # a template the renderer cannot render is a failure, not a crash
            problems = [f"render error: {type(error).__name__}: {error}"]
        if problems:
            failures += 1
            print(describe(case) + "\n" + "\n".join(f"  {problem}" for problem in problems) + "\n")
    print(f"parity corpus: {len(cases) - failures}/{len(cases)} cases render as AWS recorded")
    return 1 if failures else 0


def print_constructs() -> int:
    from tests.parity.test_construct_coverage import backing_cases, used_constructs

    backed, used = backing_cases(), used_constructs()
    print("construct -> corpus cases")
    for construct in sorted(backed):
        mark = "used" if construct in used else "    "
        print(f"{mark} {construct}: {', '.join(backed[construct])}")
    unbacked = sorted(set(used) - set(backed))
    print("\nused in api/openapi.yaml without a ground-truth case:")
    for construct in unbacked:
        print(f"  {construct}: {', '.join(sorted(set(used[construct])))}")
    return 1 if unbacked else 0


def print_markdown_table() -> int:
    from tests.parity.test_construct_coverage import backing_cases

    backed = backing_cases()
    rank = {"#": 0, "$": 1, ".": 2, "o": 3, "[": 4, "{": 4, "a": 5}
    print("| construct | ground-truth cases (tests/parity/cases/<family>.yaml, id) |")
    print("|---|---|")
    for construct in sorted(backed, key=lambda c: (rank.get(c[0], 6), c)):
        ids = backed[construct]
        more = f" (+{len(ids) - 3})" if len(ids) > 3 else ""
        print(f"| `{construct}` | {', '.join(f'`{i}`' for i in ids[:3])}{more} |")
    return 0


if __name__ == "__main__":
    if "--constructs" in sys.argv:
        sys.exit(print_constructs())
    sys.exit(print_markdown_table() if "--markdown" in sys.argv else run_corpus())
