#!/usr/bin/env bash
# Stopping promptly: Ctrl-C ends a sweep within about a second however long
# its cells train (the sweep looks at the stop flag between segments of
# training, not between whole cells), with exit 130 and a .part of whole rows.
GS=${1:?usage: stop.sh /path/to/gridsweep}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

now() { date +%s%N; }

# interrupt_after SECONDS FILE ARGS...: runs the sweep into FILE, sends one
# SIGINT after SECONDS (or once rows are on disk, with SECONDS=rows), and
# sets rc and ms (milliseconds from the signal to the exit).
interrupt_after() {
    local wait=$1 out=$2 i
    shift 2
    "$GS" "$@" --quiet -o "$out" 2> "$out.err" &
    local pid=$!
    if [ "$wait" = rows ]; then
        for i in $(seq 3000); do
            [ -e "$out.part" ] && [ "$(grep -vc '^#' "$out.part")" -ge 2 ] && break
            sleep 0.02
        done
    else
        sleep "$wait"
    fi
    local t0
    t0=$(now)
    kill -INT "$pid"
    wait "$pid"
    rc=$?
    ms=$((($(now) - t0) / 1000000))
}

# whole_rows FILE: the header, the column line, then complete rows of 17
# fields in cell order (ix runs fastest), each ending in a newline.
whole_rows() {
    [ "$(head -1 "$1")" = "# gridsweep-map 1" ] || return 1
    [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] || return 1
    local nx=$2
    grep -v '^#' "$1" | tail -n +2 |
        awk -F, -v nx="$nx" 'NF != 20 || $1 != (NR - 1) % nx || $2 != int((NR - 1) / nx) { bad = 1 }
                             END { exit bad }'
}

# One cell of ten million steps (minutes of training): stopped in a second.
interrupt_after 1 one.csv --res 1 --steps 10000000 --sampling grid
check "one long cell: exit 130 (got $rc)" [ "$rc" -eq 130 ]
# Loose bounds, so a busy CI machine passes: uninterrupted, these runs take
# minutes; on an idle machine they stop in tens of milliseconds.
check "one long cell: stopped within 10 s of the signal (took $ms ms)" [ "$ms" -lt 10000 ]
check "one long cell: the .part is kept" [ -e one.csv.part ]
check "one long cell: no final file" [ ! -e one.csv ]
check "one long cell: the .part is the header alone" [ "$(grep -vc '^#' one.csv.part)" -eq 1 ]
check "one long cell: the header is whole" whole_rows one.csv.part 1
check "one long cell: says 0 of 1 cells and how to resume" \
    grep -q "interrupted: 0 of 1 cells are in 'one.csv.part'" one.csv.err
check "one long cell: names --resume" grep -q -- '--resume one.csv.part' one.csv.err

# Many cells on two threads, some rows already written: the stop still comes
# within a second, and the .part holds whole rows only, in order.
interrupt_after rows many.csv --res 24,20 --steps 40000 --batch 64 --threads 2 \
    --sampling independent --isa scalar
check "rows written, then Ctrl-C: exit 130 (got $rc)" [ "$rc" -eq 130 ]
check "rows written, then Ctrl-C: stopped within 10 s (took $ms ms)" [ "$ms" -lt 10000 ]
check "rows written, then Ctrl-C: whole rows in cell order" whole_rows many.csv.part 24
check "rows written, then Ctrl-C: not complete" [ "$(grep -vc '^#' many.csv.part)" -lt 481 ]

finish
