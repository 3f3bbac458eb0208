#!/usr/bin/env bash
# Page-stage benchmark: `roadbook build` of synthetic roadmaps of growing size
# with the patched mdbook-html (vendor/mdbook-html/PATCH.md) against the same
# build with mdbook-html's original per-page data
# (MDBOOK_HTML_FULL_CHAPTER_DATA=1), side by side in one run: wall time and
# peak memory of the whole process, medians of RUNS runs, and the ratio.
#
#   benches/page-stage.sh                 # 100, 1000 and 3000 weeks, 3 runs each
#   WEEKS="100 1000" RUNS=5 benches/page-stage.sh
#
# Set ROADBOOK=/path/to/roadbook to skip `cargo build --release`. Needs
# Python 3 (benches/synthetic-roadmap.py) and GNU time (/usr/bin/time).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-3}
WEEKS=${WEEKS:-100 1000 3000}

if [[ -z ${ROADBOOK:-} ]]; then
    (cd "$ROOT" && cargo build --release -p roadbook --quiet)
    ROADBOOK=$ROOT/target/release/roadbook
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "error: GNU time is needed for peak memory: apt-get install time" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/roadbook-page-stage.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run DIR [ENV=VALUE]: one build; prints "seconds peak-KiB".
run() {
    local dir=$1
    shift
    env "$@" /usr/bin/time -f '%e %M' -o "$WORK/time" "$ROADBOOK" --root "$dir" -q build >/dev/null 2>"$WORK/stderr" || {
        cat "$WORK/stderr" >&2
        exit 1
    }
    cat "$WORK/time"
}

echo "| weeks | pages | patched (s) | original (s) | ratio | patched peak (MiB) | original peak (MiB) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for weeks in $WEEKS; do
    book=$WORK/book-$weeks
    mkdir -p "$book/src"
    python3 "$ROOT/benches/synthetic-roadmap.py" --weeks "$weeks" >"$book/roadmap.md"
    printf '[book]\ntitle = "Synthetic"\nsrc = "src"\n\n[preprocessor.roadbook]\noptional = true\nroadmap = "roadmap.md"\nmissing-exercise-page = "warning"\n' >"$book/book.toml"
    printf '# Summary\n\n[About](about.md)\n' >"$book/src/SUMMARY.md"
    echo "# About" >"$book/src/about.md"
    run "$book" >/dev/null # warm-up, not counted
    pages=$(find "$book/book" -name '*.html' | wc -l)
    patched_s=() patched_m=() original_s=() original_m=()
    for ((i = 0; i < RUNS; i++)); do
        read -r s m < <(run "$book")
        patched_s+=("$s") patched_m+=("$m")
        read -r s m < <(run "$book" MDBOOK_HTML_FULL_CHAPTER_DATA=1)
        original_s+=("$s") original_m+=("$m")
    done
    ps=$(printf '%s\n' "${patched_s[@]}" | median)
    os=$(printf '%s\n' "${original_s[@]}" | median)
    pm=$(printf '%s\n' "${patched_m[@]}" | median)
    om=$(printf '%s\n' "${original_m[@]}" | median)
    awk -v w="$weeks" -v p="$pages" -v ps="$ps" -v os="$os" -v pm="$pm" -v om="$om" \
        'BEGIN { printf "| %d | %d | %.2f | %.2f | %.2f× | %.0f | %.0f |\n", w, p, ps, os, os / ps, pm / 1024, om / 1024 }'
done
