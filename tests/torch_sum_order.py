#!/usr/bin/env python3
"""torch 1.13's summation order (include/gridsweep/sum_order.h) against
torch.sum itself: for every batch size 1..600 and a few large ones, vectors of
float32 terms that cancel (signs mixed, magnitudes over six decades, the
kind a gradient sum is) are summed by torch and by sum_order_sum; the bits
must be equal. ATEN_CPU_CAPABILITY=avx2 pins the order Debian's torch runs
by default, so the test means the same on a CPU with AVX-512.

usage: torch_sum_order.py SUM_ORDER_SUM
Exit status: 0 equal, 1 a difference (with the batch size), 77 no torch."""
import os
import struct
import subprocess
import sys

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"
try:
    import numpy as np
    import torch
except ImportError as e:  # pragma: no cover
    print(f"torch_sum_order: SKIP: {e}", file=sys.stderr)
    sys.exit(77)

torch.set_num_threads(1)
SIZES = list(range(1, 601)) + [1023, 1024, 4096, 4100, 8191, 65536, 65543]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    rng = np.random.default_rng(7)
    vectors, want = [], []
    for n in SIZES:
        for kind in range(3):
            if kind == 0:     # cancelling terms, the gradient kind
                v = rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(-3, 3, n)
            elif kind == 1:   # +-1 and small terms
                v = rng.choice([-1.0, 1.0], n) + rng.normal(0, 1e-4, n)
            else:             # all positive (a loss)
                v = rng.uniform(0, 1, n)
            v = v.astype(np.float32)
            vectors.append(v)
            want.append(torch.from_numpy(v).sum().item())
    payload = b"".join(struct.pack("<i", len(v)) + v.tobytes() for v in vectors)
    out = subprocess.run([sys.argv[1]], input=payload, capture_output=True, check=True).stdout
    got = [struct.unpack("<f", bytes.fromhex(h)[::-1])[0] for h in out.decode().split()]
    if len(got) != len(vectors):
        print(f"torch_sum_order: FAIL: {len(got)} sums for {len(vectors)} vectors", file=sys.stderr)
        return 1
    bad = [(len(v), k % 3, w, g) for k, (v, w, g) in enumerate(zip(vectors, want, got))
           if struct.pack("<f", w) != struct.pack("<f", g)]
    for n, kind, w, g in bad[:10]:
        print(f"torch_sum_order: FAIL: batch {n} (kind {kind}): torch {w!r}, gridsweep {g!r}",
              file=sys.stderr)
    if bad:
        return 1
    print(f"torch_sum_order: {len(vectors)} sums over {len(SIZES)} batch sizes equal torch.sum bit for bit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
