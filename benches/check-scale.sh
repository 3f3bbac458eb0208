#!/usr/bin/env bash
# Scale benchmark: `roadbook check` on synthetic roadmaps of 2,000 and 8,000
# weeks (benches/synthetic-roadmap.py). Linear work takes about 4x as long
# for 4x the weeks; the ratio is what this prints.
#
#   cargo build --release -p roadbook
#   benches/check-scale.sh            # 3 runs of each size, medians
#   RUNS=5 SIZES="1000 4000" benches/check-scale.sh
#
# ROADBOOK=path/to/roadbook overrides the binary (default
# target/release/roadbook). Prints a Markdown table for BENCHMARKS.md.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
roadbook="${ROADBOOK:-$repo/target/release/roadbook}"
runs="${RUNS:-3}"
sizes="${SIZES:-2000 8000}"
[ -x "$roadbook" ] || { echo "no $roadbook: run cargo build --release -p roadbook" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/roadbook-scale.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Median wall time in milliseconds of `roadbook check` in the book $1.
check_ms() {
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    (cd "$1" && "$roadbook" check --quiet >/dev/null 2>&1) || true
    end=$(date +%s%N)
    echo $(( (end - start) / 1000000 ))
  done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo "| weeks | roadmap size | \`check\` (median of $runs) |"
echo "|------:|-------------:|---------------:|"
first=""
for weeks in $sizes; do
  book="$work/w$weeks"
  mkdir -p "$book/src"
  printf '[book]\ntitle = "Scale"\n\n[preprocessor.roadbook]\noptional = true\nmissing-exercise-page = "warning"\n' > "$book/book.toml"
  printf '# Summary\n' > "$book/src/SUMMARY.md"
  python3 "$repo/benches/synthetic-roadmap.py" --weeks "$weeks" > "$book/roadmap.md"
  ms=$(check_ms "$book")
  size=$(du -k "$book/roadmap.md" | cut -f1)
  echo "| $weeks | ${size} KiB | ${ms} ms |"
  if [ -z "$first" ]; then first=$ms; fi
  last=$ms
done
python3 -c "import sys; print(f'\nratio last/first: {int(sys.argv[2]) / max(1, int(sys.argv[1])):.1f}x')" "$first" "$last"
