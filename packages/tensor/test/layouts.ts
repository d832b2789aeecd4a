// Shared by the fixture test files: rebuilds fixture operands and compares with PyTorch.
import { assertClose, type FixtureTensor, fixtureArray } from '@nn/tooling/test-utils';
import { expect } from 'vitest';
import { type Tensor, tensor } from '../src';

/** Layouts of the tensor fixture generators (elementwise, indexing): how a base tensor becomes a [3, 4] operand. */
export type Layout = 'contiguous' | 'transposed' | 'sliced' | 'expanded';

export const fromFixture = (f: FixtureTensor): Tensor =>
  tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape);

/** Repeats the generator's layout transform, so the op sees a non-contiguous or broadcast view. */
export function withLayout(t: Tensor, layout: Layout | undefined): Tensor {
  switch (layout) {
    case 'transposed':
      return t.t();
    case 'sliced':
      return t.slice(1, undefined, undefined, 2);
    case 'expanded':
      return t.expand(3, 4);
    default:
      return t;
  }
}

/** Same dtype as PyTorch's result, values exact for integers/bools and to dtype precision for floats. */
export function expectMatches(actual: Tensor, expected: FixtureTensor, label: string): void {
  expect(actual.dtype, `${label} dtype`).toBe(expected.dtype);
  const rtol = expected.dtype === 'float32' ? 1e-5 : expected.dtype === 'float64' ? 1e-10 : 0;
  assertClose(actual, expected, { rtol, atol: 0 }, label);
}
