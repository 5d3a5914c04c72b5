#!/usr/bin/env bash
# gridsweep trace: bad input, determinism across runs and kernel sets, and
# agreement with PyTorch (tests/torch_agree.py).
# usage: bash tests/cli/trace.sh /path/to/gridsweep   (SOURCE_ROOT = repo root)
set -u
GS=${1:?usage: trace.sh /path/to/gridsweep}
ROOT=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# --- bad input: one line on stderr, exit 2, no output file -------------------
bad() {
    local out="$TMP/bad.csv"
    rm -f "$out" "$out.part"
    "$GS" trace "$@" -o "$out" >"$TMP/stdout" 2>"$TMP/stderr"
    local rc=$?
    [ "$rc" -eq 2 ] || fail "trace $*: exit $rc, want 2"
    local n
    n=$(wc -l <"$TMP/stderr")
    [ "$n" -eq 1 ] || fail "trace $*: $n lines on stderr, want 1: $(cat "$TMP/stderr")"
    [ -s "$TMP/stdout" ] && fail "trace $*: wrote to stdout"
    [ -e "$out" ] && fail "trace $*: created $out"
    [ -e "$out.part" ] && fail "trace $*: left $out.part"
    return 0
}
bad --init 1,2,3
bad --init 1,2,3,4,5
bad --init 1,2,x,4
bad --init 1,2,,4
bad --init 1,2,3,
bad --init ''
bad --init 1,nan,3,4
bad --init 1,2,inf,4
bad --init 1,2,3,-inf
bad --init 1,2,3,1e39
bad --steps 0
bad --steps -3
bad --steps ten
bad --batch 0
bad --batch -1
bad --lr 0
bad --lr -0.1
bad --lr nan
bad --data 0.5:0.5
bad --data 1:-1
bad --data 0:inf
bad --data 1
bad --loss l1
bad --opt adamw
bad --sampling random
bad --act swish
bad --isa sse9
bad --every 0
bad --no-such-option
[ "$fails" -eq 0 ] && echo "ok: bad input"

# --- determinism ---------------------------------------------------------------
run() { "$GS" trace "$@" 2>"$TMP/stderr" || fail "trace $*: exit $?: $(cat "$TMP/stderr")"; }
for act in selu relu softplus gelu_tanh; do
    for samp in shared independent grid; do
        args=(--act "$act" --init 1,0.5,1,-0.5 --steps 200 --every 7 --batch 100
              --sampling "$samp" --seed 11 --point 5 --curve-points 21)
        run "${args[@]}" --isa scalar >"$TMP/a.csv"
        run "${args[@]}" --isa scalar >"$TMP/b.csv"
        cmp -s "$TMP/a.csv" "$TMP/b.csv" || fail "trace ${args[*]}: two runs differ"
        grep -q '^# outcome: ' "$TMP/a.csv" || fail "trace ${args[*]}: no outcome line"
        for isa in avx2 avx512 neon; do
            if "$GS" trace "${args[@]}" --isa "$isa" >"$TMP/c.csv" 2>"$TMP/stderr"; then
                cmp -s "$TMP/a.csv" "$TMP/c.csv" ||
                    fail "trace ${args[*]}: --isa $isa differs from --isa scalar"
            fi
        done
    done
done
# -o writes the same bytes as stdout, and refuses to overwrite without --force
args=(--act elu --steps 50 --batch 64 --every 5)
run "${args[@]}" >"$TMP/stdout.csv"
run "${args[@]}" -o "$TMP/file.csv"
cmp -s "$TMP/stdout.csv" "$TMP/file.csv" || fail "trace -o FILE differs from stdout"
[ -e "$TMP/file.csv.part" ] && fail "trace -o left FILE.part"
"$GS" trace "${args[@]}" -o "$TMP/file.csv" 2>/dev/null && fail "trace -o overwrote a file"
run "${args[@]}" -o "$TMP/file.csv" --force
[ "$fails" -eq 0 ] && echo "ok: determinism"

# --- agreement with PyTorch ------------------------------------------------------
PY=""
for cand in "${GRIDSWEEP_PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$cand" ] || continue
    if "$cand" -c 'import numpy, torch' 2>/dev/null; then
        PY=$cand
        break
    fi
done
if [ -z "$PY" ]; then
    echo "skip: no Python with numpy and torch (set GRIDSWEEP_PYTHON)"
else
    "$PY" "$ROOT/tests/torch_agree.py" "$GS"
    rc=$?
    [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || fail "torch_agree.py exited $rc"
fi

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)" >&2
    exit 1
fi
echo "ok"
