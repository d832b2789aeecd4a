// The issue-18 layers beyond their fixture numbers: PyTorch's printing, the parameter containers with
// an optimizer, EmbeddingBag's API, alpha dropout's statistics, and the errors bad input gets.
import '@nn/autograd';
import {
  AlphaDropout,
  BatchNorm3d,
  ConstantPad1d,
  ConstantPad3d,
  CosineSimilarity,
  Embedding,
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
    embedding_options: () =>
      new Embedding(10, 3, { paddingIdx: 1, maxNorm: 1, normType: 1, scaleGradByFreq: true }),
    embedding_bag_options: () =>
      new EmbeddingBag(10, 3, { maxNorm: 2, normType: 3, scaleGradByFreq: true, paddingIdx: 0 }),
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
    expect(() => new EmbeddingBag(5, 2, { maxNorms: 1 } as never)).toThrow(/EmbeddingBag.*maxNorms/);
  });
});

describe('Embedding / EmbeddingBag maxNorm, scaleGradByFreq and sparse', () => {
  it('renormalises only the rows looked up, in place, with one version bump per call', () => {
    const weight = tensor([
      [3, 4],
      [0.3, 0.4],
      [6, 8],
    ]).requiresGrad_();
    const before = weight.version;
    const out = F.embedding(tensor([0, 1, 0]), weight, { maxNorm: 1 });
    expect(weight.version).toBe(before + 1);
    const rows = weight.tolist() as number[][];
    // 5 / (5 + 1e-7) scaled: norm just under 1; row 1 already short; row 2 never looked up.
    expect(rows[0]![0]).toBeCloseTo(0.6, 6);
    expect(rows[0]![1]).toBeCloseTo(0.8, 6);
    expect(rows[1]).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    expect(rows[2]).toEqual([6, 8]);
    expect(out.tolist()).toEqual([rows[0], rows[1], rows[0]]);
    // The renorm is not recorded: the gradient is the plain lookup's.
    out.sum().backward();
    expect(weight.grad!.tolist()).toEqual([
      [2, 2],
      [1, 1],
      [0, 0],
    ]);
  });

  it('takes paddingIdx positionally or in the options object', () => {
    const weight = arange(0, 6).reshape([3, 2]).float().requiresGrad_();
    F.embedding(tensor([1, 2]), weight, 1)
      .sum()
      .backward();
    const positional = weight.grad!.tolist();
    weight.grad = null;
    F.embedding(tensor([1, 2]), weight, { paddingIdx: 1 })
      .sum()
      .backward();
    expect(weight.grad!.tolist()).toEqual(positional);
    expect(positional).toEqual([
      [0, 0],
      [0, 0],
      [1, 1],
    ]);
  });

  it('divides each row gradient by its index frequency, padding rows still getting none', () => {
    const embed = Embedding.fromPretrained(ones([4, 2]), {
      freeze: false,
      paddingIdx: 3,
      scaleGradByFreq: true,
    });
    embed
      .call(tensor([[2, 2, 2, 0, 3, 3]]))
      .sum()
      .backward();
    expect(embed.weight.grad!.tolist()).toEqual([
      [1, 1],
      [0, 0],
      [1, 1],
      [0, 0],
    ]);
    const bag = EmbeddingBag.fromPretrained(ones([4, 2]), {
      freeze: false,
      mode: 'mean',
      scaleGradByFreq: true,
    });
    bag
      .call(tensor([1, 1, 1, 1, 2]), tensor([0, 4]))
      .sum()
      .backward();
    // Row 1: four hits of 1/4 (mean of bag 0) each divided by 4; row 2: one hit of 1 (bag 1).
    expect(bag.weight.grad!.tolist()).toEqual([
      [0, 0],
      [0.25, 0.25],
      [1, 1],
      [0, 0],
    ]);
  });

  it("refuses scaleGradByFreq with mode 'max' and sparse gradients, as PyTorch (sparse: no sparse tensors)", () => {
    expect(() => new EmbeddingBag(5, 2, { mode: 'max', scaleGradByFreq: true })).toThrow(
      /EmbeddingBag: max mode does not support scaling the gradient by the frequency/,
    );
    expect(() =>
      F.embeddingBag(tensor([[1, 2]]), ones([5, 2]), null, { mode: 'max', scaleGradByFreq: true }),
    ).toThrow(/embeddingBag: max mode does not support scaling the gradient/);
    for (const make of [
      () => new Embedding(5, 2, { sparse: true }),
      () => new EmbeddingBag(5, 2, { sparse: true }),
      () => Embedding.fromPretrained(ones([5, 2]), { sparse: true }),
      () => F.embedding(tensor([1]), ones([5, 2]), { sparse: true }),
    ]) {
      expect(make).toThrow(/sparse: true is not supported: @nn has no sparse tensors.*always dense/);
    }
    expect(new Embedding(5, 2, { sparse: false }).call(tensor([1])).shape).toEqual([1, 2]);
    expect(() => new Embedding(5, 2, { normType: 'fro' as never })).toThrow(
      /Embedding: normType must be a number/,
    );
    expect(() => F.embedding(tensor([7]), ones([5, 2]), { maxNorm: 1 })).toThrow(
      /embedding: index 7 is out of range for an embedding of 5 rows/,
    );
    expect(() => F.embedding(tensor([1.5]), ones([5, 2]), { maxNorm: 1 })).toThrow(
      /embedding: indices must be an integer tensor, got float32/,
    );
  });

  it('Embedding.fromPretrained keeps the table, frozen unless freeze: false', () => {
    const table = arange(0, 6).reshape([3, 2]).float();
    const embed = Embedding.fromPretrained(table);
    expect(embed.weight.requiresGrad).toBe(false);
    expect(embed.call(tensor([2])).tolist()).toEqual([[4, 5]]);
    expect(Embedding.fromPretrained(table, { freeze: false }).weight.requiresGrad).toBe(true);
    expect(() => Embedding.fromPretrained(ones([3]))).toThrow(/Embedding.fromPretrained.*2-dimensional/);
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
