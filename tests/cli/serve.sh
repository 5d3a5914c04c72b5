#!/usr/bin/env bash
# gridsweep serve over HTTP (curl): the page, tiles byte-identical to the CLI
# run of their own canonical command, the disk cache, traces, the token, bad
# input (400 with the CLI's own line), traversal attempts, oversized requests,
# limits, concurrent clients, cancellation of stale tiles, and a stop within a
# second on SIGINT and SIGTERM.
GS=${1:?usage: serve.sh /path/to/gridsweep}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
command -v curl >/dev/null || { skip serve "curl is not installed (scripts/deps test)"; finish; exit; }

now() { date +%s%N; }
pid=

# start ARGS...: a server on a free port; sets pid, base (http://HOST:PORT), tok.
start() {
    # Emptied first: the wait below must never see the last server's line and
    # signal this one before it handles signals (a background job starts with
    # SIGINT ignored, so that signal would be lost and stop would hang).
    : > "$tmp/serve.out"
    "$GS" serve --port 0 "$@" > "$tmp/serve.out" 2> "$tmp/serve.err" &
    pid=$!
    local i
    for i in $(seq 200); do
        grep -q serving "$tmp/serve.out" 2>/dev/null && break
        sleep 0.05
    done
    local url
    url=$(sed -n 's/^gridsweep: serving \(http:.*\)$/\1/p' "$tmp/serve.out")
    base=${url%/\?token=*}
    tok=${url#*\?token=}
}
# stop: SIGINT, and a failure (not a hang) if the server outlives it by 10 s.
stop() {
    kill -INT "$pid" 2>/dev/null
    local i
    for i in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then
        fail "the server ($pid) still runs 10 s after SIGINT"
        kill -9 "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
}
trap 'kill -9 $pid 2>/dev/null; rm -rf "$tmp"' EXIT

# get PATH-AND-QUERY: body into $tmp/body, headers into $tmp/head, status in $code.
get() {
    code=$(curl -s --path-as-is -o "$tmp/body" -D "$tmp/head" -w '%{http_code}' "$base$1")
}

# expect_400 NAME QUERY CLI-ARGS...: the tile request is refused with 400 and
# exactly the one line the CLI prints for the same options.
expect_400() {
    local name=$1 query=$2
    shift 2
    get "/api/tile?token=$tok&$query"
    "$GS" "$@" -o "$tmp/never.csv" 2> "$tmp/cli.err" > /dev/null
    if [ "$code" != 400 ]; then
        fail "$name: HTTP $code, want 400"
    elif [ "$(wc -l < "$tmp/body")" -ne 1 ]; then
        fail "$name: want one line, got: $(cat "$tmp/body")"
    elif ! cmp -s "$tmp/body" "$tmp/cli.err"; then
        fail "$name: '$(cat "$tmp/body")' is not the CLI's '$(cat "$tmp/cli.err")'"
    else
        ok
    fi
}

# same_trace NAME FILE: FILE (a trace from the server) is byte for byte what
# `gridsweep trace` writes when run with the command, every and snapshots of
# FILE's own header.
same_trace() {
    local -a cmd
    read -r -a cmd <<< "$(sed -n 's/^# command: gridsweep //p' "$2")"
    "$GS" "${cmd[@]}" --every "$(sed -n 's/^# every: //p' "$2")" \
        --snapshots "$(sed -n 's/^# snapshots: //p' "$2")" > "$tmp/cli-trace.csv"
    same "$1" "$2" "$tmp/cli-trace.csv"
}

# same_as_cli NAME FILE: FILE (a map from the server) is byte for byte what the
# CLI writes when run with the command in FILE's own header.
same_as_cli() {
    local -a cmd
    read -r -a cmd <<< "$(sed -n 's/^# command: gridsweep //p' "$2")"
    "$GS" "${cmd[@]}" --quiet -o "$tmp/cli.csv" --force
    same "$1" "$2" "$tmp/cli.csv"
}

start --cache "$tmp/cache" --workers 2
check "serve prints one line with the address and a 32-digit token" \
    test "$(wc -l < "$tmp/serve.out")" -eq 1 -a "${#tok}" -eq 32
case $base in http://127.0.0.1:[0-9]*) ok ;; *) fail "binds 127.0.0.1 by default: $base" ;; esac

# The page and its files.
get "/?token=$tok"
check "the page" test "$code" = 200
check "the page has its canvas" grep -q '<canvas id="map"' "$tmp/body"
check "the page is HTML" grep -qi '^content-type: text/html' "$tmp/head"
for f in app.js panel.js trace.js style.css; do
    get "/$f?token=$tok"
    check "/$f" test "$code" = 200 -a -s "$tmp/body"
done
get "/api/info?token=$tok"
check "/api/info lists the settings table" grep -q '"name":"eval-points"' "$tmp/body"

# The token: every request needs it.
for path in / /app.js /api/info "/api/tile?res=2" "/api/trace?res=2&ix=0&iy=0"; do
    get "$path"
    check "no token on $path: 401" test "$code" = 401
    sep='?'; case $path in *\?*) sep='&' ;; esac
    get "$path${sep}token=0123456789abcdef0123456789abcdef"
    check "a wrong token on $path: 403" test "$code" = 403
    get "$path${sep}token=${tok}0"
    check "a longer token on $path: 403" test "$code" = 403
done
code=$(curl -s -o /dev/null -w '%{http_code}' -I "$base/?token=$tok")
check "HEAD" test "$code" = 200
code=$(curl -s -o /dev/null -w '%{http_code}' -b "gridsweep-${base##*:}=$tok" "$base/app.js")
check "the page's cookie carries the token" test "$code" = 200

# Tiles: the map file of their own plane, byte-identical to the CLI.
get "/api/tile?token=$tok&res=32"
check "the whole view at 32 x 32" test "$code" = 200
cp "$tmp/body" whole.csv
"$GS" --res 32 -o - --quiet > cli32.csv
same "a tile is the CLI's map of the same options" whole.csv cli32.csv
same_as_cli "the whole view's canonical command" whole.csv
get "/api/tile?token=$tok&act=tanh&x=b:0.15625:0.6&y=lr:0.001:1:log&res=16,8&steps=300&opt=sgd&sampling=independent&seed=7&at=a=1.5,c=1,d=0.25"
check "a sub-plane with a log axis and other settings" test "$code" = 200
cp "$tmp/body" sub.csv
same_as_cli "a sub-plane is its canonical command's map" sub.csv
check "served fresh the first time" grep -qi '^x-gridsweep-cache: miss' "$tmp/head"

# The cache: a revisit comes from disk, the same bytes, under a hash name.
get "/api/tile?token=$tok&act=tanh&x=b:0.15625:0.6&y=lr:0.001:1:log&res=16,8&steps=300&opt=sgd&sampling=independent&seed=7&at=a=1.5,c=1,d=0.25"
check "a revisit is served from the cache" grep -qi '^x-gridsweep-cache: hit' "$tmp/head"
same "the cached tile is the same bytes" "$tmp/body" sub.csv
n=$(find "$tmp/cache" -name '*.csv' | wc -l)
check "the cache holds one file per tile ($n)" test "$n" -eq 2
check "cache names are hashes" test -z "$(ls "$tmp/cache" | grep -vx '[0-9a-f]\{16\}\.csv')"
# float64 (issue 12): a deep window that float32 cannot resolve, served as the
# f64 map of its canonical command, 17-digit values and all; and a cell's trace.
f64q="act=tanh&precision=f64&x=b:0.152011559871413:0.152011559871414&y=d:-0.125000000000001:-0.124999999999999&res=8&steps=200&batch=32"
get "/api/tile?token=$tok&$f64q"
check "an f64 tile" test "$code" = 200
cp "$tmp/body" f64.csv
check "the f64 tile says so in its header" grep -qx '# precision: f64' f64.csv
same_as_cli "an f64 tile is its canonical command's map" f64.csv
n=$(awk -F, '/^[0-9]/ {print $4}' f64.csv | sort -u | wc -l)
check "an f64 tile tells its 8 columns of starts apart ($n)" test "$n" -eq 8
get "/api/trace?token=$tok&$f64q&ix=3&iy=5"
check "an f64 trace" test "$code" = 200
cp "$tmp/body" trace64.csv
same_trace "the f64 trace is the CLI's trace of that cell" trace64.csv

get "/api/tile?token=$tok&res=32&download=1"
check "a download is an attachment" grep -qi '^content-disposition: attachment' "$tmp/head"

# A cell's trace: the trainer's trace of that start, as `gridsweep trace` writes it.
get "/api/trace?token=$tok&act=tanh&x=b:0.15625:0.6&y=lr:0.001:1:log&res=16,8&steps=300&opt=sgd&sampling=independent&seed=7&at=a=1.5,c=1,d=0.25&ix=5&iy=3"
check "a trace" test "$code" = 200
cp "$tmp/body" trace.csv
same_trace "the trace is the CLI's trace of that cell" trace.csv
check "the cell's start and stream id" grep -q -- "--point 53" trace.csv
get "/api/trace?token=$tok&res=4&ix=4&iy=0"
check "a trace outside the plane: 400" test "$code" = 400

# Bad input: 400 and the CLI's own line.
expect_400 "steps 0" "steps=0" --steps 0
expect_400 "an unknown optimizer" "opt=nadam" --opt nadam
expect_400 "an unknown activation" "act=foo" --act foo
expect_400 "a bad axis" "x=q:1:2" --x q:1:2
expect_400 "an empty axis" "x=b:2:2" --x b:2:2
expect_400 "a bad resolution" "res=0" --res 0
expect_400 "lr twice" "at=a=1,c=1,lr=0.5&lr=0.2" --at a=1,c=1,lr=0.5 --lr 0.2
expect_400 "not a number" "batch=12x" --batch 12x
get "/api/tile?token=$tok&nonsense=1"
check "an unknown parameter: 400" test "$code" = 400 -a "$(wc -l < "$tmp/body")" -eq 1
get "/api/tile?token=$tok&steps=1&steps=2"
check "a parameter twice: 400" test "$code" = 400
get "/api/tile?token=$tok&client=a%20b"
check "a bad client id: 400" test "$code" = 400

# Limits of one request.
get "/api/tile?token=$tok&res=257"
check "too many cells: 400" test "$code" = 400 -a "$(wc -l < "$tmp/body")" -eq 1
get "/api/tile?token=$tok&res=8&steps=200000"
check "too many steps: 400" test "$code" = 400
get "/api/tile?token=$tok&res=256&steps=100000&batch=128"
check "too much work: 400" test "$code" = 400
get "/api/tile?token=$tok&res=1&steps=100000&batch=1048576"
check "too many samples: 400" test "$code" = 400
get "/api/trace?token=$tok&res=1&steps=100000&batch=1048576&ix=0&iy=0"
check "too many samples in a trace: 400" test "$code" = 400
q=$(for i in $(seq 70); do printf '&p%d=1' "$i"; done)
get "/api/tile?token=$tok$q"
check "too many parameters: 400" test "$code" = 400
long=$(head -c 40000 /dev/zero | tr '\0' a)
get "/api/tile?token=$tok&x=$long"
check "a 40 kB request line is refused ($code)" test "$code" -ge 400 -a "$code" -lt 500
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $long" "$base/?token=$tok")
check "a 40 kB header is refused ($code)" test "$code" -ge 400 -a "$code" -lt 500
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary "@$tmp/body" "$base/api/tile?token=$tok")
check "POST: 405" test "$code" = 405
get "/api/info?token=$tok"
check "still serving after the oversized requests" test "$code" = 200

# Traversal: no request reaches a file outside the page and the cache.
for path in "/../../../../etc/passwd" "/%2e%2e/%2e%2e/etc/passwd" "/..%2f..%2fetc%2fpasswd" \
            "//etc/passwd" "/etc/passwd" "/web/app.js" "/./app.js" "/app.js/" "/%2fetc%2fpasswd" \
            "/api/../../etc/passwd" "/api/tile/../../etc/passwd" "/cache/"; do
    get "$path?token=$tok"
    if [ "$code" = 200 ] || grep -q 'root:' "$tmp/body"; then
        fail "traversal $path: HTTP $code"
    else
        ok
    fi
done

# Concurrent clients: eight at once, each its own tile, each right.
pids=()
for i in $(seq 8); do
    curl -s -o "c$i.csv" "$base/api/tile?token=$tok&client=c$i&gen=1&res=16&seed=$i" &
    pids+=($!)
done
wait "${pids[@]}"
for i in 1 8; do
    "$GS" --res 16 --seed "$i" --quiet -o - > "cli$i.csv"
    same "client $i of 8 at once" "c$i.csv" "cli$i.csv"
done
# A NUL in the path ends it: the page's own file at most, never another.
get "/app.js%00/../../../etc/passwd?token=$tok"
check "a NUL in the path reaches no file" test "$code" != 200 -o "$(head -c 20 "$tmp/body")" = "// gridsweep explore"
check "all eight answered" test "$(cat c[0-9].csv | grep -c '^# gridsweep-map')" -eq 8

# Responsive while computing, and a client's newer view cancels its stale tile.
curl -s -o heavy.csv -w '%{http_code}' "$base/api/tile?token=$tok&client=w&gen=1&res=64&steps=50000&sampling=independent" > heavy.code &
cpid=$!
sleep 0.3
t0=$(now)
get "/api/info?token=$tok"
ms=$(( ($(now) - t0) / 1000000 ))
# The time bounds below are loose so a busy CI machine passes (on an idle
# machine each takes well under a second; the time is printed).
check "answers within 5 s while a tile computes (${ms} ms)" test "$code" = 200 -a "$ms" -lt 5000
t0=$(now)
get "/api/view?token=$tok&client=w&gen=2"
wait "$cpid"
ms=$(( ($(now) - t0) / 1000000 ))
check "the stale tile is cancelled: 409 (got $(cat heavy.code))" test "$(cat heavy.code)" = 409
check "and stops within 5 s (${ms} ms)" test "$ms" -lt 5000
get "/api/tile?token=$tok&client=w&gen=1&res=2"
check "a request for a view the client left: 409" test "$code" = 409

# The queue is bounded: beyond it, 503 at once; the server still answers.
pids=()
for i in $(seq 52); do
    curl -s -o /dev/null -w '%{http_code}\n' \
        "$base/api/tile?token=$tok&client=q$i&gen=1&seed=$i&res=64&steps=50000&sampling=independent" \
        > "q$i.code" &
    pids+=($!)
done
sleep 1
get "/api/info?token=$tok"
check "answers with the queue full" test "$code" = 200
for i in $(seq 52); do curl -s -o /dev/null "$base/api/view?token=$tok&client=q$i&gen=2"; done
wait "${pids[@]}"
check "a full queue: 503 ($(sort q*.code | uniq -c | tr -s ' \n' ' '))" \
    test "$(cat q*.code | grep -c 503)" -ge 1 -a "$(cat q*.code | grep -c 409)" -ge 40

# SIGINT while a tile computes: stops within a second, exit 0.
cached=$(find "$tmp/cache" -name '*.csv' | wc -l)
curl -s -o /dev/null "$base/api/tile?token=$tok&res=64&steps=50000&sampling=independent" &
cpid=$!
sleep 0.3
t0=$(now)
kill -INT "$pid"
wait "$pid"
rc=$?
ms=$(( ($(now) - t0) / 1000000 ))
check "SIGINT stops it within 5 s (${ms} ms)" test "$ms" -lt 5000
check "exit 0 after SIGINT (got $rc)" test "$rc" -eq 0
wait "$cpid"
check "no partial tile in the cache" test "$(find "$tmp/cache" -type f | wc -l)" -eq "$cached"

start --no-cache --bind 0.0.0.0
check "--bind other than loopback warns on stderr" grep -q 'other machines can reach' "$tmp/serve.err"
check "and still needs the token" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${base##*:}/")" = 401
t0=$(now)
kill -TERM "$pid"
wait "$pid"
rc=$?
ms=$(( ($(now) - t0) / 1000000 ))
check "SIGTERM stops it within 5 s (${ms} ms, exit $rc)" test "$ms" -lt 5000 -a "$rc" -eq 0

# The default cache: $XDG_CACHE_HOME/gridsweep, else ~/.cache/gridsweep.
for env in "XDG_CACHE_HOME=$tmp/xdg" "XDG_CACHE_HOME="; do
    rm -rf "$tmp/home" "$tmp/xdg" && mkdir -p "$tmp/home"
    : > "$tmp/serve.out"
    HOME=$tmp/home env "$env" bash -c 'exec "$0" serve --port 0' "$GS" > "$tmp/serve.out" 2>&1 &
    pid=$!
    for i in $(seq 200); do grep -q serving "$tmp/serve.out" && break; sleep 0.05; done
    url=$(sed -n 's/^gridsweep: serving \(http:.*\)$/\1/p' "$tmp/serve.out")
    curl -s -o /dev/null "${url%/\?token=*}/api/tile?token=${url#*\?token=}&res=2"
    stop
    want=$tmp/home/.cache/gridsweep
    [ "$env" = "XDG_CACHE_HOME=" ] || want=$tmp/xdg/gridsweep
    check "the default cache with $env is $want" test "$(ls "$want" 2>/dev/null | wc -l)" -eq 1
done

# IPv6 loopback, where the machine has it.
: > "$tmp/serve.out"
"$GS" serve --port 0 --no-cache --bind ::1 > "$tmp/serve.out" 2> "$tmp/serve.err" &
pid=$!
for i in $(seq 200); do grep -q serving "$tmp/serve.out" && break; sleep 0.05; done
if grep -q 'serving http://\[::1\]:' "$tmp/serve.out"; then
    url=$(sed -n 's/^gridsweep: serving \(http:.*\)$/\1/p' "$tmp/serve.out")
    check "--bind ::1 serves the page" test "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200
    check "--bind ::1 is loopback: no warning" test ! -s "$tmp/serve.err"
elif grep -q 'cannot listen' "$tmp/serve.err"; then
    skip "--bind ::1" "no IPv6 loopback here"
else
    fail "--bind ::1: $(cat "$tmp/serve.out" "$tmp/serve.err")"
fi
stop

# Bad options of serve itself: exit 2, one line.
expect_error "serve --port 70000" "$GS" serve --port 70000
expect_error "serve --bind nonsense" "$GS" serve --bind nonsense
expect_error "serve --steps 0" "$GS" serve --steps 0
expect_error "serve --cache and --no-cache" "$GS" serve --cache x --no-cache
expect_error "serve --workers 0" "$GS" serve --workers 0
"$GS" serve --help > help.txt
check "serve --help" grep -q -- '--bind ADDR' help.txt

finish
