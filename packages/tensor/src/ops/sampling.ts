import { rand, randn } from '../creation';
import { isFloating } from '../kernel/dtype';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { broadcastShapes } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { defaultGenerator, type Generator } from '../random';
import { runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';
import { isTensor, scalarTensor } from '../wrap';
import { searchsorted } from './counting';
import { cumsum } from './reductions';
import { topk } from './sorting';

// Samples come from the framework's seeded generator (the default one, or `generator`), so a seed
// reproduces them on every platform; the streams differ from PyTorch's.

/** The generator option of the sampling functions. */
export interface SamplingOptions {
  /** Random stream to draw from (default: the global generator seeded by `manualSeed`). */
  generator?: Generator;
}

const SAMPLING_KEYS: OptionKeys<SamplingOptions> = { generator: true };

function requireFloat(op: string, x: Tensor): void {
  if (!isFloating(x.dtype)) {
    throw new DTypeError(op, `expected a floating point tensor, got ${x.dtype}; convert with .float()`);
  }
}

/**
 * torch.bernoulli: 1 with probability `p` (each element of `probs`, or the number `p` for every element
 * of `probs`' shape), else 0, in `probs`' dtype.
 */
export function bernoulli(probs: Tensor, p?: number, options: SamplingOptions = {}): Tensor {
  checkOptions('bernoulli', options, SAMPLING_KEYS);
  requireFloat('bernoulli', probs);
  if (p !== undefined && !(p >= 0 && p <= 1)) {
    throw new ValueError('bernoulli', `bernoulli_ expects p to be in [0, 1], but got p=${p}`);
  }
  const u = rand(probs.shape, { dtype: probs.dtype, device: probs.device, ...options });
  return u.lt(p ?? probs.detach()).to(probs.dtype);
}

/** Options of {@link multinomial}. */
export interface MultinomialOptions extends SamplingOptions {
  /** Draw with replacement (default false: every category at most once per row). */
  replacement?: boolean;
}

/**
 * torch.multinomial: `numSamples` int32 category indices per row of non-negative `weights` (1-d or 2-d,
 * not necessarily normalized), drawn with probability proportional to the weights.
 */
export function multinomial(weights: Tensor, numSamples: number, options: MultinomialOptions = {}): Tensor {
  checkOptions('multinomial', options, { generator: true, replacement: true });
  requireFloat('multinomial', weights);
  if (weights.ndim < 1 || weights.ndim > 2) {
    throw new ShapeError('multinomial', `prob_dist must be 1 or 2 dim, got shape ${fmtShape(weights.shape)}`);
  }
  const categories = weights.shape[weights.ndim - 1]!;
  if (!Number.isInteger(numSamples) || numSamples <= 0) {
    throw new ValueError('multinomial', `cannot sample n_sample <= 0 samples, got ${numSamples}`);
  }
  if (!options.replacement && numSamples > categories) {
    throw new ValueError(
      'multinomial',
      `cannot sample n_sample > prob_dist.size(-1) samples without replacement (${numSamples} > ${categories})`,
    );
  }
  const rows = weights.ndim === 2 ? weights : weights.unsqueeze(0);
  const w = rows.detach();
  const generator = options.generator ?? defaultGenerator;
  let out: Tensor;
  if (options.replacement) {
    // Inverse CDF: the first category whose running total exceeds a uniform draw over the total.
    const cdf = cumsum(w, -1);
    const total = cdf.narrow(-1, categories - 1, 1);
    const u = rand([rows.shape[0]!, numSamples], { dtype: w.dtype, device: w.device, generator }).mul(total);
    out = searchsorted(cdf.contiguous(), u, { right: true }).clamp(0, categories - 1);
  } else {
    // The exponential race (PyTorch's own method): the k smallest E_i / w_i, E_i ~ Exp(1), are a sample
    // without replacement with probabilities proportional to w.
    const e = rand(w.shape, { dtype: w.dtype, device: w.device, generator }).neg().log1p().neg();
    out = topk(w.div(e), numSamples, -1).indices;
  }
  return weights.ndim === 2 ? out : out.squeeze(0);
}

/** torch.poisson: one Poisson sample per element, with that element as the rate; `rates`' dtype. */
export function poisson(rates: Tensor, options: SamplingOptions = {}): Tensor {
  checkOptions('poisson', options, SAMPLING_KEYS);
  requireFloat('poisson', rates);
  const seed = (options.generator ?? defaultGenerator).nextUint32();
  return runKernel('poisson', [rates.detach()], { seed });
}

/**
 * torch.normal with tensors: samples with elementwise `mean` and standard deviation `std` (tensors or
 * numbers, at least one a tensor; they broadcast). Differentiable with respect to both, as PyTorch's
 * reparameterization `mean + std * eps`.
 */
export function normal(mean: Tensor | number, std: Tensor | number, options: SamplingOptions = {}): Tensor {
  checkOptions('normal', options, SAMPLING_KEYS);
  if (!isTensor(mean) && !isTensor(std)) {
    throw new ValueError(
      'normal',
      'expects mean or std to be a tensor; for numbers use randn(shape).mul(std).add(mean)',
    );
  }
  if (typeof std === 'number' && !(std >= 0)) {
    throw new ValueError('normal', `normal expects std >= 0.0, but found std ${std}`);
  }
  const like = (isTensor(mean) ? mean : std) as Tensor;
  requireFloat('normal', like);
  const m = isTensor(mean) ? mean : scalarTensor(mean, like.dtype, like.device);
  const s = isTensor(std) ? std : scalarTensor(std, like.dtype, like.device);
  const shape = broadcastShapes('normal', m.shape, s.shape);
  const eps = randn(shape, { dtype: like.dtype, device: like.device, ...options });
  return m.add(s.mul(eps));
}
