import { allocate } from '../../kernel/dtype';
import { ValueError } from '../../kernel/errors';
import { Generator } from '../../kernel/generator';
import { registerKernel } from '../../kernel/registry';
import { hostView } from '../../kernel/view';
import { denseValues } from './dense';

/** log(k!) by Stirling's series past the table (the PTRS acceptance test needs it for every k). */
function logFactorial(k: number): number {
  if (k < 10) {
    let f = 1;
    for (let i = 2; i <= k; i++) f *= i;
    return Math.log(f);
  }
  const k1 = k + 1;
  return (k1 - 0.5) * Math.log(k1) - k1 + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k1) - 1 / (360 * k1 ** 3);
}

/**
 * One Poisson draw, by PyTorch's choice of methods: multiplying uniforms below rate 10, Hörmann's
 * transformed rejection with squeeze (PTRS) above.
 */
function samplePoisson(rate: number, g: Generator): number {
  if (rate === 0) return 0;
  if (rate < 10) {
    const limit = Math.exp(-rate);
    let k = 0;
    for (let p = g.random(); p > limit; p *= g.random()) k++;
    return k;
  }
  const slam = Math.sqrt(rate);
  const logLam = Math.log(rate);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = g.random() - 0.5;
    const v = g.random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + rate + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -rate + k * logLam - logFactorial(k)
    ) {
      return k;
    }
  }
}

/** Registers the CPU poisson kernel: a generator seeded from the attribute, one stream per call. */
export function registerCpuPoisson(): void {
  registerKernel('poisson', 'cpu', ([rates], { seed }) => {
    const src = denseValues(rates!);
    const g = new Generator(seed);
    const out = allocate(rates!.dtype, src.length);
    for (let i = 0; i < src.length; i++) {
      const rate = src[i]!;
      if (!(rate >= 0)) {
        throw new ValueError('poisson', `rates must be non-negative, found ${rate}`);
      }
      out[i] = samplePoisson(rate, g);
    }
    return hostView(out, rates!.shape, rates!.dtype);
  });
}
