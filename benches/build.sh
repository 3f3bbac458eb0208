#!/usr/bin/env bash
# Build benchmark: `roadbook build` against plain `mdbook build` on the same
# pages (the sources `roadbook build --emit-sources` writes), for the shipped
# roadmap and for a synthetic 100-week one (benches/synthetic-roadmap.py).
#
#   benches/build.sh            # 10 runs of each, interleaved
#   RUNS=20 benches/build.sh
#
# Needs the plain mdBook CLI 0.5 (kept in the ignored target/ folder):
#   cargo install mdbook --version 0.5.4 --locked --root target/mdbook
# and Python 3 for the synthetic roadmap. Set MDBOOK=/path/to/mdbook to use
# another binary, ROADBOOK=/path/to/roadbook to skip `cargo build --release`.
#
# roadbook builds the API reference of the shipped book's reference crate
# too (cargo doc). Its output is cached by input hash, so the runs measure
# the cached stage; API_DOCS=cold removes the cache before every roadbook run
# (cargo's own build of the dependencies stays), so that cargo doc runs each
# time, as after a change of the reference code. API_DOCS=none builds with
# --no-api-docs. BOOKS=shipped (or synthetic) runs one of the two books.
#
# Each command is run as a whole process (parse + render + mdBook + search
# index for roadbook), output discarded, the two alternating so that noise
# from other work on the machine hits both alike. Everything happens in a
# temporary copy of the book; the repository's book/ and search-index/ are
# not touched. Prints a Markdown table with medians and the ratios, then
# every run and roadbook's stage medians.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-10}
WEEKS=${WEEKS:-100}
API_DOCS=${API_DOCS:-cached}
BOOKS=${BOOKS:-shipped synthetic}
case $API_DOCS in
    cached | cold) API_FLAG=() ;;
    none) API_FLAG=(--no-api-docs) ;;
    *) echo "error: API_DOCS is cached, cold or none, not $API_DOCS" >&2; exit 2 ;;
esac

MDBOOK=${MDBOOK:-$ROOT/target/mdbook/bin/mdbook}
if [[ ! -x $MDBOOK ]]; then
    MDBOOK=$(command -v mdbook || true)
fi
if [[ -z $MDBOOK ]] || ! "$MDBOOK" --version | grep -q '^mdbook v0\.5\.'; then
    cat >&2 <<'EOF'
error: the plain mdBook 0.5 CLI is needed for the comparison
help: install it outside the repository (several minutes of compiling):
        cargo install mdbook --version 0.5.4 --locked --root target/mdbook
      or point MDBOOK at an mdbook 0.5 binary
EOF
    exit 2
fi

if [[ -z ${ROADBOOK:-} ]]; then
    (cd "$ROOT" && cargo build --release -p roadbook --quiet)
    ROADBOOK=$ROOT/target/release/roadbook
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/roadbook-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Milliseconds taken by the command "$@"; its stdout is discarded, its
# stderr kept in $WORK/stderr. Fails loudly.
time_ms() {
    local start end
    start=$(date +%s%N)
    if ! "$@" >/dev/null 2>"$WORK/stderr"; then
        echo "error: benchmark command failed: $*" >&2
        cat "$WORK/stderr" >&2
        exit 1
    fi
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

# The milliseconds of roadbook's stage $1 in the progress lines of $WORK/stderr
# ("     Indexed 1045 documents into search-index (287 ms)" or "(1.24 s)").
stage_ms() {
    sed -nE "s/^ *$1 .*\(([0-9.]+) (ms|s)\)\$/\1 \2/p" "$WORK/stderr" |
        awk '{ print ($2 == "s") ? int($1 * 1000) : $1 }'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'
}

# bench NAME BOOK_DIR: emits the sources once, then times RUNS interleaved
# builds of each and adds a row to the table. roadbook runs as a user runs it
# (progress and warnings on stderr); its "Indexed" stage timing is subtracted
# for the column without the search index (there is no flag to skip it).
bench() {
    local name=$1 book=$2 sources=$WORK/$1-sources
    "$ROADBOOK" --root "$book" -q build --emit-sources "$sources" -d "$WORK/$name-emit-out"
    rm -rf "$WORK/$name-emit-out"
    local pages
    pages=$(find "$sources/src" -name '*.md' ! -name SUMMARY.md | wc -l)

    # The synthetic book has no reference code to document.
    local flags=("${API_FLAG[@]}")
    [[ -d $book/crates ]] || flags=(--no-api-docs)
    # One warm-up run of each (page cache), not counted.
    time_ms "$ROADBOOK" --root "$book" build "${flags[@]}" >/dev/null
    time_ms "$MDBOOK" build "$sources" >/dev/null
    local rb=() noidx=() md=() stage i ms
    local -A stages=()
    for ((i = 0; i < RUNS; i++)); do
        if [[ $API_DOCS == cold ]]; then
            rm -rf "$book/target/roadbook-api/api"
        fi
        ms=$(time_ms "$ROADBOOK" --root "$book" build "${flags[@]}")
        rb+=("$ms")
        for stage in Parsed Rendered Built Indexed; do
            stages[$stage]+="$(stage_ms "$stage") "
        done
        stages[Documented]+="$(stage_ms Documented | grep . || echo 0) "
        noidx+=("$((ms - $(stage_ms Indexed)))")
        md+=("$(time_ms "$MDBOOK" build "$sources")")
    done
    local rb_med noidx_med md_med
    rb_med=$(printf '%s\n' "${rb[@]}" | median)
    noidx_med=$(printf '%s\n' "${noidx[@]}" | median)
    md_med=$(printf '%s\n' "${md[@]}" | median)
    printf '| %s | %s | %s | %s | %s | **%s** | %s |\n' "$name" "$pages" "$rb_med" "$noidx_med" \
        "$md_med" "$(ratio "$rb_med" "$md_med")" "$(ratio "$noidx_med" "$md_med")" >>"$WORK/table"
    {
        echo "$name: roadbook build (ms):        ${rb[*]}"
        echo "$name: roadbook minus index (ms):  ${noidx[*]}"
        echo "$name: mdbook build (ms):          ${md[*]}"
        printf '%s: roadbook stage medians (ms):' "$name"
        for stage in Parsed Documented Rendered Built Indexed; do
            printf ' %s %s,' "$stage" "$(printf '%s\n' ${stages[$stage]} | median)"
        done
        echo
    } >>"$WORK/details"
}

# The shipped book, copied whole so that `{{#include ../../crates/…}}` in the
# pages still resolves.
SHIPPED=$WORK/shipped
mkdir -p "$SHIPPED"
tar -C "$ROOT" --exclude=./target --exclude=./.git --exclude=./book \
    --exclude='./search-index/*' --exclude=node_modules -cf - . | tar -C "$SHIPPED" -xf -

# The synthetic roadmap: the shipped book.toml, theme and diagrams, no
# written pages, missing exercise pages lowered to warnings.
SYNTH=$WORK/synthetic-$WEEKS-weeks
mkdir -p "$SYNTH/src/exercises"
cp -r "$ROOT/theme" "$ROOT/diagrams" "$SYNTH/"
sed 's/^missing-exercise-page *=.*/missing-exercise-page = "warning"/' "$ROOT/book.toml" >"$SYNTH/book.toml"
grep -q '^missing-exercise-page = "warning"' "$SYNTH/book.toml" ||
    printf '\n[preprocessor.roadbook]\nmissing-exercise-page = "warning"\n' >>"$SYNTH/book.toml"
printf '# Summary\n' >"$SYNTH/src/SUMMARY.md"
python3 "$ROOT/benches/synthetic-roadmap.py" --weeks "$WEEKS" -o "$SYNTH/roadmap.md"

echo "roadbook: $("$ROADBOOK" --version) at $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'); mdbook: $("$MDBOOK" --version)"
echo "API docs: $API_DOCS"
echo "machine: $(nproc) cores, $(uname -sm), load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d); medians of $RUNS runs each, interleaved, in ms"
echo

echo '| book | pages | roadbook build | roadbook without the index stage | mdbook build | ratio | ratio without index |' >"$WORK/table"
echo '|---|---:|---:|---:|---:|---:|---:|' >>"$WORK/table"
: >"$WORK/details"
[[ " $BOOKS " != *" shipped "* ]] || bench shipped "$SHIPPED"
[[ " $BOOKS " != *" synthetic "* ]] || bench "synthetic-$WEEKS-weeks" "$SYNTH"

cat "$WORK/table"
echo
cat "$WORK/details"
