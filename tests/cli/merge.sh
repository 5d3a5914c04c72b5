#!/usr/bin/env bash
# --tile K/N bands and gridsweep merge: the merged file is the single run's,
# byte for byte; bands that do not belong together are refused.
GS=${1:?usage: merge.sh /path/to/gridsweep}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

base=(--act elu --res 9,7 --steps 80 --batch 16 --quiet)
"$GS" "${base[@]}" -o whole.csv
for k in 1 2 3; do "$GS" "${base[@]}" --tile $k/3 -o band$k.csv; done
check "a band says which it is" grep -q '^# tile: 2/3 rows=2:4$' band2.csv
check "band rows" [ "$(grep -vc '^#' band2.csv)" -eq $((2 * 9 + 1)) ]
"$GS" merge band2.csv band3.csv band1.csv -o merged.csv
same "merge of 3 bands in any order" whole.csv merged.csv
# A 7-row map in 7 bands, one row each.
for k in 1 2 3 4 5 6 7; do "$GS" "${base[@]}" --tile $k/7 -o t7-$k.csv; done
"$GS" merge t7-*.csv -o merged7.csv
same "merge of 7 one-row bands" whole.csv merged7.csv
# A resumed band merges the same.
head -c 1500 band1.csv > rb.csv.part
"$GS" "${base[@]}" --tile 1/3 --resume rb.csv 2> /dev/null
same "resumed band" band1.csv rb.csv

mkdir -p out
expect_error "merge: missing band" "$GS" merge "$tmp/band1.csv" "$tmp/band2.csv" -o m.csv
expect_error "merge: band twice" "$GS" merge "$tmp/band1.csv" "$tmp/band1.csv" "$tmp/band2.csv" -o m.csv
expect_error "merge: bands of different splits" "$GS" merge "$tmp/band1.csv" "$tmp/t7-2.csv" "$tmp/band3.csv" -o m.csv
"$GS" --act elu --res 9,7 --steps 81 --batch 16 --quiet --tile 2/3 -o other2.csv
expect_error "merge: bands of other settings" "$GS" merge "$tmp/band1.csv" "$tmp/other2.csv" "$tmp/band3.csv" -o m.csv
head -n -2 band3.csv > cut3.csv
expect_error "merge: an incomplete band" "$GS" merge "$tmp/band1.csv" "$tmp/band2.csv" "$tmp/cut3.csv" -o m.csv
expect_error "merge: not a map" "$GS" merge /etc/hostname -o m.csv
expect_error "merge: existing output" "$GS" merge "$tmp/band1.csv" "$tmp/band2.csv" "$tmp/band3.csv" -o "$tmp/whole.csv"
finish
