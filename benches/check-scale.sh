#!/usr/bin/env bash
# Scale benchmark: `roadbook check` on synthetic roadmaps of 2,000 and 8,000
# weeks (benches/synthetic-roadmap.py). Linear work takes about 4x as long
# for 4x the weeks; the ratio is what this prints, of the wall time and of
# the CPU time (user + system): on a machine shared with other work the CPU
# time is the steadier of the two.
#
#   cargo build --release -p roadbook
#   benches/check-scale.sh            # 3 runs of each size, medians
#   RUNS=5 SIZES="1000 4000" benches/check-scale.sh
#
# ROADBOOK=path/to/roadbook overrides the binary (default
# target/release/roadbook). CALLGRIND=1 adds the instructions each size
# executes, counted by valgrind's callgrind (one run each, ~50x slower): the
# same count whatever else the machine is doing. Prints a Markdown table for
# BENCHMARKS.md.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
roadbook="${ROADBOOK:-$repo/target/release/roadbook}"
runs="${RUNS:-3}"
sizes="${SIZES:-2000 8000}"
[ -x "$roadbook" ] || { echo "no $roadbook: run cargo build --release -p roadbook" >&2; exit 2; }
# Each run starts in the synthetic book's folder: a relative path would not hold there.
roadbook="$(cd "$(dirname "$roadbook")" && pwd)/$(basename "$roadbook")"
work="$(mktemp -d "${TMPDIR:-/tmp}/roadbook-scale.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The median of the numbers on standard input.
median() {
  sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# `roadbook check` in the book $1, $runs times: "WALL CPU", the medians in
# milliseconds.
check_ms() {
  local times="$work/times"
  : > "$times"
  for _ in $(seq "$runs"); do
    # bash's `time` of the subshell: real, then user + system.
    { TIMEFORMAT='%3R %3U %3S'; time (cd "$1" && "$roadbook" check --quiet >/dev/null 2>&1 || true); } 2>> "$times"
  done
  local wall cpu
  wall=$(awk '{ printf "%d\n", $1 * 1000 }' "$times" | median)
  cpu=$(awk '{ printf "%d\n", ($2 + $3) * 1000 }' "$times" | median)
  echo "$wall $cpu"
}

# The instructions `roadbook check` executes in the book $1 (callgrind).
instructions() {
  (cd "$1" && valgrind --tool=callgrind --callgrind-out-file=/dev/null "$roadbook" check --quiet >/dev/null 2>"$work/callgrind" || true)
  sed -nE 's/.*Collected : ([0-9]+).*/\1/p' "$work/callgrind"
}

echo "| weeks | roadmap size | \`check\` wall (median of $runs) | CPU (median) |${CALLGRIND:+ instructions |}"
echo "|------:|-------------:|---------------:|------:|${CALLGRIND:+------:|}"
first=""
first_ins=""
for weeks in $sizes; do
  book="$work/w$weeks"
  mkdir -p "$book/src"
  printf '[book]\ntitle = "Scale"\n\n[preprocessor.roadbook]\noptional = true\nmissing-exercise-page = "warning"\n' > "$book/book.toml"
  printf '# Summary\n' > "$book/src/SUMMARY.md"
  python3 "$repo/benches/synthetic-roadmap.py" --weeks "$weeks" > "$book/roadmap.md"
  # Errors in the roadmap (exit 1) are part of the work; failing to run is not.
  status=0
  (cd "$book" && "$roadbook" check --quiet >/dev/null 2>&1) || status=$?
  [ "$status" -le 1 ] || { echo "roadbook check could not run on $book (exit $status)" >&2; exit 2; }
  read -r wall cpu < <(check_ms "$book")
  size=$(du -k "$book/roadmap.md" | cut -f1)
  ins=""
  if [ -n "${CALLGRIND:-}" ]; then
    ins=$(instructions "$book")
    [ -n "$first_ins" ] || first_ins=$ins
    last_ins=$ins
  fi
  echo "| $weeks | ${size} KiB | ${wall} ms | ${cpu} ms |${CALLGRIND:+ $ins |}"
  if [ -z "$first" ]; then first="$wall $cpu"; fi
  last="$wall $cpu"
done
if [ -n "${CALLGRIND:-}" ]; then
  python3 -c "import sys; print(f'instructions last/first: {int(sys.argv[2]) / int(sys.argv[1]):.2f}x')" "$first_ins" "$last_ins"
fi
python3 -c "
import sys
w0, c0, w1, c1 = map(int, sys.argv[1:])
print(f'\nratio last/first: wall {w1 / max(1, w0):.1f}x, CPU {c1 / max(1, c0):.1f}x')" $first $last
