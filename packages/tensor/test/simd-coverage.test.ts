import { describe, expect, it } from 'vitest';
import { planSimdFloat32 } from '../src/backends/cpu/simd/elementwise';
import { elementwiseSpecs } from '../src/kernel/ops/elementwise-specs';

// Every one- and two-input elementwise op of the op table has a float32 SIMD kernel over dense inputs, but
// the ones listed here, which keep their JS loops on purpose.

/** erfinv: Newton steps on erf past Giles' approximation, for float64 accuracy (see scalar-math.ts). */
const JS_LOOP_ONLY = ['erfinv'];

describe('float32 SIMD coverage of the elementwise op table', () => {
  for (const { name, arity } of elementwiseSpecs.filter((spec) => spec.arity < 3)) {
    it(`${name}: ${JS_LOOP_ONLY.includes(name) ? 'the JS loop' : 'a SIMD kernel'} over dense float32 inputs`, () => {
      const plan = planSimdFloat32(name, Array(arity).fill('dense'), () => 0, 1, [0.5, 0.5]);
      expect(plan !== undefined).toBe(!JS_LOOP_ONLY.includes(name));
    });
  }
});
