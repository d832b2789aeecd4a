import { Dropout, Linear, ReLU, Sequential } from '@nn/nn';
import { manualSeed, randn, type Tensor } from '@nn/tensor';

/** A 3-class problem: the label is the largest of the first three features. */
export function toyData(rows: number, seed = 1): [Tensor, Tensor] {
  manualSeed(seed);
  const x = randn([rows, 4]);
  return [x, x.narrow(1, 0, 3).argmax(1)];
}

/** A small MLP, with dropout by default (so the global random stream matters too). */
export function toyModel(seed = 0, dropout = 0.1): Sequential {
  manualSeed(seed);
  return new Sequential(new Linear(4, 16), new ReLU(), new Dropout(dropout), new Linear(16, 3));
}

/** The model's weights as plain arrays, for exact comparisons. */
export function weights(model: Sequential): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(model.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync(), Number)]),
  );
}
