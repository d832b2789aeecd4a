import { gradcheck } from '@nn/autograd';
import { randn } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { fitResidualNet, ResidualNet, Swish } from '../src/residual';

describe('custom Module + custom Function example', () => {
  it("Swish's hand-written backward passes gradcheck", () => {
    const x = randn([5, 3], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((t) => Swish.apply(t), [x])).toBe(true);
  });

  it('the residual net names its parameters like PyTorch and learns', () => {
    const names = [...new ResidualNet(2, 4, 2).namedParameters()].map(([name]) => name);
    expect(names).toEqual([
      'input.weight',
      'input.bias',
      'blocks.0.fc1.weight',
      'blocks.0.fc1.bias',
      'blocks.0.fc2.weight',
      'blocks.0.fc2.bias',
      'blocks.1.fc1.weight',
      'blocks.1.fc1.bias',
      'blocks.1.fc2.weight',
      'blocks.1.fc2.bias',
      'head.weight',
      'head.bias',
    ]);
    const { losses } = fitResidualNet({ steps: 150 });
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 10);
  });
});
