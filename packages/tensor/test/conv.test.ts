import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  arange,
  conv1d,
  conv2d,
  convAttrs,
  convTranspose2d,
  runKernel,
  type Tensor,
  tensor,
  zeros,
} from '../src';

interface Case {
  op: 'conv2d' | 'conv1d' | 'convTranspose2d';
  kwargs: Record<string, number | number[] | string>;
  input: FixtureTensor;
  weight: FixtureTensor;
  bias?: FixtureTensor;
  output: FixtureTensor;
  gradOutput?: FixtureTensor;
  gradInput?: FixtureTensor;
  gradWeight?: FixtureTensor;
}

const { cases } = loadFixtures<Case>(new URL('./fixtures/conv.jsonl', import.meta.url));
const fromFixture = (f: FixtureTensor): Tensor =>
  tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape);
const pairOf = (v: unknown) =>
  v === undefined ? undefined : Array.isArray(v) ? (v as [number, number]) : (v as number);

describe('convolutions match PyTorch', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const x = fromFixture(c.input);
      const w = fromFixture(c.weight);
      const b = c.bias ? fromFixture(c.bias) : undefined;
      const k = c.kwargs;
      const tol = c.input.dtype === 'float64' ? { rtol: 1e-10, atol: 1e-10 } : { rtol: 1e-4, atol: 1e-4 };
      if (c.op === 'conv1d') {
        assertClose(
          conv1d(x, w, b, { stride: k.stride as number, padding: k.padding as number }),
          c.output,
          tol,
          name,
        );
        return;
      }
      if (c.op === 'convTranspose2d') {
        const out = convTranspose2d(x, w, b, {
          stride: pairOf(k.stride),
          padding: pairOf(k.padding),
          outputPadding: pairOf(k.output_padding),
          groups: k.groups as number | undefined,
        });
        assertClose(out, c.output, tol, name);
        return;
      }
      const options = {
        stride: pairOf(k.stride),
        padding: (k.padding === 'same' ? 'same' : pairOf(k.padding)) as
          | 'same'
          | number
          | [number, number]
          | undefined,
        dilation: pairOf(k.dilation),
        groups: k.groups as number | undefined,
      };
      const out = conv2d(x, w, b, options);
      assertClose(out, c.output, tol, name);
      // The backward kernels autograd calls, with the forward's resolved attributes.
      const attrs = convAttrs('conv2d', w, options);
      const g = fromFixture(c.gradOutput!);
      assertClose(
        runKernel('conv2dBackwardInput', [g, w], { ...attrs, inputShape: [...x.shape] }),
        c.gradInput!,
        tol,
        `${name} gradInput`,
      );
      assertClose(
        runKernel('conv2dBackwardWeight', [x, g], { ...attrs, weightShape: [...w.shape] }),
        c.gradWeight!,
        tol,
        `${name} gradWeight`,
      );
    });
  }
});

describe('conv errors', () => {
  it('name the channel mismatch and the kernel that does not fit', () => {
    expect(() => conv2d(zeros([1, 2, 5, 5]), zeros([4, 3, 3, 3]))).toThrow(
      'conv2d: given groups=1, weight of size [4,3,3,3], expected input[1,2,5,5] to have 3 channels, but got 2 channels instead',
    );
    expect(() => conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3]))).toThrow(
      "Kernel size can't be greater than actual input size",
    );
    expect(() =>
      conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), undefined, { padding: 'same', stride: 2 }),
    ).toThrow("padding='same' is not supported for strided convolutions");
    expect(() => conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3], { dtype: 'float64' }))).toThrow(
      'conv2d: input type (float32) and weight/bias type (float64) should be the same',
    );
  });
});

describe('convTranspose2d with output padding of a stride or more (below the dilation)', () => {
  it('matches PyTorch', () => {
    const x = arange(18).float().reshape(1, 2, 3, 3).div(10);
    const w = arange(16).float().reshape(2, 2, 2, 2).sub(7).div(5);
    const out = convTranspose2d(x, w, tensor([0.5, -1]), {
      stride: [1, 2],
      dilation: 3,
      outputPadding: [2, 1],
      padding: [1, 0],
    });
    expect(out.shape).toEqual([1, 2, 6, 9]);
    // torch.nn.functional.conv_transpose2d with the same arguments (torch 1.13)
    assertClose(
      out,
      tensor([
        0.32, 0.5, 0.2, 0.62, 0.08, 0.54, 0.5, 0.46, 0.5, -0.04, 0.5, -0.16, 0.38, -0.28, 0.3, 0.5, 0.22, 0.5,
        1.04, 0.5, 1.0, 1.22, 0.96, 1.22, 0.5, 1.22, 0.5, 0.92, 0.5, 0.88, 1.22, 0.84, 1.22, 0.5, 1.22, 0.5,
        0.8, 0.5, 0.76, 1.22, 0.72, 1.22, 0.5, 1.22, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.02,
        -1.0, 0.06, 0.32, 0.1, 0.4, -1.0, 0.48, -1.0, 0.14, -1.0, 0.18, 0.56, 0.22, 0.64, -1.0, 0.72, -1.0,
        0.26, -1.0, 0.38, 0.44, 0.5, 0.6, -1.0, 0.76, -1.0, 0.62, -1.0, 0.74, 0.92, 0.86, 1.08, -1.0, 1.24,
        -1.0, 0.98, -1.0, 1.1, 1.4, 1.22, 1.56, -1.0, 1.72, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0,
        -1.0, -1.0,
      ]).reshape(1, 2, 6, 9),
      { rtol: 1e-5, atol: 1e-6 },
    );
  });
});
