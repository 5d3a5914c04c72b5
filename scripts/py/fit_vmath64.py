"""Fits the polynomials of src/kernels/vmath64.h (the double exp, expm1, log1p
and tanh of the f64 kernels) in 60-digit arithmetic (mpmath; Debian's
python3-mpmath, which python3-torch and python3-sympy pull in):
    /usr/bin/python3 scripts/py/fit_vmath64.py
  exp:   exp(x) = 2^(k/16) exp(r), |r| <= ln2/32 (reduction in steps of
         ln2/16, a margin for the rounding of x 16/ln2): exp(r) - 1 =
         r + r^2/2 + r^3 E(r), E of degree 3, fitted in the error relative
         to exp(r); and the table 2^(j/16) = T_HI[j] + T_LO[j], j = 0..15.
  expm1: the same reduction, expm1(r) = r + r^2/2 + r^3 E1(r), E1 of degree
         4, fitted in expm1's relative error.
  log1p: log1p(t) = 2 atanh(s), s = t / (2 + t), for t in [0, 1] (s in
         [0, 1/3]): 2 atanh(s) = 2s + s w P(w), w = s^2, P of degree 9,
         fitted in log1p's relative error.
Near-minimax (Lawson's iteration of weighted least squares on Chebyshev
nodes); the coefficients are rounded to double one at a time from the
constant term up, the rest refitted after each rounding. Printed: each
polynomial's own relative error in ulp of the function (2^-53 relative),
rounding of the evaluation excluded; the functions' bounds, rounding
included, are measured by tests/test_vmath64.c against MPFR."""
import mpmath as mp

mp.mp.dps = 60
ULP = mp.mpf(2) ** -53


def nodes(a, b, n):
    return [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / n) for k in range(n)]


def lawson(basis, y, w, iters=40):
    """c minimising max_i |sum_k basis[i][k] c_k - y_i| w_i (near-minimax)."""
    m, n = len(y), len(basis[0])
    lw = [mp.mpf(1) / m] * m
    c = None
    for _ in range(iters):
        ata = mp.matrix(n, n)
        atb = mp.matrix(n, 1)
        for i in range(m):
            wi = lw[i] * w[i] ** 2
            for j in range(n):
                atb[j] += basis[i][j] * y[i] * wi
                for k in range(j, n):
                    ata[j, k] += basis[i][j] * basis[i][k] * wi
        for j in range(n):
            for k in range(j):
                ata[j, k] = ata[k, j]
        c = mp.lu_solve(ata, atb)
        err = [abs(sum(basis[i][j] * c[j] for j in range(n)) - y[i]) * w[i] for i in range(m)]
        lw = [lw[i] * err[i] for i in range(m)]
        total = sum(lw)
        lw = [v / total for v in lw]
    return [c[j] for j in range(n)], max(err)


def fit_rounded(x, y, w, deg):
    """y ~ sum c_k x^k with double c_k, rounded one at a time."""
    fixed = []
    err = None
    for k in range(deg + 1):
        rest = [y[i] - sum(fixed[j] * x[i] ** j for j in range(k)) for i in range(len(x))]
        basis = [[x[i] ** j for j in range(k, deg + 1)] for i in range(len(x))]
        c, err = lawson(basis, rest, w)
        fixed.append(mp.mpf(float(c[0])))
    return [float(c) for c in fixed], err


def show(name, coef, err):
    print(f"{name}: polynomial error {mp.nstr(err / ULP, 3)} ulp of the function")
    print(f"static const double {name}[{len(coef)}] = {{" +
          ", ".join(float.hex(c) for c in coef) + "};")
    print("    /* " + ", ".join("%.17g" % c for c in coef) + " */")


def pairs(name, hi, lo):
    print(f"#define {name}(X) \\")
    print(" \\\n".join(f"    X({float.hex(float(h))}, {float.hex(float(l))})"
                        for h, l in zip(hi, lo)))


def main():
    h = mp.log(2) / 32 * (1 + mp.mpf(2) ** -40)
    r = [v for v in nodes(-h, h, 120) if abs(v) > mp.mpf(10) ** -30]
    # exp(r) - 1 = r + r^2/2 + r^3 E(r): the error r^3 dE, relative to exp(r)
    y = [(mp.expm1(v) - v - v * v / 2) / v ** 3 for v in r]
    w = [abs(v ** 3 / mp.exp(v)) for v in r]
    coef, err = fit_rounded(r, y, w, 3)
    show("VEXP_E64", coef, err)
    t = [mp.mpf(2) ** (mp.mpf(j) / 16) for j in range(16)]
    hi = [mp.mpf(float(v)) for v in t]
    pairs("VEXP_T64_PAIRS", hi, [t[j] - hi[j] for j in range(16)])

    # expm1(r) = r + r^2/2 + r^3 E1(r): the same error, relative to expm1(r)
    w = [abs(v ** 3 / mp.expm1(v)) for v in r]
    coef, err = fit_rounded(r, y, w, 4)
    show("VEXPM1_E64", coef, err)

    # 2 atanh(s) = 2s + s w P(w): the error s w dP, relative to 2 atanh(s)
    smax = mp.mpf(1) / 3
    wv = [v for v in nodes(0, smax ** 2, 120) if v > 0]
    y = [(2 * mp.atanh(mp.sqrt(v)) - 2 * mp.sqrt(v)) / (mp.sqrt(v) * v) for v in wv]
    ww = [mp.sqrt(v) * v / (2 * mp.atanh(mp.sqrt(v))) for v in wv]
    coef, err = fit_rounded(wv, y, ww, 9)
    show("VLOG1P_P64", coef, err)


if __name__ == "__main__":
    main()
