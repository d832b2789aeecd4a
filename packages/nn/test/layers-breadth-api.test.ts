// The issue-18 layers beyond their fixture numbers: PyTorch's printing, the parameter containers with
// an optimizer, EmbeddingBag's API, alpha dropout's statistics, and the errors bad input gets.
import '@nn/autograd';
import {
  AlphaDropout,
  BatchNorm3d,
  ConstantPad1d,
  ConstantPad3d,
  CosineSimilarity,
  EmbeddingBag,
  F,
  FeatureAlphaDropout,
  InstanceNorm1d,
  InstanceNorm2d,
  InstanceNorm3d,
  Linear,
  LocalResponseNorm,
  Module,
  PairwiseDistance,
  Parameter,
  ParameterDict,
  ParameterList,
  ReflectionPad2d,
  ReplicationPad1d,
  ReplicationPad3d,
  utils,
  ZeroPad2d,
} from '@nn/nn';
import { SGD } from '@nn/optim';
import { arange, Generator, manualSeed, ones, randn, type Tensor, tensor, zeros } from '@nn/tensor';
import { loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it, vi } from 'vitest';

const { cases } = loadFixtures<Record<string, string>>(
  new URL('./fixtures/layers-breadth.jsonl', import.meta.url),
);

class Symmetric extends Module {
  override forward(x: Tensor): Tensor {
    return x.triu().add(x.triu(1).mT);
  }
}

describe('toString() prints what PyTorch 1.13 prints', () => {
  const f64 = { dtype: 'float64' } as const;
  const modules: Record<string, () => Module> = {
    instance_norm1d: () => new InstanceNorm1d(3),
    instance_norm2d: () => new InstanceNorm2d(3, { affine: true, trackRunningStats: true }),
    instance_norm3d: () => new InstanceNorm3d(5, { eps: 1e-3, momentum: 0.2 }),
    batch_norm3d: () => new BatchNorm3d(4),
    local_response_norm: () => new LocalResponseNorm(3),
    local_response_norm_options: () => new LocalResponseNorm(4, { alpha: 0.01, beta: 0.5, k: 2 }),
    zero_pad2d: () => new ZeroPad2d(2),
    constant_pad1d: () => new ConstantPad1d(2, 3.5),
    constant_pad3d: () => new ConstantPad3d([1, 2, 3, 4, 5, 6], 0),
    reflection_pad2d: () => new ReflectionPad2d(1),
    replication_pad3d: () => new ReplicationPad3d(2),
    replication_pad1d: () => new ReplicationPad1d([1, 2]),
    parameter_list: () => new ParameterList([zeros([2, 3]), zeros([3])]),
    parameter_dict: () => new ParameterDict({ a: zeros([2]), b: zeros([3], f64) }),
    embedding_bag: () => new EmbeddingBag(10, 3),
    embedding_bag_max: () => new EmbeddingBag(10, 3, { mode: 'max', paddingIdx: 2, includeLastOffset: true }),
    alpha_dropout: () => new AlphaDropout(0.2),
    feature_alpha_dropout: () => new FeatureAlphaDropout(0.3),
    cosine_similarity: () => new CosineSimilarity(),
    pairwise_distance: () => new PairwiseDistance(),
    parametrized_linear: () =>
      utils.parametrize.registerParametrization(new Linear(3, 3), 'weight', new Symmetric()),
  };
  const want = cases.reprs!;
  it('covers every printed case', () =>
    expect(Object.keys(modules).sort()).toEqual(Object.keys(want).sort()));
  for (const [name, make] of Object.entries(modules)) it(name, () => expect(String(make())).toBe(want[name]));
});

describe('ParameterList / ParameterDict', () => {
  class Mixture extends Module {
    scales = new ParameterList([ones([2]), ones([3])]);
    heads = new ParameterDict({ mean: zeros([2]), logStd: zeros([2]) });
  }

  it("keys parameters as PyTorch ('0', '1' / by name) and optimizers update them", () => {
    const model = new Mixture();
    expect(Object.keys(model.stateDict())).toEqual(['scales.0', 'scales.1', 'heads.mean', 'heads.logStd']);
    expect(model.scales.at(0)).toBeInstanceOf(Parameter);
    const optimizer = new SGD(model.parameters(), { lr: 0.5 });
    model.scales.at(-1).sum().add(model.heads.get('mean')!.sum()).backward();
    optimizer.step();
    expect(model.scales.at(1).tolist()).toEqual([0.5, 0.5, 0.5]);
    expect(model.heads.get('mean')!.tolist()).toEqual([-0.5, -0.5]);
    expect(model.scales.at(0).tolist()).toEqual([1, 1]);
  });

  it('mirrors ModuleList / ModuleDict: append, set, iterate, pop, load and move keeping the objects', () => {
    const list = new ParameterList();
    list.append(ones([1])).extend([zeros([2])]);
    const first = list.at(0);
    list.set(1, ones([4]));
    expect([...list].map((p) => p.shape)).toEqual([[1], [4]]);
    list.loadStateDict({ 0: tensor([7]), 1: tensor([1, 2, 3, 4]) });
    list.double();
    expect(list.at(0)).toBe(first);
    expect(first.dtype).toBe('float64');
    expect(first.tolist()).toEqual([7]);
    const dict = new ParameterDict([['w', ones([2])]]);
    dict.set('b', zeros([1]));
    expect([...dict]).toEqual(['w', 'b']);
    expect(dict.has('b')).toBe(true);
    expect(dict.pop('w')!.shape).toEqual([2]);
    expect(dict.keys()).toEqual(['b']);
    dict.clear();
    expect(dict.length).toBe(0);
  });

  it('name the container, index and fix on bad use', () => {
    expect(() => new ParameterList([ones([1])]).at(3)).toThrow(
      /ParameterList.at.*index 3 is out of range for ParameterList of length 1/,
    );
    expect(() => new ParameterDict().set('a.b', ones([1]))).toThrow(/ParameterDict.set.*without "\."/);
    expect(() => new ParameterList([3 as unknown as Tensor])).toThrow(/ParameterList.append.*not a Tensor/);
  });
});

describe('EmbeddingBag', () => {
  it('fromPretrained uses the table as given, frozen unless freeze: false', () => {
    const table = arange(0, 12).reshape([4, 3]).float();
    const bag = EmbeddingBag.fromPretrained(table, { mode: 'max' });
    expect(bag.weight.requiresGrad).toBe(false);
    expect(
      bag
        .call(
          tensor([
            [0, 3],
            [1, 2],
          ]),
        )
        .tolist(),
    ).toEqual([
      [9, 10, 11],
      [6, 7, 8],
    ]);
    expect(EmbeddingBag.fromPretrained(table, { freeze: false }).weight.requiresGrad).toBe(true);
  });

  it('gives zeros for empty bags and drops the padding row from means', () => {
    const table = arange(0, 12).reshape([4, 3]).float();
    const bag = EmbeddingBag.fromPretrained(table, { paddingIdx: 0 });
    expect(bag.call(tensor([0, 0, 2, 0]), tensor([0, 2, 2])).tolist()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [6, 7, 8],
    ]);
  });

  it('takes 2-D input with includeLastOffset as PyTorch: the last row only closes the bag before it', () => {
    const table = arange(0, 30).reshape([10, 3]).float();
    const bag = EmbeddingBag.fromPretrained(table, { mode: 'sum', includeLastOffset: true });
    expect(
      bag
        .call(
          tensor([
            [1, 2],
            [4, 3],
            [0, 5],
          ]),
        )
        .tolist(),
    ).toEqual([
      [9, 11, 13],
      [21, 23, 25],
    ]);
  });

  it('checks offsets, modes and indices as PyTorch', () => {
    const bag = new EmbeddingBag(5, 2);
    expect(() => bag.call(tensor([1, 2]), tensor([1]))).toThrow(/offsets\[0\] has to be 0/);
    expect(() => bag.call(tensor([1, 2]), tensor([0, 3]))).toThrow(
      /offsets\[-1\] can not be greater than input's length 2/,
    );
    expect(() => bag.call(tensor([1, 2]), tensor([0, 2, 1]))).toThrow(/non-decreasing/);
    expect(() => bag.call(tensor([[1, 2]]), tensor([0]))).toThrow(
      /if input is 2D, then offsets has to be null/,
    );
    expect(() => bag.call(tensor([1, 2]))).toThrow(/offsets has to be a 1D tensor/);
    expect(() => bag.call(tensor([1, 7]), tensor([0]))).toThrow(
      /embeddingBag.*index 7 is out of range for an embedding of 5 rows/,
    );
    expect(() => bag.call(tensor([1, 2]), tensor([0]), ones([2]))).toThrow(
      /only supported for mode='sum' \(got mode='mean'\)/,
    );
    expect(() => new EmbeddingBag(5, 2, { mode: 'min' as 'max' })).toThrow(/mode has to be one of/);
    expect(() => new EmbeddingBag(5, 2, { maxNorm: 1 } as never)).toThrow(/EmbeddingBag.*maxNorm/);
  });
});

describe('AlphaDropout', () => {
  const alpha = 1.7580993408473766;
  it('sends dropped units to one value and keeps the mean and variance of standard normal input', () => {
    manualSeed(3);
    const p = 0.2;
    const x = randn([200000]);
    const y = new AlphaDropout(p).call(x);
    const a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
    const kept = y
      .sub(x.mul(a))
      .sub(alpha * a * p)
      .abs()
      .lt(1e-5);
    const dropped = y
      .sub(alpha * a * (p - 1))
      .abs()
      .lt(1e-5);
    expect(kept.logicalOr(dropped).all().item()).toBe(true);
    const fraction = dropped.float().mean().item() as number;
    expect(Math.abs(fraction - p)).toBeLessThan(0.005);
    expect(Math.abs(y.mean().item() as number)).toBeLessThan(0.01);
    expect(Math.abs((y.std().item() as number) - 1)).toBeLessThan(0.01);
  });

  it('FeatureAlphaDropout drops whole channels; both are the identity in eval, zeros at p = 1', () => {
    const x = randn([4, 6, 5]);
    const y = F.featureAlphaDropout(x, 0.5, true, { generator: new Generator().manualSeed(1) });
    const a = 1 / Math.sqrt((alpha * alpha * 0.5 + 1) * 0.5);
    const droppedPlanes = y
      .sub(alpha * a * -0.5)
      .abs()
      .lt(1e-5)
      .all(2);
    const keptPlanes = y
      .sub(x.mul(a))
      .sub(alpha * a * 0.5)
      .abs()
      .lt(1e-5)
      .all(2);
    expect(droppedPlanes.logicalOr(keptPlanes).all().item()).toBe(true);
    expect(droppedPlanes.any().item()).toBe(true);
    expect(keptPlanes.any().item()).toBe(true);
    expect(new FeatureAlphaDropout(0.5).eval().call(x)).toBe(x);
    expect(F.alphaDropout(x, 1, true).abs().sum().item()).toBe(0);
    expect(() => F.featureAlphaDropout(ones([3]), 0.5, true)).toThrow(
      /featureAlphaDropout.*at least 2 dimensions/,
    );
    expect(() => new AlphaDropout(1.5)).toThrow(/AlphaDropout.*between 0 and 1/);
  });
});

describe('errors name the layer, the shapes and the fix', () => {
  it('normalisation', () => {
    expect(() => new InstanceNorm1d(3).call(ones([3]))).toThrow(
      /InstanceNorm1d.*expected 2D \(unbatched\) or 3D input \(got 1D/,
    );
    expect(() => new InstanceNorm2d(3, { affine: true }).call(ones([2, 4, 3, 3]))).toThrow(
      /InstanceNorm2d.*expected input's size at dim=1 \(4, input shape \[2,4,3,3\]\) to match num_features \(3\)/,
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(new InstanceNorm1d(3).call(randn([2, 4, 5])).shape).toEqual([2, 4, 5]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/InstanceNorm1d: .* does not match num_features \(3\)/),
    );
    warn.mockRestore();
    expect(() => new InstanceNorm1d(3, { momentum: null as unknown as number })).toThrow(
      /InstanceNorm1d.*momentum=null/,
    );
    expect(() => new BatchNorm3d(3).call(ones([2, 3, 4]))).toThrow(/BatchNorm3d.*expected 5D input \(got 3D/);
    expect(() => new InstanceNorm2d(3).call(ones([1, 3, 1, 1]))).toThrow(/more than 1 spatial element/);
    expect(() => new LocalResponseNorm(2).call(ones([2, 3]))).toThrow(/localResponseNorm.*3D or higher/);
    expect(() => new BatchNorm3d(3, { afine: true } as never)).toThrow(/BatchNorm3d.*afine/);
    expect(() => new LocalResponseNorm(0)).toThrow(/LocalResponseNorm.*positive integer/);
  });

  it('padding', () => {
    expect(() => new ReflectionPad2d(1).call(ones([3, 3]))).toThrow(
      /ReflectionPad2d.*expected 3D \(unbatched\) or 4D input, got 2D/,
    );
    expect(() => new ZeroPad2d([1, 2, 3])).toThrow(/ZeroPad2d.*padding must be an int or 4 ints/);
    expect(() => new ReflectionPad2d(3).call(ones([1, 3, 3]))).toThrow(/reflect padding must be smaller/);
  });

  it('distances', () => {
    expect(() => F.cosineSimilarity(ones([2, 3]), ones([2, 3]), { dim: 2 })).toThrow(
      /cosineSimilarity.*dim 2 is out of range/,
    );
    expect(() => F.pairwiseDistance(tensor([1, 2]), tensor([1, 2]))).toThrow(
      /pairwiseDistance.*floating-point/,
    );
    expect(() => new PairwiseDistance({ norm: 2 } as never)).toThrow(/PairwiseDistance.*norm/);
  });
});

describe('functional forms', () => {
  it('F.instanceNorm updates running statistics with the batch-averaged instance statistics', () => {
    const x = randn([3, 2, 5], { dtype: 'float64' });
    const runningMean = zeros([2], { dtype: 'float64' });
    const runningVar = ones([2], { dtype: 'float64' });
    F.instanceNorm(x, runningMean, runningVar, { momentum: 0.5 });
    const meanWant = x.mean(2).mean(0).mul(0.5);
    const varWant = x.var(2).mean(0).mul(0.5).add(0.5);
    expect(runningMean.sub(meanWant).abs().max().item()).toBeLessThan(1e-12);
    expect(runningVar.sub(varWant).abs().max().item()).toBeLessThan(1e-12);
  });

  it('F.instanceNorm without input statistics needs running ones', () => {
    expect(() => F.instanceNorm(ones([1, 2, 3]), null, null, { useInputStats: false })).toThrow(
      /instanceNorm: runningMean and runningVar are needed when useInputStats is false/,
    );
    expect(() => F.instanceNorm(ones([2, 3]))).toThrow(/instanceNorm.*at least 3 dims.*unsqueeze\(0\)/);
  });

  it('F.pad is torch.nn.functional.pad', () => {
    expect(F.pad(tensor([[1, 2]]), [1, 1], 'replicate').tolist()).toEqual([[1, 1, 2, 2]]);
  });
});
