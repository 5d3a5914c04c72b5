#!/usr/bin/env bash
# The golden-output test: every command in tests/golden/commands gives the
# bytes recorded in tests/golden/expected/, with every kernel set this CPU
# runs (forced through GRIDSWEEP_ISA). It guards refactors that must not
# change output. Usage: run.sh GRIDSWEEP [--regen]
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
regen=${2:-}
run() { ${MESON_EXE_WRAPPER:-} "$GS" "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passes=0
fails=0
skips=0   # kernel sets this CPU cannot run

# The composite cases build on maps of their own.
special() {
    case "$1" in
    @merge)
        for k in 1 2 3; do
            run --act relu --res 3,5 --steps 40 --tile $k/3 --quiet -o b$k.csv || return 1
        done
        run merge b3.csv b1.csv b2.csv -o merged.csv && rm b1.csv b2.csv b3.csv ;;
    @stats)
        run --act selu --res 12 --steps 40 --quiet -o m.csv && run stats m.csv --json --eps 2 ;;
    @diff)
        run --act relu --res 5 --steps 40 --quiet -o a.csv &&
            run --act elu --res 5 --steps 40 --quiet -o b.csv && run diff a.csv b.csv --json ;;
    esac
}

# run_all ISA: every command with that kernel set.
run_all() {
    local isa=$1 line name args dir rc out f
    export GRIDSWEEP_ISA=$isa
    while IFS= read -r line; do
        case "$line" in '#'*|'') continue ;; esac
        name=${line%% | *}
        args=${line#* | }
        dir="$tmp/$isa/$name"
        mkdir -p "$dir"
        if [ "${args:0:1}" = @ ]; then
            (cd "$dir" && special "$args") > "$dir/.stdout" 2> "$tmp/stderr"
        else
            # shellcheck disable=SC2086  # the words of the line are the arguments
            (cd "$dir" && run $args) > "$dir/.stdout" 2> "$tmp/stderr"
        fi
        rc=$?
        if [ "$rc" -ne 0 ]; then
            echo "FAIL: $name ($isa): exit $rc: $(head -c 300 "$tmp/stderr")" >&2
            fails=$((fails + 1))
            continue
        fi
        # One file per case: every output file, concatenated with its name.
        out="$tmp/$isa/$name.out"
        for f in "$dir"/.stdout $(cd "$dir" && ls); do
            f=${f##*/}
            printf '=== %s\n' "$f"
            cat "$dir/$f"
        done > "$out"
        if [ "$regen" = --regen ]; then
            mkdir -p "$here/expected"
            cp "$out" "$here/expected/$name.out"
            passes=$((passes + 1))
        elif cmp -s "$out" "$here/expected/$name.out"; then
            passes=$((passes + 1))
        else
            echo "FAIL: $name ($isa): output differs from tests/golden/expected/$name.out:" >&2
            diff "$here/expected/$name.out" "$out" 2>&1 | head -n 6 >&2
            fails=$((fails + 1))
        fi
    done < "$here/commands"
}

if [ "$regen" = --regen ]; then
    run_all scalar
else
    for isa in scalar avx2 avx512 neon; do
        if run --version --isa "$isa" > /dev/null 2>&1; then
            run_all "$isa"
        else
            echo "golden: kernel set $isa skipped (this CPU or build cannot run it)"
            skips=$((skips + 1))
        fi
    done
fi
if [ "$skips" -gt 0 ]; then
    echo "$passes passed, $fails failed, $skips skipped"
else
    echo "$passes passed, $fails failed"
fi
[ "$fails" -eq 0 ]
