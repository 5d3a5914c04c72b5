#!/usr/bin/env bash
# scripts/zoom-video: the frames of a gridsweep zoom as an MP4 and a GIF (one
# video frame per map, all of one size); bad input is one line naming the
# script, exit 2, nothing written. Skipped, and counted so, without ffmpeg or
# a Python with numpy and matplotlib.
GS=${1:?usage: zoom-video.sh /path/to/gridsweep}
ROOT=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

if ! command -v ffmpeg > /dev/null; then
    skip "zoom-video" "no ffmpeg (scripts/deps test installs it)"
    finish
    exit $?
fi
if ! py=$(bash "$ROOT/scripts/find-python" 2>/dev/null); then
    skip "zoom-video" "no Python 3 with numpy and matplotlib"
    finish
    exit $?
fi
export GRIDSWEEP_PYTHON=$py GRIDSWEEP_BIN=$GS

"$GS" zoom --center b=0.5,d=-0.5 --frames 3 --factor 4 --res 12,10 --steps 40 --quiet -o z
"$ROOT/scripts/zoom-video" z -o z.mp4
rc=$?
check_all "mp4: exit 0 and a file" '[ $rc -eq 0 ] && [ -s z.mp4 ]'
if command -v ffprobe > /dev/null; then
    got=$(ffprobe -v error -count_frames -show_entries stream=codec_name,nb_read_frames \
        -of csv=p=0 z.mp4)
    check "mp4: H.264, one video frame per map (got '$got')" [ "$got" = "h264,3" ]
fi
"$ROOT/scripts/zoom-video" z -o z.gif --fps 4
rc=$?
check_all "gif: exit 0 and a GIF" '[ $rc -eq 0 ] && [ "$(head -c 6 z.gif)" = GIF89a ]'
check "no temporary left" [ -z "$(ls -A | grep -v '^z$\|^z\.mp4$\|^z\.gif$')" ]

# Bad input.
mkdir empty
cp -r z cut && mv cut/frame-002.csv cut/frame-002.csv.part
echo '# something else' > notzoom.csv
script_error "not a directory" zoom-video "$tmp/notzoom.csv" -o v.mp4
script_error "no zoom.csv" zoom-video "$tmp/empty" -o v.mp4
script_error "a frame unfinished" zoom-video "$tmp/cut" -o v.mp4
grep -q "run the same gridsweep zoom again" "$tmp/stderr" && ok || fail "unfinished: says how to finish"
script_error "unknown format" zoom-video "$tmp/z" -o v.avi
script_error "no -o" zoom-video "$tmp/z"
script_error "-o a directory" zoom-video "$tmp/z" -o "$tmp/empty.mp4/"
mkdir d.mp4
script_error "-o names a directory" zoom-video "$tmp/z" -o "$tmp/d.mp4"
script_error "fps 0" zoom-video "$tmp/z" -o v.mp4 --fps 0
cp "$tmp/notzoom.csv" "$tmp/cut/zoom.csv"
script_error "a foreign zoom.csv" zoom-video "$tmp/cut" -o v.gif

finish
