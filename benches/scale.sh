#!/usr/bin/env bash
# Scale benchmark, in one run and side by side: the shipped book and
# synthetic books of about 160, 1,500 and 4,500 pages
# (benches/synthetic-roadmap.py with 100, 1000 and 3000 weeks), each built by
#   - `roadbook build` (release binary, the patched page stage),
#   - the same with mdbook-html's original page stage
#     (MDBOOK_HTML_FULL_CHAPTER_DATA=1, see vendor/mdbook-html/PATCH.md),
#   - plain `mdbook build` of the sources `roadbook build --emit-sources` wrote
#     (their book.toml turns mdBook's search off: roadbook has its own), and
#     of the same with mdBook's own search on, the like-for-like anchor for a
#     searchable book;
# wall time (median of RUNS) and peak memory (GNU time's maximum resident set
# size, median) of the whole process, roadbook's stage times (the medians of
# the times its progress lines print), and the bytes of a first visit of a
# week page of the shipped and the largest book (benches/page-weight.mjs).
# Prints Markdown tables for BENCHMARKS.md.
#
#   cargo install mdbook --version 0.5.4 --locked --root target/mdbook   # once
#   cargo build --release -p roadbook
#   RUNS=3 benches/scale.sh
#   RUNS=5 SLOW_RUNS=1 WEEKS="100 1000" benches/scale.sh
#
# RUNS (default 3) runs of each command; SLOW_RUNS (default RUNS) for the two
# quadratic ones (original page stage, plain mdBook) on books over 2,000
# pages, which take minutes a run (0: not run). MDBOOK=path/to/mdbook (default
# target/mdbook/bin/mdbook, then the PATH), ROADBOOK=path/to/roadbook
# (default target/release/roadbook). The API reference stage (`cargo doc`,
# cached) is skipped (--no-api-docs): plain mdBook has nothing like it.
# Page weight needs tests/browser's npm packages and Chromium; without them
# that table is left out. Everything happens under a temporary folder.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-3}
SLOW_RUNS=${SLOW_RUNS:-$RUNS}
WEEKS=${WEEKS:-100 1000 3000}
ROADBOOK=${ROADBOOK:-$ROOT/target/release/roadbook}
MDBOOK=${MDBOOK:-$ROOT/target/mdbook/bin/mdbook}
[[ -x $MDBOOK ]] || MDBOOK=$(command -v mdbook || true)

if [[ ! -x $ROADBOOK ]]; then
    echo "error: no $ROADBOOK: run cargo build --release -p roadbook (or set ROADBOOK)" >&2
    exit 2
fi
if [[ -z $MDBOOK ]] || ! "$MDBOOK" --version | grep -q '^mdbook v0\.5\.'; then
    echo "warning: no plain mdBook 0.5 CLI, so no comparison with it: cargo install mdbook --version 0.5.4 --locked --root target/mdbook" >&2
    MDBOOK=""
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "error: GNU time is needed for peak memory: apt-get install time" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/roadbook-scale.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure ENV... -- COMMAND...: runs it once; prints "seconds peak-KiB
# cpu-seconds" (user + system: on a loaded machine the CPU time moves
# less than the wall time) and
# keeps its stderr in $WORK/stderr.
measure() {
    local envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    if ! env "${envs[@]}" /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr"; then
        echo "error: benchmark command failed: $*" >&2
        cat "$WORK/stderr" >&2
        exit 1
    fi
    awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$WORK/time"
}

# The seconds of roadbook's stage $1 in $WORK/stderr ("(287 ms)" or "(1.24 s)").
stage_s() {
    sed -nE "s/^ *$1 .*\(([0-9.]+) (ms|s)\)\$/\1 \2/p" "$WORK/stderr" |
        awk '{ printf "%.3f\n", ($2 == "s") ? $1 : $1 / 1000 }'
}

# The shipped book, whole, so its `{{#include ../../crates/…}}` resolve.
make_shipped() {
    mkdir -p "$1"
    tar -C "$ROOT" --exclude=./target --exclude=./.git --exclude=./book \
        --exclude='./search-index/*' --exclude=node_modules --exclude=./fuzz -cf - . | tar -C "$1" -xf -
}

# A synthetic book of $2 weeks: the shipped book.toml, theme and diagrams,
# no written pages, missing exercise pages lowered to warnings, and no
# interview library or assessment (they link the shipped exercise pages).
make_synthetic() {
    mkdir -p "$1/src"
    cp -r "$ROOT/theme" "$ROOT/diagrams" "$1/"
    sed -e 's/^missing-exercise-page *=.*/missing-exercise-page = "warning"/' \
        -e '/^interview *=/d' -e '/^assessment *=/d' "$ROOT/book.toml" >"$1/book.toml"
    printf '# Summary\n' >"$1/src/SUMMARY.md"
    python3 "$ROOT/benches/synthetic-roadmap.py" --weeks "$2" -o "$1/roadmap.md"
}

printf '| book | pages | roadbook build | cpu | peak | stages: parse / render / mdBook / index | original page stage | peak | plain mdbook build | cpu | peak | roadbook ÷ mdbook (wall, cpu) | mdbook with its search | peak | roadbook ÷ that |\n' >"$WORK/table"
printf '|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n' >>"$WORK/table"
: >"$WORK/weight"
declare -A SECONDS_OF=()

# bench NAME DIR
bench() {
    local name=$1 dir=$2 sources=$WORK/$1-sources
    # An mdBook installed while the benchmark runs joins from the next book.
    if [[ -z $MDBOOK && -x $ROOT/target/mdbook/bin/mdbook ]]; then MDBOOK=$ROOT/target/mdbook/bin/mdbook; fi
    "$ROADBOOK" --root "$dir" -q build --no-api-docs --emit-sources "$sources" -d "$WORK/emit-out" >/dev/null
    rm -rf "$WORK/emit-out"
    # The same sources with mdBook's own search (elasticlunr) turned back on.
    cp -r "$sources" "$sources-search"
    awk '/^\[/ { in_search = ($0 == "[output.html.search]") }
         in_search && /^enable *=/ { $0 = "enable = true" } { print }' \
        "$sources/book.toml" >"$sources-search/book.toml"
    local pages runs=$RUNS slow=$RUNS
    pages=$(find "$sources/src" -name '*.md' ! -name SUMMARY.md | wc -l)
    ((pages > 2000)) && slow=$SLOW_RUNS
    local rb_s=() rb_m=() rb_c=() og_s=() og_m=() md_s=() md_m=() md_c=() ms_s=() ms_m=() st_p=() st_r=() st_b=() st_i=() s m c i
    measure -- "$ROADBOOK" --root "$dir" build --no-api-docs >/dev/null # warm-up, not counted
    for ((i = 0; i < runs; i++)); do
        read -r s m c < <(measure -- "$ROADBOOK" --root "$dir" build --no-api-docs)
        rb_s+=("$s") rb_m+=("$m") rb_c+=("$c")
        st_p+=("$(stage_s Parsed)") st_r+=("$(stage_s Rendered)") st_b+=("$(stage_s Built)") st_i+=("$(stage_s Indexed)")
        if ((i < slow)); then
            read -r s m c < <(measure MDBOOK_HTML_FULL_CHAPTER_DATA=1 -- "$ROADBOOK" --root "$dir" build --no-api-docs)
            og_s+=("$s") og_m+=("$m")
            if [[ -n $MDBOOK ]]; then
                read -r s m c < <(measure -- "$MDBOOK" build "$sources")
                md_s+=("$s") md_m+=("$m") md_c+=("$c")
                read -r s m c < <(measure -- "$MDBOOK" build "$sources-search")
                ms_s+=("$s") ms_m+=("$m")
            fi
        fi
    done
    local med
    # The median, or "nan" when a command was not run.
    med() { if (($# == 0)); then echo nan; else printf '%s\n' "$@" | median; fi; }
    local rb og md ms rbc mdc
    rb=$(med "${rb_s[@]}") og=$(med "${og_s[@]}") md=$(med "${md_s[@]}") ms=$(med "${ms_s[@]}")
    rbc=$(med "${rb_c[@]}") mdc=$(med "${md_c[@]}")
    SECONDS_OF[$name]=$rb
    awk -v n="$name" -v p="$pages" -v rb="$rb" -v rbm="$(med "${rb_m[@]}")" \
        -v sp="$(med "${st_p[@]}")" -v sr="$(med "${st_r[@]}")" -v sb="$(med "${st_b[@]}")" -v si="$(med "${st_i[@]}")" \
        -v og="$og" -v ogm="$(med "${og_m[@]}")" -v md="$md" -v mdm="$(med "${md_m[@]}")" -v ms="$ms" -v msm="$(med "${ms_m[@]}")" -v runs="$runs" -v slow="$slow" \
        -v rbc="$rbc" -v mdc="$mdc" \
        'function sec(x, note) { return (x == "nan") ? "not run" : sprintf("%.2f s%s", x, note) }
         function mib(x) { return (x == "nan") ? "" : sprintf("%.0f MiB", x / 1024) }
         BEGIN { note = (slow < runs ? " (" slow " run)" : "")
            printf "| %s | %d | %.2f s | %.2f s | %.0f MiB | %.2f / %.2f / %.2f / %.2f s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
            n, p, rb, rbc, rbm / 1024, sp, sr, sb, si, sec(og, note), mib(ogm), sec(md, note), sec(mdc, ""), mib(mdm),
            (md == "nan") ? "" : sprintf("%.2f×, %.2f×", rb / md, rbc / mdc),
            sec(ms, note), mib(msm), (ms == "nan") ? "" : sprintf("%.2f×", rb / ms) }' >>"$WORK/table"
    {
        echo "$name: roadbook (s): ${rb_s[*]}; cpu (s): ${rb_c[*]}; peak KiB: ${rb_m[*]}"
        echo "$name: original page stage (s): ${og_s[*]}; peak KiB: ${og_m[*]}"
        echo "$name: plain mdbook (s): ${md_s[*]}; cpu (s): ${md_c[*]}; peak KiB: ${md_m[*]}"
        echo "$name: plain mdbook with its search (s): ${ms_s[*]}; peak KiB: ${ms_m[*]}"
    } >>"$WORK/details"
    if [[ -d $ROOT/tests/browser/node_modules/playwright-core ]]; then
        node "$ROOT/benches/page-weight.mjs" --book "$dir/book" --site-url /roadbook/ |
            grep '^| first' | sed "s/^| /| $name: /" >>"$WORK/weight" || true
    fi
}

echo "roadbook: $("$ROADBOOK" --version) at $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'); mdbook: ${MDBOOK:+$("$MDBOOK" --version)}"
echo "machine: $(nproc) cores, $(uname -sm), load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d); RUNS=$RUNS SLOW_RUNS=$SLOW_RUNS"
echo
: >"$WORK/details"
make_shipped "$WORK/shipped"
bench shipped "$WORK/shipped"
last=""
for weeks in $WEEKS; do
    make_synthetic "$WORK/synthetic-$weeks" "$weeks"
    bench "synthetic $weeks weeks" "$WORK/synthetic-$weeks"
    if [[ -n $last ]]; then
        awk -v a="${SECONDS_OF[synthetic $last weeks]}" -v b="${SECONDS_OF[synthetic $weeks weeks]}" -v wa="$last" -v wb="$weeks" \
            'BEGIN { printf "roadbook build, %d weeks against %d: %.2f× the time for %.1f× the weeks\n", wb, wa, b / a, wb / wa }' >>"$WORK/growth"
    fi
    last=$weeks
done
cat "$WORK/table"
echo
[[ -f $WORK/growth ]] && cat "$WORK/growth" && echo
if [[ -s $WORK/weight ]]; then
    echo '| page weight | from | requests | bytes | largest |'
    echo '|---|---|---:|---:|---|'
    cat "$WORK/weight"
    echo
fi
cat "$WORK/details"
