#!/usr/bin/env bash
# gridsweep --list: every vocabulary from its table, plain and as JSON, and
# the places that must agree with the tables (a map's header and column line,
# --help, README's option table).
GS=${1:?usage: list.sh /path/to/gridsweep}
ROOT=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/lib.sh"

for what in activations outcomes columns settings ensemble_columns; do
    "$GS" --list "$what" > "$tmp/$what.txt" 2> "$tmp/stderr"
    rc=$?
    check_all "--list $what: exit 0, nothing on stderr" '[ $rc -eq 0 ] && [ ! -s "$tmp/stderr" ]'
    "$GS" --list "$what" --json > "$tmp/$what.json"
    check "--list $what --json: exit 0" [ $? -eq 0 ]
done
check "15 activations" [ "$(wc -l < "$tmp/activations.txt")" -eq 15 ]
check "6 outcomes" [ "$(wc -l < "$tmp/outcomes.txt")" -eq 6 ]
check "20 columns" [ "$(wc -l < "$tmp/columns.txt")" -eq 20 ]
check "26 settings" [ "$(wc -l < "$tmp/settings.txt")" -eq 26 ]
check "--list=WHAT and --json first" \
    cmp -s <("$GS" --json --list=outcomes) "$tmp/outcomes.json"

# The JSON shapes scripts rely on, and the same names as the plain lists.
if command -v python3 > /dev/null; then
    python3 - "$tmp" <<'PY' && ok || fail "JSON shapes"
import json, sys
d = sys.argv[1]
def load(w):
    return json.load(open(f"{d}/{w}.json")), open(f"{d}/{w}.txt").read().split()
acts, names = load("activations")
assert [a["name"] for a in acts] == names
for a in acts:
    assert set(a) == {"name", "formula", "kink", "pieces", "f_ulps", "f_atol", "df_ulps", "df_atol"}, a
    assert all(p["kind"] in ("flat", "affine", "curved") for p in a["pieces"]), a
outs, names = load("outcomes")
assert outs == [{"name": n, "code": i} for i, n in enumerate(names)], outs
cols, names = load("columns")
assert [c["name"] for c in cols] == names and all(set(c) == {"name", "type"} for c in cols)
assert {c["type"] for c in cols} == {"int", "float", "outcome"}
assert [c["name"] for c in cols if c["type"] == "outcome"] == ["outcome"]
sets, names = load("settings")
assert [s["key"] for s in sets] == names
for s in sets:
    assert set(s) == {"key", "option", "type", "section", "default", "help"}, s
    assert s["section"] in ("train", "judge", "ensemble"), s
    assert s["option"].startswith("--") and s["help"], s
    assert s["type"] in ("enum", "float", "double", "int", "uint64", "range", "rate", "dist"), s
assert sets[0] == {"key": "loss", "option": "--loss", "type": "enum", "section": "train",
                   "default": "mae", "help": "mae | mse | huber"}, sets[0]
ens, names = load("ensemble_columns")
assert [c["name"] for c in ens] == names and all(set(c) == {"name", "type"} for c in ens)
colnames = [c["name"] for c in cols]
for n in names:   # every ensemble column comes from the column or the outcome table
    assert (n in colnames or n == "seed_outcomes" or n.startswith("p_")
            or n.rsplit("_", 1)[0] in colnames), n
assert [f"p_{o['name']}" for o in outs] == [n for n in names if n.startswith("p_")], names
PY
else
    echo "SKIP: JSON shapes (no python3)"
fi

# A map agrees with the tables: its column line, and "# key: default" for
# every setting but the rates (which the plane's "at" holds) and the ones
# written only when set (the target, the data distribution, the method, the seeds).
mkdir -p "$tmp/map"
(cd "$tmp/map" && "$GS" --res 1 --quiet -o m.csv)
check "column line = --list columns" \
    [ "$(grep -v '^#' "$tmp/map/m.csv" | head -1)" = "$(paste -sd, "$tmp/columns.txt")" ]
python3 - "$tmp/settings.json" "$tmp/map/m.csv" <<'PY' && ok || fail "defaults = map header"
import json, sys
header = [l for l in open(sys.argv[2]) if l.startswith("#")]
for s in json.load(open(sys.argv[1])):
    if s["key"] not in ("lr", "lr_in", "lr_out", "target", "data_dist", "method", "precision", "seeds"):
        assert f'# {s["key"]}: {s["default"]}\n' in header, s
    if s["section"] == "ensemble":
        assert not any(l.startswith(f'# {s["key"]}:') for l in header), s
PY

# Every setting given on the command line reaches the map header, both ends
# of --data included.
(cd "$tmp/map" && "$GS" --res 1 --steps 3 --quiet -o set.csv --loss huber --huber-delta 0.5 \
    --opt rmsprop --beta1 0.5 --beta2 0.75 --eps 1e-06 --momentum 0.25 --alpha 0.5 --batch 8 \
    --data -1:2 --sampling grid --seed 7 --window 0.5 --tol 0.125 --dead-tol 0.25 \
    --linear-tol 0.375 --eval-points 16)
want='# loss: huber
# huber_delta: 0.5
# opt: rmsprop
# beta1: 0.5
# beta2: 0.75
# eps: 1e-06
# momentum: 0.25
# alpha: 0.5
# steps: 3
# batch: 8
# data: -1:2
# sampling: grid
# seed: 7
# window: 0.5
# tol: 0.125
# dead_tol: 0.25
# linear_tol: 0.375
# eval_points: 16'
check "every setting reaches the header" \
    [ "$(sed -n '/^# loss:/,/^# eval_points:/p' "$tmp/map/set.csv")" = "$want" ]

# Every activation name is one the sweep takes.
mkdir -p "$tmp/acts"
"$GS" --act "$(paste -sd, "$tmp/activations.txt")" --res 1 --steps 1 --batch 4 --quiet \
    -o "$tmp/acts/" 2> "$tmp/stderr"
check "every listed activation sweeps" [ "$(ls "$tmp/acts" | wc -l)" -eq 15 ]

# --help and README's option table give each setting with its default.
# (a help that goes on on a second line is joined to its first)
"$GS" --help | awk '/^                      [^ ]/ && prev != "" { sub(/^ +/, " "); prev = prev $0; next }
                    { if (prev != "") print prev; prev = $0 } END { print prev }' > "$tmp/help.txt"
while IFS=$'\t' read -r option default; do
    grep -q -- "^  $option .*(default $default)\$" "$tmp/help.txt" ||
        fail "--help: $option with default $default"
    grep -- "^| .*\`$option " "$ROOT/README.md" | grep -qF -- "$default" ||
        fail "README: $option with default $default"
done < <(python3 -c '
import json, sys
for s in json.load(open(sys.argv[1])):
    print(s["option"] + "\t" + s["default"])' "$tmp/settings.json")
ok

# Bad input: one line, exit 2.
expect_error "--list of nothing known" "$GS" --list nope
grep -q "valid: activations, outcomes, columns, settings, ensemble_columns" "$tmp/stderr" && ok ||
    fail "bad list name names the valid ones"
expect_error "--list without a name" "$GS" --list
expect_error "--list with a sweep option" "$GS" --list settings --res 4
finish
