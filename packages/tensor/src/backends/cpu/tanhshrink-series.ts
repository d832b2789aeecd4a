// The series of tanhshrink(x) = x - tanh x near 0, shared by the JS loop (scalar-math.ts) and the SIMD
// kernel (simd/tanhshrink.ts).

/** Below this |x| the series is summed: x - tanh x would cancel there (x^3 / 3 is left of x). */
export const TANHSHRINK_SERIES_BELOW = 0.25;

/**
 * x - tanh x = x z S(z) with z = x^2: S's coefficients 1/3, -2/15, 17/315, ... (tanh's Taylor
 * coefficients negated, from tanh' = 1 - tanh^2), highest degree first, to z^10: the first term left out
 * is under 1e-17 of the sum below |x| = 0.25.
 */
export const TANHSHRINK_SERIES: readonly number[] = (() => {
  const terms = 11;
  const tanh = [0, 1]; // tanh's Taylor coefficients by degree: (n + 1) t[n + 1] = -sum t[i] t[n - i]
  for (let n = 1; tanh.length < 2 * terms + 2; n++) {
    let square = 0;
    for (let i = 1; i < n; i++) square += tanh[i]! * tanh[n - i]!;
    tanh.push(-square / (n + 1));
  }
  return Array.from({ length: terms }, (_, i) => -tanh[2 * terms + 1 - 2 * i]!);
})();
