import { describe, expect, it } from 'vitest';
import {
  attentionScores,
  DTypeError,
  Generator,
  randn,
  runKernelMulti,
  ShapeError,
  scaledDotProductAttention,
  type Tensor,
  ValueError,
  zeros,
} from '../src';
import {
  ATTENTION_BLOCK_COLS,
  ATTENTION_BLOCK_ROWS,
  attentionScratchElements,
} from '../src/backends/cpu/attention';

// The fused kernel against the explicit softmax(q k^T * scale + mask) v, which is what torch 1.13 computes
// (its MultiheadAttention does exactly this); torch parity of both is in @nn/nn's fixture tests.

const gen = () => new Generator().manualSeed(17);

function reference(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: Parameters<typeof attentionScores>[2] = {},
): Tensor {
  return attentionScores(q, k, options).softmax(-1).matmul(v);
}

function expectClose(actual: Tensor, expected: Tensor, tolerance: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const flatA = actual.reshape(-1).tolist() as number[];
  const flatE = expected.reshape(-1).tolist() as number[];
  flatA.forEach((x, i) => {
    if (Number.isNaN(flatE[i]!)) expect(x).toBeNaN();
    else expect(Math.abs(x - flatE[i]!)).toBeLessThanOrEqual(tolerance * (1 + Math.abs(flatE[i]!)));
  });
}

describe('scaledDotProductAttention (fused CPU kernel)', () => {
  const g = gen();
  // sizes that cross the tile edges (32 query rows, 64 keys per tile)
  const q = randn([2, 3, 70, 5], { generator: g, dtype: 'float64' });
  const k = randn([2, 3, 130, 5], { generator: g, dtype: 'float64' });
  const v = randn([2, 3, 130, 4], { generator: g, dtype: 'float64' });

  it('matches the explicit softmax without a mask, with any scale', () => {
    expectClose(scaledDotProductAttention(q, k, v), reference(q, k, v), 1e-12);
    expectClose(
      scaledDotProductAttention(q, k, v, { scale: 0.3 }),
      reference(q, k, v, { scale: 0.3 }),
      1e-12,
    );
  });

  it('adds a float mask and keeps where a bool mask is true, broadcasting both', () => {
    const additive = randn([70, 130], { generator: g, dtype: 'float64' });
    expectClose(
      scaledDotProductAttention(q, k, v, { attnMask: additive }),
      reference(q, k, v, { attnMask: additive }),
      1e-12,
    );
    const keep = randn([2, 1, 70, 130], { generator: g }).gt(-1);
    expectClose(
      scaledDotProductAttention(q, k, v, { attnMask: keep }),
      reference(q, k, v, { attnMask: keep }),
      1e-12,
    );
  });

  it('is causal top-left aligned (key j <= query i) for L < S and L > S', () => {
    expectClose(
      scaledDotProductAttention(q, k, v, { isCausal: true }),
      reference(q, k, v, { isCausal: true }),
      1e-12,
    );
    const kShort = k.narrow(2, 0, 40);
    const vShort = v.narrow(2, 0, 40);
    expectClose(
      scaledDotProductAttention(q, kShort, vShort, { isCausal: true }),
      reference(q, kShort, vShort, { isCausal: true }),
      1e-12,
    );
  });

  it('reads strided and broadcast operands, float32 within float32 rounding', () => {
    const qt = randn([3, 9, 2, 6], { generator: g }).permute(2, 0, 1, 3); // [2, 3, 9, 6] non-contiguous
    const kt = randn([6, 11], { generator: g }).mT; // [11, 6], broadcast over the batch
    const vt = randn([2, 1, 11, 3], { generator: g });
    const out = scaledDotProductAttention(qt, kt, vt);
    expect(out.shape).toEqual([2, 3, 9, 3]);
    expect(out.dtype).toBe('float32');
    expectClose(out, reference(qt, kt, vt), 1e-5);
  });

  it('gives NaN for a row whose keys are all masked out and 0 without keys, as the explicit softmax', () => {
    const keep = randn([70, 130], { generator: g }).gt(-10);
    const blocked = keep.clone();
    blocked.select(0, 3).fill_(false);
    const out = scaledDotProductAttention(q, k, v, { attnMask: blocked });
    expect((out.select(2, 3).reshape(-1).tolist() as number[]).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN((out.select(2, 4).reshape(-1).tolist() as number[])[0]!)).toBe(false);
    const none = scaledDotProductAttention(
      q,
      zeros([2, 3, 0, 5], { dtype: 'float64' }),
      zeros([2, 3, 0, 4], { dtype: 'float64' }),
    );
    expect(none.shape).toEqual([2, 3, 70, 4]);
    expect((none.reshape(-1).tolist() as number[]).every((x) => x === 0)).toBe(true);
  });

  it('backward kernel matches the explicit gradients (masks, causal)', () => {
    const grad = randn([2, 3, 70, 4], { generator: g, dtype: 'float64' });
    const mask = randn([70, 130], { generator: g, dtype: 'float64' }).expand([2, 3, 70, 130]);
    for (const [m, isCausal] of [
      [null, false],
      [mask, false],
      [null, true],
    ] as const) {
      const inputs = m ? [q, k, v, m] : [q, k, v];
      const attrs = { scale: 0.4, isCausal };
      const [out, lse] = runKernelMulti('scaledDotProductAttention', inputs, attrs);
      const [dq, dk, dv] = runKernelMulti(
        'scaledDotProductAttentionBackward',
        [grad, q, k, v, out!, lse!, ...(m ? [m] : [])],
        attrs,
      );
      const p = attentionScores(q, k, { attnMask: m, isCausal, scale: 0.4 }).softmax(-1);
      const dp = grad.matmul(v.mT);
      const ds = p.mul(dp.sub(dp.mul(p).sum(-1, { keepdim: true })));
      expectClose(dq!, ds.matmul(k).mul(0.4), 1e-11);
      expectClose(dk!, ds.mT.matmul(q).mul(0.4), 1e-11);
      expectClose(dv!, p.mT.matmul(grad), 1e-11);
      expectClose(lse!, attentionScores(q, k, { attnMask: m, isCausal, scale: 0.4 }).logsumexp(-1), 1e-12);
    }
  });

  it('never allocates an [L, S] matrix: L = S = 4096 runs in fixed-size tiles', () => {
    const L = 4096;
    const E = 8;
    const lq = randn([1, L, E], { generator: g });
    const lk = randn([1, L, E], { generator: g });
    const lv = randn([1, L, E], { generator: g });
    attentionScratchElements(true);
    const [out, lse] = runKernelMulti('scaledDotProductAttention', [lq, lk, lv], {
      scale: 0.5,
      isCausal: true,
    });
    const forwardScratch = attentionScratchElements(true);
    const grad = randn([1, L, E], { generator: g });
    const [dq] = runKernelMulti('scaledDotProductAttentionBackward', [grad, lq, lk, lv, out!, lse!], {
      scale: 0.5,
      isCausal: true,
    });
    const backwardScratch = attentionScratchElements(true);
    // two score tiles, an accumulator tile and per-row statistics: nothing grows with L or S
    const bound = 2 * ATTENTION_BLOCK_ROWS * (ATTENTION_BLOCK_COLS + E) + 4 * ATTENTION_BLOCK_ROWS;
    expect(forwardScratch).toBeLessThanOrEqual(bound);
    expect(backwardScratch).toBeLessThanOrEqual(bound);
    expect(bound).toBeLessThan((L * L) / 50);
    // the naive reference for a sample of query rows (spread over the tiles) against every key
    const rows = [0, 1, 31, 32, 1000, 2047, 4095];
    for (const i of rows) {
      const qi = lq.narrow(1, i, 1);
      const keys = lk.narrow(1, 0, i + 1);
      const values = lv.narrow(1, 0, i + 1);
      const expected = reference(qi, keys, values, { scale: 0.5 });
      expectClose(out!.narrow(1, i, 1), expected, 1e-5);
      // dq of row i: sum_j p_j (g . v_j - g . o) k_j * scale
      const p = attentionScores(qi, keys, { scale: 0.5 }).softmax(-1);
      const gi = grad.narrow(1, i, 1);
      const dp = gi.matmul(values.mT);
      const ds = p.mul(dp.sub(dp.mul(p).sum(-1, { keepdim: true })));
      expectClose(dq!.narrow(1, i, 1), ds.matmul(keys).mul(0.5), 1e-4);
    }
  });

  it('rejects bad input naming the op, the shapes and the fix', () => {
    expect(() => scaledDotProductAttention(q, k.narrow(3, 0, 4), v)).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, k.narrow(3, 0, 4), v)).toThrow(
      /scaledDotProductAttention.*key's E 4 != query's 5/,
    );
    expect(() => scaledDotProductAttention(q, k, v.narrow(2, 0, 9))).toThrow(/value's S 9 != key's 130/);
    expect(() => scaledDotProductAttention(q, k.float(), v)).toThrow(DTypeError);
    expect(() =>
      scaledDotProductAttention(q, k, v, { attnMask: zeros([70, 7], { dtype: 'float64' }) }),
    ).toThrow(/attnMask \[70,7\] does not broadcast to the scores' shape \[2,3,70,130\]/);
    expect(() => scaledDotProductAttention(q, k, v, { attnMask: zeros([70, 130]) })).toThrow(
      /attnMask must be bool/,
    );
    expect(() =>
      scaledDotProductAttention(q, k, v, { attnMask: zeros([70, 130], { dtype: 'bool' }), isCausal: true }),
    ).toThrow(ValueError);
    expect(() => scaledDotProductAttention(q, k, v, { dropoutP: 0.1 } as never)).toThrow(/dropoutP/);
  });
});
