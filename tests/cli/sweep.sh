#!/usr/bin/env bash
# The sweep end to end: byte-identical output for any thread count and kernel
# set, names and outputs, several maps at once, and interruptions (Ctrl-C,
# kill -9) followed by --resume giving the very file an uninterrupted run gives.
GS=${1:?usage: sweep.sh /path/to/gridsweep}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

base=(--res 12,10 --steps 120 --batch 32 --quiet)
"$GS" --act selu "${base[@]}" -o ref.csv --threads 1
for t in 2 3 7; do
    "$GS" --act selu "${base[@]}" -o t$t.csv --threads "$t"
    same "threads $t" ref.csv t$t.csv
done
for isa in $(supported_isas); do
    "$GS" --act selu "${base[@]}" -o isa-$isa.csv --isa "$isa"
    same "kernel set $isa" ref.csv isa-$isa.csv
done
for mode in independent grid; do
    "$GS" --act elu "${base[@]}" --sampling "$mode" -o m1.csv --threads 1 --isa scalar
    "$GS" --act elu "${base[@]}" --sampling "$mode" -o m2.csv --threads 2
    same "sampling $mode across sets and threads" m1.csv m2.csv
    rm -f m1.csv m2.csv
done

# Diverging runs too: every activation, loss and optimizer, with a learning
# rate that sends most cells to NaN, gives the same bytes on every kernel set
# (NaN is printed "nan" whatever its sign bit, which the sets do not agree on).
all_acts=$("$GS" --act '?' 2>&1 | sed -n 's/.*(valid: \(.*\))$/\1/p' | tr -d ' ')
check "the activation list" [ -n "$all_acts" ]
for loss in mae mse huber; do
    for opt in adam sgd momentum rmsprop; do
        for isa in $(supported_isas); do
            mkdir -p "div-$isa-$loss-$opt"
            "$GS" --act "$all_acts" --loss $loss --opt $opt --lr 100 --res 4,3 --steps 30 \
                --batch 8 --quiet --isa "$isa" -o "div-$isa-$loss-$opt"
            if diff -r "div-scalar-$loss-$opt" "div-$isa-$loss-$opt" > /dev/null; then
                ok
            else
                fail "diverging $loss/$opt: kernel set $isa differs from scalar"
            fi
        done
    done
done
check "the diverging runs diverge" grep -q ',nan,' div-scalar-mse-sgd/mish-*.csv
check "NaN has one spelling" [ -z "$(cat div-*/* | grep -e '-nan' | head -n 1)" ]
# The trace writer too.
for isa in $(supported_isas); do
    "$GS" trace --act mish --loss mse --opt sgd --lr 100 --steps 30 --isa "$isa" -o "div-$isa.trace"
    same "a diverging trace on kernel set $isa" div-scalar.trace "div-$isa.trace"
done
check "a diverging trace holds NaN" grep -q ',nan' div-scalar.trace
check "NaN has one spelling in traces" [ -z "$(grep -e '-nan' div-*.trace | head -n 1)" ]
rm -rf div-*

# The file: header, one row per cell in row-major order, no .part left.
check "no .part after a complete run" [ ! -e ref.csv.part ]
check "magic line" [ "$(head -1 ref.csv)" = "# gridsweep-map 1" ]
check "rows" [ "$(grep -vc '^#' ref.csv)" -eq $((12 * 10 + 1)) ]
check "column line" grep -qx 'ix,iy,a0,b0,c0,d0,lr,a,b,c,d,window_loss,final_loss,lin_err,spread,outcome,t_escape,t_enter,t_diverge,score' ref.csv
check "row order" [ "$(grep -v '^#' ref.csv | sed -n '2p;14p' | cut -d, -f1,2 | tr '\n' ' ')" = "0,0 0,1 " ]
check "outcomes are names" [ -z "$(grep -v '^#' ref.csv | tail -n +2 | cut -d, -f16 | grep -vxE 'converged|stuck|linear|dead|diverged|slow')" ]
check "header names no thread count or kernel set" [ -z "$(grep -E 'threads|isa|avx' ref.csv)" ]
# The canonical command in the header reproduces the map.
cmd=$(sed -n 's/^# command: gridsweep //p' ref.csv)
# shellcheck disable=SC2086
"$GS" $cmd --quiet -o again.csv
same "the header's command reproduces the map" ref.csv again.csv

# Default name: encodes the settings, in the current directory.
mkdir names && (cd names && "$GS" --act relu "${base[@]}")
name=$(ls names)
case "$name" in
relu-b-2..2-d-2..2-12x10-*.csv) ok ;;
*) fail "default name encodes the settings ($name)" ;;
esac
# Several activations into a directory, one map each.
mkdir maps && "$GS" --act relu,selu,softplus "${base[@]}" -o maps
check "one map per activation" [ "$(ls maps | wc -l)" -eq 3 ]
cmp -s maps/selu-*.csv ref.csv && ok || fail "the selu map in the directory equals ref.csv"
# --force overwrites; an existing map is otherwise kept.
"$GS" --act selu "${base[@]}" -o ref.csv 2> /dev/null && fail "overwrote without --force" || ok
"$GS" --act selu "${base[@]}" -o ref.csv --force && same "--force rewrites the same map" ref.csv again.csv

# Progress: plain lines when stderr is not a terminal, nothing with --quiet.
"$GS" --act relu --res 8 --steps 50 --batch 8 -o p.csv 2> progress.txt
check "a plain progress/summary line on a non-terminal" grep -q 'wrote p.csv' progress.txt
check "no terminal escapes on a non-terminal" [ -z "$(grep -c $'\r' progress.txt | grep -v '^0$')" ]

# Interruptions, on a run long enough to stop in the middle. The signal goes
# once the first rows are on disk, so slow and fast machines both test it.
long=(--act gelu --res 64,48 --steps 1000 --batch 128 --threads 2 --quiet)
"$GS" "${long[@]}" -o whole.csv
# rows_on_disk FILE: waits (up to 60 s) until FILE holds a row past the header.
rows_on_disk() {
    local i
    for i in $(seq 3000); do
        [ -e "$1" ] && [ "$(grep -vc '^#' "$1")" -ge 2 ] && return 0
        sleep 0.02
    done
    return 1
}
# Ctrl-C: exit 130, a .part with whole rows, a message naming --resume.
"$GS" "${long[@]}" -o int.csv 2> int.err &
pid=$!
rows_on_disk int.csv.part
kill -INT "$pid"
wait "$pid"
rc=$?
check "Ctrl-C: exit 130 (got $rc)" [ "$rc" -eq 130 ]
check "Ctrl-C: message says how to resume" grep -q -- '--resume int.csv.part' int.err
check "Ctrl-C: no final file" [ ! -e int.csv ]
check "Ctrl-C: the .part ends with a whole row" [ "$(tail -c 1 int.csv.part | od -An -c | tr -d ' ')" = '\n' ]
"$GS" "${long[@]}" -o int.csv 2> /dev/null && fail "a fresh run over an interrupted one" || ok
"$GS" "${long[@]}" --resume int.csv.part 2> /dev/null
same "Ctrl-C then --resume" whole.csv int.csv
# kill -9 (power loss): whatever reached the disk is resumable, a torn line is cut.
"$GS" "${long[@]}" -o k.csv &
pid=$!
rows_on_disk k.csv.part
kill -KILL "$pid"
wait "$pid" 2> /dev/null
printf '3,7,1,-1.2' >> k.csv.part   # a torn last line
"$GS" "${long[@]}" --resume k.csv 2> /dev/null
same "kill -9, torn line, then --resume" whole.csv k.csv
# Resuming a complete map does nothing and says so.
"$GS" "${long[@]}" --resume whole.csv 2> done.err
check "resume of a complete map: exit 0" [ $? -eq 0 ]
check "resume of a complete map: says so" grep -q complete done.err
# Resuming with other settings is refused, naming the setting.
head -c 2000 whole.csv > mid.csv.part
"$GS" --act gelu --res 64,48 --steps 1001 --batch 128 --quiet --resume mid.csv 2> other.err
check "resume with other settings: exit 2" [ $? -eq 2 ]
check "resume with other settings: one line" [ "$(wc -l < other.err)" -eq 1 ]
check "resume refuses other settings, naming steps" grep -q "steps: 1000" other.err
check "resume with other settings leaves the file" [ "$(head -c 2000 whole.csv | cmp - mid.csv.part && echo same)" = same ]
finish
