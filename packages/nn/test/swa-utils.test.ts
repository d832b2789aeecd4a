// PyTorch 1.13 references: tooling/fixtures/cases/optim_swa.py.
import '@nn/autograd';
import { BatchNorm1d, F, Linear, ReLU, Sequential, swaUtils } from '@nn/nn';
import { lrScheduler, SGD } from '@nn/optim';
import { type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';

interface SwaCase {
  init: Record<string, FixtureTensor>;
  batches: [FixtureTensor, FixtureTensor][];
  keys: string[];
  beforeBn: Record<string, FixtureTensor>;
  after: Record<string, FixtureTensor>;
  output: FixtureTensor;
}
const cases = loadFixtures<SwaCase>(new URL('./fixtures/swa-utils.jsonl', import.meta.url)).cases;
const load = (f: FixtureTensor): Tensor => tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape);
const f64 = { dtype: 'float64' } as const;
const net = () =>
  new Sequential(new Linear(3, 4, f64), new BatchNorm1d(4, f64), new ReLU(), new Linear(4, 2, f64));

function trainAndAverage(c: SwaCase, options: Omit<swaUtils.AveragedModelOptions<Sequential>, 'copy'>) {
  const model = net();
  model.loadStateDict(Object.fromEntries(Object.entries(c.init).map(([k, v]) => [k, load(v)])));
  const swa = new swaUtils.AveragedModel(model, { ...options, copy: net });
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  const batches = c.batches.map(([x, y]) => [load(x), load(y)] as const);
  for (let epoch = 0; epoch < 4; epoch++) {
    for (const [x, y] of batches) {
      opt.zeroGrad();
      F.mseLoss(model.call(x) as Tensor, y).backward();
      opt.step();
    }
    swa.updateParameters(model);
  }
  return { swa, batches };
}

function expectState(swa: swaUtils.AveragedModel, want: Record<string, FixtureTensor>) {
  for (const [key, value] of Object.entries(swa.stateDict())) {
    assertClose(value, want[key]!, { rtol: 1e-10, atol: 1e-12 }, key);
  }
}

describe('AveragedModel and updateBn match torch.optim.swa_utils', () => {
  it('equal-weight average: torch state-dict keys, values, then updateBn statistics and output', () => {
    const c = cases.equal!;
    const { swa, batches } = trainAndAverage(c, {});
    expect(Object.keys(swa.stateDict())).toEqual(c.keys);
    expectState(swa, c.beforeBn);
    swaUtils.updateBn(
      batches.map(([x]) => x),
      swa,
    );
    expectState(swa, c.after);
    expect(swa.training).toBe(true);
    swa.eval();
    swa.train();
    assertClose(swa.call(batches[0]![0]) as Tensor, c.output, { rtol: 1e-10, atol: 1e-12 });
  });

  it('an EMA avgFn with useBuffers averages the buffers too', () => {
    const c = cases.ema!;
    const { swa } = trainAndAverage(c, { avgFn: (avg, p) => avg.mul(0.9).add(p.mul(0.1)), useBuffers: true });
    expectState(swa, c.after);
  });

  it('updateBn restores momentum and the training flag, and accepts [x, y] batches and async loaders', async () => {
    const bn = new BatchNorm1d(2, f64);
    bn.eval();
    const x = tensor(
      [
        [1, 2],
        [3, 5],
      ],
      f64,
    );
    swaUtils.updateBn([[x, 'label']], bn);
    expect(bn.training).toBe(false);
    expect(bn.momentum).toBe(0.1);
    expect(bn.runningMean!.tolist()).toEqual([2, 3.5]);
    async function* batches() {
      yield x;
      yield x.mul(3);
    }
    await swaUtils.updateBn(batches(), bn);
    expect(bn.runningMean!.tolist()).toEqual([4, 7]); // the cumulative mean of both batches
    expect(Number(bn.numBatchesTracked!.item())).toBe(2);
  });

  it('gives clear errors', () => {
    expect(() => new swaUtils.AveragedModel(net())).toThrow(
      'AveragedModel: Sequential has no clone(); pass { copy: () => new Sequential(...) }',
    );
    expect(() => new swaUtils.AveragedModel(net(), { copy: net, avg_fn: 1 } as never)).toThrow(
      "AveragedModel: unknown option 'avg_fn'; did you mean 'avgFn'?",
    );
    const swa = new swaUtils.AveragedModel(new Linear(2, 2), { copy: () => new Linear(2, 2) });
    expect(() => swa.updateParameters(net() as never)).toThrow(
      'AveragedModel.updateParameters: the model has 6',
    );
    expect(() => swaUtils.updateBn([3 as never], new BatchNorm1d(2))).toThrow(
      'updateBn: each batch must be a Tensor',
    );
    const opt = new SGD([tensor([1.5], { requiresGrad: true })], { lr: 0.1 });
    expect(() => new lrScheduler.SWALR(opt, { swaLr: 0.05, annealStrategy: 'exp' as never })).toThrow(
      "SWALR: annealStrategy must be one of 'cos' or 'linear', instead got 'exp'",
    );
    expect(() => new lrScheduler.SWALR(opt, { swaLr: [0.1, 0.2] })).toThrow(
      'SWALR: expected 1 values for swaLr, got 2',
    );
  });
});
