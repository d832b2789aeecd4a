import { backward, gradcheck, gradgradcheck } from '@nn/autograd';
import { attentionScores, Generator, randn, scaledDotProductAttention, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

// scaledDotProductAttention's formula: the fused backward kernel for plain backward, the explicit softmax
// form for a float mask's gradient and for double backward (createGraph).

const gen = new Generator().manualSeed(5);
const leaf = (shape: number[]) => randn(shape, { dtype: 'float64', generator: gen }).requiresGrad_();

describe('scaledDotProductAttention gradients', () => {
  it('pass gradcheck for query, key, value and a float mask, causal and broadcast batches', () => {
    const q = leaf([2, 3, 5, 4]);
    const k = leaf([3, 6, 4]);
    const v = leaf([2, 3, 6, 2]);
    const mask = leaf([5, 6]);
    expect(
      gradcheck((a, b, c, m) => scaledDotProductAttention(a!, b!, c!, { attnMask: m! }), [q, k, v, mask]),
    ).toBe(true);
    expect(
      gradcheck(
        (a, b, c) => scaledDotProductAttention(a!, b!, c!, { isCausal: true, scale: 0.8 }),
        [q, k, v],
      ),
    ).toBe(true);
  });

  it('pass gradgradcheck (createGraph records the explicit form)', () => {
    const q = leaf([2, 3, 2]);
    const k = leaf([2, 4, 2]);
    const v = leaf([2, 4, 3]);
    expect(
      gradgradcheck((a, b, c) => scaledDotProductAttention(a!, b!, c!, { isCausal: true }), [q, k, v]),
    ).toBe(true);
  });

  it('equal the explicit softmax path with a bool mask, in float32', () => {
    const make = () => randn([2, 70, 8], { generator: new Generator().manualSeed(9) }).requiresGrad_();
    const keep = randn([70, 70], { generator: gen }).gt(-1.5);
    const fused = [make(), make(), make()];
    const explicit = [make(), make(), make()];
    const weights = randn([2, 70, 8], { generator: gen });
    backward(
      scaledDotProductAttention(fused[0]!, fused[1]!, fused[2]!, { attnMask: keep }).mul(weights).sum(),
    );
    const p = attentionScores(explicit[0]!, explicit[1]!, { attnMask: keep }).softmax(-1);
    backward(p.matmul(explicit[2]!).mul(weights).sum());
    fused.forEach((t: Tensor, i) => {
      const a = t.grad!.reshape(-1).tolist() as number[];
      const b = explicit[i]!.grad!.reshape(-1).tolist() as number[];
      for (const [j, x] of a.entries()) expect(Math.abs(x - b[j]!)).toBeLessThan(1e-5);
    });
  });
});
