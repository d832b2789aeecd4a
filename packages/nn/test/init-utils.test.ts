import { noGrad } from '@nn/autograd';
import { Conv2d, Flatten, init, Linear, MaxPool2d, ReLU, Sequential, summary, utils } from '@nn/nn';
import { empty, Generator, ones, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

function stats(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  const xs = Array.from(values);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs) };
}

describe('init', () => {
  it('calculateGain matches PyTorch', () => {
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(init.calculateGain('conv2d')).toBe(1);
  });

  it('draws uniform, normal, Xavier and Kaiming samples with the right spread, from a given Generator', () => {
    const g = () => ({ generator: new Generator(5) });
    const w = empty([200, 300]);
    const u = stats(init.uniform_(w, -2, 3, g()).dataSync());
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    expect(stats(init.normal_(w, 1, 2, g()).dataSync()).std).toBeCloseTo(2, 1);
    const xavier = stats(init.xavierUniform_(w, 1, g()).dataSync());
    expect(xavier.max).toBeLessThanOrEqual(Math.sqrt(6 / 500));
    expect(stats(init.xavierNormal_(w, 1, g()).dataSync()).std).toBeCloseTo(Math.sqrt(2 / 500), 3);
    const he = stats(init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu', ...g() }).dataSync());
    expect(he.std).toBeCloseTo(Math.sqrt(2 / 200), 3);
    const heU = stats(init.kaimingUniform_(w, { a: Math.sqrt(5), ...g() }).dataSync());
    expect(heU.max).toBeLessThanOrEqual(1 / Math.sqrt(300));
    expect([...init.uniform_(empty([3]), 0, 1, g()).dataSync()]).toEqual([
      ...init.uniform_(empty([3]), 0, 1, g()).dataSync(),
    ]);
  });

  it('fills constants and the identity', () => {
    expect(init.constant_(empty([2]), 0.5).tolist()).toEqual([0.5, 0.5]);
    expect(init.ones_(empty([2])).tolist()).toEqual([1, 1]);
    expect(init.zeros_(ones([2])).tolist()).toEqual([0, 0]);
    expect(init.eye_(empty([2, 3])).tolist()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(() => init.eye_(empty([2]))).toThrow(/only tensors with 2 dimensions/);
    expect(() => init.xavierUniform_(empty([3]))).toThrow(/fewer than 2 dimensions/);
  });

  it('orthogonal_ gives orthonormal rows (wide) or columns (tall), times the gain', () => {
    for (const shape of [
      [3, 7],
      [6, 2, 2],
    ]) {
      const w = init.orthogonal_(empty(shape, { dtype: 'float64' }), 2, { generator: new Generator(1) });
      const m = w.reshape([shape[0]!, -1]);
      const gram = shape[0]! <= m.shape[1]! ? m.matmul(m.t()) : m.t().matmul(m);
      const n = gram.shape[0]!;
      const want = Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j) => (i === j ? 4 : 0)),
      );
      for (const [i, row] of (gram.tolist() as number[][]).entries()) {
        for (const [j, v] of row.entries()) expect(v).toBeCloseTo(want[i]![j]!, 10);
      }
    }
  });

  it('works in place on parameters and leaves them leaves', () => {
    const fc = new Linear(3, 2);
    init.zeros_(fc.weight);
    expect(fc.weight.isLeaf && fc.weight.requiresGrad).toBe(true);
    expect(fc.weight.tolist()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('utils', () => {
  it('clipGradNorm_ scales gradients to the max norm and returns the total norm', () => {
    const a = new Linear(2, 1, { bias: false });
    a.weight.grad = tensor([[3, 4]], { dtype: 'float32' });
    const b = ones([1]).requiresGrad_();
    b.grad = tensor([12], { dtype: 'float32' });
    const total = utils.clipGradNorm_([a.weight, b], 6.5);
    expect(total.item()).toBeCloseTo(13, 5);
    expect((a.weight.grad.tolist() as number[][])[0]).toEqual([expect.closeTo(1.5, 5), expect.closeTo(2, 5)]);
    expect(b.grad!.item()).toBeCloseTo(6, 5);
    const c = ones([2]).requiresGrad_();
    c.grad = tensor([-3, 1], { dtype: 'float32' });
    expect(utils.clipGradNorm_(c, 10, { normType: Infinity }).item()).toBe(3);
    expect(c.grad.tolist()).toEqual([-3, 1]);
    c.grad = tensor([Number.NaN, 1], { dtype: 'float32' });
    expect(() => utils.clipGradNorm_(c, 1, { errorIfNonfinite: true })).toThrow(/non-finite/);
  });

  it('clipGradValue_ clamps each gradient element', () => {
    const p = ones([3]).requiresGrad_();
    p.grad = tensor([-5, 0.5, 9], { dtype: 'float32' });
    utils.clipGradValue_([p], 1);
    expect(p.grad.tolist()).toEqual([-1, 0.5, 1]);
  });

  it('parametersToVector and vectorToParameters round-trip', () => {
    const model = new Sequential(new Linear(3, 2), new Linear(2, 1));
    const vec = noGrad(() => utils.parametersToVector(model.parameters()));
    expect(vec.shape).toEqual([11]);
    const target = new Sequential(new Linear(3, 2), new Linear(2, 1));
    utils.vectorToParameters(vec, target.parameters());
    expect(target.stateDict()['1.weight']!.tolist()).toEqual(model.stateDict()['1.weight']!.tolist());
    expect(() => utils.vectorToParameters(ones([3]), target.parameters())).toThrow(
      /1-D vector of 11 elements/,
    );
  });
});

describe('summary', () => {
  it('lists layers, output shapes and parameter counts as torchinfo does', () => {
    const model = new Sequential(
      new Conv2d(1, 32, 3),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(32, 64, 3),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(1600, 128),
      new ReLU(),
      new Linear(128, 10),
    );
    const text = summary(model, [1, 1, 28, 28]);
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^Layer \(type:depth-idx\)\s+Output Shape\s+Param #$/);
    expect(lines[3]).toMatch(/^Sequential\s+\[1, 10\]\s+--$/);
    expect(lines[4]).toMatch(/^├─Conv2d: 1-1\s+\[1, 32, 26, 26\]\s+320$/);
    expect(lines[9]).toMatch(/^├─MaxPool2d: 1-6\s+\[1, 64, 5, 5\]\s+--$/);
    expect(lines[11]).toMatch(/^├─Linear: 1-8\s+\[1, 128\]\s+204,928$/);
    expect(text).toContain('Total params: 225,034\nTrainable params: 225,034\nNon-trainable params: 0');
    // Hooks are removed afterwards.
    expect(summary(model, [2, 1, 28, 28]).split('\n')).toHaveLength(lines.length);
  });
});
