// Float32 accuracy checks shared by the SIMD kernel tests: errors in float32 ulps of a float64 reference,
// over inputs spanning the whole float32 range.

export const F32_MAX = 3.4028234663852886e38;
export const SUBNORMAL_MIN = 1.401298464324817e-45;

/** v, or the infinity float32 rounds it to past its largest finite value. */
export const overflowing = (v: number) => (Number.isFinite(Math.fround(v)) ? v : Math.fround(v));

/** The float32 ulp at float64 value v (subnormal spacing near 0). */
export function ulp(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Largest error of `got` against `reference`, in ulps; non-finite values must match exactly. */
export function maxUlpError(inputs: Float32Array, got: ArrayLike<number>, reference: (x: number) => number) {
  let worst = 0;
  let worstAt = Number.NaN;
  for (let i = 0; i < inputs.length; i++) {
    const want = reference(inputs[i]!);
    const have = got[i]!;
    if (!Number.isFinite(want) || !Number.isFinite(have)) {
      if (!Object.is(want, have) && !(Number.isNaN(want) && Number.isNaN(have))) {
        throw new Error(`f(${inputs[i]}) = ${have}, expected ${want}`);
      }
      continue;
    }
    // The float32 neighbourhood of the exact value: |have - want| measured in ulps of want.
    const error = Math.abs(have - want) / ulp(want);
    if (error > worst) [worst, worstAt] = [error, inputs[i]!];
  }
  return { worst, worstAt };
}

/** Specials, subnormals, huge values, dense sweeps and log-uniform samples of both signs. */
export function wideInputs(): Float32Array {
  const values: number[] = [0, -0, Number.NaN, Infinity, -Infinity, F32_MAX, -F32_MAX, SUBNORMAL_MIN];
  values.push(-SUBNORMAL_MIN, 1e-40, -1e-40, 1.1754942e-38, -1.1754942e-38, 1e30, -1e30);
  for (let x = -120; x <= 120; x += 1 / 64) values.push(x); // both tails and everything between
  for (let x = -0.2; x <= 0.2; x += 1 / 4096) values.push(x); // tanh's series/exp switch at 0.05
  for (let x = -4.5; x <= 4.5; x += 1 / 8192) values.push(x); // erf's branches meet at +-1, saturate at 3.92
  for (let x = -8.5; x <= 8.5; x += 0.25) values.push(x); // halves: round's ties to even
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 40_000; i++) {
    const magnitude = 2 ** (random() * 280 - 149); // 2^-149 .. 2^131 (Infinity above the max)
    values.push(random() < 0.5 ? -magnitude : magnitude);
  }
  return Float32Array.from(values);
}
