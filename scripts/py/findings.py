"""Tables and figures of docs/findings.md from the maps and traces that
scripts/findings made. usage: findings.py GRIDSWEEP MAPS_DIR DOCS_DIR

Over 400 lines because each of the seven sections of the tables file takes a
few lines of reading and a few of writing; they share the loaders at the top.
It reads the maps' columns by name with the csv module and the vocabularies from the
binary (`--list`), so it depends only on docs/formats.md and the CLI, not on
where the plotting package lives; the figures come from scripts/compare."""
import csv
import glob
import json
import os
import subprocess
import sys

import numpy as np

SETTINGS = (("batch16", "batch 16"), ("batch256", "batch 256"), ("batch4096", "batch 4096"),
            ("grid256", "grid, 256 points"))
LONG = (("batch256", 1000), ("steps3000", 3000), ("steps10000", 10000))
AC = (("ac1000", 1000), ("ac3000", 3000), ("ac10000", 10000))
STARTS = (("1,0.5,1,-0.5", "(1, 0.5, 1, -0.5)"), ("1,0.5,1,0", "(1, 0.5, 1, 0)"))
FOUR = ("relu", "elu", "selu", "softplus")
BATCHES = (16, 64, 256, 1024, 4096)


class Vocab:
    """The names the binary knows, in its order (gridsweep --list WHAT)."""
    def __init__(self, gs):
        self.gs = gs

    def names(self, what):
        return subprocess.run([self.gs, "--list", what], check=True, capture_output=True,
                              text=True).stdout.split()

    def outcome_names(self):
        return self.names("outcomes")

    def activations(self):
        return self.names("activations")


vocab = None   # set by main()


def map_of(maps, label, act):
    found = glob.glob(os.path.join(maps, label, act + "-*.csv"))
    if len(found) != 1:
        raise SystemExit(f"findings: expected one {act} map in {label}, found {len(found)}")
    return found[0]


def gs_json(gs, *args):
    return json.loads(subprocess.run([gs, *args, "--json"], check=True, capture_output=True,
                                     text=True).stdout)


def fractions(gs, path):
    f = gs_json(gs, "stats", path).get("fractions", {})
    return {o: f.get(o, 0.0) for o in vocab.outcome_names()}


def load(path):
    """The map's columns by name: numbers as float64 arrays, outcome as str."""
    with open(path, newline="") as f:
        rows = csv.reader(line for line in f if not line.startswith("#"))
        names = next(rows)
        cols = list(zip(*rows))
    return {n: np.array(c) if n == "outcome" else np.array(c, dtype=np.float64)
            for n, c in zip(names, cols)}


def data_range(path):
    with open(path) as f:
        for line in f:
            if line.startswith("# data:"):
                lo, hi = line.split(":", 1)[1].strip().split(":")
                return float(lo), float(hi)
    raise SystemExit(f"findings: {path} has no data range")


def start_side(m, lo, hi):
    """Per cell: +1 if every pre-activation a0 x + b0 over [lo, hi] starts
    above 0, -1 if every one starts below, 0 if the kink is inside."""
    z1, z2 = m["a0"] * lo + m["b0"], m["a0"] * hi + m["b0"]
    return np.where(np.minimum(z1, z2) > 0, 1, np.where(np.maximum(z1, z2) < 0, -1, 0))


def result(path):
    """The '# key: value' lines after a trace's rows."""
    out, rows = {}, False
    with open(path) as f:
        for line in f:
            if line.startswith("kind,"):
                rows = True
            elif rows and line.startswith("#"):
                key, _, value = line[1:].partition(":")
                out[key.strip()] = value.strip()
    return out


def pct(x, digits=1):
    return f"{100 * x:.{digits}f}"


def row(*cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"


def head(*names):
    """A markdown table's header and rule."""
    return [row(*names), "|---" * len(names) + "|"]


def span(values, fmt="{}"):
    values = sorted(values)
    if not values:
        return "-"
    lo, hi = fmt.format(values[0]), fmt.format(values[-1])
    return lo if lo == hi else f"{lo} to {hi}"


def transitions(gs, a, b):
    """gridsweep diff A B --json as {(from, to): count}."""
    d = gs_json(gs, "diff", a, b)
    names = d["outcomes"]
    return {(names[i], names[j]): d["counts"][i][j]
            for i in range(len(names)) for j in range(len(names))}, d["cells"]


def basin_table(gs, maps, acts, lines):
    names = vocab.outcome_names()
    lines += ["## Basin fractions on the default plane (b0, d0 in [-2, 2]; a0 = c0 = 1), "
              "1000 steps", "", "Percent of cells: " + " / ".join(names) + ".", ""]
    lines += head("activation", *(t for _, t in SETTINGS))
    fr = {(l, a): fractions(gs, map_of(maps, l, a)) for l, _ in SETTINGS for a in acts}
    for act in acts:
        lines.append(f"| {act} | " + " | ".join(
            " / ".join(f"{100 * fr[l, act][o]:.0f}" for o in names) for l, _ in SETTINGS) + " |")
    never = [a for a in acts if all(fr[l, a]["linear"] == 0 for l, _ in SETTINGS)]
    rare = [f"{a} (at most {pct(max(fr[l, a]['linear'] for l, _ in SETTINGS), 2)}%)" for a in acts
            if a not in never and all(fr[l, a]["linear"] < 0.01 for l, _ in SETTINGS)]
    lines += ["", "Never linear in these four maps: " + (", ".join(never) or "none")
              + "; linear in under 1% of the cells in each: " + (", ".join(rare) or "none")
              + ".", ""]
    gap = []
    for act in FOUR:
        w = load(map_of(maps, "batch256", act))["window_loss"]
        gap.append(f"{act} {pct(np.mean((w >= 0.03) & (w < 0.045)))}%")
    worst = max(abs(fractions(gs, map_of(maps, "res2x", a))[o] - fr["batch256", a][o])
                for a in FOUR for o in names)
    lines += [f"At twice the resolution (findings-maps/res2x/), the batch-256 fractions of "
              f"{', '.join(FOUR)} differ from these by at most {pct(worst)} percentage points.", ""]
    lines += ["Cells with 0.03 <= window_loss < 0.045 at batch 256 (between --tol and the "
              "escape threshold): " + ", ".join(gap) + ".", ""]


def long_table(gs, maps, lines):
    names = vocab.outcome_names()
    lines += ["## Longer runs (batch 256, shared sampling, seed 0)", "",
              "Percent of cells: " + " / ".join(names) + "; then the cells not converged.", "",
              "| activation, plane | 1000 steps | 3000 steps | 10,000 steps |", "|---|---|---|---|"]
    rows = [(f"{a}, (b, d)", [map_of(maps, l, a) for l, _ in LONG]) for a in FOUR]
    rows.append(("softplus, (a, c)", [map_of(maps, l, "softplus") for l, _ in AC]))
    for label, paths in rows:
        cells = []
        for p in paths:
            fr = fractions(gs, p)
            cells.append(" / ".join(pct(fr[o]) for o in names) + f"; {pct(1 - fr['converged'])}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Cell by cell, from `gridsweep diff` between the maps (counts of cells):", "",
              "| activation, plane | not converged at 3000 | of those converged at 10,000 "
              "| converged at 3000, not at 10,000 | not converged at 1000 "
              "| of those converged at 10,000 | converged first at 3000, by outcome at 1000 |",
              "|---|---|---|---|---|---|---|"]
    for label, (p1, p3, p10) in rows:
        t3, _ = transitions(gs, p3, p10)
        t1, _ = transitions(gs, p1, p10)
        not3 = sum(v for (f, _), v in t3.items() if f != "converged")
        rescued3 = sum(v for (f, t), v in t3.items() if f != "converged" and t == "converged")
        lost = sum(v for (f, t), v in t3.items() if f == "converged" and t != "converged")
        not1 = sum(v for (f, _), v in t1.items() if f != "converged")
        rescued1 = sum(v for (f, t), v in t1.items() if f != "converged" and t == "converged")
        t13, _ = transitions(gs, p1, p3)
        late = ", ".join(f"{f} {v}" for (f, t), v in t13.items()
                         if f != "converged" and t == "converged" and v) or "none"
        lines.append(f"| {label} | {not3} | {rescued3} | {lost} | {not1} | {rescued1} | {late} |")
    lines.append("")


def trap_table(maps, lines):
    """Where softplus's not-converged cells start and end, at 10,000 steps."""
    lines += ["## softplus's cells that have not converged at 10,000 steps", ""]
    lines += head("plane", "cells", "start", "final a", "final b", "final c", "final d",
                  "final_loss", "window_loss", "lin_err", "outcomes")
    for label, plane, xs, ys in (("steps10000", "(b, d)", "b0", "d0"),
                                 ("ac10000", "(a, c)", "a0", "c0")):
        m = load(map_of(maps, label, "softplus"))
        sel = m["outcome"] != "converged"
        if not sel.any():
            lines.append(f"| {plane} | 0 | | | | | | | | | |")
            continue
        def q(k):
            v = m[k][sel]
            return f"{np.min(v):.3g} .. {np.median(v):.3g} .. {np.max(v):.3g}"
        outs = ", ".join(f"{o} {int(np.sum(m['outcome'][sel] == o))}"
                         for o in vocab.outcome_names() if np.sum(m["outcome"][sel] == o))
        lines.append(row(plane, int(sel.sum()), f"{xs} {q(xs)}; {ys} {q(ys)}",
                         *(q(k) for k in ("a", "b", "c", "d", "final_loss", "window_loss",
                                          "lin_err")), outs))
        conv = m["outcome"] == "converged"
        lines.append(f"| {plane}, converged | {int(conv.sum())} | | {np.median(m['a'][conv]):.3g} "
                     f"| {np.median(m['b'][conv]):.3g} | {np.median(m['c'][conv]):.3g} "
                     f"| {np.median(m['d'][conv]):.3g} | {np.median(m['final_loss'][conv]):.3g} "
                     f"| {np.median(m['window_loss'][conv]):.3g} | | |")
    m = load(map_of(maps, "steps10000", "softplus"))
    trap, high = m["outcome"] != "converged", m["d0"] > 1
    concave = (m["a"] < 0) & (m["c"] < 0)
    lines += ["", "Each entry: min .. median .. max over the cells. On the (b, d) plane, "
              f"{pct(np.mean(high[trap]))}% of these cells start with d0 > 1, and "
              f"{pct(np.mean(trap[high]))}% of the cells with d0 > 1 are among them; "
              f"{pct(np.mean(concave[trap]))}% end with a < 0 and c < 0 "
              f"(of the converged cells, {pct(np.mean(concave[~trap]))}%).", ""]


def sides_table(gs, maps, lines):
    """selu's and relu's outcomes against where the pre-activations start."""
    lines += ["## Outcome against where the pre-activations a0 x + b0 start (x in the data range)",
              "", "The default plane, batch 256. 'positive': every a0 x + b0 > 0 at the start "
              "(here b0 > 0.5); 'negative': every one < 0 (b0 < -0.5); 'mixed': the kink inside.",
              ""]
    lines += head("activation, steps", "start", "cells (% of plane)", "linear", "dead", "stuck",
                  "converged", "linear cells that end with every a x + b > 0")
    for act in ("selu", "relu"):
        for label, steps in (LONG[0], LONG[2]):
            path = map_of(maps, label, act)
            m = load(path)
            side = start_side(m, *data_range(path))
            end = start_side({"a0": m["a"], "b0": m["b"]}, *data_range(path))
            for s, name in ((1, "positive"), (-1, "negative"), (0, "mixed")):
                sel = side == s
                n = int(sel.sum())
                fr = lambda o: pct(np.mean(m["outcome"][sel] == o)) if n else "-"
                lin = sel & (m["outcome"] == "linear")
                lines.append(row(f"{act}, {steps}", name, f"{n} ({pct(n / side.size)})",
                                 *(fr(o) for o in ("linear", "dead", "stuck", "converged")),
                                 pct(np.mean(end[lin] == 1)) if lin.any() else "-"))
    m = load(map_of(maps, "batch256", "selu"))
    low = m["d0"] < 0.5
    linear = m["outcome"] == "linear"
    lines += ["", f"selu at 1000 steps, the lower half d0 < 0.5: {pct(np.mean(linear[low]))}% "
              f"linear; the upper half: {pct(np.mean(linear[~low]))}%.", ""]
    t, _ = transitions(gs, map_of(maps, LONG[0][0], "relu"), map_of(maps, LONG[2][0], "relu"))
    lines.append(f"relu, cell by cell: {t['dead', 'dead']} cells dead at 1000 steps and at 10,000, "
                 f"{sum(v for (f, to), v in t.items() if (f == 'dead') != (to == 'dead'))} dead at "
                 "only one of the two.")
    for label, steps in (LONG[0], LONG[2]):
        path = map_of(maps, label, "relu")
        m = load(path)
        side = start_side(m, *data_range(path))
        dead = m["outcome"] == "dead"
        lines.append(f"relu at {steps} steps: {pct(np.mean(dead))}% dead; "
                     f"{pct(np.mean(side == -1))}% of the plane starts all negative, and "
                     f"{pct(np.mean(dead & (side != -1)))}% of the plane dies from a start "
                     "with the kink inside or everything positive.")
    lines.append("")


def wall_table(gs, maps, lines):
    lines += ["## selu's stuck cells (batch 256)", "",
              "| steps | cells | start b0 | start d0 | window_loss | final c | final b |",
              "|---|---|---|---|---|---|---|"]
    for label, steps in LONG:
        m = load(map_of(maps, label, "selu"))
        sel = m["outcome"] == "stuck"
        if not sel.any():
            lines.append(f"| {steps} | 0 | | | | | |")
            continue
        med = lambda k: f"{np.median(m[k][sel]):.3g}"
        lines.append(row(steps, int(sel.sum()), span(m["b0"][sel], "{:.2f}"),
                         span(m["d0"][sel], "{:.2f}"), med("window_loss"), med("c"), med("b")))
    t, _ = transitions(gs, map_of(maps, "batch256", "selu"), map_of(maps, "steps10000", "selu"))
    lines += ["", "The stuck cells at 1000 steps, at 10,000: " + ", ".join(
        f"{o} {t['stuck', o]}" for o in vocab.outcome_names() if t["stuck", o]) + ".", ""]


def starts_table(maps, lines):
    lines += ["## The discussion's starting points (batch 256)", "",
              "Shared sampling: seeds 0-4; grid: one run. Ranges over the seeds; -1: never.", ""]
    lines += head("start", "activation", "sampling", "steps", "outcomes", "t_escape", "t_enter",
                  "window_loss", "lin_err")
    for init, title in STARTS:
        for act in FOUR:
            for steps in (1000, 10000):
                for samp, pat in (("shared", "s[0-4]"), ("grid", "grid")):
                    rs = [result(p) for p in sorted(glob.glob(os.path.join(
                        maps, "starts", f"{act}-{init}-n{steps}-{pat}.csv")))]
                    outs = sorted({r["outcome"] for r in rs})
                    outs = ", ".join(f"{o} {sum(r['outcome'] == o for r in rs)}"
                                     if len(rs) > 1 else o for o in outs)
                    col = lambda k, conv=float: [conv(r[k]) for r in rs]
                    lines.append(row(title, act, samp, steps, outs,
                                     span(col("t_escape", int)), span(col("t_enter", int)),
                                     span(col("window_loss"), "{:.4f}"),
                                     span(col("lin_err"), "{:.1e}")))
    rs = [(int(p.rsplit("-s", 1)[1][:-4]), result(p)) for p in
          glob.glob(os.path.join(maps, "starts", "selu-1,0.5,1,0-n1000-s*.csv"))]
    rs.sort()
    exact = [s for s, r in rs if float(r["lin_err"]) < 1e-6]
    other = [float(r["lin_err"]) for s, r in rs if float(r["lin_err"]) >= 1e-6]
    lines += ["", "selu from (1, 0.5, 1, 0), 1000 steps, seeds 0-19 "
              "(seed: outcome, lin_err, window_loss):", "",
              "; ".join(f"{s}: {r['outcome']}, {float(r['lin_err']):.1e}, "
                        f"{float(r['window_loss']):.4f}" for s, r in rs), "",
              f"lin_err below 1e-6 (an exact affine piece) in {len(exact)} of {len(rs)} seeds; "
              f"{span(other, '{:.1e}')} in the other {len(other)}.", ""]


def escape_table(gs, maps, lines):
    lines += ["## Escape from the linear plateau, from (1, 0.5, 1, -0.5)", "",
              "`t_escape` of each run (the smoothed loss first below 0.72 x the plateau, 0.045); "
              "'-' = not within the run.", "",
              "| activation | batch | t_escape (seeds 0-4) | median |", "|---|---|---|---|"]
    fits = []
    for act in ("relu", "elu"):
        med = []
        for batch in BATCHES:
            steps = [int(result(p)["t_escape"]) for p in
                     sorted(glob.glob(os.path.join(maps, "escape", f"{act}-b{batch}-s*.csv")))]
            got = [s for s in steps if s >= 0]
            med.append(float(np.median(got)) if len(got) == len(steps) else np.nan)
            lines.append(f"| {act} | {batch} | "
                         + ", ".join(str(s) if s >= 0 else "-" for s in steps)
                         + f" | {'-' if np.isnan(med[-1]) else f'{med[-1]:g}'} |")
        g = int(result(os.path.join(maps, "escape", f"{act}-grid.csv"))["t_escape"])
        lines.append(f"| {act} | grid (256 points) | {g if g >= 0 else '-'} | |")
        ok = ~np.isnan(med)
        slope = np.polyfit(np.log(np.array(BATCHES)[ok]), np.log(np.array(med)[ok]), 1)[0]
        fits.append(f"{act} {slope:.2f}")
    lines += ["", "Least-squares slope of log(median t_escape) against log(batch), batch 16-4096: "
              + ", ".join(fits) + ".", ""]
    lines += ["Where the kink -b/a is on the plateau (traces every 10 steps): its value farthest "
              "from the data range before the escape, the first row with it inside the range, "
              "and t_escape.", "", "| activation | sampling | farthest kink (step) "
              "| first row with the kink inside [lo, hi] | t_escape |", "|---|---|---|---|---|"]
    for act in ("relu", "elu"):
        for samp in ("grid", "s0"):
            path = os.path.join(maps, "escape", f"kink-{act}-{samp}.csv")
            lo, hi = data_range(path)
            rows = []
            with open(path) as f:
                for line in f:
                    if line.startswith("param,"):
                        _, t, a, b = line.split(",")[:4]
                        rows.append((int(t), -float(b) / float(a)))
            inside = next((t for t, k in rows if lo < k < hi), -1)
            t_esc = int(result(path)["t_escape"])
            before = [(k, t) for t, k in rows if inside < 0 or t < inside]
            far = max(before, key=lambda kt: max(lo - kt[0], kt[0] - hi))   # (kink, step)
            lines.append(f"| {act} | {'grid' if samp == 'grid' else 'shared, seed 0'} "
                         f"| {far[0]:.3f} ({far[1]}) | {inside} | {t_esc} |")
    lines.append("")
    te = {act: torch_escape(gs, act) for act in ("relu", "elu")}
    lines += ["PyTorch (torch.optim.Adam, float32) on the same full-batch grid, t_escape counted "
              "the same way: " + (", ".join(f"{a} {t}" for a, t in te.items())
                                  if None not in te.values() else "not run (no torch)") + ".", ""]


def torch_escape(gs, act, steps=6000):
    """t_escape of PyTorch's float32 Adam on the full-batch grid from
    (1, 0.5, 1, -0.5), counted as the kernel counts it (the loss of the
    parameters after t updates, smoothed in float32 with weight 0.1); None
    without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    out = subprocess.run([gs, "samples", "--sampling", "grid", "--steps", "1", "--batch", "256"],
                         check=True, capture_output=True, text=True).stdout
    x = torch.tensor([float(r.split(",")[2]) for r in out.splitlines()[1:]], dtype=torch.float32)
    f = {"relu": torch.relu, "elu": torch.nn.functional.elu}[act]
    a, b, c, d = (torch.tensor(v, dtype=torch.float32, requires_grad=True)
                  for v in (1, 0.5, 1, -0.5))
    opt = torch.optim.Adam([a, b, c, d], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    ema, threshold = None, np.float32(0.72 * 0.0625)
    for t in range(steps):
        loss = (c * f(a * x + b) + d - torch.relu(x)).abs().mean()
        lv = np.float32(loss.item())
        ema = lv if ema is None else np.float32(ema + np.float32(0.1) * np.float32(lv - ema))
        if ema < threshold:
            return t
        opt.zero_grad()
        loss.backward()
        opt.step()
    return -1


def figures(maps, docs):
    compare = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "compare")
    figs = {
        "findings-batch256.png": [map_of(maps, "batch256", a) for a in FOUR],
        "findings-relu-batch.png": [map_of(maps, l, "relu") for l, _ in SETTINGS],
        "findings-steps10000.png": [map_of(maps, "steps10000", a) for a in FOUR],
        "findings-softplus-steps.png": [map_of(maps, l, "softplus") for l, _ in LONG],
        "findings-softplus-ac.png": [map_of(maps, l, "softplus") for l, _ in AC],
    }
    for name, paths in figs.items():
        subprocess.run([compare] + paths + ["-o", os.path.join(docs, name)], check=True)


def main():
    global vocab
    if len(sys.argv) != 4:
        raise SystemExit(__doc__.splitlines()[1].strip())
    gs, maps, docs = sys.argv[1:4]
    vocab = Vocab(gs)     # the vocabularies of the binary that made the maps
    lines = ["<!-- Generated by scripts/findings; do not edit by hand. -->", "",
             "# Findings: the tables", "", "Commands (`scripts/findings 64`):", "", "```"]
    with open(os.path.join(maps, "commands.txt")) as f:
        lines += [l.rstrip() for l in f]
    lines += ["```", ""]
    basin_table(gs, maps, vocab.activations(), lines)
    long_table(gs, maps, lines)
    trap_table(maps, lines)
    sides_table(gs, maps, lines)
    wall_table(gs, maps, lines)
    starts_table(maps, lines)
    escape_table(gs, maps, lines)
    with open(os.path.join(docs, "findings-tables.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {docs}/findings-tables.md")
    if os.environ.get("FINDINGS_NO_FIGURES"):
        return
    figures(maps, docs)
    print(f"wrote {docs}/findings-*.png")


if __name__ == "__main__":
    try:
        main()
    except (OSError, subprocess.CalledProcessError, ValueError, KeyError) as e:
        raise SystemExit(f"findings: {e}")
