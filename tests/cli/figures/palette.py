"""The outcome palette under colour-blindness simulation (figures.sh).

Every two colours drawn for outcomes (the binary's outcomes, the converged
shades of t_enter, the white of cells a band does not hold) must differ by at
least palette.MIN_DELTA_E = 12 (CIEDE2000; 1 is a just-noticeable difference,
and categorical palettes aim for 10 or more) in normal vision and under full
protanopia, deuteranopia and tritanopia (Machado et al. 2009); every
converged shade must differ from diverged by palette.MIN_L_GAP = 20 in L*.
The simulation itself is checked first: published CIEDE2000 values, white
staying white, and the red/green pair the old palette used merging under
deuteranopia (issue 15)."""
import sys

import numpy as np

from gridsweep.maps import vocab
from gridsweep.plot import cvd, palette

fails = []

# CIEDE2000 against Sharma, Wu and Dalal (2005), table 1, pairs 1, 17 and 34.
for lab1, lab2, want in (((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
                         ((50, 2.5, 0), (73, 25, -18), 27.1492),
                         ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082)):
    got = float(cvd.ciede2000(np.array(lab1), np.array(lab2)))
    if abs(got - want) > 1e-4:
        fails.append(f"CIEDE2000 {lab1} {lab2}: {got:.4f}, want {want}")
for vision in cvd.MACHADO:
    white = cvd.simulate(np.ones(3), vision)
    if not np.allclose(white, 1, atol=1e-3):
        fails.append(f"{vision}: white becomes {white}")
old = {"converged": "#2ca02c", "diverged": "#d62728"}
d, _, _ = cvd.min_distance(old, "deuteranopia")
if d >= palette.MIN_DELTA_E:
    fails.append(f"the old green/red pair stays {d:.1f} apart under deuteranopia: the "
                 "simulation does not see what issue 15 saw")

# The palette of every outcome the binary lists, then with the spares in use.
names = vocab.outcome_names()
pal = palette.outcome_palette()
fails += palette.check(pal)
spares = dict(palette.OUTCOME_COLORS)
spares.update({f"spare{i}": c for i, c in enumerate(palette.SPARE_COLORS)})
fails += palette.check(spares)
if len(set(pal.values())) != len(pal):
    fails.append(f"two outcomes share a colour: {pal}")

for vision in cvd.VISIONS:
    d, a, b = cvd.min_distance(dict(pal, blank=palette.BLANK), vision)
    print(f"{vision}: closest pair {a}/{b}, delta E {d:.1f} (>= {palette.MIN_DELTA_E})")
l_div = float(cvd.lab(cvd.hex_to_rgb(pal["diverged"]))[0])
l_conv = [float(cvd.lab(cvd.hex_to_rgb(c))[0]) for c in palette.conv_shades()]
print(f"L*: converged shades {min(l_conv):.0f}..{max(l_conv):.0f}, diverged {l_div:.0f} "
      f"(gap >= {palette.MIN_L_GAP})")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
