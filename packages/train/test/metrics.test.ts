import { readFileSync } from 'node:fs';
import { type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  Accuracy,
  ConfusionMatrix,
  F1Score,
  MeanAbsoluteError,
  MeanSquaredError,
  type Metric,
  Precision,
  R2Score,
  Recall,
} from '../src/index';

// scikit-learn's values on the same inputs (test/fixtures/generate_metrics.py)
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/metrics.json', import.meta.url), 'utf8'));

const floats = (rows: number[] | number[][]): Tensor => tensor(rows as number[][]).float();
const ints = (values: number[]): Tensor => tensor(Int32Array.from(values));

/** Feeds the inputs in uneven batches (streaming), then reads the value. */
async function streamed(metric: Metric, output: Tensor, target: Tensor, batch = 37): Promise<number[]> {
  for (let start = 0; start < target.shape[0]!; start += batch) {
    const size = Math.min(batch, target.shape[0]! - start);
    metric.update(output.narrow(0, start, size), target.narrow(0, start, size));
  }
  return Array.from(await metric.compute().data(), Number);
}

describe('metrics match scikit-learn', () => {
  const mc = cases.multiclass;
  const scores = floats(mc.scores);
  const target = ints(mc.target);

  it('accuracy and top-k accuracy', async () => {
    expect((await streamed(new Accuracy(), scores, target))[0]).toBeCloseTo(mc.accuracy, 6);
    expect((await streamed(new Accuracy({ topK: 2 }), scores, target))[0]).toBeCloseTo(mc.top2, 6);
    expect((await streamed(new Accuracy({ topK: 3 }), scores, target))[0]).toBeCloseTo(mc.top3, 6);
    expect(new Accuracy({ topK: 3 }).name).toBe('top3_accuracy');
  });

  it('binary accuracy from probabilities', async () => {
    const { probs, target: t, accuracy } = cases.binary;
    expect((await streamed(new Accuracy(), floats(probs), ints(t)))[0]).toBeCloseTo(accuracy, 6);
  });

  for (const average of ['micro', 'macro', 'weighted'] as const) {
    it(`precision, recall and F1 (${average}), also with an absent class`, async () => {
      for (const [c, output] of [
        [mc, scores],
        [cases.absentClass, ints(cases.absentClass.predicted)],
      ] as const) {
        const t = ints(c.target);
        const options = { numClasses: c.numClasses, average };
        const want = c.classes[average];
        expect((await streamed(new Precision(options), output, t))[0]).toBeCloseTo(want.precision, 6);
        expect((await streamed(new Recall(options), output, t))[0]).toBeCloseTo(want.recall, 6);
        expect((await streamed(new F1Score(options), output, t))[0]).toBeCloseTo(want.f1, 6);
      }
    });
  }

  it('confusion matrix', async () => {
    const cm = new ConfusionMatrix({ numClasses: mc.numClasses });
    expect(await streamed(cm, scores, target)).toEqual(mc.confusion.flat());
    expect(cm.compute().shape).toEqual([5, 5]);
    const absent = cases.absentClass;
    const labels = new ConfusionMatrix({ numClasses: 6 });
    expect(await streamed(labels, ints(absent.predicted), ints(absent.target))).toEqual(
      absent.confusion.flat(),
    );
  });

  for (const name of ['regression', 'regressionMulti'] as const) {
    it(`MSE, MAE and R2 (${name})`, async () => {
      const c = cases[name];
      const [o, t] = [floats(c.output), floats(c.target)];
      const close = (got: number, want: number) =>
        expect(Math.abs(got - want)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want)));
      close((await streamed(new MeanSquaredError(), o, t, 41))[0]!, c.mse);
      close((await streamed(new MeanAbsoluteError(), o, t, 41))[0]!, c.mae);
      close((await streamed(new R2Score(), o, t, 41))[0]!, c.r2);
    });
  }
});

describe('metric state', () => {
  it('reset forgets earlier batches and compute before update is an error', async () => {
    const acc = new Accuracy();
    expect(() => acc.compute()).toThrow(/Accuracy.*before any update/);
    acc.update(
      floats([
        [0, 1],
        [1, 0],
      ]),
      ints([1, 1]),
    );
    expect((await acc.compute().data())[0]).toBeCloseTo(0.5);
    acc.reset();
    acc.update(floats([[0, 1]]), ints([1]));
    expect((await acc.compute().data())[0]).toBe(1);
  });

  it('R2 of a constant target is 1 when exact and 0 otherwise, as scikit-learn', async () => {
    expect(await streamed(new R2Score(), floats([2, 2, 2]), floats([2, 2, 2]))).toEqual([1]);
    expect(await streamed(new R2Score(), floats([2, 3, 2]), floats([2, 2, 2]))).toEqual([0]);
  });

  it('names the metric, the shapes and the fix on bad input', () => {
    expect(() => new Accuracy().update(floats([[0, 1]]), ints([1, 0]))).toThrow(/Accuracy.*1 rows.*2/);
    expect(() => new Accuracy({ topK: 3 }).update(floats([[0, 1]]), ints([1]))).toThrow(/topK 3.*2 classes/);
    expect(() => new MeanSquaredError().update(floats([[1, 2]]), floats([1]))).toThrow(
      /MeanSquaredError.*different sizes/,
    );
    expect(() => new Precision({ numClasses: 3, average: 'binary' as never })).toThrow(/average must be/);
    expect(() => new ConfusionMatrix({ numClasses: 1 })).toThrow(/numClasses must be an integer >= 2/);
  });
});
