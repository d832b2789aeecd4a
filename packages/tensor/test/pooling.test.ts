import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  arange,
  avgPool2d,
  maxPool2d,
  maxPool2dWithIndices,
  runKernel,
  type Tensor,
  tensor,
  zeros,
} from '../src';

interface Case {
  kind: 'max' | 'avg' | 'adaptive';
  kwargs: Record<string, number | number[] | boolean>;
  input: FixtureTensor;
  output: FixtureTensor;
  indices?: FixtureTensor;
  gradOutput: FixtureTensor;
  gradInput: FixtureTensor;
}

const { cases } = loadFixtures<Case>(new URL('./fixtures/pooling.jsonl', import.meta.url));
const fromFixture = (f: FixtureTensor): Tensor =>
  tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape);
const pairOf = (v: unknown) => (Array.isArray(v) ? v : [v, v]);
const size = (v: unknown) => (Array.isArray(v) ? (v as [number, number]) : (v as number | undefined));

describe('pooling matches PyTorch (forward and the backward kernels)', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const x = fromFixture(c.input);
      const k = c.kwargs;
      const tol = c.input.dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
      const g = fromFixture(c.gradOutput);
      let grad: Tensor;
      if (c.kind === 'max') {
        const { values, indices } = maxPool2dWithIndices(x, size(k.kernel_size)!, {
          stride: size(k.stride),
          padding: size(k.padding),
          dilation: size(k.dilation),
          ceilMode: k.ceil_mode === true,
        });
        assertClose(values, c.output, tol, name);
        assertClose(indices, c.indices!, { rtol: 0, atol: 0 }, `${name} indices`);
        grad = runKernel('maxPool2dBackward', [g, indices], { inputShape: [...x.shape] });
      } else if (c.kind === 'avg') {
        const options = {
          stride: size(k.stride),
          padding: size(k.padding),
          ceilMode: k.ceil_mode === true,
          countIncludePad: k.count_include_pad !== false,
          ...(k.divisor_override === undefined ? {} : { divisorOverride: k.divisor_override as number }),
        };
        const out = avgPool2d(x, size(k.kernel_size)!, options);
        assertClose(out, c.output, tol, name);
        // The attributes autograd passes back: the forward's, resolved per dim, plus the input shape.
        grad = runKernel('avgPool2dBackward', [g], {
          kernelSize: pairOf(k.kernel_size),
          stride: pairOf(k.stride ?? k.kernel_size),
          padding: pairOf(k.padding ?? 0),
          dilation: [1, 1],
          outputSize: out.shape.slice(2),
          countIncludePad: options.countIncludePad,
          ...(k.divisor_override === undefined ? {} : { divisorOverride: k.divisor_override }),
          inputShape: [...x.shape],
        });
      } else {
        const out = adaptiveAvgPool2d(x, size(k.output_size) as number | [number, number]);
        assertClose(out, c.output, tol, name);
        grad = runKernel('adaptiveAvgPool2dBackward', [g], {
          outputSize: [out.shape[2], out.shape[3]],
          inputShape: [...x.shape],
        });
      }
      assertClose(grad, c.gradInput, tol, `${name} grad`);
    });
  }
});

describe('pooling errors', () => {
  it('rejects oversized padding, tiny inputs and bad ranks with PyTorch-like messages', () => {
    expect(() => avgPool2d(zeros([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(
      'pad should be at most half of effective kernel size',
    );
    expect(() => maxPool2dWithIndices(zeros([1, 1, 1, 1]), 2)).toThrow(
      'calculated output size [1,0,0] is too small',
    );
    expect(() => adaptiveAvgPool2d(zeros([4, 4]), 2)).toThrow(
      'expected 3D (C,H,W) or 4D (N,C,H,W) input, got [4,4]',
    );
    expect(() => maxPool2dWithIndices(zeros([1, 4, 4], { dtype: 'int32' }), 2)).toThrow(
      'maxPool2d: not implemented for int32',
    );
  });
});

describe('pooling a contiguous view that starts past its storage’s beginning', () => {
  it('reads the view, not the storage from its start (max, average, adaptive max)', () => {
    const big = arange(0, 32).reshape([2, 1, 4, 4]).float();
    const view = big.narrow(0, 1, 1); // contiguous, offset 16
    const copy = view.clone();
    expect(Array.from(maxPool2d(view, 2).dataSync())).toEqual([21, 23, 29, 31]);
    expect(Array.from(avgPool2d(view, 2).dataSync())).toEqual(Array.from(avgPool2d(copy, 2).dataSync()));
    expect(Array.from(adaptiveMaxPool2d(view, [1, 2]).dataSync())).toEqual([29, 31]);
  });
});
