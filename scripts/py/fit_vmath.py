"""Fits the polynomials of src/kernels/vmath.h and checks them in float32.
Run with a Python that has numpy:
    scripts/py/fit_vmath.py
  exp:   exp(r) = 1 + r + r^2 E(r) on r in [-ln2/2, ln2/2] (after Cody-Waite
         reduction), E of degree 4, fitted in exp's relative error;
  expm1: expm1(r) = r + r^2 Q(r) on the same r, Q of degree 5, fitted in
         expm1's relative error (much smaller near 0, hence a degree more).
  log1p:      log1p(t) = t + t^2 L(t) on t in [0, 1], L of degree 8.
Near-minimax in relative error of the whole function (Lawson's iteration of
weighted least squares on Chebyshev nodes, in double precision); the
coefficients are rounded to float one at a time from the constant term up,
the rest refitted after each rounding, so the rounding costs almost nothing.
The printed errors are the polynomials' own; the functions' bounds in ulp
(rounding included) are measured by tests/test_vmath.c."""
from math import expm1, log, log1p

import numpy as np


def nodes(a, b, n):
    x = np.cos(np.linspace(0, np.pi, n)) * (b - a) / 2 + (a + b) / 2
    return x[np.abs(x) > 1e-9]


def lawson(basis, y, w, iters=80):
    """Coefficients c minimising max |basis c - y| w (near-minimax)."""
    lw = np.full(len(y), 1.0 / len(y))
    for _ in range(iters):
        s = np.sqrt(lw)
        c, *_ = np.linalg.lstsq(basis * (w * s)[:, None], y * w * s, rcond=None)
        err = np.abs(basis @ c - y) * w
        lw = lw * err
        lw /= lw.sum()
    return c


def fit_rounded(x, y, w, deg):
    """y ~ sum c_k x^k with float32 c_k, rounded one at a time."""
    basis = np.vander(x, deg + 1, increasing=True)
    fixed = []
    for k in range(deg + 1):
        rest = y - basis[:, :k] @ np.array(fixed, dtype=np.float64) if k else y
        c = lawson(basis[:, k:], rest, w)
        fixed.append(float(np.float32(c[0])))
    return np.array(fixed)


def horner32(coef, s):
    """Horner's rule, one float32 rounding per fma."""
    acc = np.full_like(s, np.float32(coef[-1]), dtype=np.float32)
    for c in coef[-2::-1]:
        acc = (acc.astype(np.float64) * s + np.float32(c)).astype(np.float32)
    return acc


def report(name, coef, x, exact, inner):
    """Relative error of x + x^2 P(x), in double (the fit) and float32."""
    x64 = x.astype(np.float64)
    rel = np.max(np.abs(x64 + x64 ** 2 * np.polyval(coef[::-1], x64) - exact) / np.abs(exact))
    x32 = x.astype(np.float32)
    p = horner32(coef, x32.astype(np.float64)).astype(np.float64)
    x2 = (x32.astype(np.float64) ** 2).astype(np.float32).astype(np.float64)
    got = (x2 * p + x32).astype(np.float32).astype(np.float64)
    ulp = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    print(f"{name}: polynomial max relative error {rel:.2e} ({inner});"
          f" {inner} in float32: max {np.max(np.abs(got - exact) / ulp):.2f} ulp")
    print("    {" + ", ".join("%.9ef" % c for c in coef) + "}")


def main():
    h = log(2) / 2
    r = nodes(-h, h, 6000)
    em = np.array([expm1(v) for v in r])
    q = fit_rounded(r, (em - r) / r ** 2, np.abs(r ** 2 / em), 5)
    ee = fit_rounded(r, (em - r) / r ** 2, np.abs(r ** 2 / (em + 1)), 4)
    t = nodes(0, 1, 6000)
    lp = np.array([log1p(v) for v in t])
    lc = fit_rounded(t, (lp - t) / t ** 2, np.abs(t ** 2 / lp), 8)

    rr = np.linspace(-h, h, 200001).astype(np.float32)
    rr = rr[rr != 0]
    report("VEXPM1_Q", q, rr, np.array([expm1(v) for v in rr.astype(np.float64)]),
           "r + r^2 Q(r)")
    e64 = rr.astype(np.float64)
    rel = np.max(np.abs(1 + e64 + e64 ** 2 * np.polyval(ee[::-1], e64) - np.exp(e64)) / np.exp(e64))
    print(f"VEXP_E: polynomial max relative error {rel:.2e} (1 + r + r^2 E(r))")
    print("    {" + ", ".join("%.9ef" % c for c in ee) + "}")
    tt = np.linspace(0, 1, 200001)[1:].astype(np.float32)
    report("VLOG1P_L", lc, tt, np.array([log1p(v) for v in tt.astype(np.float64)]),
           "t + t^2 L(t)")


if __name__ == "__main__":
    main()
