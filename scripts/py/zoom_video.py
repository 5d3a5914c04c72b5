"""scripts/zoom-video: the frames of a `gridsweep zoom` as an MP4 or GIF.

Everything is checked before anything is drawn (DIR is a zoom with every frame
complete, OUT a new name or a regular file ending in .mp4 or .gif, ffmpeg
found); each frame is drawn by gridsweep.plot's heatmap into a private
temporary directory with the window's width on each axis and the zoom written
on it; ffmpeg joins them into a temporary file beside OUT, which is renamed
over OUT only when complete. Bad input: one line, exit 2, nothing written."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "python"))
from gridsweep.maps import cli  # noqa: E402
from gridsweep.maps.cli import RUN_FAULT, GsError  # noqa: E402

NAME = "zoom-video"
FORMATS = (".mp4", ".gif")


def read_zoom(d):
    """The zoom's frames (paths) and its factor, from DIR/zoom.csv."""
    if not os.path.isdir(d):
        raise GsError(f"{d}: not a directory (give the -o DIR of gridsweep zoom)")
    listing = os.path.join(d, "zoom.csv")
    try:
        with open(listing, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        raise GsError(f"{d}: holds no zoom.csv; not the output of gridsweep zoom") from None
    except (OSError, UnicodeDecodeError) as e:
        raise GsError(f"{listing}: cannot be read: {getattr(e, 'strerror', None) or e}") from None
    if not lines or lines[0] != "# gridsweep-zoom 1":
        raise GsError(f"{listing}: not a gridsweep zoom listing (first line "
                      f"'{lines[0][:40] if lines else ''}')")
    head = dict(l[2:].split(": ", 1) for l in lines if l.startswith("# ") and ": " in l)
    rows = [l.split(",") for l in lines if l and not l.startswith("#")][1:]
    try:
        factor, count = float(head["factor"]), int(head["frames"])
    except (KeyError, ValueError):
        raise GsError(f"{listing}: no valid factor and frames lines") from None
    if len(rows) != count or any(len(r) != 4 for r in rows):
        raise GsError(f"{listing}: lists {len(rows)} frames, its header says {count}")
    frames = []
    for r in rows:
        path = os.path.join(d, r[1])
        if not os.path.isfile(path):
            part = " (a .part: run the same gridsweep zoom again to finish it)" \
                if os.path.exists(path + ".part") else ""
            raise GsError(f"{path}: frame {r[0]} is missing{part}")
        frames.append(path)
    return frames, factor, head.get("center", "?")


def check_out(out, d):
    ext = os.path.splitext(out)[1].lower()
    if ext not in FORMATS:
        raise GsError(f"{out}: unknown video format (extension '{ext}'); use .mp4 or .gif")
    if os.path.lexists(out) and not os.path.isfile(out) or os.path.islink(out):
        raise GsError(f"{out}: is not a regular file; a video is written only to a regular "
                      "file or a new name")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise GsError(f"{out}: no such directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise GsError(f"{out}: cannot write in {parent}")
    return ext


def width_text(axis):
    """An axis window's width: hi - lo, or on a log axis its decades."""
    import math
    if axis.log:
        return f"{axis.param}: {math.log10(axis.hi / axis.lo):.3g} decades"
    return f"{axis.param}: width {axis.hi - axis.lo:.3g}"


def draw_frames(frames, factor, center, tmp, dpi):
    """Frame k -> tmp/frame-NNN.png, its scale written above the legend."""
    import gridsweep.plot.output as output
    from gridsweep.plot.figures import heatmap
    save = output.save_figure
    pngs = []
    try:
        for k, path in enumerate(frames):
            m = heatmap.load(type("args", (), {"map": path}))
            caption = (f"frame {k} of {len(frames) - 1}   zoom \u00d7{factor ** k:.4g} about "
                       f"{center}   {width_text(m.x)}, {width_text(m.y)}")

            def with_caption(fig, out, dpi, caption=caption):
                fig.text(0.5, 0.05, caption, ha="center", va="bottom", fontsize=10.5,
                         fontweight="bold", color="#202020")   # between axes and legend
                save(fig, out, dpi)
            output.save_figure = with_caption   # the heatmap saves through it
            png = os.path.join(tmp, f"frame-{k:03d}.png")
            heatmap.draw(m, png, dpi)
            pngs.append(png)
    finally:
        output.save_figure = save
    return pngs


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def encode(ffmpeg, pngs, out, ext, fps, tmp):
    w, h = png_size(pngs[0])
    w, h = w + w % 2, h + h % 2   # even sides for yuv420p; every frame fitted to the first
    fit = (f"scale={w}:{h}:force_original_aspect_ratio=decrease,"
           f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=white")
    if ext == ".gif":
        vf = f"{fit},split[a][b];[a]palettegen[p];[b][p]paletteuse"
        codec = []
    else:
        vf = f"{fit},format=yuv420p"
        codec = ["-c:v", "libx264", "-crf", "20", "-movflags", "+faststart"]
    fd, part = tempfile.mkstemp(prefix=f".{os.path.basename(out)}.", suffix=ext,
                                dir=os.path.dirname(os.path.abspath(out)))
    os.close(fd)
    try:
        cmd = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-framerate", f"{fps:g}",
               "-i", os.path.join(tmp, "frame-%03d.png"), "-vf", vf, *codec, part]
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if r.returncode != 0:
            why = (r.stderr.strip().splitlines() or ["no message"])[-1]
            raise GsError(f"ffmpeg failed: {why}", RUN_FAULT)
        with open(part, "rb") as f:
            os.fsync(f.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(part, 0o666 & ~mask)
        os.replace(part, out)
        part = None
    finally:
        if part and os.path.exists(part):
            os.unlink(part)


def main():
    p = cli.make_parser(NAME, "The frames of a gridsweep zoom as a video (MP4 or GIF), "
                        "each with its window's width on each axis.")
    p.add_argument("dir", metavar="DIR", help="the -o DIR of gridsweep zoom")
    p.add_argument("-o", "--output", metavar="OUT", required=True,
                   help="the video, .mp4 (H.264) or .gif by its extension")
    p.add_argument("--fps", type=float, default=2.0, help="frames per second (default 2)")
    p.add_argument("--dpi", type=float, metavar="N", help="as for scripts/heatmap")
    args = p.parse_args()
    if not 0.1 <= args.fps <= 60:     # also refuses nan
        raise GsError(f"--fps {args.fps:g}: must be between 0.1 and 60")
    from gridsweep.plot import output
    dpi = output.check_dpi(args.dpi)
    ext = check_out(args.output, args.dir)
    frames, factor, center = read_zoom(args.dir)
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        raise GsError("ffmpeg not found (install Debian's ffmpeg: scripts/deps test)", RUN_FAULT)
    tmp = tempfile.mkdtemp(prefix="gridsweep-zoom-video-")
    try:
        encode(ffmpeg, draw_frames(frames, factor, center, tmp, dpi), args.output, ext,
               args.fps, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


cli.run(NAME, main)
