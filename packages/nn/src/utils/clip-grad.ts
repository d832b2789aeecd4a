import { checkOptions, NNError, norm, stack, Tensor, ValueError, zeros } from '@nn/tensor';
import { CLIP_GRAD_NORM_KEYS } from './option-keys';

/** Options of {@link clipGradNorm_}. */
export interface ClipGradNormOptions {
  /** The p of the p-norm (default 2); `Infinity` for the max norm. */
  normType?: number;
  /** Throw if the total norm is NaN or infinite instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
}

function gradsOf(parameters: Iterable<Tensor> | Tensor): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  return list.flatMap((p) => (p.grad ? [p.grad] : []));
}

/**
 * Scales the gradients of `parameters` in place so their total norm (of all gradients together, as if
 * concatenated) is at most `maxNorm` (`torch.nn.utils.clip_grad_norm_`). Returns the total norm before
 * clipping, as a 0-d tensor.
 */
export function clipGradNorm_(
  parameters: Iterable<Tensor> | Tensor,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): Tensor {
  checkOptions('clipGradNorm_', options, CLIP_GRAD_NORM_KEYS);
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) {
    throw new ValueError(
      'clipGradNorm_',
      `maxNorm must be a number, got ${typeof maxNorm === 'object' ? 'an object' : String(maxNorm)}; call clipGradNorm_(params, 1.0, { normType: 2 })`,
    );
  }
  const normType = options.normType ?? 2;
  const grads = gradsOf(parameters);
  if (grads.length === 0) return zeros([]);
  const total = norm(stack(grads.map((g) => norm(g, normType))), normType);
  if (options.errorIfNonfinite && !Number.isFinite(total.item())) {
    throw new NNError(
      'clipGradNorm_',
      `the total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
        'To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false',
    );
  }
  // Computed on the device (no host read): clip coefficient min(1, maxNorm / (total + 1e-6)).
  const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(undefined, 1);
  for (const g of grads) g.mul_(coef.to(g.dtype));
  return total;
}

/** Clamps every gradient of `parameters` to [-clipValue, clipValue] in place (`clip_grad_value_`). */
export function clipGradValue_(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  for (const g of gradsOf(parameters)) g.clamp_(-clipValue, clipValue);
}
