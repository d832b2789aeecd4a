import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { addmm, einsum, linear, matmul, outer, randn, type Tensor, tensor, zeros } from '../src';

interface Case {
  op: string;
  equation?: string;
  inputs: FixtureTensor[];
  output: FixtureTensor;
}

const { cases } = loadFixtures<Case>(new URL('./fixtures/linalg.jsonl', import.meta.url));
const fromFixture = (f: FixtureTensor): Tensor =>
  tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape);

function run(c: Case): Tensor {
  const [a, b, d] = c.inputs.map(fromFixture) as [Tensor, Tensor, Tensor];
  switch (c.op) {
    case 'matmulTT':
      return matmul(a.mT, b.mT);
    case 'addmm':
      return addmm(a, b, d, { beta: 0.5, alpha: 2 });
    case 'outer':
      return outer(a, b);
    case 'linear':
      return linear(a, b, d);
    case 'einsum':
      return einsum(c.equation!, ...c.inputs.map(fromFixture));
    default:
      return matmul(a, b);
  }
}

describe('matmul family matches PyTorch', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const out = run(c);
      expect(out.dtype).toBe(c.output.dtype);
      const tol =
        c.output.dtype === 'int32'
          ? { rtol: 0, atol: 0 }
          : c.output.dtype === 'float64'
            ? { rtol: 1e-10, atol: 1e-12 }
            : { rtol: 1e-5, atol: 1e-5 };
      assertClose(out, c.output, tol, name);
    });
  }

  it('reads sliced and batch-broadcast operands without copying them first', () => {
    const base = randn([4, 6, 8]);
    const a = base.slice(2, 0, 8, 2); // [4,6,4], non-contiguous
    const b = randn([4, 3]);
    const want = matmul(a.contiguous(), b);
    assertClose(matmul(a, b), want, { rtol: 1e-6, atol: 1e-6 });
    const batchA = randn([1, 3, 4]).expand(5, 3, 4); // batch stride 0
    const batchB = randn([5, 4, 2]);
    assertClose(matmul(batchA, batchB), matmul(batchA.contiguous(), batchB), { rtol: 1e-6, atol: 1e-6 });
  });
});

describe('linear', () => {
  it('is matmul(x, weight.t()) plus the bias, for any leading dims', () => {
    const [x, weight, bias] = [randn([2, 3, 300]), randn([5, 300]), randn([5])];
    const out = linear(x, weight, bias);
    expect(out.shape).toEqual([2, 3, 5]);
    assertClose(out, matmul(x, weight.t()).add(bias), { rtol: 1e-5, atol: 1e-5 });
    expect(linear(randn([300]), weight).shape).toEqual([5]);
  });

  it('broadcasts a bias of another shape after the product, as addmm does', () => {
    const [x, weight] = [randn([4, 3]), randn([2, 3])];
    for (const bias of [randn([1]), randn([4, 2]), randn([4, 1])]) {
      assertClose(linear(x, weight, bias), matmul(x, weight.t()).add(bias), { rtol: 1e-6, atol: 1e-6 });
    }
  });

  it('names the op, the shapes, the dtypes and the fix in its errors', () => {
    expect(() => linear(zeros([2, 3]), zeros([4, 5]))).toThrow(
      'linear: input shape [2,3] does not fit weight shape [4,5]: the last dim of the input must equal weight.shape[1] (5)',
    );
    expect(() => linear(zeros([2, 3]), zeros([3]))).toThrow(
      'linear: expected a 2-D weight [out, in], got [3]',
    );
    expect(() => linear(zeros([2, 3]), zeros([4, 3], { dtype: 'float64' }))).toThrow(
      "linear: expected both operands to have the same dtype, but got float32 and float64; convert one with .to('float32')",
    );
    expect(() => linear(zeros([2, 3]), zeros([4, 3]), zeros([4], { dtype: 'float64' }))).toThrow(
      'linear: expected both operands to have the same dtype, but got float32 and float64',
    );
  });
});

describe('matmul errors', () => {
  it('names both shapes and the mismatch', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      'matmul: inner dimensions differ: [2,3] @ [4,5] (3 != 4)',
    );
    expect(() => zeros([2, 3]).bmm(zeros([2, 3, 4]))).toThrow(
      'bmm: expected 3-D tensors, got [2,3] and [2,3,4]',
    );
    expect(() => matmul(zeros([2]), zeros([2], { dtype: 'float64' }))).toThrow(
      "matmul: expected both operands to have the same dtype, but got float32 and float64; convert one with .to('float32')",
    );
    expect(() => einsum('ii->i', zeros([2, 2]))).toThrow(
      "einsum: operand 0 subscripts 'ii' must be distinct letters",
    );
  });
});
