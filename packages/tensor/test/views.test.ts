import { assertClose, type FixtureTensor, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { arange, chunk, eye, full, linspace, split, type Tensor, tensor } from '../src';

interface Case {
  output?: FixtureTensor;
  outputs?: FixtureTensor[];
  strides?: number[];
  contiguous?: boolean;
}

const { cases } = loadFixtures<Case>(new URL('./fixtures/views.jsonl', import.meta.url));
const base = () => arange(24).float().reshape(2, 3, 4);

const views: Record<string, (x: Tensor) => Tensor> = {
  permute: (x) => x.permute(2, 0, 1),
  transpose: (x) => x.transpose(0, 2),
  mT: (x) => x.mT,
  reshapeTransposed: (x) => x.transpose(1, 2).reshape(6, 4),
  viewInfer: (x) => x.view(-1, 4),
  expand: (x) => x.slice(1, 0, 1).expand(2, 5, 4),
  squeeze: (x) => x.slice(1, 0, 1).squeeze(),
  squeezeDim: (x) => x.slice(1, 0, 1).squeeze(1),
  unsqueeze: (x) => x.unsqueeze(-1),
  flatten: (x) => x.flatten(1),
  unflatten: (x) => x.unflatten(2, [2, -1]),
  narrow: (x) => x.narrow(2, 1, 2),
  sliceStep: (x) => x.slice(1, undefined, undefined, 2).slice(2, 1, undefined, 2),
  sliceNegative: (x) => x.slice(1, -2).slice(2, undefined, -1),
  select: (x) => x.select(1, -1),
  diagonal: (x) => x.diagonal(),
  diagonalOffset: (x) => x.diagonal(1, 1, 2),
  diagonalNegative: (x) => x.diagonal(-1, 1, 2),
};

describe('views match PyTorch values and strides', () => {
  for (const [name, view] of Object.entries(views)) {
    it(name, () => {
      const c = cases[name]!;
      const x = base();
      const out = view(x);
      assertClose(out, c.output!, { rtol: 0, atol: 0 }, name);
      expect(out.isContiguous()).toBe(c.contiguous);
      // reshape of a transposed tensor must copy; every other op here is a true view of x's storage
      expect(out.storage === x.storage).toBe(name !== 'reshapeTransposed');
      if (name !== 'reshapeTransposed') expect([...out.strides]).toEqual(c.strides);
    });
  }

  it('chunk, split and unbind give PyTorch pieces', () => {
    const pieces: Record<string, Tensor[]> = {
      chunk: chunk(arange(10), 4),
      split: split(arange(10), [3, 7]),
      splitSize: split(arange(10), 4),
      unbind: base().unbind(1),
    };
    for (const [name, got] of Object.entries(pieces)) {
      const want = cases[name]!.outputs!;
      expect(got.length).toBe(want.length);
      for (const [i, t] of got.entries()) assertClose(t, want[i]!, { rtol: 0, atol: 0 }, `${name}[${i}]`);
    }
  });

  it('views share storage: writes through a view are seen by the base', () => {
    const x = base();
    x.select(0, 1).select(0, 2).fill_(-1);
    expect(x.tolist()).toEqual(
      Array.from({ length: 2 }, (_, i) =>
        Array.from({ length: 3 }, (_, j) =>
          Array.from({ length: 4 }, (_, k) => (i === 1 && j === 2 ? -1 : i * 12 + j * 4 + k)),
        ),
      ),
    );
  });
});

describe('creation matches PyTorch', () => {
  it('arange, linspace, eye', () => {
    assertClose(arange(1, 2.5, 0.25), cases.arange!.output!, { rtol: 0, atol: 0 });
    expect(arange(-3, 10, 4).dtype).toBe('int32');
    assertClose(arange(-3, 10, 4), cases.arangeInt!.output!, { rtol: 0, atol: 0 });
    assertClose(linspace(-1, 2, 7), cases.linspace!.output!, { rtol: 0, atol: 0 });
    assertClose(eye(3, 4), cases.eye!.output!, { rtol: 0, atol: 0 });
  });

  it('infers dtypes like torch.tensor and rejects ragged input', () => {
    expect(tensor([1, 2]).dtype).toBe('int32');
    expect(tensor([1, 2.5]).dtype).toBe('float32');
    expect(tensor([true]).dtype).toBe('bool');
    expect(tensor(new Float64Array([1])).dtype).toBe('float64');
    expect(tensor(3).shape).toEqual([]);
    // integral numbers past int32 would wrap: they read as floats (3e38 stays 3e38)
    expect(tensor([1, 3e38]).dtype).toBe('float32');
    expect(tensor([2 ** 31, -(2 ** 31)]).dtype).toBe('float32');
    expect(tensor([2 ** 31 - 1, -(2 ** 31)]).dtype).toBe('int32');
    expect(tensor(3e38).item()).toBe(Math.fround(3e38));
    expect(full([2], 1e10).dtype).toBe('float32');
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: expected sequence of length 2 at dim 1 (got 1)');
  });

  it('copies typed arrays (never aliases them), converting to the requested dtype', () => {
    const source = new Float32Array([1.5, -2.5, Number.NaN]);
    const t = tensor(source);
    source[0] = 9;
    expect([...t.dataSync()]).toEqual([1.5, -2.5, Number.NaN]);
    expect([...tensor(new Float64Array([0.1, -2.7]), { dtype: 'float32' }).dataSync()]).toEqual([
      Math.fround(0.1),
      Math.fround(-2.7),
    ]);
    expect([...tensor(new Float32Array([2.7, -2.7]), { dtype: 'int32' }).dataSync()]).toEqual([2, -2]);
    expect([...tensor(new Uint8Array([0, 2, 255]), { dtype: 'bool' }).dataSync()]).toEqual([0, 1, 1]); // bool bytes are 0/1
  });
});

describe('view errors', () => {
  it('view of a non-viewable layout says to use reshape', () => {
    expect(() => base().transpose(1, 2).view(24)).toThrow(
      /view size \[24\] is not compatible.*Use \.reshape\(\.\.\.\) instead/,
    );
  });
  it('dims and indices out of range name the dim and size', () => {
    expect(() => base().permute(0, 1)).toThrow("permute: number of dims don't match or repeat");
    expect(() => base().select(1, 3)).toThrow('select: index 3 is out of bounds for dimension 1 with size 3');
    expect(() => base().transpose(0, 3)).toThrow(
      'transpose: dimension out of range (expected to be in range of [-3, 2], but got 3)',
    );
    expect(() => base().view(5, -1)).toThrow("view: shape '[5,-1]' is invalid for input of size 24");
    expect(() => base().expand(2, 3, 5)).toThrow(
      'expand: the expanded size of the tensor (5) must match the existing size (4) at non-singleton dimension 2',
    );
  });
});
