import {
  attentionScores,
  cat,
  checkOptions,
  type DType,
  DTypeError,
  empty,
  full,
  isFloating,
  pad,
  ShapeError,
  type Tensor,
  triu,
  ValueError,
  where,
  zeros,
} from '@nn/tensor';
import { scaledDotProductAttention } from '../functional/attention';
import { dropout } from '../functional/dropout';
import { linear } from '../functional/linear';
import { constant_, xavierNormal_, xavierUniform_ } from '../init';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { MHA_FORWARD_KEYS, MHA_KEYS } from '../utils/option-keys';
import { type FactoryOptions, factoryOptions, Linear } from './linear';

/** `[L, S]` float mask: 0 where key `j <= i`, -Infinity above the diagonal (torch's causal mask). */
export function subsequentMask(
  L: number,
  S: number,
  options: { dtype?: DType; device?: string } = {},
): Tensor {
  return triu(full([L, S], Number.NEGATIVE_INFINITY, options), 1);
}

/** Options of {@link MultiheadAttention}: torch's keyword arguments. */
export interface MultiheadAttentionOptions extends FactoryOptions {
  /** Dropout on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Learn biases for the input and output projections (default true). */
  bias?: boolean;
  /** Learn a key and a value appended to the key/value sequences (`bias_k`, `bias_v`; default false). */
  addBiasKV?: boolean;
  /** Append an all-zero key and value after projection (default false). */
  addZeroAttn?: boolean;
  /** Feature size of the keys (default `embedDim`). */
  kdim?: number;
  /** Feature size of the values (default `embedDim`). */
  vdim?: number;
  /** Inputs and output are `[N, L, E]` rather than `[L, N, E]` (default false). */
  batchFirst?: boolean;
}

/** Options of {@link MultiheadAttention.forward}, torch's keyword arguments. */
export interface MultiheadAttentionForwardOptions {
  /**
   * `[N, S]` (or `[S]` unbatched): a bool mask is true at keys to ignore, a float mask is added to the
   * scores of every query and head.
   */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true); false lets the fused kernel run. */
  needWeights?: boolean;
  /**
   * `[L, S]` or `[N * numHeads, L, S]`: a bool mask is true where attention is NOT allowed (torch's
   * MultiheadAttention convention, the opposite of `scaledDotProductAttention`'s); a float mask is added.
   */
  attnMask?: Tensor | null;
  /** Return weights averaged over heads `[N, L, S]` rather than per head `[N, numHeads, L, S]` (default true). */
  averageAttnWeights?: boolean;
  /** Without `attnMask`: query `i` attends to keys `j <= i` only. With `attnMask`, torch's hint: the mask is used. */
  isCausal?: boolean;
}

/**
 * Multi-head attention (`torch.nn.MultiheadAttention`): `L` queries `[L, N, E]` attend to `S` keys
 * `[S, N, kdim]` and values `[S, N, vdim]` (`[N, L, E]` etc. with `batchFirst`, or unbatched `[L, E]`)
 * through `numHeads` heads of size `embedDim / numHeads`. `forward` returns `[attnOutput, attnWeights]`,
 * the weights `null` unless `needWeights`.
 *
 * Parameters keep torch's names, so torch checkpoints load as they are: `in_proj_weight` `[3E, E]` and
 * `in_proj_bias` `[3E]` (or `q_proj_weight`/`k_proj_weight`/`v_proj_weight` when `kdim`/`vdim` differ
 * from `embedDim`), `out_proj.weight`/`out_proj.bias`, and `bias_k`/`bias_v` with `addBiasKV`. Init is
 * torch's: Xavier-uniform projections, zero biases.
 *
 * With `needWeights: false` (as Transformer layers call it) the heads run through the fused
 * `scaledDotProductAttention` kernel; with weights (the default), or attention dropout in training, the
 * explicit softmax is used.
 *
 * @example
 * const mha = new MultiheadAttention(16, 4, { batchFirst: true });
 * const x = randn([2, 5, 16]); // [N, L, E]
 * const [out, weights] = mha.call(x, x, x); // [2, 5, 16], [2, 5, 5]
 */
export class MultiheadAttention extends Module {
  // Fields in torch's registration order, so stateDict() keys come out in torch's order.
  /** `[3 * embedDim, embedDim]`, or null when `kdim`/`vdim` differ from `embedDim`. */
  declare in_proj_weight: Parameter | null;
  /** `[embedDim, embedDim]` query projection when `kdim`/`vdim` differ from `embedDim`, else null. */
  declare q_proj_weight: Parameter | null;
  /** `[embedDim, kdim]` key projection when `kdim`/`vdim` differ from `embedDim`, else null. */
  declare k_proj_weight: Parameter | null;
  /** `[embedDim, vdim]` value projection when `kdim`/`vdim` differ from `embedDim`, else null. */
  declare v_proj_weight: Parameter | null;
  /** `[3 * embedDim]`, or null with `bias: false`. */
  declare in_proj_bias: Parameter | null;
  /** The output projection `embedDim -> embedDim`. */
  out_proj: Linear;
  /** `[1, 1, embedDim]` key appended with `addBiasKV`, else null. */
  declare bias_k: Parameter | null;
  /** `[1, 1, embedDim]` value appended with `addBiasKV`, else null. */
  declare bias_v: Parameter | null;
  /** Model width `E`. */
  readonly embedDim: number;
  /** Key feature size. */
  readonly kdim: number;
  /** Value feature size. */
  readonly vdim: number;
  /** Whether keys and values have `embedDim` features (one packed `in_proj_weight`). */
  readonly qkvSameEmbedDim: boolean;
  /** Number of heads. */
  readonly numHeads: number;
  /** Size of each head, `embedDim / numHeads`. */
  readonly headDim: number;
  /** Dropout probability on the attention weights (training mode only). */
  readonly dropout: number;
  /** Whether inputs are `[N, L, E]`. */
  readonly batchFirst: boolean;
  /** Whether an all-zero key/value is appended. */
  readonly addZeroAttn: boolean;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    checkOptions('MultiheadAttention', options, MHA_KEYS);
    super();
    for (const [name, n] of [
      ['embedDim', embedDim],
      ['numHeads', numHeads],
      ['kdim', options.kdim ?? embedDim],
      ['vdim', options.vdim ?? embedDim],
    ] as const) {
      if (!Number.isInteger(n) || n <= 0) {
        throw new ValueError('MultiheadAttention', `${name} must be a positive integer, got ${n}`);
      }
    }
    if (embedDim % numHeads !== 0) {
      throw new ValueError(
        'MultiheadAttention',
        `embedDim ${embedDim} must be divisible by numHeads ${numHeads}; pick numHeads among the divisors of ${embedDim}`,
      );
    }
    const p = options.dropout ?? 0;
    if (!(p >= 0 && p <= 1)) {
      throw new ValueError(
        'MultiheadAttention',
        `dropout probability has to be between 0 and 1, but got ${p}`,
      );
    }
    this.embedDim = embedDim;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    this.qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = p;
    this.batchFirst = options.batchFirst ?? false;
    this.addZeroAttn = options.addZeroAttn ?? false;
    const f = factoryOptions(options);
    const param = (shape: number[]) => new Parameter(empty(shape, f));
    const separate = !this.qkvSameEmbedDim;
    this.registerParameter('in_proj_weight', separate ? null : param([3 * embedDim, embedDim]));
    this.registerParameter('q_proj_weight', separate ? param([embedDim, embedDim]) : null);
    this.registerParameter('k_proj_weight', separate ? param([embedDim, this.kdim]) : null);
    this.registerParameter('v_proj_weight', separate ? param([embedDim, this.vdim]) : null);
    const bias = options.bias ?? true;
    this.registerParameter('in_proj_bias', bias ? param([3 * embedDim]) : null);
    this.out_proj = new Linear(embedDim, embedDim, { ...f, bias });
    const biasKV = options.addBiasKV ?? false;
    this.registerParameter('bias_k', biasKV ? param([1, 1, embedDim]) : null);
    this.registerParameter('bias_v', biasKV ? param([1, 1, embedDim]) : null);
    this.resetParameters();
  }

  /** torch's init: Xavier-uniform input projections, zero biases, Xavier-normal `bias_k`/`bias_v`. */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) {
      if (w) xavierUniform_(w);
    }
    if (this.in_proj_bias) {
      constant_(this.in_proj_bias, 0);
      if (this.out_proj.bias) constant_(this.out_proj.bias, 0);
    }
    if (this.bias_k) xavierNormal_(this.bias_k);
    if (this.bias_v) xavierNormal_(this.bias_v);
  }

  /**
   * Attends `query` to `key`/`value`; returns `[attnOutput, attnWeights]` with the output shaped like
   * `query` and the weights `[N, L, S]` (averaged), `[N, numHeads, L, S]`, or null without `needWeights`.
   */
  override forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: MultiheadAttentionForwardOptions = {},
  ): [Tensor, Tensor | null] {
    checkOptions('MultiheadAttention.forward', options, MHA_FORWARD_KEYS);
    const batched = this.#checkInputs(query, key, value);
    const toBatchFirst = (t: Tensor) => (!batched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
    const [q, k, v] = [query, key, value].map(toBatchFirst) as [Tensor, Tensor, Tensor];
    const [N, L] = q.shape as [number, number];
    const S = k.shape[1]!;
    const H = this.numHeads;
    const hd = this.headDim;
    let [qp, kp, vp] = this.#project(q, k, v, query === key && key === value);
    let attnMask = this.#attnMask(options.attnMask ?? null, batched, N, L, S, q.dtype);
    let paddingMask = this.#paddingMask(options.keyPaddingMask ?? null, batched, N, S, q.dtype);
    let isCausal = (options.isCausal ?? false) && attnMask === null;
    if (isCausal && (paddingMask || this.bias_k || this.addZeroAttn)) {
      // the causal mask must combine with other masks (or be padded with them): make it explicit
      attnMask = subsequentMask(L, S, { dtype: q.dtype, device: q.device });
      isCausal = false;
    }
    const padKeys = () => {
      if (attnMask) attnMask = pad(attnMask, [0, 1]);
      if (paddingMask) paddingMask = pad(paddingMask, [0, 1]);
    };
    if (this.bias_k && this.bias_v) {
      kp = cat([kp, this.bias_k.expand([N, 1, this.embedDim])], 1);
      vp = cat([vp, this.bias_v.expand([N, 1, this.embedDim])], 1);
      padKeys();
    }
    const heads = (t: Tensor) => t.reshape(N, t.shape[1]!, H, hd).transpose(1, 2); // [N, H, *, hd]
    let [qh, kh, vh] = [heads(qp), heads(kp), heads(vp)];
    if (this.addZeroAttn) {
      const zero = zeros([N, H, 1, hd], { dtype: kh.dtype, device: kh.device });
      kh = cat([kh, zero], 2);
      vh = cat([vh, zero], 2);
      padKeys();
    }
    const mask = attnMask && paddingMask ? attnMask.add(paddingMask) : (attnMask ?? paddingMask);
    const p = this.training ? this.dropout : 0;
    let out: Tensor;
    let weights: Tensor | null = null;
    if (options.needWeights ?? true) {
      weights = attentionScores(qh, kh, { attnMask: mask, isCausal }).softmax(-1);
      if (p > 0) weights = dropout(weights, p);
      out = weights.matmul(vh);
    } else {
      out = scaledDotProductAttention(qh, kh, vh, { attnMask: mask, isCausal, dropoutP: p });
    }
    let output = linear(
      out.transpose(1, 2).reshape(N, L, this.embedDim),
      this.out_proj.weight,
      this.out_proj.bias,
    );
    output = !batched ? output.squeeze(0) : this.batchFirst ? output : output.transpose(0, 1);
    if (weights && (options.averageAttnWeights ?? true)) weights = weights.sum(1).div(H);
    if (weights && !batched) weights = weights.squeeze(0);
    return [output, weights];
  }

  /** Checks ranks, sizes and dtypes; returns whether the input is batched. */
  #checkInputs(query: Tensor, key: Tensor, value: Tensor): boolean {
    const op = 'MultiheadAttention';
    const layout = this.batchFirst ? '[N, L, E]' : '[L, N, E]';
    const shapes = `query [${query.shape}], key [${key.shape}], value [${value.shape}]`;
    if (query.ndim !== 2 && query.ndim !== 3) {
      throw new ShapeError(
        op,
        `expected a batched 3-D ${layout} or unbatched 2-D [L, E] query, got ${query.ndim}-D: ${shapes}`,
      );
    }
    if (key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new ShapeError(op, `key and value must have the query's rank ${query.ndim}, got ${shapes}`);
    }
    const batched = query.ndim === 3;
    const feature = query.ndim - 1;
    const expected: [Tensor, string, number][] = [
      [query, 'query', this.embedDim],
      [key, 'key', this.kdim],
      [value, 'value', this.vdim],
    ];
    for (const [t, name, size] of expected) {
      if (t.shape[feature] !== size) {
        throw new ShapeError(
          op,
          `${name} has ${t.shape[feature]} features but the layer expects ${size} (embedDim ${this.embedDim}, kdim ${this.kdim}, vdim ${this.vdim}): ${shapes}` +
            (batched && t.shape[this.batchFirst ? 1 : 0] === size
              ? `; is the layout right? batchFirst is ${this.batchFirst}`
              : ''),
        );
      }
    }
    const seq = batched && this.batchFirst ? 1 : 0;
    if (key.shape[seq] !== value.shape[seq]) {
      throw new ShapeError(op, `key and value must have the same sequence length S, got ${shapes}`);
    }
    if (batched) {
      const b = this.batchFirst ? 0 : 1;
      if (key.shape[b] !== query.shape[b] || value.shape[b] !== query.shape[b]) {
        throw new ShapeError(
          op,
          `query, key and value must have the same batch size N (dim ${b} with batchFirst ${this.batchFirst}), got ${shapes}`,
        );
      }
    }
    const weight = this.in_proj_weight ?? this.q_proj_weight!;
    for (const [t, name] of expected) {
      if (t.dtype !== weight.dtype) {
        throw new DTypeError(
          op,
          `${name} is ${t.dtype} but the layer's weights are ${weight.dtype}; convert the input with .to('${weight.dtype}')`,
        );
      }
    }
    return batched;
  }

  /** The projected `[N, *, E]` queries, keys and values (one GEMM for self-attention). */
  #project(q: Tensor, k: Tensor, v: Tensor, selfAttention: boolean): [Tensor, Tensor, Tensor] {
    const E = this.embedDim;
    const b = this.in_proj_bias ? this.in_proj_bias.chunk(3) : [null, null, null];
    if (this.in_proj_weight && selfAttention) {
      return linear(q, this.in_proj_weight, this.in_proj_bias).split(E, -1) as [Tensor, Tensor, Tensor];
    }
    const w = this.in_proj_weight
      ? this.in_proj_weight.chunk(3)
      : [this.q_proj_weight!, this.k_proj_weight!, this.v_proj_weight!];
    return [linear(q, w[0]!, b[0]), linear(k, w[1]!, b[1]), linear(v, w[2]!, b[2])];
  }

  /** `attnMask` as an additive float mask broadcastable to `[N, H, L, S]` (torch: bool true = masked out). */
  #attnMask(
    mask: Tensor | null,
    batched: boolean,
    N: number,
    L: number,
    S: number,
    dtype: Tensor['dtype'],
  ): Tensor | null {
    if (!mask) return null;
    const op = 'MultiheadAttention';
    const heads = batched ? N * this.numHeads : this.numHeads;
    if (mask.ndim === 2) {
      if (mask.shape[0] !== L || mask.shape[1] !== S) {
        throw new ShapeError(op, `the 2-D attnMask is [${mask.shape}] but should be [L, S] = [${L}, ${S}]`);
      }
    } else if (mask.ndim === 3) {
      if (mask.shape[0] !== heads || mask.shape[1] !== L || mask.shape[2] !== S) {
        throw new ShapeError(
          op,
          `the 3-D attnMask is [${mask.shape}] but should be [${batched ? 'N * numHeads' : 'numHeads'}, L, S] = [${heads}, ${L}, ${S}]`,
        );
      }
    } else {
      throw new ShapeError(
        op,
        `attnMask must be 2-D [L, S] or 3-D [N * numHeads, L, S], got ${mask.ndim}-D [${mask.shape}]`,
      );
    }
    const additive = this.#additive('attnMask', mask, dtype);
    return mask.ndim === 2 ? additive : additive.reshape(N, this.numHeads, L, S);
  }

  /** `keyPaddingMask` `[N, S]` as an additive float mask `[N, 1, 1, S]`. */
  #paddingMask(
    mask: Tensor | null,
    batched: boolean,
    N: number,
    S: number,
    dtype: Tensor['dtype'],
  ): Tensor | null {
    if (!mask) return null;
    const expected = batched ? [N, S] : [S];
    if (mask.ndim !== expected.length || mask.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(
        'MultiheadAttention',
        `keyPaddingMask is [${mask.shape}] but should be ${batched ? `[N, S] = [${N}, ${S}]` : `[S] = [${S}] for unbatched input`}`,
      );
    }
    return this.#additive('keyPaddingMask', mask, dtype).reshape(N, 1, 1, S);
  }

  /** A bool mask (true = masked out) as 0 / -Infinity; a float mask as it is. */
  #additive(name: string, mask: Tensor, dtype: Tensor['dtype']): Tensor {
    if (mask.dtype === 'bool') {
      // where over 0-d values (not a zeros(mask.shape) filled): an ONNX export then follows the mask's batch.
      const value = (v: number) => full([], v, { dtype, device: mask.device });
      return where(mask, value(Number.NEGATIVE_INFINITY), value(0));
    }
    if (!isFloating(mask.dtype) || mask.dtype !== dtype) {
      throw new DTypeError(
        'MultiheadAttention',
        `${name} must be bool (true = masked out) or ${dtype} like the query (added to the scores), got ${mask.dtype}; convert it with .bool() or .to('${dtype}')`,
      );
    }
    return mask;
  }
}
