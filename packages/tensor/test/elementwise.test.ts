import { assertClose, type FixtureTensor, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { type Operand, type Tensor, tensor, where, zeros } from '../src';
import { fromFixture, type Layout, withLayout } from './layouts';

interface Case {
  op: string;
  layout?: Layout;
  inputs: FixtureTensor[];
  scalar?: number;
  /** Non-tensor arguments after the tensor operands (logit's eps). */
  args?: number[];
  output: FixtureTensor;
}

const { cases } = loadFixtures<Case>(new URL('./fixtures/elementwise.jsonl', import.meta.url));

const binary: Record<string, (a: Tensor, b: Operand) => Tensor> = {
  add: (a, b) => a.add(b, { alpha: 2 }),
  sub: (a, b) => a.sub(b, { alpha: a.dtype === 'int32' ? 3 : 0.5 }),
  divFloor: (a, b) => a.div(b, { roundingMode: 'floor' }),
  divTrunc: (a, b) => a.div(b, { roundingMode: 'trunc' }),
};

function run(c: Case): Tensor {
  const inputs = c.inputs.map(fromFixture);
  const [a, b, d] = inputs as [Tensor, Tensor, Tensor];
  if (c.scalar !== undefined) return (a[c.op as 'add'] as (o: Operand) => Tensor).call(a, c.scalar);
  switch (c.op) {
    case 'where':
      return where(a, b, d);
    case 'lerp':
      return a.lerp(b, d);
    case 'addcmul':
      return a.addcmul(b, d, { value: 0.5 });
    case 'addcdiv':
      return a.addcdiv(b, d, { value: 2 });
    case 'clamp':
      return a.clamp(b, d);
    case 'clampMin':
      return a.clamp(1);
  }
  const x = withLayout(a, c.layout);
  const special = binary[c.op];
  if (special && c.layout) return special(x, b);
  // Every other op is the method of its name, taking the other operands and then the case's args.
  const method = x[c.op as keyof Tensor] as (...args: Operand[]) => Tensor;
  return method.call(x, ...inputs.slice(1), ...(c.args ?? []));
}

describe('elementwise ops match PyTorch', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const out = run(c);
      expect(out.dtype).toBe(c.output.dtype);
      const exact = c.output.dtype === 'int32' || c.output.dtype === 'bool';
      const tol = exact
        ? { rtol: 0, atol: 0 }
        : c.output.dtype === 'float64'
          ? { rtol: 1e-10, atol: 1e-12 }
          : {};
      assertClose(out, c.output, { ...tol, signedZeros: true }, name);
    });
  }
});

describe('elementwise errors and in-place rules', () => {
  it('names both shapes when broadcasting fails', () => {
    expect(() => tensor([1, 2]).add(tensor([1, 2, 3]))).toThrow(
      'add: shapes [2] and [3] cannot be broadcast: size 2 != 3 at dim 0 (sizes must match or be 1)',
    );
  });

  it('refuses an in-place result that would need a bigger tensor or a lower dtype', () => {
    expect(() => zeros([3]).add_(zeros([2, 3]))).toThrow(
      "add_: output with shape [3] doesn't match the broadcast shape [2,3]",
    );
    expect(() => tensor([1, 2]).mul_(0.5)).toThrow(
      "mul_: result type float32 can't be cast to the desired output type int32",
    );
    expect(() => tensor([true]).neg()).toThrow('neg (the - operator) is not supported for bool tensors');
  });

  it('writes in place through non-contiguous views and bumps the version', () => {
    const x = zeros([2, 3]);
    const v = x.t();
    v.add_(tensor([1, 2]));
    expect(x.tolist()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(x.version).toBe(1);
    x.slice(1, 0, 3, 2).fill_(7);
    expect(x.tolist()).toEqual([
      [7, 1, 7],
      [7, 2, 7],
    ]);
    x.zero_();
    expect(x.tolist()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});
