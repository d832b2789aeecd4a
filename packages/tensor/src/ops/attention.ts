import type { AttentionAttrs } from '../kernel/attrs/attention';
import { isFloating } from '../kernel/dtype';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { broadcastShapes } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { runKernelMulti } from '../run-kernel';
import type { Tensor } from '../tensor';
import { fromArray, transfer } from '../wrap';

/** Options of {@link scaledDotProductAttention} and {@link attentionScores}. */
export interface AttentionOptions {
  /**
   * Broadcastable to `[..., L, S]`. A bool mask keeps the positions where it is true (torch 2.x's
   * `F.scaled_dot_product_attention`); a float mask (the query's dtype) is added to the scores.
   */
  attnMask?: Tensor | null;
  /** Query `i` attends to keys `j <= i` only (top-left aligned); not together with `attnMask`. */
  isCausal?: boolean;
  /** Multiplies `query @ key^T` (default `1 / sqrt(E)`). */
  scale?: number | null;
}
const ATTENTION_KEYS: OptionKeys<AttentionOptions> = { attnMask: true, isCausal: true, scale: true };

/** Checked operands: batch dims broadcast, the mask expanded to `[..., L, S]`, resolved attributes. */
interface Resolved {
  q: Tensor;
  k: Tensor;
  v: Tensor;
  mask: Tensor | null;
  attrs: AttentionAttrs;
}

function resolve(op: string, query: Tensor, key: Tensor, value: Tensor, options: AttentionOptions): Resolved {
  checkOptions(op, options, ATTENTION_KEYS);
  const shapes = `query ${query.dtype} ${fmtShape(query.shape)}, key ${key.dtype} ${fmtShape(key.shape)}, value ${value.dtype} ${fmtShape(value.shape)}`;
  if (!isFloating(query.dtype) || key.dtype !== query.dtype || value.dtype !== query.dtype) {
    throw new DTypeError(
      op,
      `query, key and value must share one floating dtype, got ${shapes}; convert them, e.g. with .float()`,
    );
  }
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new ShapeError(
      op,
      `expected query [..., L, E], key [..., S, E] and value [..., S, Ev] (at least 2-D each), got ${shapes}`,
    );
  }
  const [L, E] = query.shape.slice(-2) as [number, number];
  const [S, Ek] = key.shape.slice(-2) as [number, number];
  const [Sv, Ev] = value.shape.slice(-2) as [number, number];
  if (Ek !== E || Sv !== S) {
    throw new ShapeError(
      op,
      `expected query [..., L, E], key [..., S, E] and value [..., S, Ev], got ${shapes} ` +
        `(${Ek !== E ? `key's E ${Ek} != query's ${E}` : `value's S ${Sv} != key's ${S}`})`,
    );
  }
  const batch = broadcastShapes(
    op,
    query.shape.slice(0, -2),
    key.shape.slice(0, -2),
    value.shape.slice(0, -2),
  );
  const isCausal = options.isCausal ?? false;
  const attnMask = options.attnMask ?? null;
  if (isCausal && attnMask) {
    throw new ValueError(
      op,
      'attnMask and isCausal: true were both given; pass one of them (isCausal is a lower-triangular mask)',
    );
  }
  const scale = options.scale ?? 1 / Math.sqrt(E);
  if (!Number.isFinite(scale)) throw new ValueError(op, `scale must be a finite number, got ${scale}`);
  let mask: Tensor | null = null;
  if (attnMask) {
    if (attnMask.dtype !== 'bool' && attnMask.dtype !== query.dtype) {
      throw new DTypeError(
        op,
        `attnMask must be bool (true = attend) or the query's dtype ${query.dtype} (added to the scores), got ${attnMask.dtype}; convert it with .to('${query.dtype}')`,
      );
    }
    const full = [...batch, L, S];
    const offset = full.length - attnMask.ndim;
    if (offset < 0 || attnMask.shape.some((d, i) => d !== 1 && d !== full[offset + i])) {
      throw new ShapeError(
        op,
        `attnMask ${fmtShape(attnMask.shape)} does not broadcast to the scores' shape ${fmtShape(full)} ` +
          `([..., L, S]) for ${shapes}; give it shape [L, S] = [${L}, ${S}] or a broadcastable one`,
      );
    }
    mask = attnMask.expand(full);
  }
  return {
    q: query.expand([...batch, L, E]),
    k: key.expand([...batch, S, E]),
    v: value.expand([...batch, S, Ev]),
    mask,
    attrs: { scale, isCausal },
  };
}

/**
 * Scaled dot-product attention as torch 2.x's `F.scaled_dot_product_attention` (without dropout):
 * `softmax(query @ key^T * scale + mask) @ value` for query `[..., L, E]`, key `[..., S, E]` and value
 * `[..., S, Ev]` (batch dims broadcast), giving `[..., L, Ev]`.
 *
 * It runs as one fused kernel: scores are computed a tile at a time with an online softmax, and the
 * gradient recomputes them from the logsumexp of each row, so memory stays O((L + S) * E) even for long
 * sequences; no `[L, S]` matrix is kept. A row whose keys are all masked out gives NaN, as the explicit
 * softmax does. `@nn/nn`'s `F.scaledDotProductAttention` adds `dropoutP`.
 *
 * @example
 * const q = randn([2, 4, 8, 16]); // [batch, heads, L, E]
 * const out = scaledDotProductAttention(q, q, q, { isCausal: true }); // [2, 4, 8, 16]
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: AttentionOptions = {},
): Tensor {
  const { q, k, v, mask, attrs } = resolve('scaledDotProductAttention', query, key, value, options);
  return runKernelMulti('scaledDotProductAttention', mask ? [q, k, v, mask] : [q, k, v], attrs)[0]!;
}

/** A bool `[L, S]` tensor on `device`, true where `j <= i` (the keys a causal query row sees). */
function causalKeep(L: number, S: number, device: string): Tensor {
  const keep = new Uint8Array(L * S);
  for (let i = 0; i < L; i++) keep.fill(1, i * S, i * S + Math.min(S, i + 1));
  return transfer(fromArray(keep, [L, S], 'bool'), device);
}

/**
 * The masked scores `query @ key^T * scale + mask` that {@link scaledDotProductAttention} takes the
 * softmax of, materialised as `[..., L, S]` with -Infinity where a bool mask or `isCausal` hides a key.
 * For the paths that need the weights themselves (attention dropout, `MultiheadAttention` with
 * `needWeights`) and for double backward; same options and checks as `scaledDotProductAttention`.
 */
export function attentionScores(query: Tensor, key: Tensor, options: AttentionOptions = {}): Tensor {
  const { q, k, mask, attrs } = resolve('attentionScores', query, key, key, options);
  // scale the queries first, as torch 1.13's attention does (and [L, E] is smaller than [L, S])
  let scores = q.mul(attrs.scale).matmul(k.transpose(-2, -1));
  if (mask)
    scores =
      mask.dtype === 'bool'
        ? scores.maskedFill(mask.logicalNot(), Number.NEGATIVE_INFINITY)
        : scores.add(mask);
  if (attrs.isCausal) {
    const [L, S] = scores.shape.slice(-2) as [number, number];
    scores = scores.maskedFill(causalKeep(L, S, scores.device).logicalNot(), Number.NEGATIVE_INFINITY);
  }
  return scores;
}
