#!/usr/bin/env bash
# Search benchmark (issue 4): index build time for the shipped book and for a
# synthetic 100-week roadmap, index size on disk, whole-process latency of
# `roadbook search` against `grep -ri` over the book's Markdown (the floor),
# and the size of mdBook's own in-browser search index for comparison.
#
#   cargo build --release -p roadbook
#   benches/search.sh [RUNS]        # RUNS: search runs per query (default 200)
#
# ROADBOOK=path/to/roadbook overrides the binary (default target/release/roadbook).
# Prints a Markdown section for BENCHMARKS.md.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-200}"
roadbook="${ROADBOOK:-$repo/target/release/roadbook}"
[ -x "$roadbook" ] || { echo "no $roadbook: run cargo build --release -p roadbook" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A copy of the book's inputs, so the repository's book/ and search-index/
# are left alone.
copy_inputs() { # $1 destination
  mkdir -p "$1/crates/patterns"
  cp "$repo/book.toml" "$repo/roadmap.md" "$1/"
  cp -r "$repo/src" "$repo/theme" "$repo/diagrams" "$1/" 2>/dev/null || true
  cp -r "$repo/crates/patterns/src" "$repo/crates/patterns/Cargo.toml" "$1/crates/patterns/"
}

# Median "Indexed … (N ms)" of 5 builds of the book in $1.
index_time() {
  for _ in 1 2 3 4 5; do
    (cd "$1" && "$roadbook" build 2>&1 >/dev/null) | sed -n 's/.*Indexed.*(\(.*\))$/\1/p'
  done | python3 -c '
import sys
def ms(t):
    n, unit = t.split()
    return float(n) * (1000 if unit == "s" else 1)
v = sorted(ms(l.strip()) for l in sys.stdin if l.strip())
print(f"{v[len(v)//2]:.0f} ms")'
}

size_kib() { du -sk --exclude=README.md "$1" | cut -f1; }

shipped="$work/shipped"
copy_inputs "$shipped"
shipped_index="$(index_time "$shipped")"
shipped_docs="$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["documents"], "documents,", m["pages"], "pages,", m["code_items"], "code items")' "$shipped/search-index/roadbook-index.json")"
shipped_size="$(size_kib "$shipped/search-index")"
mdbook_js="$(ls "$shipped"/book/searchindex-*.js 2>/dev/null | head -1 || true)"
mdbook_size="$( [ -n "$mdbook_js" ] && echo $(( $(stat -c %s "$mdbook_js") / 1024 )) || echo "n/a")"
book_size="$(du -sk "$shipped/book" | cut -f1)"

synthetic="$work/synthetic"
copy_inputs "$synthetic"
# The exercise pages belong to the shipped roadmap's items: leave them out.
rm -rf "$synthetic/src/exercises"
grep -v 'exercises/' "$repo/src/SUMMARY.md" > "$synthetic/src/SUMMARY.md"
python3 "$repo/benches/synthetic-roadmap.py" --weeks 100 > "$synthetic/roadmap.md"
synthetic_index="$(index_time "$synthetic")"
synthetic_docs="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["documents"])' "$synthetic/search-index/roadbook-index.json")"
synthetic_size="$(size_kib "$synthetic/search-index")"

# Whole-process latency, median and 90th percentile of $runs runs each.
latency="$(cd "$shipped" && python3 - "$roadbook" "$runs" <<'PY'
import os, subprocess, sys, time
roadbook, runs = sys.argv[1], int(sys.argv[2])
md = ["roadmap.md"] + [os.path.join(d, f) for d, _, fs in os.walk("src") for f in fs if f.endswith(".md")]
cases = [
    ("roadbook search \"circuit breaker\"", [roadbook, "search", "circuit breaker"]),
    ("roadbook search \"circut braeker\" (typo fallback)", [roadbook, "search", "circut braeker"]),
    ("roadbook search --json --week 3-4 redis", [roadbook, "search", "--json", "--week", "3-4", "redis"]),
    ("roadbook search --kind code retry", [roadbook, "search", "--kind", "code", "retry"]),
    ("roadbook show w01-design-failure-recovery-payment-service", [roadbook, "show", "--no-pager", "w01-design-failure-recovery-payment-service"]),
    ("grep -ri \"circuit breaker\" over the Markdown (floor)", ["grep", "-ri", "circuit breaker"] + md),
]
print("| command | median | p90 |")
print("| --- | ---: | ---: |")
for name, argv in cases:
    times = []
    for i in range(runs + 5):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if i >= 5:  # warm-up runs not counted
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"| `{name}` | {times[len(times)//2]:.1f} ms | {times[int(len(times)*0.9)]:.1f} ms |")
PY
)"

cat <<MD
## Search

Measured by \`benches/search.sh $runs\` on $(nproc) cores ($(uname -m)), $(date -u +%Y-%m-%d), release build.

| what | shipped book (12 weeks) | synthetic roadmap (100 weeks) |
| --- | ---: | ---: |
| index build (median of 5 \`roadbook build\`, the "Indexed" stage) | $shipped_index | $synthetic_index |
| documents | $shipped_docs | $synthetic_docs |
| index size on disk (search-index/) | ${shipped_size} KiB | ${synthetic_size} KiB |

mdBook's in-browser index of the shipped book (\`book/searchindex-*.js\`, loaded by every reader who searches): ${mdbook_size} KiB (whole built book: ${book_size} KiB).

Whole-process latency, $runs runs each after 5 warm-up runs, stdout to /dev/null (so no colour and no syntect), shipped book:

$latency
MD
