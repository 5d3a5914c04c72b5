#!/usr/bin/env bash
# gridsweep zoom: N frames, each the sweep's own map of its window (listed in
# DIR/zoom.csv); one resumable job (interrupted and rerun, the frames are
# byte-identical to an uninterrupted run); stats over the frames; the
# float32 warning; bad input is one line, exit 2, nothing written.
GS=${1:?usage: zoom.sh /path/to/gridsweep}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

base=(--res 12,10 --steps 60 --batch 16 --quiet)
zoom=(zoom --center b=0.5,d=-0.5 --frames 3 --factor 4)
"$GS" "${zoom[@]}" "${base[@]}" -o z
rc=$?
check_all "zoom: exit 0, three frames and zoom.csv" '[ $rc -eq 0 ] && [ -f z/frame-000.csv ] &&
    [ -f z/frame-001.csv ] && [ -f z/frame-002.csv ] && [ ! -e z/frame-003.csv ] && [ -f z/zoom.csv ]'
check "zoom.csv: the windows" grep -qx '1,frame-001.csv,b:-0.125:0.875,d:-0.875:0.125' z/zoom.csv
check "zoom.csv: frame 2" grep -qx '2,frame-002.csv,b:0.34375:0.59375,d:-0.59375:-0.34375' z/zoom.csv
"$GS" "${base[@]}" -o f0.csv
same "frame 0 is the sweep of the plane given" f0.csv z/frame-000.csv
"$GS" "${base[@]}" --x b:-0.125:0.875 --y d:-0.875:0.125 -o f1.csv
same "frame 1 is the sweep of its window" f1.csv z/frame-001.csv
check "a frame's header holds its window" grep -qx '# x: b:0.34375:0.59375' z/frame-002.csv

# A log axis zooms in log10 space, about the centre.
"$GS" zoom --x lr:0.001:10:log --y b:-1:1 --center lr=0.1,b=0 --frames 2 --factor 10 \
    --at a=1,c=1,d=0 "${base[@]}" -o logz
check "log axis: 4 decades become 0.4 about 10^-1" \
    grep -qE '^1,frame-001.csv,lr:0.0630957344480193[0-9]*:0.158489319246111[0-9]*:log,b:-0.1:0.1$' logz/zoom.csv

# A rerun of a finished zoom keeps every frame.
cp -r z z_before
"$GS" "${zoom[@]}" "${base[@]}" -o z 2> rerun.err
check "rerun of a finished zoom: exit 0" [ $? -eq 0 ]
for k in 000 001 002; do same "rerun keeps frame $k" z_before/frame-$k.csv z/frame-$k.csv; done
check "rerun: says the frames are complete" grep -q "frame-001.csv' is complete" rerun.err

# Interrupted in frame 1 (kill), rerun: byte-identical to an uninterrupted run.
# A frame must outlast the sink's first write to the .part (half a second):
# about 1.4 s on a fast AVX-512 core pair, longer elsewhere.
long=(--res 32,24 --steps 60000 --threads 2 --quiet)
"$GS" "${zoom[@]}" "${long[@]}" -o whole
"$GS" "${zoom[@]}" "${long[@]}" -o cut 2> cut.err &
pid=$!
# Up to 10 minutes: a sanitizer build on a slow Zen 3 took longer than the
# minute this once waited (2026-12-07) to reach frame 1.
for i in $(seq 60000); do
    [ -e cut/frame-001.csv.part ] && [ "$(grep -vc '^#' cut/frame-001.csv.part)" -ge 3 ] && break
    [ -e cut/frame-001.csv ] && break   # too fast to catch: the checks below say so
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.01
done
kill -INT "$pid"
wait "$pid"
rc=$?
check "interrupted: exit 130 (got $rc)" [ "$rc" -eq 130 ]
check_all "interrupted: frame 0 kept, frame 1 a .part, frame 2 not started" '[ -f cut/frame-000.csv ] &&
    [ -f cut/frame-001.csv.part ] && [ ! -e cut/frame-001.csv ] && [ ! -e cut/frame-002.csv.part ]'
check "interrupted: says how to finish" grep -q "1 of 3 frames are complete; run the same zoom again" cut.err
"$GS" "${zoom[@]}" "${long[@]}" -o cut 2> resume.err
check "resumed: exit 0 ($(head -c 300 resume.err))" [ $? -eq 0 ]
for k in 000 001 002; do same "resumed frame $k = uninterrupted" whole/frame-$k.csv cut/frame-$k.csv; done
same "resumed zoom.csv = uninterrupted" whole/zoom.csv cut/zoom.csv
check "resumed: no .part left" [ -z "$(ls cut | grep -v '\.csv$')" ]

# stats over the frames: per frame D and their median.
"$GS" stats whole/frame-*.csv --json > stats.json
python3 - stats.json <<'PY' && ok || fail "stats over the frames: three maps, the median"
import json, math, statistics, sys
d = json.load(open(sys.argv[1]))
assert len(d["maps"]) == 3 and len(d["dimensions"]) == 3
have = [x for x in d["dimensions"] if x is not None]
assert d["dimension_maps"] == len(have)
if have:
    assert abs(d["dimension_median"] - statistics.median(have)) < 1e-8
PY

# float32 below its resolution: one warning line, the map still written.
"$GS" --x b:0.49999995:0.50000005 --res 8,2 --steps 20 --quiet -o narrow.csv 2> narrow.err
rc=$?
check_all "1e-7 wide: exit 0 and a map" '[ $rc -eq 0 ] && [ -f narrow.csv ]'
check_all "1e-7 wide: one warning line" '[ "$(wc -l < narrow.err)" -eq 1 ] &&
    grep -q "^gridsweep: warning: float32 holds only 3 distinct values of b over these 8 cells" narrow.err'
"$GS" --x b:0.499999995:0.500000005 --res 8,2 --steps 20 --quiet -o narrower.csv 2> narrower.err
check "1e-8 wide: one distinct value" grep -q "float32 holds only 1 distinct value of b over these 8 cells" narrower.err
grep -q -- ' --' narrower.err && fail "the warning names no option" || ok
"$GS" --res 8,2 --steps 20 --quiet -o wide.csv 2> wide.err
check "a normal plane: no warning" [ ! -s wide.err ]
"$GS" zoom --center b=0.5,d=0 --frames 3 --factor 10000 --res 8,2 --steps 20 --quiet -o deep 2> deep.err
rc=$?
check_all "zoom past float32: exit 0, a warning for the deep frames only" '[ $rc -eq 0 ] &&
    [ "$(grep -c "warning: float32" deep.err)" -ge 1 ] && [ "$(grep -c "warning: float32" deep.err)" -le 2 ]'

# Bad input: one line, exit 2, nothing written.
mkdir -p "$tmp/full" && echo x > "$tmp/full/notes.txt"
expect_error "center outside" "$GS" "${zoom[@]}" "${base[@]}" -o y --center b=3,d=0
expect_error "center unknown axis" "$GS" zoom --center q=0,d=0 --frames 3 --factor 2 "${base[@]}" -o y
expect_error "center not an axis" "$GS" zoom --center a=1,d=0 --frames 3 --factor 2 "${base[@]}" -o y
expect_error "center one axis" "$GS" zoom --center b=0 --frames 3 --factor 2 "${base[@]}" -o y
expect_error "factor 1" "$GS" zoom --center b=0,d=0 --frames 3 --factor 1 "${base[@]}" -o y
expect_error "factor 0.5" "$GS" zoom --center b=0,d=0 --frames 3 --factor 0.5 "${base[@]}" -o y
expect_error "frames 0" "$GS" zoom --center b=0,d=0 --frames 0 --factor 2 "${base[@]}" -o y
expect_error "too deep for a double" "$GS" zoom --center b=0.5,d=0 --frames 400 --factor 10 "${base[@]}" -o y
expect_error "no -o" "$GS" zoom --center b=0,d=0 --frames 3 --factor 2 "${base[@]}"
expect_error "no --center" "$GS" zoom --frames 3 --factor 2 "${base[@]}" -o y
expect_error "--tile" "$GS" "${zoom[@]}" "${base[@]}" --tile 1/2 -o y
expect_error "--resume" "$GS" "${zoom[@]}" "${base[@]}" --resume y -o y
expect_error "two activations" "$GS" "${zoom[@]}" "${base[@]}" --act relu,selu -o y
expect_error "a bad sweep option" "$GS" "${zoom[@]}" "${base[@]}" --steps 0 -o y
expect_error "-o -" "$GS" "${zoom[@]}" "${base[@]}" -o -
expect_error "-o a file" "$GS" "${zoom[@]}" "${base[@]}" -o "$tmp/f0.csv"
expect_error "non-empty directory, no zoom" "$GS" "${zoom[@]}" "${base[@]}" -o "$tmp/full"
check "non-empty directory untouched" [ "$(ls "$tmp/full")" = notes.txt ]
cp -r z z2
expect_error "another zoom's directory" "$GS" zoom --center b=0.25,d=-0.5 --frames 3 --factor 4 \
    "${base[@]}" -o "$tmp/z2"
grep -q "its zoom.csv has 'center: b=0.5,d=-0.5' where this one has 'center: b=0.25,d=-0.5'" \
    "$tmp/stderr" && ok || fail "another zoom: names the difference"
rm z2/frame-002.csv
expect_error "same zoom, other settings" "$GS" "${zoom[@]}" --res 12,10 --steps 61 --batch 16 \
    --quiet -o "$tmp/z2"
check_all "other settings: nothing ran" '[ ! -e z2/frame-002.csv ] && [ ! -e z2/frame-002.csv.part ]'
"$GS" zoom --help > help.txt
check "zoom --help" grep -q "usage: gridsweep zoom" help.txt

finish
