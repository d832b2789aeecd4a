import { assertClose, type FixtureTensor, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  hypot,
  type Operand,
  sigmoidBackward,
  type Tensor,
  tanhBackward,
  tensor,
  where,
  zeros,
} from '../src';
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

/** Ops public as functions only (no Tensor method). */
const functions: Record<string, (a: Tensor, b: Tensor) => Tensor> = { sigmoidBackward, tanhBackward };

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
  if (functions[c.op]) return functions[c.op]!(x, b);
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

describe('erfinv to float64 precision', () => {
  it('is within 4 ulps of mpmath next to ±1 and at tiny inputs, where torch 1.13 loses digits', () => {
    // mpmath.erfinv at 40 digits; torch gives 5.863948532247121 for the first, -5.04202912791571 for the second.
    const reference: [number, number][] = [
      [1 - 2 ** -53, 5.8635847487551676],
      [-(1 - 1e-12), -5.042031898572696],
      [0.999999, 3.458910737275499],
      [0.5, 0.4769362762044699],
      [1e-300, 8.86226925452758e-301],
    ];
    const got = tensor(
      reference.map(([x]) => x),
      { dtype: 'float64' },
    )
      .erfinv()
      .tolist() as number[];
    reference.forEach(([x, want], i) => {
      expect(Math.abs(got[i]! - want), `erfinv(${x})`).toBeLessThanOrEqual(
        4 * Number.EPSILON * Math.abs(want),
      );
    });
  });
});

describe('elementwise errors and in-place rules', () => {
  it('refuses hypot of integer tensors as PyTorch does, naming the fix', () => {
    expect(() => tensor([3, 4]).hypot(tensor([4, 3]))).toThrow(
      "hypot is only implemented for floating-point tensors (as PyTorch's hypot_cpu); convert with .to('float32') first",
    );
    expect(hypot(tensor([3, 4]), tensor([4, 0], { dtype: 'float64' })).tolist()).toEqual([5, 4]);
  });

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
