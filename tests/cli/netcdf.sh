#!/usr/bin/env bash
# NetCDF maps (-o map.nc, --format nc): the same values as the CSV map of the
# same run, float32 bit for bit; the same bytes for any thread count, kernel
# set, resume after Ctrl-C or kill -9, and merge of bands; stats and diff read
# them like CSV; xarray opens and plots them; bad requests are one line.
GS=${1:?usage: netcdf.sh /path/to/gridsweep}
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$tmp" || exit 1

if ! "$GS" --res 2 --steps 10 --quiet -o probe.nc 2> probe.err; then
    skip "netcdf" "$(cat probe.err)"   # a build without libnetcdf
    finish
    exit
fi

base=(--act selu --res 23,17 --steps 300 --batch 32 --quiet)

# ---- the values -------------------------------------------------------------
"$GS" "${base[@]}" -o m.csv
"$GS" "${base[@]}" -o m.nc
check "the file is NetCDF (64-bit offset)" [ "$(head -c 4 m.nc | od -An -c | tr -d ' ')" = 'CDF002' ]
"$GS" "${base[@]}" --x lr:0.001:3:log --y b:-3:3 --at a=1,c=1,d=0.5 -o lr.csv
"$GS" "${base[@]}" --x lr:0.001:3:log --y b:-3:3 --at a=1,c=1,d=0.5 -o lr.nc
# An axis with no start column (lr_in): its dimension is named after it.
"$GS" "${base[@]}" --x lr_in:0.001:1:log -o lrin.csv
"$GS" "${base[@]}" --x lr_in:0.001:1:log -o lrin.nc
"$GS" "${base[@]}" --tile 2/3 -o band.csv
"$GS" "${base[@]}" --tile 2/3 -o band.nc
py=/usr/bin/python3
if "$py" -c 'import xarray, matplotlib, numpy' 2> /dev/null; then
    for m in m lr lrin band; do
        if "$py" "$here/nc_compare.py" $m.csv $m.nc > $m.py 2>&1; then ok; else
            fail "CSV and NetCDF of the same run ($m): $(tail -3 $m.py)"
        fi
    done
else
    skip "xarray" "python3-xarray (scripts/deps test) is not installed"
fi
if command -v ncdump > /dev/null; then
    ncdump -h m.nc > m.cdl
    check "ncdump: y is the record dimension" grep -q 'd0 = UNLIMITED ; // (17 currently)' m.cdl
    check "ncdump: outcome is a byte with its flags" \
        grep -q "outcome:flag_meanings = \"$("$GS" --list outcomes | tr '\n' ' ' | sed 's/ $//')\"" m.cdl
    # Every "# key: value" line of the CSV header is a global attribute.
    grep '^# [a-z_0-9]*: ' m.csv | sed 's/^# \([^:]*\): \(.*\)$/\t\t:\1 = "\2" ;/' > want.cdl
    if grep -qvxFf m.cdl want.cdl; then
        fail "ncdump: header lines missing as attributes: $(grep -vxFf m.cdl want.cdl | head -2)"
    else
        ok
    fi
    ncdump -p 9 -v final_loss m.nc | tr -d ' ;}' | tr ',' '\n' | grep -v '^$' | tail -1 > last.txt
    check "ncdump: the last final_loss is the CSV's" \
        [ "$(sed 's/f$//' last.txt)" = "$(tail -1 m.csv | cut -d, -f13)" ]
else
    skip "ncdump" "netcdf-bin (scripts/deps test) is not installed"
fi

# ---- the same bytes ---------------------------------------------------------
for t in 1 2 3; do
    "$GS" "${base[@]}" --threads $t -o t$t.nc
    same "threads $t" m.nc t$t.nc
done
for isa in $(supported_isas); do
    "$GS" "${base[@]}" --isa "$isa" -o isa-$isa.nc
    same "kernel set $isa" m.nc isa-$isa.nc
done

# Interrupted, then resumed: the uninterrupted file, byte for byte.
long=(--act selu --res 40,36 --steps 6000 --batch 64 --threads 2 --quiet)
"$GS" "${long[@]}" -o ref.nc
# For Ctrl-C, a run long enough (seconds, even on an idle machine) for the
# signal to land mid-run.
slow=(--act selu --res 40,36 --steps 20000 --batch 256 --threads 2 --quiet)
"$GS" "${slow[@]}" -o slow-ref.nc
# The signal is sent once the first rows are there: the .part has grown past
# the empty map, its first size (one write, whose length follows the column
# table), or after a minute without them (a sanitizer build on a slow
# machine: its first rows took over 10 s); on a loaded machine the run can
# still end first: then again.
for attempt in 1 2 3; do
    rm -f int.nc int.nc.part
    "$GS" "${slow[@]}" -o int.nc 2> int.err &
    pid=$!
    empty=0
    for i in $(seq 3000); do
        size=$(stat -c %s int.nc.part 2> /dev/null || echo 0)
        [ "$empty" -eq 0 ] && empty=$size
        [ "$empty" -gt 0 ] && [ "$size" -gt "$empty" ] && break
        kill -0 $pid 2> /dev/null || break
        sleep 0.02
    done
    kill -INT $pid 2> /dev/null
    wait $pid
    rc=$?
    [ -e int.nc ] || break
done
check "Ctrl-C: exit 130 (got $rc)" [ "$rc" -eq 130 ]
check "Ctrl-C: says how many cells (whole rows) are kept ($(head -1 int.err))" \
    grep -Eq "interrupted: [0-9]+ of 1440 cells are in 'int.nc.part'" int.err
kept=$(sed -n 's/.*interrupted: \([0-9]*\) of.*/\1/p' int.err)
check "Ctrl-C: a whole number of rows ($kept cells)" [ $((kept % 40)) -eq 0 ]
"$GS" "${slow[@]}" --resume int.nc 2> res.err
if [ "$kept" -gt 0 ]; then
    check "resume: after the kept cells ($(head -1 res.err))" \
        grep -q "resuming 'int.nc.part' after $kept cells" res.err
else   # the signal came before the first rows (the minute above ran out)
    check "resume: from the start, no row kept ($(head -1 res.err))" \
        grep -q "resuming 'int.nc.part' from its start (no row was written)" res.err
fi
same "Ctrl-C, then --resume" slow-ref.nc int.nc
# kill -9 at any moment: whatever the .part holds, --resume finishes the same file.
for delay in 0.05 0.2 0.5 0.9 1.4 2; do
    rm -f k.nc k.nc.part
    "$GS" "${long[@]}" -o k.nc &
    pid=$!
    sleep $delay
    kill -9 $pid 2> /dev/null
    wait $pid 2> /dev/null
    if [ -e k.nc.part ]; then
        "$GS" "${long[@]}" --resume k.nc 2> /dev/null
    elif [ ! -e k.nc ]; then   # killed before the .part was created
        "$GS" "${long[@]}" -o k.nc
    fi
    same "kill -9 after ${delay}s, then --resume" ref.nc k.nc
done
# kill -9 again and again, each run resuming the last: the same file.
mkdir k9 && cd k9 || exit 1
for i in $(seq 12); do
    [ -e m.nc ] && break
    if [ -e m.nc.part ]; then args=(--resume m.nc); else args=(-o m.nc); fi
    "$GS" "${long[@]}" "${args[@]}" 2> /dev/null &
    pid=$!
    sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
    kill -9 "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
done
[ -e m.nc ] || "$GS" "${long[@]}" --resume m.nc 2> /dev/null
same "kill -9 at random moments, --resume after each" ../ref.nc m.nc
cd "$tmp" || exit 1
"$GS" "${long[@]}" --resume ref.nc 2> done.err
check "resume of a complete map: nothing to do" grep -q "is complete; nothing to resume" done.err
head -c 3000 m.csv > wrong.nc.part
"$GS" "${base[@]}" --resume wrong.nc 2> wrong.err
rc=$?
lines=$(wc -l < wrong.err)
check "resume: a CSV .part named .nc: exit 2 (got $rc), one line ($lines)" [ "$rc" -eq 2 -a "$lines" -eq 1 ]
check "resume: a CSV .part named .nc: says --format csv" grep -q -- '--format csv' wrong.err
"$GS" "${base[@]}" --resume wrong.nc --format csv 2> /dev/null
same "resume: the same .part with --format csv" m.csv wrong.nc
cp ref.nc other.nc.part
expect_error "resume: other settings" "$GS" "${long[@]}" --steps 4001 --resume "$tmp/other.nc"

# A full disk (a 1 MiB tmpfs, as root): exit 1, the .part keeps the rows of
# the last good sync (libnetcdf would count the lost ones too), and --resume
# with room again finishes the same file.
mkdir full
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs full 2> /dev/null; then
    trap 'umount "$tmp/full" 2> /dev/null; rm -rf "$tmp"' EXIT
    small=(--res 60,50 --steps 200 --batch 16 --quiet)
    "$GS" "${small[@]}" -o small.nc
    for fill in 905000 930000 990000; do
        rm -f full/*
        head -c $fill /dev/zero > full/fill 2> /dev/null
        (cd full && "$GS" "${small[@]}" -o m.nc 2> ../full.err)
        rc=$?
        check "disk full ($fill bytes taken): exit 1 (got $rc)" [ "$rc" -eq 1 ]
        rm full/fill
        (cd full && "$GS" "${small[@]}" --resume m.nc 2> /dev/null)
        same "disk full ($fill bytes taken), then --resume" small.nc full/m.nc
    done
    umount full
else
    skip "disk full" "needs root and tmpfs"
fi

# ---- merge, stats, diff -----------------------------------------------------
for k in 1 2 3; do "$GS" "${base[@]}" --tile $k/3 -o b$k.nc; done
"$GS" merge b3.nc b1.nc b2.nc -o merged.nc
same "merge: NetCDF bands into NetCDF" m.nc merged.nc
"$GS" "${base[@]}" --tile 1/3 -o b1.csv
"$GS" merge b1.csv band.nc b3.nc -o mixed.csv
same "merge: mixed bands into CSV" m.csv mixed.csv
"$GS" merge b1.csv band.csv b3.nc -o mixed --format nc
same "merge: --format nc" m.nc mixed
"$GS" stats m.csv | tail -n +2 > stats.csv.txt
"$GS" stats m.nc | tail -n +2 > stats.nc.txt
same "stats: NetCDF as CSV" stats.csv.txt stats.nc.txt
"$GS" stats --json m.csv | sed 's/"file": *"[^"]*"//' > sj.csv.txt
"$GS" stats --json m.nc | sed 's/"file": *"[^"]*"//' > sj.nc.txt
same "stats --json: NetCDF as CSV" sj.csv.txt sj.nc.txt
"$GS" "${base[@]:2}" --act relu -o r.nc
"$GS" "${base[@]:2}" --act relu -o r.csv
"$GS" diff m.csv r.csv | tail -n +2 > diff.csv.txt
"$GS" diff m.nc r.nc | tail -n +2 > diff.nc.txt
same "diff: NetCDF as CSV" diff.csv.txt diff.nc.txt
if command -v nccopy > /dev/null; then   # the same map, rewritten by another tool
    for kind in classic nc4; do
        nccopy -k $kind m.nc m-$kind.nc
        "$GS" stats m-$kind.nc | tail -n +2 > stats.$kind.txt
        same "stats: a map nccopy'd to $kind" stats.csv.txt stats.$kind.txt
    done
fi
cp m.nc named-csv.csv
"$GS" stats named-csv.csv | tail -n +2 > stats.named.txt
same "readers go by content, not by name" stats.csv.txt stats.named.txt

# ---- names and bad requests -------------------------------------------------
mkdir -p dir
"$GS" "${base[@]}" --format nc -o dir/
check "--format nc names the default file .nc" [ -n "$(ls dir/*.nc 2> /dev/null)" ]
expect_error "unknown --format" "$GS" "${base[@]}" --format netcdf -o m.nc
expect_error "NetCDF to standard output" "$GS" "${base[@]}" --format nc -o -
expect_error "merge: unknown --format" "$GS" merge "$tmp/b1.nc" "$tmp/b2.nc" "$tmp/b3.nc" --format x -o m.nc
expect_error "merge: NetCDF to standard output" "$GS" merge "$tmp/b1.nc" "$tmp/b2.nc" "$tmp/b3.nc" --format nc -o -
expect_error "stats: a band" "$GS" stats "$tmp/b1.nc"
head -c 3000 ref.nc > cut.nc
expect_error "stats: a cut NetCDF file" "$GS" stats "$tmp/cut.nc"

# ---- ensembles (--seeds N) are CSV only -------------------------------------
expect_error "--seeds 2 with -o m.nc" "$GS" "${base[@]}" --seeds 2 -o m.nc
expect_error "--seeds 2 with --format nc" "$GS" "${base[@]}" --seeds 2 --format nc -o "$tmp/dir/"
ens=(--act selu --res 9,8 --steps 100 --batch 16 --seeds 2 --quiet)
"$GS" "${ens[@]}" -o ens.csv
for k in 1 2; do "$GS" "${ens[@]}" --tile $k/2 -o eb$k.csv; done
"$GS" merge eb2.csv eb1.csv -o ens-merged.csv
same "merge: an ensemble's CSV bands (its column line kept)" ens.csv ens-merged.csv
expect_error "merge: an ensemble's bands into NetCDF" "$GS" merge "$tmp/eb1.csv" "$tmp/eb2.csv" -o m.nc
if command -v ncgen > /dev/null; then   # a NetCDF map claiming seeds: refused
    ncdump m.nc | sed 's/^\t\t:cells = /\t\t:seeds = "2" ;\n&/' > seeds.cdl
    ncgen -k 2 -o seeds.nc seeds.cdl
    expect_error "stats: a NetCDF map with a seeds attribute" "$GS" stats "$tmp/seeds.nc"
fi

finish
