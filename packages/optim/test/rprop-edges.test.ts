import { tensor } from '@nn/tensor';
import { expect, it } from 'vitest';
import { Rprop } from '../src/index';

// torch 1.13, float32 (`torch.optim.Rprop([p], lr=0.01)`, the two gradients below, state after each step):
// torch's sign is 0 at NaN, so a NaN gradient moves neither the parameter nor its step size; and
// `grad * prev` is a float32 product, so 1e-30 * 1e-30 underflows to 0 (factor 1, not etaplus).
it('Rprop follows torch at a NaN gradient and at an underflowing grad * prev', () => {
  const p = tensor([1, 2, 3, 1e-30], { requiresGrad: true });
  const optimizer = new Rprop([p], { lr: 0.01 });
  const f32 = (values: number[]) => Array.from(Float32Array.from(values));
  const expected = [
    { p: [0.99, 2, 3.01, -0.01], prev: [0.5, Number.NaN, -1, 1e-30], size: [0.01, 0.01, 0.01, 0.01] },
    { p: [0.978, 1.99, 3.01, -0.02], prev: [0.5, 1, 0, 1e-30], size: [0.012, 0.01, 0.005, 0.01] },
  ];
  [
    [0.5, Number.NaN, -1, 1e-30],
    [0.5, 1, 1, 1e-30],
  ].forEach((grad, step) => {
    p.grad = tensor(grad);
    optimizer.step();
    const state = optimizer.state.get(p)!;
    expect(Array.from(p.dataSync())).toEqual(f32(expected[step]!.p));
    expect(Array.from(state.prev.dataSync())).toEqual(f32(expected[step]!.prev));
    expect(Array.from(state.step_size.dataSync())).toEqual(f32(expected[step]!.size));
  });
});
