# Shared by the CLI tests: a temp dir, counters, and checks.
# Each test sources it after setting GS (the gridsweep binary).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passes=0
fails=0
skips=0

ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# skip NAME WHY: a case that cannot run here (not root, no tmpfs): counted
# apart, never as passed.
skip() { echo "SKIP: $1: $2" >&2; skips=$((skips + 1)); }

# expect_error NAME CMD...: exit status 2, exactly one line on stderr that
# starts with "gridsweep:", nothing on stdout, and no file left in $tmp/out.
expect_error() {
    local name=$1
    shift
    rm -rf "$tmp/out" && mkdir -p "$tmp/out"
    (cd "$tmp/out" && "$@") > "$tmp/stdout" 2> "$tmp/stderr"
    local rc=$?
    local lines
    lines=$(wc -l < "$tmp/stderr")
    if [ "$rc" -ne 2 ]; then
        fail "$name: exit $rc, want 2 ($(head -c 200 "$tmp/stderr"))"
    elif [ "$lines" -ne 1 ] || ! grep -q '^gridsweep: ' "$tmp/stderr"; then
        fail "$name: want one 'gridsweep:' line on stderr, got: $(cat "$tmp/stderr")"
    elif [ -s "$tmp/stdout" ]; then
        fail "$name: wrote to stdout"
    elif [ -n "$(ls -A "$tmp/out")" ]; then
        fail "$name: left files behind: $(ls -A "$tmp/out")"
    else
        ok
    fi
}

# refused NAME WANT CMD...: exit 2, one "gridsweep:" line holding WANT on
# stderr, nothing on stdout; run in the current directory (unlike
# expect_error, it leaves what is on disk to the caller to check).
refused() {
    local name=$1 want=$2
    shift 2
    "$@" > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null
    local rc=$?
    if [ "$rc" -ne 2 ]; then
        fail "$name: exit $rc, want 2 ($(head -c 300 "$tmp/stderr"))"
    elif [ "$(wc -l < "$tmp/stderr")" -ne 1 ] || ! grep -q '^gridsweep: ' "$tmp/stderr"; then
        fail "$name: want one 'gridsweep:' line, got: $(cat "$tmp/stderr")"
    elif ! grep -qF -- "$want" "$tmp/stderr"; then
        fail "$name: message lacks '$want': $(cat "$tmp/stderr")"
    elif [ -s "$tmp/stdout" ]; then
        fail "$name: wrote to stdout"
    else
        ok
    fi
}

# is_png FILE: FILE starts with PNG's signature.
is_png() { [ "$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

# script_error NAME SCRIPT ARGS...: scripts/SCRIPT (under $ROOT) exits 2 with
# one line naming the script, and writes nothing.
script_error() {
    local name=$1 script=$2
    shift 2
    rm -rf "$tmp/out" && mkdir -p "$tmp/out"
    (cd "$tmp/out" && "$ROOT/scripts/$script" "$@") > "$tmp/stdout" 2> "$tmp/stderr"
    local rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l < "$tmp/stderr")" -eq 1 ] &&
        grep -q "^$script: " "$tmp/stderr" && [ -z "$(ls -A "$tmp/out")" ]; then
        ok
    else
        fail "$name: exit $rc, stderr: $(cat "$tmp/stderr")"
    fi
}

# same NAME A B: the two files are byte-identical.
same() {
    if cmp -s "$2" "$3"; then ok; else fail "$1: $2 and $3 differ"; fi
}

# check NAME COND...: a test(1) condition.
check() {
    local name=$1
    shift
    if "$@"; then ok; else fail "$name"; fi
}

# check_all NAME 'CONDITIONS': CONDITIONS is shell text, tests joined by &&
# or ||, evaluated whole; `check NAME [ a ] && [ b ]` would check [ a ] only.
# An exit status to test is saved first ($? is the caller's no longer).
check_all() {
    local name=$1
    if eval "$2"; then ok; else fail "$name"; fi
}

# The last line of a test: "N passed, N failed[, N skipped]". The status is
# 1 on a failure, 77 (meson's "skipped") only when every case was skipped,
# else 0.
finish() {
    if [ "$skips" -eq 0 ]; then
        echo "$passes passed, $fails failed"
    else
        echo "$passes passed, $fails failed, $skips skipped"
    fi
    [ "$fails" -eq 0 ] || return 1
    [ "$passes" -eq 0 ] && [ "$skips" -gt 0 ] && return 77
    return 0
}

# The kernel sets this CPU runs, from --version with each forced.
supported_isas() {
    local isa
    for isa in scalar avx2 avx512 neon; do
        "$GS" --version --isa "$isa" > /dev/null 2>&1 && echo "$isa"
    done
}
