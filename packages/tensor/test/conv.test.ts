import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { conv1d, conv2d, convAttrs, convTranspose2d, runKernel, type Tensor, tensor, zeros } from '../src';

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

const { cases } = loadFixtures<Case>(new URL('./fixtures/conv.json', import.meta.url));
const fromFixture = (f: FixtureTensor): Tensor => tensor(fixtureArray(f)).reshape(f.shape);
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
