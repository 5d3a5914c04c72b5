"""Fits the two polynomials of gelu's erf (src/kernels/act_impl.h) and checks
them in float32. Run with a Python that has numpy:
    scripts/py/fit_erf.py
  |x| < 1:  erf(x) = x P(2x^2 - 1), P of degree 6;
  |x| >= 1: erfc(x) = exp(-x^2) v S((v - 0.55) / 0.45) / sqrt(pi), v = 1/x,
            S of degree 12, fitted for v in [0.1, 1] (x in [1, 10]).
Least squares in relative error on Chebyshev nodes, in double precision."""
from math import erf, erfc, exp, pi, sqrt

import numpy as np


def fit(xs, ys, deg):
    vander = np.vander(xs, deg + 1, increasing=True)
    coef, *_ = np.linalg.lstsq(vander / ys[:, None], np.ones_like(ys), rcond=None)
    return coef


def horner32(coef, s):
    """Horner's rule with one float32 rounding per step, as vf_fma does."""
    acc = np.full_like(s, np.float32(coef[-1]), dtype=np.float32)
    for c in coef[-2::-1]:
        acc = (acc.astype(np.float64) * s + np.float32(c)).astype(np.float32)
    return acc


def main():
    u = np.cos(np.linspace(0, np.pi, 6000)) * 0.5 + 0.5
    u = u[u > 1e-12]
    p = fit(2 * u - 1, np.array([erf(sqrt(a)) / sqrt(a) for a in u]), 6)
    v = np.cos(np.linspace(0, np.pi, 8000)) * 0.45 + 0.55
    s_of = lambda t: sqrt(pi) / t * erfc(1 / t) * exp(1 / t ** 2)  # noqa: E731
    s = fit((v - 0.55) / 0.45, np.array([s_of(t) for t in v]), 12)

    uu = np.linspace(0, 1, 100001)[1:].astype(np.float32)
    w = (2 * uu.astype(np.float64) - 1).astype(np.float32).astype(np.float64)
    ref = np.array([erf(sqrt(a)) / sqrt(a) for a in uu.astype(np.float64)])
    print("P: max relative error in float32 %.2e" % np.max(np.abs(horner32(p, w) - ref) / ref))
    vv = np.linspace(0.1, 1, 100001)
    sv = ((vv - 0.55) / 0.45).astype(np.float32).astype(np.float64)
    ref = np.array([s_of(t) for t in vv])
    print("S: max relative error in float32 %.2e" % np.max(np.abs(horner32(s, sv) - ref) / ref))
    for name, c in (("GELU_P", p), ("GELU_S", s)):
        print(f"{name} = {{" + ", ".join("%.9ef" % np.float32(x) for x in c) + "}")


if __name__ == "__main__":
    main()
