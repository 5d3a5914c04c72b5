#!/usr/bin/env bash
# Figures for papers (issue 15): the format follows the output's extension
# (PNG, PDF and SVG by their magic bytes; anything else one line, exit 2,
# nothing written), --dpi sets the resolution, the outcome palette stays
# apart under colour-blindness simulation, large maps are reduced by
# majority and mean instead of thinned and a map up to 1024 cells wide gets
# a pixel per cell, and docs/formats.md's NumPy and pandas recipes run as
# written; from Python too, when the build has the extension module. The
# Python checks are in tests/cli/figures/*.py. Skips (77)
# without a Python that has numpy and matplotlib.
GS=${1:?usage: figures.sh /path/to/gridsweep}
ROOT=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/lib.sh"
S=$ROOT/scripts
HERE=$(cd "$(dirname "$0")" && pwd)/figures

if ! py=$(bash "$S/find-python" 2>/dev/null); then
    echo "SKIP: no Python 3 with numpy and matplotlib"
    exit 77
fi
export GRIDSWEEP_PYTHON=$py GRIDSWEEP_BIN=$GS MPLBACKEND=Agg
export PYTHONPATH=$ROOT/python${PYTHONPATH:+:$PYTHONPATH}

maps=$tmp/maps
mkdir -p "$maps"
sweep() { "$GS" --quiet "$@" > /dev/null 2>&1 || { fail "gridsweep $*"; finish; exit 1; }; }
sweep --act relu --res 8 --steps 40 -o "$maps/relu.csv"
sweep --act elu --res 8 --steps 40 -o "$maps/elu.csv"
sweep --act mish --res 6,5 --steps 40 --loss mse --opt sgd --lr 100 \
    -o "$maps/diverged.csv"   # nan, inf
sweep --act relu --res 1024,8 --steps 2 -o "$maps/wide.csv"
"$GS" trace --act selu --init 1,0.5,1,-0.5 --steps 100 -o "$tmp/trace.csv" > /dev/null 2>&1 ||
    { fail "gridsweep trace"; finish; exit 1; }

# magic FILE: png, pdf, svg or unknown, from the file's first bytes.
magic() {
    local head
    head=$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')
    case "$head" in
        89504e470d0a1a0a) echo png ;;
        255044462d*) echo pdf ;;          # %PDF-
        *) if head -c 400 "$1" 2>/dev/null | grep -q '<svg'; then echo svg; else echo unknown; fi ;;
    esac
}

# draws NAME WANT CMD...: exit 0, quiet, the output's bytes are format WANT.
draws() {
    local name=$1 want=$2 out=${*: -1}
    shift 2
    rm -f "$out"
    if ! "$@" > "$tmp/stdout" 2> "$tmp/stderr"; then
        fail "$name: exit $?: $(head -c 300 "$tmp/stderr")"
        return
    fi
    check "$name: quiet ($(head -c 200 "$tmp/stderr"))" [ ! -s "$tmp/stderr" ]
    check "$name: a $want file (got $(magic "$out"))" [ "$(magic "$out")" = "$want" ]
}


# The format follows the extension.
fig=$tmp/fig
mkdir -p "$fig"
for ext in png pdf svg; do
    draws "heatmap .$ext" $ext "$S/heatmap" "$maps/relu.csv" -o "$fig/h.$ext"
    draws "compare .$ext" $ext "$S/compare" "$maps/relu.csv" "$maps/elu.csv" -o "$fig/c.$ext"
    draws "plot-trace .$ext" $ext "$S/plot-trace" "$tmp/trace.csv" -o "$fig/t.$ext"
done
draws "heatmap .PDF (any case)" pdf "$S/heatmap" "$maps/relu.csv" -o "$fig/upper.PDF"
draws "heatmap of non-finite losses, .svg" svg "$S/heatmap" "$maps/diverged.csv" -o "$fig/d.svg"
for bad in x.jpg x.eps x.png.txt x noext. ; do
    script_error "heatmap -o $bad" heatmap "$maps/relu.csv" -o "$bad"
    grep -q 'unknown figure format' "$tmp/stderr" || fail "heatmap -o $bad: says why"
done
script_error "compare -o x.gif" compare "$maps/relu.csv" "$maps/elu.csv" -o x.gif
script_error "plot-trace -o x.tiff" plot-trace "$tmp/trace.csv" -o x.tiff

# --dpi: the PNG's width (IHDR) scales with it; bad values are refused.
png_width() {   # the IHDR's width: 4 bytes big-endian at offset 16
    od -An -tu1 -j16 -N4 "$1" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}'
}
draws "heatmap --dpi 50" png "$S/heatmap" "$maps/relu.csv" --dpi 50 -o "$fig/d50.png"
draws "heatmap --dpi 200" png "$S/heatmap" "$maps/relu.csv" --dpi 200 -o "$fig/d200.png"
draws "heatmap, default dpi" png "$S/heatmap" "$maps/relu.csv" -o "$fig/d110.png"
draws "plot-trace --dpi 72" png "$S/plot-trace" "$tmp/trace.csv" --dpi 72 -o "$fig/t72.png"
check "--dpi 50: 14 in -> 700 px wide (got $(png_width "$fig/d50.png"))" \
    [ "$(png_width "$fig/d50.png")" = 700 ]
check "--dpi 200: 2800 px wide (got $(png_width "$fig/d200.png"))" \
    [ "$(png_width "$fig/d200.png")" = 2800 ]
check "default dpi 110 for a small map: 1540 px (got $(png_width "$fig/d110.png"))" \
    [ "$(png_width "$fig/d110.png")" = 1540 ]
check "plot-trace --dpi 72: 13 in -> 936 px (got $(png_width "$fig/t72.png"))" \
    [ "$(png_width "$fig/t72.png")" = 936 ]
for bad in 0 -5 9 2401 nan inf abc ''; do
    script_error "heatmap --dpi '$bad'" heatmap "$maps/relu.csv" --dpi "$bad" -o x.png
done

# The palette, the reduction and the recipes, in Python.
run_py() {   # run_py NAME SCRIPT ARGS...: exit 0; its stderr shown on failure
    local name=$1
    shift
    if "$py" "$@" > "$tmp/py.out" 2>&1; then
        ok
        sed 's/^/  /' "$tmp/py.out"
    else
        fail "$name: $(cat "$tmp/py.out")"
    fi
}
run_py "palette under colour-blindness simulation" "$HERE/palette.py"
run_py "majority and mean reduction" "$HERE/raster.py" "$maps/wide.csv" "$tmp"
run_py "docs/formats.md recipes" "$HERE/recipes.py" "$ROOT/docs/formats.md" "$maps/relu.csv" \
    "$maps/diverged.csv"

# The same figures from Python, of what gridsweep.sweep() and trace() return,
# when the build has the extension module (meson's -Dpython).
build_py=$(dirname "$(dirname "$GS")")/python
if [ "${GS_SANITIZED:-0}" = 1 ]; then
    skip "gridsweep.plot of sweep() and trace() results" "an ASan extension cannot load into Python"
elif compgen -G "$build_py/gridsweep/_gridsweep*.so" > /dev/null; then
    sweep --act relu --res 8 --steps 40 -o "$maps/plane.csv"
    PYTHONPATH=$build_py run_py "gridsweep.plot from Python" "$HERE/api.py" "$maps/plane.csv" "$tmp"
else
    skip "gridsweep.plot of sweep() and trace() results" "the build has no extension module"
fi

finish
