import { differentiableKernels } from '@nn/autograd';
import { isOpName, opDef, opNames } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

// Derived from @nn/tensor's op table: which ops carry gradient (`differentiable`) and which are composites
// (autograd records the ops they call, so a formula is optional).
describe('formula coverage', () => {
  it('every differentiable op of the op table that is not a composite has a gradient formula', () => {
    const withFormula = new Set(differentiableKernels());
    const missing = opNames().filter(
      (op) => opDef(op).differentiable && !opDef(op).composite && !withFormula.has(op),
    );
    expect(missing).toEqual([]);
  });

  it('registers formulas only for differentiable ops of the table', () => {
    expect(differentiableKernels().filter((op) => !isOpName(op) || !opDef(op).differentiable)).toEqual([]);
  });
});
