import type { FunctionSpec } from '../gemm/wasm-emitter';
import { atanFunctions } from './atan';
import { binaryMathFunctions } from './binary-math';
import { exp2Functions } from './exp2';
import { expm1Function } from './expm1';
import { log2Function } from './log';
import { logF64Functions } from './log-f64';
import { powFunctions } from './pow';
import { softplusFormFunctions } from './softplus-forms';
import { tanhshrinkFunction } from './tanhshrink';
import { trigFunctions } from './trig';

/**
 * The float32 kernels few programs call (float64-tailed math: expm1, the softplus forms, trigonometry and
 * its inverses, hypot, fmod, remainder, floor division, exp2, log2, pow, the float64 logarithms,
 * tanhshrink), built into a second module over the same memory and compiled on first use (see
 * module.ts). Compiled with the rest up front they added 22-25 MB to the MNIST example's peak memory (265
 * -> 290 MB), which calls none of them.
 */
export const lazyKernelFunctions = (): FunctionSpec[] => [
  expm1Function(),
  ...softplusFormFunctions(),
  ...trigFunctions(),
  ...atanFunctions(),
  ...binaryMathFunctions(),
  ...powFunctions(),
  ...exp2Functions(),
  log2Function(),
  tanhshrinkFunction(),
  ...logF64Functions(),
];
