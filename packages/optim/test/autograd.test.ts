import '@nn/autograd';
import { tensor } from '@nn/tensor';
import { expect, it } from 'vitest';
import { Adam } from '../src/index';

it('trains parameters whose gradients come from backward(), without recording its own updates', () => {
  const start = [1.5, -2, 0.25];
  const viaBackward = tensor(start, { dtype: 'float64', requiresGrad: true });
  const byHand = tensor(start, { dtype: 'float64' });
  const optimizers = [new Adam([viaBackward], { lr: 0.1 }), new Adam([byHand], { lr: 0.1 })];
  for (let i = 0; i < 5; i++) {
    for (const opt of optimizers) opt.zeroGrad();
    viaBackward.mul(viaBackward).sum().backward(); // d/dx sum(x^2) = 2x
    byHand.grad = byHand.mul(2);
    for (const opt of optimizers) opt.step();
  }
  expect(viaBackward.isLeaf).toBe(true);
  expect(viaBackward.requiresGrad).toBe(true);
  expect(viaBackward.tolist()).toEqual(byHand.tolist());
});
