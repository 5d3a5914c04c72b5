#!/usr/bin/env bash
# FILE.part.sum, the checksum beside an unfinished map (issue 10 point 8): a
# kept row edited into another valid number is refused on --resume, whether
# its checksum covers it or its cell is trained again to check it; an
# unedited .part, with or without its checksum, resumes to the very file an
# uninterrupted run writes; the checksum file is never a link or a
# directory, and never outlives its .part.
GS=${1:?usage: digest.sh /path/to/gridsweep}
GS=$(cd "$(dirname "$GS")" && pwd)/$(basename "$GS")
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

# files: what the current directory holds, on one line.
files() { ls -A | tr '\n' ' '; }
# bytes_to FILE LINE: the size of the first LINE lines of FILE.
bytes_to() { head -n "$2" "$1" | wc -c; }
# sum_of PART BYTES > SUM: the record gridsweep writes when BYTES bytes of
# PART are synced (docs/formats.md): written here from the format alone.
sum_of() {
    python3 - "$1" "$2" << 'PY'
import struct, sys
def fnv(data, h=14695981039346656037):
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h
n = int(sys.argv[2])
head = struct.pack("<8sIIQQ", b"GSPARTSM", 1, 0, n, fnv(open(sys.argv[1], "rb").read(n)))
sys.stdout.buffer.write(head + struct.pack("<Q", fnv(head)))
PY
}
# edit FILE LINE COL: the value in column COL of line LINE becomes the next
# float up, written as gridsweep writes it and as long: valid, canonical,
# and not what gridsweep computed.
edit() {
    python3 - "$@" << 'PY'
import struct, sys
path, line, col = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) - 1
rows = open(path).read().split("\n")
f = rows[line - 1].split(",")
bits = struct.unpack("<I", struct.pack("<f", float(f[col])))[0]
for step in range(1, 1000):
    s = "%.9g" % struct.unpack("<f", struct.pack("<I", bits + step))[0]
    if len(s) == len(f[col]) and s != f[col]:
        break
f[col] = s
rows[line - 1] = ",".join(f)
open(path, "w").write("\n".join(rows))
PY
}

m=(--act elu --res 24,20 --steps 60 --batch 16 --threads 2 --quiet)
"$GS" "${m[@]}" -o ref.csv || exit 1
check "a complete run leaves no checksum file" [ "$(files)" = "ref.csv " ]
hl=$(grep -c '^#' ref.csv)            # header lines before the column line
line=$((hl + 1 + 200))                # a row in the middle of 300 kept
keep=$((hl + 1 + 300))

# ---- a kept row edited ---------------------------------------------------
mkdir edited && cd edited || exit 1
head -n "$keep" ../ref.csv > m.csv.part
sum_of m.csv.part "$(stat -c %s m.csv.part)" > m.csv.part.sum
edit m.csv.part "$line" 9
cp m.csv.part part.before && cp m.csv.part.sum sum.before
refused "an edited value the checksum covers" "'m.csv.part' has rows edited since they were written" "$GS" "${m[@]}" --resume m.csv
check "refused: the .part is untouched" cmp -s part.before m.csv.part
check "refused: its checksum is untouched" cmp -s sum.before m.csv.part.sum
check "refused: nothing else written" [ "$(files)" = "m.csv.part m.csv.part.sum part.before sum.before " ]
rm m.csv.part.sum
refused "an edited value, no checksum: its cell trained again" "line $line (cell " "$GS" "${m[@]}" --resume m.csv
grep -q "is not what gridsweep computes" "$tmp/stderr" && ok || fail "no checksum: says the row is not what gridsweep computes"
check "refused without checksum: the .part is untouched" cmp -s part.before m.csv.part
check "refused without checksum: no checksum file made" [ ! -e m.csv.part.sum ]
# The checksum covers the first 100 rows; the edit is in row 200.
sum_of m.csv.part "$(bytes_to m.csv.part $((hl + 1 + 100)))" > m.csv.part.sum
refused "an edited value after the bytes the checksum covers" "line $line (cell " "$GS" "${m[@]}" --resume m.csv
# A torn or foreign record is no record: the rows are trained again.
head -c 39 sum.before > m.csv.part.sum
refused "an edited value, a torn checksum record" "line $line (cell " "$GS" "${m[@]}" --resume m.csv
# A .part shorter than what its checksum covers was cut or edited.
head -n "$keep" ../ref.csv > m.csv.part
sum_of m.csv.part "$(stat -c %s m.csv.part)" > m.csv.part.sum
head -n $((keep - 10)) ../ref.csv > m.csv.part
refused "a .part cut shorter than its checksum covers" "edited or cut since they were written" "$GS" "${m[@]}" --resume m.csv
cd "$tmp" || exit 1

# ---- unedited .part files resume to the very file ------------------------
mkdir intact && cd intact || exit 1
for how in all none some torn; do
    head -n "$keep" ../ref.csv > "$how.csv.part"
    printf '1,2,torn' >> "$how.csv.part"   # a torn last line: cut on resume
    case $how in
    all) sum_of "$how.csv.part" "$(bytes_to "$how.csv.part" "$keep")" > "$how.csv.part.sum" ;;
    some) sum_of "$how.csv.part" "$(bytes_to "$how.csv.part" $((hl + 1 + 100)))" > "$how.csv.part.sum" ;;
    torn) echo "GSPARTSM garbage" > "$how.csv.part.sum" ;;
    esac
    "$GS" "${m[@]}" --resume "$how.csv" 2> err
    check "unedited .part, checksum $how: resumes (exit $?: $(cat err))" [ -f "$how.csv" ]
    same "unedited .part, checksum $how: the very file" ../ref.csv "$how.csv"
done
check "resumed maps leave no checksum file" [ "$(files)" = "all.csv err none.csv some.csv torn.csv " ]
cd "$tmp" || exit 1

# ---- the checksum a run writes -------------------------------------------
# Interrupted: the .part and its checksum stay together, the checksum
# covering every synced byte; --resume finishes it; --force starts over
# and leaves the map alone.
mkdir run && cd run || exit 1
# Long enough that the run is still going when the signal comes on an idle
# machine (about 3 s there; the inline exp made gelu 1.3x faster).
big=(--act gelu --res 48,40 --steps 30000 --batch 64 --threads 2 --quiet)
"$GS" "${big[@]}" -o big.csv || exit 1
"$GS" "${big[@]}" -o m.csv 2> err &
pid=$!
for i in $(seq 3000); do
    [ -e m.csv.part ] && [ "$(wc -l < m.csv.part)" -ge $((hl + 41)) ] && break
    sleep 0.02
done
kill -INT "$pid"
wait "$pid"
rc=$?
check "interrupted: exit 130 (got $rc)" [ "$rc" -eq 130 ]
rm err
check "interrupted: the .part and its checksum stay together" [ "$(files)" = "big.csv m.csv.part m.csv.part.sum " ]
sum_of m.csv.part "$(stat -c %s m.csv.part)" > want.sum
check "interrupted: the checksum covers the whole .part, as docs/formats.md says" cmp -s want.sum m.csv.part.sum
rm want.sum
cp m.csv.part p.keep && cp m.csv.part.sum s.keep
"$GS" "${big[@]}" --resume m.csv 2> /dev/null
same "interrupted, then --resume" big.csv m.csv
check "--resume, committed: no checksum file left" [ "$(files)" = "big.csv m.csv p.keep s.keep " ]
rm m.csv && mv p.keep m.csv.part && mv s.keep m.csv.part.sum
"$GS" "${big[@]}" -o m.csv --force
same "--force over an interrupted .part" big.csv m.csv
check "--force: no checksum file left" [ "$(files)" = "big.csv m.csv " ]
# A checksum file left alone (its .part deleted by hand) is taken over.
echo stale > n.csv.part.sum
"$GS" "${m[@]}" -o n.csv
same "a stale checksum file alone: the run takes it over" ../ref.csv n.csv
check "a stale checksum file alone: gone after the run" [ ! -e n.csv.part.sum ]
cd "$tmp" || exit 1

# ---- kill -9 at random moments, --resume after each ----------------------
mkdir k9 && cd k9 || exit 1
for i in $(seq 8); do
    [ -e m.csv ] && break
    if [ -e m.csv.part ]; then args=(--resume m.csv); else args=(-o m.csv); fi
    "$GS" "${big[@]}" "${args[@]}" 2> /dev/null &
    pid=$!
    sleep "$((RANDOM % 3)).$((RANDOM % 10))"
    kill -KILL "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    # (Killed between the header's sync and the checksum's creation, a
    # .part holds its header and column line only: it starts over.)
    [ -e m.csv.part ] && [ ! -e m.csv.part.sum ] && [ "$(wc -l < m.csv.part)" -gt $((hl + 1)) ] &&
        fail "kill -9: a .part with rows but no checksum file"
done
[ -e m.csv ] || "$GS" "${big[@]}" --resume m.csv 2> resume.err
check "kill -9 loop: the last resume exits 0 ($(cat resume.err 2> /dev/null))" [ -f m.csv ]
same "kill -9 at random moments, --resume after each" ../run/big.csv m.csv
check "kill -9 loop: the map alone is left" [ "$(files | sed 's/resume.err //')" = "m.csv " ]
cd "$tmp" || exit 1

# ---- the checksum file cannot be written ---------------------------------
# A tmpfs with one free page: the .part's header takes it, so the checksum
# record finds the disk full. A fault like a failed write of the .part: exit
# 1, the .part kept, and the printed command finishes the map.
mkdir full
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs full 2> /dev/null; then
    trap 'umount "$tmp/full" 2> /dev/null; rm -rf "$tmp"' EXIT
    avail=$(($(stat -f -c '%a * %S' full)))
    head -c $((avail - 4096)) /dev/zero > full/filler
    (cd full && "$GS" "${m[@]}" -o m.csv 2> ../full.err)
    rc=$?
    check "checksum file on a full disk: exit 1 (got $rc)" [ "$rc" -eq 1 ]
    check "checksum file on a full disk: says so" grep -q "^gridsweep: writing 'm.csv.part.sum' failed: No space left on device; the whole rows of 'm.csv.part' are kept" full.err
    check_all "checksum file on a full disk: the .part is kept" '[ -f full/m.csv.part ] && [ ! -e full/m.csv ]'
    rm full/filler
    cmd=$(sed -n 's/^  gridsweep //p' full.err)
    (cd full && eval "\"\$GS\" $cmd" 2> /dev/null)
    check "checksum file on a full disk: the printed command finishes it" [ -f full/m.csv ]
    [ -f full/m.csv ] && same "checksum file on a full disk, then resume" ref.csv full/m.csv
    check "checksum file on a full disk: the map alone is left" [ "$(ls -A full | tr '\n' ' ')" = "m.csv " ]
    umount full
else
    skip "the checksum file on a full disk (tmpfs)" "mounting a tmpfs needs root"
fi

# ---- a checksum file that is not a regular file --------------------------
mkdir types && cd types || exit 1
echo precious > target
ln -s target m.csv.part.sum
refused "a symlink as checksum file" "'m.csv.part.sum' (the checksum of an unfinished map) is a symbolic link" "$GS" "${m[@]}" -o m.csv
refused "a symlink as checksum file, --force" "is a symbolic link" "$GS" "${m[@]}" -o m.csv --force
head -n "$keep" ../ref.csv > m.csv.part
refused "a symlink as checksum file, --resume" "is a symbolic link" "$GS" "${m[@]}" --resume m.csv
check "the link's target is untouched" [ "$(cat target)" = precious ]
rm m.csv.part m.csv.part.sum
mkdir d.csv.part.sum
refused "a directory as checksum file" "'d.csv.part.sum' (the checksum of an unfinished map) is a directory" "$GS" "${m[@]}" -o d.csv
head -n "$keep" ../ref.csv > d.csv.part
refused "a directory as checksum file, --resume" "is a directory" "$GS" "${m[@]}" --resume d.csv
check "nothing else appeared" [ "$(files)" = "d.csv.part d.csv.part.sum target " ]
cd "$tmp" || exit 1

finish
