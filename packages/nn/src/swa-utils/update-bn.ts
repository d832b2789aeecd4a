import { noGrad } from '@nn/autograd';
import { checkOptions, type OptionKeys, onesLike, Tensor, zerosLike } from '@nn/tensor';
import { BatchNorm1d } from '../layers/normalization';
import type { Module } from '../module/module';

/** Options of {@link updateBn}. */
export interface UpdateBnOptions {
  /** Move each input batch to this device first. */
  device?: string;
}
const UPDATE_BN_KEYS: OptionKeys<UpdateBnOptions> = { device: true };

// The common base of BatchNorm1d/2d/... (not exported itself), as torch checks for `_BatchNorm`.
const BatchNormBase = Object.getPrototypeOf(BatchNorm1d) as abstract new (...args: never[]) => Module;

interface BatchNormFields {
  momentum: number | null;
  running_mean: Tensor | null;
  running_var: Tensor | null;
  num_batches_tracked: Tensor | null;
}

/** A loader's batch: a tensor, or a list whose first element is the input (as `[x, y]`). */
type Batch = Tensor | readonly unknown[];

function inputOf(batch: Batch, device: string | undefined): Tensor {
  const x = Array.isArray(batch) ? batch[0] : batch;
  if (!(x instanceof Tensor)) {
    throw new TypeError(
      `updateBn: each batch must be a Tensor or a list starting with the input Tensor, got ${typeof x}`,
    );
  }
  return device === undefined ? x : x.to(device);
}

/**
 * Recomputes the BatchNorm running statistics of `model` with one pass over `loader`
 * (torch.optim.swa_utils.update_bn): the statistics are reset, each batch is run in training mode with
 * a cumulative average (momentum `null`), then the momenta and the training flag are restored. Needed
 * after averaging weights, whose statistics are those of none of the averaged models. A synchronous
 * iterable (an array, a `DataLoader`) runs synchronously; an async-only one returns a Promise.
 *
 * @example
 * ```ts
 * import { BatchNorm1d, swaUtils } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const bn = new BatchNorm1d(3);
 * swaUtils.updateBn([randn([8, 3]), randn([8, 3])], bn);
 * console.log(bn.numBatchesTracked?.item()); // 2
 * ```
 */
export function updateBn(loader: Iterable<Batch>, model: Module, options?: UpdateBnOptions): void;
export function updateBn(
  loader: AsyncIterable<Batch>,
  model: Module,
  options?: UpdateBnOptions,
): Promise<void>;
export function updateBn(
  loader: Iterable<Batch> | AsyncIterable<Batch>,
  model: Module,
  options: UpdateBnOptions = {},
): void | Promise<void> {
  const { device } = checkOptions('updateBn', options, UPDATE_BN_KEYS);
  const norms = model.modules().filter((m) => m instanceof BatchNormBase) as unknown as BatchNormFields[];
  const momenta = new Map<BatchNormFields, number | null>();
  for (const bn of norms) {
    if (bn.running_mean) bn.running_mean = zerosLike(bn.running_mean);
    if (bn.running_var) bn.running_var = onesLike(bn.running_var);
    momenta.set(bn, bn.momentum);
  }
  if (momenta.size === 0) return;
  const wasTraining = model.training;
  model.train();
  for (const bn of norms) {
    bn.momentum = null;
    bn.num_batches_tracked?.zero_();
  }
  const run = (batch: Batch) => noGrad(() => (model.call as (x: Tensor) => unknown)(inputOf(batch, device)));
  const restore = () => {
    for (const [bn, momentum] of momenta) bn.momentum = momentum;
    model.train(wasTraining);
  };
  if (Symbol.iterator in loader) {
    try {
      for (const batch of loader) run(batch);
    } finally {
      restore();
    }
    return;
  }
  return (async () => {
    try {
      for await (const batch of loader) run(batch);
    } finally {
      restore();
    }
  })();
}
