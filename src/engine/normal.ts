// The standard normal distribution's tails, for closed-form shares and means of the scenario's
// lognormal draws (a share of generated jobs too big for the pool, the mean of a clamped lognormal).

/** P(Z >= z) for a standard normal Z (relative error below 1.2e-7, deep into either tail). */
export function upperNormalTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * The complementary error function, to a relative error below 1.2e-7 everywhere (Numerical
 * Recipes' erfcc, a Chebyshev fit): plenty for a share quoted to two digits.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z <= z) for a standard normal Z: the upper tail of -z, so as accurate far below the mean. */
export function lowerNormalTail(z: number): number {
  return upperNormalTail(-z);
}
