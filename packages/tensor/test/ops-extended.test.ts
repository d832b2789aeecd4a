// Counting, order statistics, advanced indexing, grids, distances and torch.linalg against PyTorch 1.13
// (fixtures/ops-extended.jsonl, written by tooling/fixtures/cases/tensor_ops_extended.py). Every case is
// run the same way, so a case added to the generator is tested here without editing this file.
import {
  assertClose,
  type CallCase,
  callFixture,
  type FixtureTensor,
  fixtureArray,
  loadFixtures,
  outputPairs,
} from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '../src';
import { opsNamespace } from './ops-extended-helpers';

const { cases } = loadFixtures<CallCase>(new URL('./fixtures/ops-extended.jsonl', import.meta.url));

const fromFixture = (f: FixtureTensor): Tensor =>
  tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape);

const tolerance = (dtype: string) =>
  dtype === 'float64' ? { rtol: 1e-9, atol: 1e-10 } : { rtol: 2e-4, atol: 2e-5 };

describe('ops match PyTorch 1.13', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const result = callFixture(opsNamespace, c, c.inputs.map(fromFixture));
      if (typeof c.output === 'boolean') {
        expect(result).toBe(c.output);
        return;
      }
      for (const [got, want] of outputPairs<Tensor>(result, c)) {
        expect(got.dtype, `${name} dtype`).toBe(want.dtype);
        assertClose(got, want, tolerance(want.dtype), name);
      }
    });
  }
});
