import { checkOptions, NNError, pad, ShapeError, type Tensor, ValueError } from '@nn/tensor';
import {
  BATCH_NORM_FUNCTIONAL_KEYS,
  INSTANCE_NORM_FUNCTIONAL_KEYS,
  LOCAL_RESPONSE_NORM_KEYS,
} from '../utils/option-keys';

/** Options of {@link batchNorm}: PyTorch's `weight`, `bias`, `training`, `momentum`, `eps`. */
export interface BatchNormOptions {
  /** Per-channel scale `[C]` (none: 1). */
  weight?: Tensor | null;
  /** Per-channel shift `[C]` (none: 0). */
  bias?: Tensor | null;
  /** Normalise with the batch's statistics (and update the running ones) instead of the running ones. */
  training?: boolean;
  /** Weight of the new batch in the running averages (default 0.1). */
  momentum?: number;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
}

/** Reshapes a per-channel `[C]` tensor to broadcast over `[N, C, ...]` input of `ndim` dims. */
function perChannel(t: Tensor, ndim: number): Tensor {
  return t.reshape([t.numel(), ...Array<number>(Math.max(ndim - 2, 0)).fill(1)]);
}

/** `(x - mean) / sqrt(var + eps)` with biased statistics over `dims` (kept). */
function standardize(x: Tensor, dims: number[], eps: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  const mean = x.mean(dims, { keepdim: true });
  const centered = x.sub(mean);
  const variance = centered.square().mean(dims, { keepdim: true });
  return { y: centered.mul(variance.add(eps).rsqrt()), mean, variance };
}

function affine(
  y: Tensor,
  weight: Tensor | null | undefined,
  bias: Tensor | null | undefined,
  shape: (t: Tensor) => Tensor,
): Tensor {
  const scaled = weight ? y.mul(shape(weight)) : y;
  return bias ? scaled.add(shape(bias)) : scaled;
}

/**
 * Batch normalisation of `[N, C, ...]` input per channel (`F.batch_norm`). In training mode it uses the
 * batch statistics and, when running statistics are given, updates them in place (the variance with
 * Bessel's correction, as PyTorch); otherwise it uses the running statistics.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options: BatchNormOptions = {},
): Tensor {
  checkOptions('batchNorm', options, BATCH_NORM_FUNCTIONAL_KEYS);
  const { weight, bias, training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (x.ndim < 2) {
    throw new ShapeError(
      'batchNorm',
      `expected input of at least 2 dims [N, C, ...], got shape [${x.shape.join(',')}]`,
    );
  }
  const channels = x.shape[1]!;
  for (const [name, t] of [
    ['running_mean', runningMean],
    ['running_var', runningVar],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && t.numel() !== channels) {
      throw new ShapeError(
        'batchNorm',
        `${name} should contain ${channels} elements (the channels of input [${x.shape.join(',')}]), not ${t.numel()}`,
      );
    }
  }
  const shape = (t: Tensor) => perChannel(t, x.ndim);
  if (!training) {
    if (!runningMean || !runningVar) {
      throw new ValueError('batchNorm', 'running_mean and running_var are needed when training is false');
    }
    const y = x.sub(shape(runningMean)).mul(shape(runningVar).add(eps).rsqrt());
    return affine(y, weight, bias, shape);
  }
  const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const count = x.numel() / channels;
  if (count <= 1) {
    throw new ValueError(
      'batchNorm',
      `expected more than 1 value per channel when training, got input size [${x.shape.join(',')}]`,
    );
  }
  const { y, mean, variance } = standardize(x, dims, eps);
  if (runningMean && runningVar) {
    // The running averages are state, not part of the graph: update them from detached statistics.
    runningMean.mul_(1 - momentum).add_(mean.detach().reshape([channels]).mul(momentum));
    runningVar.mul_(1 - momentum).add_(
      variance
        .detach()
        .reshape([channels])
        .mul((momentum * count) / (count - 1)),
    );
  }
  return affine(y, weight, bias, shape);
}

/** Layer normalisation over the last `normalizedShape.length` dims (`F.layer_norm`). */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new ShapeError(
      'layerNorm',
      `given normalized_shape=[${normalizedShape.join(',')}], expected input with shape [*, ${normalizedShape.join(', ')}], ` +
        `but got input of size [${x.shape.join(',')}]`,
    );
  }
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  return affine(standardize(x, dims, eps).y, weight, bias, (t) => t);
}

/** Group normalisation: channels of `[N, C, ...]` input split into `numGroups`, each normalised (`F.group_norm`). */
export function groupNorm(
  x: Tensor,
  numGroups: number,
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  if (x.ndim < 2 || x.shape[1]! % numGroups !== 0) {
    throw new NNError(
      'groupNorm',
      `expected input [N, C, ...] with C divisible by num_groups=${numGroups}, got shape [${x.shape.join(',')}]`,
    );
  }
  const grouped = x.reshape([x.shape[0]!, numGroups, -1]);
  const y = standardize(grouped, [2], eps).y.reshape(x.shape);
  return affine(y, weight, bias, (t) => perChannel(t, x.ndim));
}

/** Options of {@link instanceNorm}: PyTorch's `weight`, `bias`, `use_input_stats`, `momentum`, `eps`. */
export interface InstanceNormOptions {
  /** Per-channel scale `[C]` (none: 1). */
  weight?: Tensor | null;
  /** Per-channel shift `[C]` (none: 0). */
  bias?: Tensor | null;
  /** Normalise each instance with its own statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  /** Weight of the new batch in the running averages (default 0.1). */
  momentum?: number;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
}

/**
 * Instance normalisation of `[N, C, ...]` input: each `(sample, channel)` slice is normalised over its
 * spatial dims (`F.instance_norm`). With `useInputStats` (the default) and running statistics given, these
 * are updated in place with the instances' statistics averaged over the batch (the variance unbiased, as
 * PyTorch); without `useInputStats` the running statistics normalise, as batch norm in eval mode.
 *
 * @example
 * ```ts
 * import { F } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const y = F.instanceNorm(randn([2, 3, 8, 8]));
 * console.log(y.mean([2, 3]).abs().max().item() < 1e-5); // true: every instance has mean 0
 * ```
 */
export function instanceNorm(
  x: Tensor,
  runningMean: Tensor | null = null,
  runningVar: Tensor | null = null,
  options: InstanceNormOptions = {},
): Tensor {
  checkOptions('instanceNorm', options, INSTANCE_NORM_FUNCTIONAL_KEYS);
  const { weight, bias, useInputStats = true, momentum = 0.1, eps = 1e-5 } = options;
  if (x.ndim < 3) {
    throw new ShapeError(
      'instanceNorm',
      `expected input of at least 3 dims [N, C, ...spatial], got shape [${x.shape.join(',')}]; ` +
        'add the batch dim with x.unsqueeze(0) for a single instance',
    );
  }
  if (!useInputStats) {
    if (!runningMean || !runningVar) {
      throw new ValueError(
        'instanceNorm',
        'runningMean and runningVar are needed when useInputStats is false; pass them or leave useInputStats true',
      );
    }
    return batchNorm(x, runningMean, runningVar, { weight, bias, training: false, eps });
  }
  const [n, channels] = x.shape as [number, number];
  const count = x.numel() / (n * channels);
  if (count <= 1) {
    throw new ValueError(
      'instanceNorm',
      `expected more than 1 spatial element when training, got input size [${x.shape.join(',')}]`,
    );
  }
  for (const [name, t] of [
    ['running_mean', runningMean],
    ['running_var', runningVar],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && t.numel() !== channels) {
      throw new ShapeError(
        'instanceNorm',
        `${name} should contain ${channels} elements (the channels of input [${x.shape.join(',')}]), not ${t.numel()}`,
      );
    }
  }
  const dims = Array.from({ length: x.ndim - 2 }, (_, i) => i + 2);
  const { y, mean, variance } = standardize(x, dims, eps);
  // The running averages take the instances' statistics averaged over the batch (PyTorch runs batch norm
  // on the [1, N*C, ...] view with the running statistics repeated N times, then averages them back).
  if (runningMean) {
    runningMean.mul_(1 - momentum).add_(mean.detach().reshape([n, channels]).mean(0).mul(momentum));
  }
  if (runningVar) {
    const unbiased = variance.detach().reshape([n, channels]).mean(0);
    runningVar.mul_(1 - momentum).add_(unbiased.mul((momentum * count) / (count - 1)));
  }
  return affine(y, weight, bias, (t) => perChannel(t, x.ndim));
}

/** Options of {@link localResponseNorm} and `LocalResponseNorm`: PyTorch's `alpha`, `beta`, `k`. */
export interface LocalResponseNormOptions {
  /** Multiplier of the mean of squares (default 1e-4). */
  alpha?: number;
  /** Exponent (default 0.75). */
  beta?: number;
  /** Additive constant (default 1). */
  k?: number;
}

/**
 * Local response normalisation across channels (`F.local_response_norm`): each value of `[N, C, ...]`
 * input is divided by `(k + alpha / size * sum of squares over the size neighbouring channels) ** beta`,
 * the window centred as PyTorch's (zero padded, `size // 2` channels before).
 */
export function localResponseNorm(x: Tensor, size: number, options: LocalResponseNormOptions = {}): Tensor {
  checkOptions('localResponseNorm', options, LOCAL_RESPONSE_NORM_KEYS);
  const { alpha = 1e-4, beta = 0.75, k = 1 } = options;
  if (!Number.isInteger(size) || size < 1) {
    throw new ValueError('localResponseNorm', `size must be a positive integer, got ${size}`);
  }
  if (x.ndim < 3) {
    throw new ShapeError(
      'localResponseNorm',
      `expected 3D or higher dimensionality input [N, C, ...] (got ${x.ndim} dimensions, shape [${x.shape.join(',')}])`,
    );
  }
  if (x.numel() === 0) return x;
  const [n, channels] = x.shape as [number, number];
  // Squares as [N, C, rest], zero padded along C, then summed over `size` shifted windows (avg pool's
  // count_include_pad, as PyTorch divides by size even at the edges).
  const squares = pad(x.square().reshape([n, channels, -1]), [
    0,
    0,
    Math.floor(size / 2),
    Math.floor((size - 1) / 2),
  ]);
  let windowSum = squares.narrow(1, 0, channels);
  for (let i = 1; i < size; i++) windowSum = windowSum.add(squares.narrow(1, i, channels));
  const div = windowSum
    .mul(alpha / size)
    .add(k)
    .pow(beta);
  return x.div(div.reshape(x.shape));
}
