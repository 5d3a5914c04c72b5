"""Fits the rational function of gelu's Phi in double (src/kernels/vmath64_erf.h)
and checks it in exact arithmetic. Run with Debian's Python (python3-mpmath):
    /usr/bin/python3 scripts/py/fit_erf64.py
For w >= 0 the Mills ratio M(w) = Phi(-w) / phi(w) = 1 / (w + B(w)), with
B(w) = 1/M(w) - w, is approximated as
    M(w) = Q(w) / (w Q(w) + P(w)),   B = P / Q,   P of degree 9, Q of degree 10,
on w in [0, 40], both scaled by SCALE = 1.99 (M does not change) so that
Q(0) = 1.99 and P(0) = 1.59 sit high in their binades, where a rounding is a
smaller part of the value than just above 1 (near w = 0 these roundings are
most of the error) (phi underflows at 38.6). Every coefficient comes out
positive (M is a Laplace transform, completely monotone), so Horner's rule
never cancels, and an error e in B moves M only by e B / (w + B): 1/w^2 of it
in the tail, where the rational's roundings would otherwise pile up.
The fit: linearised least squares in the relative error of M
(M (w Q + P) - Q = 0, divided by the previous iterate's denominator), then
Lawson reweighting towards the minimax, at 50 digits (mpmath)."""
import mpmath as mp

mp.mp.dps = 50
NP, NQ, W = 9, 10, mp.mpf(40)
SCALE = mp.mpf("1.99")


def mills(w):
    w = mp.mpf(w)
    return mp.sqrt(mp.pi / 2) * mp.erfc(w / mp.sqrt(2)) * mp.exp(w * w / 2)


def poly(c, w):
    return sum(c[j] * w**j for j in range(len(c)))


def fit():
    n = 5 * (NP + NQ)
    ws = [W * (1 - mp.cos(mp.pi * (k + mp.mpf(1) / 2) / n)) / 2 for k in range(n)]
    ms = [mills(w) for w in ws]
    den, wts = [mp.mpf(1)] * n, [mp.mpf(1)] * n
    for it in range(14):
        a, b = mp.matrix(n, NP + 1 + NQ), mp.matrix(n, 1)
        for i, (w, m) in enumerate(zip(ws, ms)):
            sc = mp.sqrt(wts[i]) / (m * den[i])
            for j in range(NP + 1):
                a[i, j] = m * w**j * sc
            for j in range(1, NQ + 1):
                a[i, NP + j] = (w * m - 1) * w**j * sc
            b[i] = -(w * m - 1) * sc
        x, _ = mp.qr_solve(a, b)
        p = [x[j] for j in range(NP + 1)]
        q = [mp.mpf(1)] + [x[NP + j] for j in range(1, NQ + 1)]
        den = [w * poly(q, w) + poly(p, w) for w in ws]
        errs = [(poly(q, w) / d - m) / m for w, d, m in zip(ws, den, ms)]
        if it >= 3:
            wts = [wt * abs(e) ** 0.5 for wt, e in zip(wts, errs)]
            total = sum(wts)
            wts = [wt / total for wt in wts]
    return p, q


def main():
    p, q = fit()
    p = [mp.mpf(float(c * SCALE)) for c in p]   # as the C arrays hold them
    q = [mp.mpf(float(c * SCALE)) for c in q]
    assert all(c > 0 for c in p + q), "a coefficient is not positive"
    worst = max(abs(poly(q, w) / (w * poly(q, w) + poly(p, w)) / mills(w) - 1)
                for w in [W * k / 4000 for k in range(4001)])
    print("max relative error of M, coefficients as doubles, exact arithmetic: %.2e"
          % float(worst))
    for name, c in (("VERF64_P", p), ("VERF64_Q", q)):
        print("static const double %s[%d] = {" % (name, len(c)))
        items = ["%s" % float(v).hex() for v in c]
        for k in range(0, len(items), 3):
            print("    " + ", ".join(items[k:k + 3]) + ",")
        print("};")


if __name__ == "__main__":
    main()
