// nn.utils weightNorm / spectralNorm / parametrize / prune beyond their fixture numbers: removal, eval
// behaviour, optimizers, assignment through rightInverse, random pruning counts and the errors.
import '@nn/autograd';
import { Conv2d, Linear, Module, Parameter, Sequential, utils } from '@nn/nn';
import { SGD } from '@nn/optim';
import { manualSeed, ones, randn, type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

const { parametrize, prune } = utils;

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item() as number;
}

/** The largest singular value of a matrix, by many power-iteration steps. */
function sigmaMax(m: Tensor): number {
  let v = ones([m.shape[1]!]);
  for (let i = 0; i < 100; i++)
    v = m
      .t()
      .matmul(m.matmul(v))
      .div(m.t().matmul(m.matmul(v)).norm());
  return m.matmul(v).norm().item() as number;
}

describe('weightNorm', () => {
  it('keeps the weight, trains g and v, and removeWeightNorm restores one parameter with the same values', () => {
    const plain = new Linear(4, 3);
    const before = plain.weight.detach().clone();
    const layer = utils.weightNorm(plain);
    expect(maxAbsDiff(layer.weight, before)).toBeLessThan(1e-6);
    expect(layer.weight_g.shape).toEqual([3, 1]);
    const optimizer = new SGD(layer.parameters(), { lr: 0.1 });
    layer
      .call(randn([5, 4]))
      .sum()
      .backward();
    optimizer.step();
    layer.call(randn([1, 4]));
    const trained = layer.weight.detach().clone();
    expect(maxAbsDiff(trained, before)).toBeGreaterThan(1e-4);
    utils.removeWeightNorm(layer);
    expect(Object.keys(layer.stateDict())).toEqual(['bias', 'weight']);
    expect(layer.weight).toBeInstanceOf(Parameter);
    expect(maxAbsDiff(layer.weight, trained)).toBeLessThan(1e-6);
  });

  it('refuses a second hook, a missing parameter and removing what was never applied', () => {
    const layer = utils.weightNorm(new Linear(2, 2));
    expect(() => utils.weightNorm(layer)).toThrow(
      /cannot register two weight_norm hooks on the same parameter weight/,
    );
    expect(() => utils.weightNorm(new Linear(2, 2), { name: 'scale' })).toThrow(
      /weightNorm.*Linear has no parameter 'scale'; its parameters are \[weight, bias\]/,
    );
    expect(() => utils.removeWeightNorm(new Linear(2, 2))).toThrow(
      /weight_norm of 'weight' not found in Linear/,
    );
    expect(() => utils.weightNorm(new Linear(2, 2), { dim: 2 })).toThrow(/dim 2 is out of range/);
  });
});

describe('spectralNorm', () => {
  it('drives the largest singular value to 1 in training and keeps u and v fixed in eval', () => {
    manualSeed(5);
    const layer = utils.spectralNorm(new Linear(6, 4));
    for (let i = 0; i < 30; i++) layer.call(randn([1, 6]));
    expect(Math.abs(sigmaMax(layer.weight.detach()) - 1)).toBeLessThan(1e-3);
    layer.eval();
    const u = layer.weight_u.clone();
    layer.call(randn([1, 6]));
    expect(maxAbsDiff(layer.weight_u, u)).toBe(0);
  });

  it('removeSpectralNorm leaves one parameter with the normalised weight', () => {
    const layer = utils.spectralNorm(new Conv2d(2, 3, 3), { nPowerIterations: 5 });
    layer.call(randn([1, 2, 5, 5]));
    layer.eval();
    layer.call(randn([1, 2, 5, 5]));
    const normalised = layer.weight.detach().clone();
    utils.removeSpectralNorm(layer);
    expect(Object.keys(layer.stateDict())).toEqual(['bias', 'weight']);
    expect(maxAbsDiff(layer.weight, normalised)).toBeLessThan(1e-6);
    expect(() => utils.removeSpectralNorm(layer)).toThrow(/spectral_norm of 'weight' not found in Conv2d/);
    expect(() => utils.spectralNorm(layer, { nPowerIterations: -1 })).toThrow(/non-negative integer/);
  });
});

class Symmetric extends Module {
  override forward(x: Tensor): Tensor {
    return x.triu().add(x.triu(1).mT);
  }
  rightInverse(x: Tensor): Tensor {
    return x.triu();
  }
}

class Double extends Module {
  override forward(x: Tensor): Tensor {
    return x.mul(2);
  }
}

class Truncate extends Module {
  override forward(x: Tensor): Tensor {
    return x.narrow(0, 0, 1);
  }
}

describe('parametrize', () => {
  it('keeps the stored Parameter for optimizers, assigns through rightInverse and removes either way', () => {
    const plain = new Linear(3, 3);
    const original = plain.weight;
    const layer = parametrize.registerParametrization(plain, 'weight', new Symmetric());
    expect(parametrize.isParametrized(layer)).toBe(true);
    expect(parametrize.isParametrized(layer, 'bias')).toBe(false);
    expect(
      (layer.parametrizations.get('weight') as InstanceType<typeof utils.parametrize.ParametrizationList>)
        .original,
    ).toBe(original);
    expect(layer.parameters()).toContain(original);
    const target = tensor([
      [1, 2, 3],
      [2, 4, 5],
      [3, 5, 6],
    ]).float();
    layer.weight = target;
    expect(layer.weight.tolist()).toEqual(target.tolist());
    expect(original.tolist()).toEqual(target.triu().tolist());
    parametrize.removeParametrizations(layer, 'weight');
    expect(layer.weight).toBe(original);
    expect(layer.weight.tolist()).toEqual(target.tolist());
    expect(Object.keys(layer.stateDict())).toEqual(['bias', 'weight']);
    expect(layer.constructor.name).toBe('Linear');
    expect(parametrize.isParametrized(layer)).toBe(false);

    const kept = parametrize.registerParametrization(new Linear(2, 2), 'weight', new Double());
    const stored = (
      kept.parametrizations.get('weight') as InstanceType<typeof utils.parametrize.ParametrizationList>
    ).original.clone();
    parametrize.removeParametrizations(kept, 'weight', { leaveParametrized: false });
    expect(kept.weight.tolist()).toEqual(stored.tolist());
  });

  it('parametrizes buffers too and checks shapes unless unsafe', () => {
    const bn = new Sequential(new Linear(2, 2)).at(0) as Linear;
    bn.registerBuffer('scale', ones([2]));
    parametrize.registerParametrization(bn, 'scale', new Double());
    expect(Object.keys(bn.stateDict())).toContain('parametrizations.scale.original');
    expect((bn as unknown as { scale: Tensor }).scale.tolist()).toEqual([2, 2]);
    expect(() => parametrize.registerParametrization(new Linear(2, 2), 'weight', new Truncate())).toThrow(
      /registerParametrization.*Truncate.forward must keep the tensor's dtype and shape: expected float32 \[2,2\], got float32 \[1,2\]; pass \{ unsafe: true \}/,
    );
    const unsafe = parametrize.registerParametrization(new Linear(2, 2), 'weight', new Truncate(), {
      unsafe: true,
    });
    expect(unsafe.weight.shape).toEqual([1, 2]);
    expect(() => parametrize.registerParametrization(new Linear(2, 2), 'nothing', new Double())).toThrow(
      /does not have a parameter, a buffer, or a parametrized element with name 'nothing'/,
    );
    expect(() => parametrize.removeParametrizations(new Linear(2, 2), 'weight')).toThrow(
      /does not have a parametrization on 'weight'/,
    );
    const noInverse = parametrize.registerParametrization(new Linear(2, 2), 'weight', new Double());
    expect(() => {
      noInverse.weight = ones([2, 2]);
    }).toThrow(/Double does not implement rightInverse/);
  });
});

describe('prune', () => {
  it('randomUnstructured prunes exactly round(amount * n) entries, then among the kept ones', () => {
    manualSeed(2);
    const layer = prune.randomUnstructured(new Linear(10, 10), 'weight', 0.25);
    expect(layer.weight_mask.eq(0).sum().item()).toBe(25);
    expect(layer.weight.eq(0).sum().item()).toBe(25);
    prune.randomUnstructured(layer, 'weight', 10);
    expect(layer.weight_mask.eq(0).sum().item()).toBe(35);
  });

  it('masks gradients, isPruned sees it from a parent, and remove makes it permanent on the same Parameter', () => {
    const plain = new Linear(4, 2);
    const parent = new Sequential(plain);
    const param = plain.weight;
    const layer = prune.l1Unstructured(plain, 'weight', 3);
    expect(prune.isPruned(parent)).toBe(true);
    expect(layer.weight_orig).toBe(param);
    parent
      .call(randn([3, 4]))
      .sum()
      .backward();
    expect(param.grad!.mul(layer.weight_mask.eq(0)).abs().sum().item()).toBe(0);
    const pruned = layer.weight.detach().clone();
    prune.remove(layer, 'weight');
    expect(layer.weight).toBe(param);
    expect(layer.weight.tolist()).toEqual(pruned.tolist());
    expect(Object.keys(layer.stateDict())).toEqual(['bias', 'weight']);
    expect(prune.isPruned(parent)).toBe(false);
  });

  it('ranks by importanceScores when given and checks amounts', () => {
    const layer = prune.l1Unstructured(new Linear(3, 1), 'weight', 1, {
      importanceScores: tensor([[3, 1, 2]]),
    });
    expect(layer.weight_mask.tolist()).toEqual([[1, 0, 1]]);
    expect(() => prune.l1Unstructured(new Linear(3, 1), 'weight', 4)).toThrow(
      /amount=4 should be smaller than the number of parameters to prune=3/,
    );
    expect(() => prune.l1Unstructured(new Linear(3, 1), 'weight', 1.5)).toThrow(
      /fraction in \(0, 1\) or a non-negative integer/,
    );
    expect(() =>
      prune.l1Unstructured(new Linear(3, 1), 'weight', 1, { importanceScores: ones([3]) }),
    ).toThrow(
      /importanceScores should have the same shape as parameter 'weight' of Linear: \[1,3\], got \[3\]/,
    );
    expect(() => prune.remove(new Linear(3, 1), 'weight')).toThrow(
      /has to be pruned before pruning can be removed/,
    );
  });
});
