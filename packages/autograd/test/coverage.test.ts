import { differentiableKernels } from '@nn/autograd';
import { coverage } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

/** Kernels whose outputs are integer or bool (no graph), plus the internal write primitive. */
const noGradient = new Set([
  'isnan',
  'isinf',
  'isfinite',
  'logicalNot',
  'logicalAnd',
  'logicalOr',
  'logicalXor',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'argmax',
  'argmin',
  'all',
  'any',
  'oneHot',
  'copy_',
]);

/** Device-independent composites: autograd records the ops they call. */
const composite = new Set(['std', 'norm']);

describe('formula coverage', () => {
  it('every float-valued kernel @nn/tensor registers has a gradient formula', () => {
    const withFormula = new Set(differentiableKernels());
    const missing = Object.keys(coverage()).filter(
      (k) => !withFormula.has(k) && !noGradient.has(k) && !composite.has(k),
    );
    expect(missing).toEqual([]);
  });
});
