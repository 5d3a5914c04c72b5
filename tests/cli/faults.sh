#!/usr/bin/env bash
# The output contract under attack (issue 10): outputs that are not regular
# files, a full disk at the first, a middle and the last write, two writers on
# one map, signals and kill -9 at random moments with --resume after each,
# closed standard streams, edited and foreign .part files, bands that do not
# cover the map. Every case checks the exit status, the message and what is
# left on disk. Cases that need root (device nodes, tmpfs) are skipped, and
# counted as skipped, where they cannot run.
GS=${1:?usage: faults.sh /path/to/gridsweep}
GS=$(cd "$(dirname "$GS")" && pwd)/$(basename "$GS")
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

# hint FILE: the resume command a failed or interrupted run printed.
hint() { sed -n 's/^  gridsweep /gridsweep /p' "$1" | tail -n 1; }
# run_hint FILE: runs that command as printed (gridsweep being $GS).
run_hint() {
    local cmd
    cmd=$(hint "$1")
    [ -n "$cmd" ] || return 99
    eval "\"\$GS\" ${cmd#gridsweep }" 2> /dev/null
}
# whole_lines FILE: the file is empty or ends with a newline.
whole_lines() { [ ! -s "$1" ] || [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ]; }
# prefix_of PART WHOLE: PART is the start of WHOLE, byte for byte.
prefix_of() { cmp -s -n "$(stat -c %s "$1")" "$1" "$2"; }
# wait_rows FILE N: waits (up to 60 s) until FILE holds N lines.
wait_rows() {
    local i
    for i in $(seq 3000); do
        [ -e "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ] && return 0
        sleep 0.02
    done
    return 1
}

loud=(--act elu --res 24,20 --steps 60 --batch 16 --threads 2)
small=("${loud[@]}" --quiet)
"$GS" "${small[@]}" -o ref.csv || exit 1
long=(--act gelu --res 64,48 --steps 4000 --batch 64 --threads 2 --quiet)
"$GS" "${long[@]}" -o long.csv || exit 1

# ---- outputs that are not regular files ----------------------------------
mkdir types && cd types || exit 1
mkfifo fifo
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' sock
echo precious > target.csv
ln -s target.csv link.csv
ln -s elsewhere.csv dangling.csv
ln -s elsewhere.csv m.csv.part
mkdir dir
refused "-o FIFO" "'fifo' is a FIFO" timeout 30 "$GS" "${small[@]}" -o fifo
refused "-o FIFO --force" "'fifo' is a FIFO" timeout 30 "$GS" "${small[@]}" -o fifo --force
check "the FIFO stays a FIFO" [ -p fifo ]
refused "-o socket" "'sock' is a socket" "$GS" "${small[@]}" -o sock --force
check "the socket stays a socket" [ -S sock ]
refused "-o symlink --force" "'link.csv' is a symbolic link" "$GS" "${small[@]}" -o link.csv --force
check "the link's target is untouched" [ "$(cat target.csv)" = precious ]
check "the link stays a link" [ -L link.csv ]
refused "-o dangling symlink" "'dangling.csv' is a symbolic link" "$GS" "${small[@]}" -o dangling.csv
refused "dangling FILE.part symlink" "'m.csv.part' is a symbolic link" "$GS" "${small[@]}" -o m.csv
refused "dangling FILE.part symlink, --force" "'m.csv.part' is a symbolic link" "$GS" "${small[@]}" -o m.csv --force
refused "--resume through a FILE.part symlink" "'m.csv.part' is a symbolic link" "$GS" "${small[@]}" --resume m.csv
check "nothing was created through the links" [ ! -e elsewhere.csv ]
refused "-o directory with --force" "is a directory" "$GS" trace --steps 5 -o dir --force
refused "-o newdir/ with one activation" "no such directory" "$GS" "${small[@]}" -o newdir/
refused "trace -o FIFO" "'fifo' is a FIFO" timeout 30 "$GS" trace --steps 5 -o fifo
refused "trace -o symlink" "is a symbolic link" "$GS" trace --steps 5 -o link.csv --force
refused "merge -o symlink" "is a symbolic link" "$GS" merge ../ref.csv -o link.csv --force
if [ "$(id -u)" -eq 0 ] && mknod null c 1 3 2> /dev/null && mknod d.csv.part c 1 3; then
    refused "-o char device --force" "'null' is a character device" "$GS" "${small[@]}" -o null --force
    refused "-o char device" "'null' is a character device" "$GS" "${small[@]}" -o null
    refused "trace -o char device" "is a character device" "$GS" trace --steps 5 -o null
    refused "a char device as FILE.part" "'d.csv.part' is a character device" "$GS" "${small[@]}" -o d.csv --force
    check_all "the device nodes stay devices" '[ -c null ] && [ -c d.csv.part ]'
else
    skip "device nodes as outputs" "mknod needs root"
fi
check "nothing else appeared" [ "$(ls | grep -vxE 'd.csv.part|null' | tr '\n' ' ')" = "dangling.csv dir fifo link.csv m.csv.part sock target.csv " ]
# Standard output stays possible, and gives the same bytes as a file.
"$GS" "${small[@]}" -o - > stdout.csv 2> stdout.err
check "-o - exits 0" [ $? -eq 0 ]
same "-o - writes the map to standard output" ../ref.csv stdout.csv
refused "-o - with several activations" "standard output takes one map" "$GS" "${small[@]:2}" --act elu,relu -o -
cd "$tmp" || exit 1

# ---- a full disk ---------------------------------------------------------
# fill_to DIR FREE: a filler file leaves FREE bytes (a multiple of the page).
fill_to() {
    rm -f "$1/filler"
    local avail=$(($(stat -f -c '%a * %S' "$1")))
    head -c $((avail - $2)) /dev/zero > "$1/filler"
}
mkdir full
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs full 2> /dev/null; then
    trap 'umount "$tmp/full" 2> /dev/null; rm -rf "$tmp"' EXIT
    size=$(stat -c %s ref.csv)
    pages=$(((size + 4095) / 4096))
    for at in first middle last; do
        case $at in
        first) free=0 ;;
        middle) free=$((pages / 2 * 4096)) ;;
        last) free=$(((pages - 1) * 4096)) ;;
        esac
        rm -f full/m.csv full/m.csv.part
        fill_to full "$free"
        (cd full && "$GS" "${small[@]}" -o m.csv 2> ../full.err)
        rc=$?
        check "disk full at the $at write: exit 1 (got $rc)" [ "$rc" -eq 1 ]
        check "disk full at the $at write: says so" grep -q "^gridsweep: writing 'm.csv.part' failed: No space left on device; its whole rows are kept" full.err
        check "disk full at the $at write: no map" [ ! -e full/m.csv ]
        check "disk full at the $at write: the .part is kept" [ -f full/m.csv.part ]
        check "disk full at the $at write: whole lines only" whole_lines full/m.csv.part
        check "disk full at the $at write: the .part is the map's start" prefix_of full/m.csv.part ref.csv
        rm -f full/filler
        (cd full && run_hint ../full.err)
        check "disk full at the $at write: the printed command finishes it (exit $?)" [ -f full/m.csv ]
        [ -f full/m.csv ] && same "disk full at the $at write, then resume" ref.csv full/m.csv
    done
    fill_to full 0
    "$GS" "${small[@]}" -o - > full/out.csv 2> full.err
    rc=$?
    check "-o - on a full disk: exit 1 (got $rc)" [ "$rc" -eq 1 ]
    check "-o - on a full disk: names standard output" grep -q "writing to standard output failed: No space left" full.err
    "$GS" --help > full/help.txt 2> full.err
    check "--help on a full disk: exit 1" [ $? -eq 1 ]
    check "--help on a full disk: says so" grep -q "standard output" full.err
    "$GS" --version > full/v.txt 2> /dev/null
    check "--version on a full disk: exit 1" [ $? -eq 1 ]
    rm -f full/filler
    umount full
else
    skip "a full disk (tmpfs)" "mounting a tmpfs needs root"
fi

# Standard output on a full device (as a redirection; gridsweep opens nothing).
if [ -w /dev/full ]; then
    "$GS" "${small[@]}" -o - > /dev/full 2> devfull.err
    rc=$?
    check "-o - > /dev/full: exit 1 (got $rc)" [ "$rc" -eq 1 ]
    check "-o - > /dev/full: one line naming standard output" [ "$(cat devfull.err)" = "gridsweep: writing to standard output failed: No space left on device" ]
    for w in --help --version "stats --help" "trace --help"; do
        # shellcheck disable=SC2086  # two words for the commands' help
        "$GS" $w > /dev/full 2> devfull.err
        rc=$?
        check "$w > /dev/full: exit 1 (got $rc)" [ "$rc" -eq 1 ]
        check "$w > /dev/full: says so" grep -q "^gridsweep: writing to standard output failed" devfull.err
    done
else
    skip "a full standard output" "no /dev/full"
fi

# ---- a failed rename -----------------------------------------------------
# The final name taken by a directory while the run computes: the rename
# fails, the complete .part stays, and the printed command finishes it.
mkdir ren && cd ren || exit 1
"$GS" "${long[@]:0:8}" --threads 1 --quiet -o m.csv 2> err &
pid=$!
wait_rows m.csv.part 40
mkdir m.csv
wait "$pid"
rc=$?
check "a failed rename: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "a failed rename: says so" grep -q "^gridsweep: 'm.csv' became a directory during the run; the map stays in 'm.csv.part'" err
check "a failed rename: the .part is kept whole" cmp -s m.csv.part ../long.csv
rmdir m.csv
run_hint err
check "a failed rename: the printed command finishes it (exit $?)" [ -f m.csv ]
same "a failed rename, then the printed command" ../long.csv m.csv
cd "$tmp" || exit 1

# ---- two writers on one map ----------------------------------------------
mkdir two && cd two || exit 1
"$GS" "${long[@]:0:8}" --threads 1 --quiet -o m.csv &
first=$!
wait_rows m.csv.part 40
# Stopped, not ended, while the others try: a live writer that holds its
# map whatever the machine's speed (it would otherwise finish within a
# second, and on a loaded CI machine once did before the third try).
kill -STOP "$first" 2>/dev/null || fail "two writers: the first ended too soon to test"
refused "a second writer" "'m.csv.part' is being written by process $first" "$GS" "${long[@]}" -o m.csv
refused "a second writer with --force" "being written by process $first" "$GS" "${long[@]}" -o m.csv --force
refused "a resumer while it runs" "being written by process $first" "$GS" "${long[@]}" --resume m.csv
grep -q "interrupted" "$tmp/stderr" && fail "a live writer is called interrupted" || ok
kill -CONT "$first"
wait "$first"
check "the first writer finishes (exit $?)" [ -f m.csv ]
same "two writers: the first one's map is whole" ../long.csv m.csv
cd "$tmp" || exit 1

# ---- signals -------------------------------------------------------------
# INT with -o FILE, TERM with several activations into a directory, HUP with
# --output=FILE: each exits 128+N, keeps whole rows, and prints a command that
# finishes the map when run as printed.
mkdir sig && cd sig || exit 1
for s in INT TERM HUP; do
    rm -rf "$s" && mkdir "$s" && cd "$s" || exit 1
    case $s in
    INT) args=(-o m.csv) part=m.csv.part ;;
    TERM) mkdir maps; args=(-o maps) part= ;;
    HUP) args=(--output=m.csv) part=m.csv.part ;;
    esac
    if [ "$s" = TERM ]; then
        "$GS" --act gelu,selu "${long[@]:2}" "${args[@]}" 2> err &
    else
        "$GS" "${long[@]}" "${args[@]}" 2> err &
    fi
    pid=$!
    for i in $(seq 3000); do
        [ -n "$part" ] && break
        part=$(ls maps/*.part 2> /dev/null)
        sleep 0.02
    done
    wait_rows "$part" 40
    kill -"$s" "$pid"
    wait "$pid"
    rc=$?
    want=$((128 + $(kill -l "$s")))
    check "SIG$s: exit $want (got $rc)" [ "$rc" -eq "$want" ]
    check "SIG$s: says it was interrupted" grep -q "^gridsweep: interrupted: .* cells are in '$part'" err
    check "SIG$s: whole rows" whole_lines "$part"
    hint err | grep -qE -- ' (-o|--output)' && fail "SIG$s: the hint keeps -o" || ok
    hint err | grep -q -- ' --act gelu --' && ok || fail "SIG$s: the hint names one activation"
    run_hint err
    check "SIG$s: the printed command finishes it (exit $?)" [ -f "${part%.part}" ]
    same "SIG$s, then the printed command" ../../long.csv "${part%.part}"
    cd .. || exit 1
done
check "SIGTERM: the second map was not started" [ "$(ls TERM/maps | grep -c selu)" -eq 0 ]
check "SIGTERM: says which maps were not started" grep -q "^gridsweep: not started: selu " TERM/err
cd "$tmp" || exit 1

# kill -9, INT, TERM and HUP at random moments (before the first write too),
# --resume after each, until the map is complete.
mkdir k9 && cd k9 || exit 1
sigs=(KILL KILL INT TERM HUP)
for i in $(seq 10); do
    [ -e m.csv ] && break
    if [ -e m.csv.part ]; then args=(--resume m.csv); else args=(-o m.csv); fi
    "$GS" "${long[@]}" "${args[@]}" 2> /dev/null &
    pid=$!
    sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
    kill -"${sigs[RANDOM % 5]}" "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
done
# Every run may have been stopped before its first write (a sanitizer
# build on a busy machine starts slowly), which leaves no .part to resume.
if [ ! -e m.csv ]; then
    if [ -e m.csv.part ]; then args=(--resume m.csv); else args=(-o m.csv); fi
    "$GS" "${long[@]}" "${args[@]}" 2> resume.err
fi
check "signal loop: the last run completes the map ($(cat resume.err 2> /dev/null))" [ -f m.csv ]
same "kill -9 and signals at random moments, --resume after each" ../long.csv m.csv
# Killed before its first row: an empty, a header-only or a torn-header .part.
: > e.csv.part
sed -n '/^ix,/q;p' ../ref.csv > h.csv.part
head -c 100 ../ref.csv > t.csv.part
for p in e h t; do
    "$GS" "${small[@]}" --resume $p.csv 2> /dev/null
    check "a .part killed before its first row ($p) resumes (exit $?)" [ -f $p.csv ]
    same "a .part killed before its first row ($p)" ../ref.csv $p.csv
done
cd "$tmp" || exit 1

# ---- closed standard streams ---------------------------------------------
mkdir closed && cd closed || exit 1
"$GS" "${loud[@]}" -o a.csv 2>&- >&- <&-
same "stderr, stdout and stdin closed: the map holds no progress line" ../ref.csv a.csv
head -n 40 ../ref.csv > b.csv.part
"$GS" "${loud[@]}" --resume b.csv 2>&-
same "stderr closed: the resume line stays out of the map" ../ref.csv b.csv
cd "$tmp" || exit 1

# ---- edited and foreign .part files --------------------------------------
mkdir parts && cd parts || exit 1
head -n 60 ../ref.csv > cut.csv
# The same number written another way (0.100000001 as 0.1): valid, but not
# what gridsweep writes, so the resumed file would differ from a whole run.
sed '45s/,0\.100000001,/,0.1,/' cut.csv > edited.csv.part
cp edited.csv.part before
refused "an edited row" "line 45 (cell" "$GS" "${small[@]}" --resume edited.csv
same "an edited .part is left as it was" before edited.csv.part
awk -F, -v OFS=, 'NR == 50 { $3 = "1.25" } { print }' cut.csv > value.csv.part
refused "a start value edited mid-file" "is not what gridsweep writes" "$GS" "${small[@]}" --resume value.csv
echo "hello" > foreign.csv.part
refused "a .part that is not a map" "not a gridsweep map" "$GS" "${small[@]}" --resume foreign.csv
"$GS" trace --steps 5 -o tr.csv
cp tr.csv trace.csv.part
refused "a trace as .part" "is a trace file" "$GS" "${small[@]}" --resume trace.csv
sed 's/^# steps: 60$/# steps: 61/' cut.csv > other.csv.part
refused "a .part of other settings" "it has '# steps: 61' where this command has '# steps: 60'" "$GS" "${small[@]}" --resume other.csv
sed 's/^\(# command: .*\)$/\1 --quiet/' cut.csv > cmd.csv.part
refused "only the command line differs" "it has '# command: gridsweep" "$GS" "${small[@]}" --resume cmd.csv
"$GS" "${small[@]}" --tile 2/3 -o band.csv
head -n 40 band.csv > band2.csv.part
refused "a band's .part resumed without --tile" "it has '# tile: 2/3" "$GS" "${small[@]}" --resume band2.csv
# A complete map: nothing to resume only if it is this very map.
cp ../ref.csv done.csv
"$GS" "${small[@]}" --resume done.csv 2> done.err
check "resume of this complete map: exit 0" [ $? -eq 0 ]
check "resume of this complete map: says so" grep -q "complete; nothing to resume" done.err
refused "resume of a complete map of other settings" "steps" "$GS" "${small[@]/60/61}" --resume done.csv
echo "not a map" > notmap.csv
refused "resume of a complete file that is not a map" "not a gridsweep map" "$GS" "${small[@]}" --resume notmap.csv
cd "$tmp" || exit 1

# ---- bands that do not cover the map -------------------------------------
mkdir bands && cd bands || exit 1
b=(--act elu --res 9,7 --steps 40 --batch 16 --quiet)
"$GS" "${b[@]}" -o whole.csv
for k in 1 2 3; do "$GS" "${b[@]}" --tile $k/3 -o b$k.csv; done
# Band 2 (rows 2:4) edited to start a row later, that row deleted.
awk '/^# tile:/ { sub(/rows=2:4/, "rows=3:4") } /^[0-9]+,2,/ { next } { print }' b2.csv > gap.csv
refused "merge: a row in no band" "no band holds rows 2:3" "$GS" merge b1.csv gap.csv b3.csv -o m.csv
# Band 2 edited to start a row earlier, holding row 1 as well.
{ sed -n '/^#/p' b2.csv | sed 's/rows=2:4/rows=1:4/'; grep -E '^(ix,|[0-9]+,[1-3],)' whole.csv; } > overlap.csv
refused "merge: a row in two bands" "rows 1:2 are in two bands" "$GS" merge b1.csv overlap.csv b3.csv -o m.csv
check_all "merge left nothing" '[ ! -e m.csv ] && [ ! -e m.csv.part ]'
"$GS" merge b3.csv b1.csv b2.csv -o m.csv
same "merge of the true bands" whole.csv m.csv
cd "$tmp" || exit 1

# ---- names, memory, exit codes -------------------------------------------
mkdir names && cd names || exit 1
deep=$(printf './%.0s' $(seq 700))       # 1400 bytes of directory
"$GS" "${small[@]}" -o "$deep"
check "a long directory path: the default name is whole" [ "$(ls | grep -c '^elu-b-2\.\.2-d-2\.\.2-24x20-[0-9a-f]\{8\}\.csv$')" -eq 1 ]
deeper=$(printf './%.0s' $(seq 2030))    # fits PATH_MAX, the name does not
refused "a default name beyond PATH_MAX" "name the output with -o" "$GS" "${small[@]}" -o "$deeper"
# The sample tables of 10^6 steps x 256 samples (2 GB) cannot be allocated
# under a 1 GB limit: one line naming them, exit 1, and nothing left behind
# to block the next run.
if [ "${GS_SANITIZED:-0}" = 1 ]; then   # ASan reserves terabytes of address space
    skip "out of memory for the sample tables" "ulimit -v cannot starve a sanitizer build"
else
    (ulimit -v 1000000 && "$GS" --act relu --res 2 --steps 1000000 --batch 256 -o big.csv 2> big.err)
    check "out of memory: exit 1" [ $? -eq 1 ]
    check "out of memory: names the sample tables" grep -q "sample tables" big.err
    check_all "out of memory: nothing left behind" '[ ! -e big.csv ] && [ ! -e big.csv.part ]'
fi
cd "$tmp" || exit 1
refused "stats of a missing file: exit 2" "nope.csv" "$GS" stats nope.csv
refused "diff with a missing file: exit 2" "nope.csv" "$GS" diff ref.csv nope.csv
finish
