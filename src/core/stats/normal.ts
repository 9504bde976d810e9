/**
 * Upper tail of the standard normal distribution, P(Z ≥ z).
 *
 * Computed as erfc(z/√2)/2 with the Chebyshev fit of erfc from Numerical Recipes (Press et al.,
 * 2nd ed., §6.2, `erfcc`): fractional error under 1.2·10⁻⁷ everywhere, so small p-values keep
 * their relative precision instead of being lost in 1 − Φ(z). This is the same fit that
 * simple-statistics' `errorFunction` uses, but that returns erf = 1 − erfc and rounds the tail
 * away; here the tail is kept.
 */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return 1 - normalUpperTail(-z);
  return erfc(z / Math.SQRT2) / 2;
}

/** Two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|). */
export function normalTwoSidedP(z: number): number {
  return Math.min(1, 2 * normalUpperTail(Math.abs(z)));
}

function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(-x * x + poly);
}
