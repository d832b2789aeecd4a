import { checkOptions, ShapeError, type Tensor, ValueError } from '@nn/tensor';
import { ModuleList } from '../module/containers';
import { Module } from '../module/module';
import {
  ENCODER_FORWARD_KEYS,
  ENCODER_KEYS,
  ENCODER_LAYER_FORWARD_KEYS,
  TRANSFORMER_LAYER_KEYS,
} from '../utils/option-keys';
import { Dropout } from './dropout';
import { factoryOptions, Linear } from './linear';
import { MultiheadAttention } from './multihead-attention';
import { LayerNorm } from './normalization';
import { activationFn, clones, type TransformerLayerOptions } from './transformer-layer-options';

/** Masks of {@link TransformerEncoderLayer.forward} (torch's `src_mask`, `src_key_padding_mask`, `is_causal`). */
export interface EncoderLayerForwardOptions {
  /** `[S, S]` or `[N * nhead, S, S]`; bool true = not allowed, float = added (see MultiheadAttention). */
  srcMask?: Tensor | null;
  /** `[N, S]`; bool true = padding to ignore, float = added. */
  srcKeyPaddingMask?: Tensor | null;
  /** Without `srcMask`: each position attends to itself and earlier positions only. */
  isCausal?: boolean;
}

/** Checks the model width of a Transformer input against the layer's. */
export function checkModelInput(
  layer: string,
  name: string,
  x: Tensor,
  dModel: number,
  batchFirst: boolean,
): void {
  const layout = batchFirst ? '[N, S, E]' : '[S, N, E]';
  if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== dModel) {
    throw new ShapeError(
      layer,
      `expected ${name} ${layout} (or unbatched [S, E]) with E = dModel = ${dModel}, got [${x.shape}]`,
    );
  }
}

/**
 * One Transformer encoder block (`torch.nn.TransformerEncoderLayer`): self-attention then a feed-forward
 * network (`linear2(dropout(activation(linear1(x))))`), each with a residual connection and LayerNorm,
 * after the residual (default) or before the block with `normFirst`. Submodules keep torch's names
 * (`self_attn`, `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`, `dropout2`), so torch
 * checkpoints load as they are. The attention runs through the fused kernel (no `[S, S]` weights kept).
 *
 * @example
 * const layer = new TransformerEncoderLayer(32, 4, { dimFeedforward: 64, batchFirst: true });
 * const y = layer.call(randn([2, 10, 32])); // [2, 10, 32]
 */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  /** A module activation is a child, as in torch (null for 'relu'/'gelu'/functions). */
  activation: Module | null;
  /** Model width. */
  readonly dModel: number;
  /** Attention heads. */
  readonly nhead: number;
  /** Whether LayerNorm comes before each block. */
  readonly normFirst: boolean;
  /** Whether inputs are `[N, S, E]`. */
  readonly batchFirst: boolean;
  readonly #options: TransformerLayerOptions;
  readonly #activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    checkOptions('TransformerEncoderLayer', options, TRANSFORMER_LAYER_KEYS);
    super();
    const { dimFeedforward = 2048, dropout = 0.1, layerNormEps = 1e-5, batchFirst = false } = options;
    const f = factoryOptions(options);
    this.self_attn = new MultiheadAttention(dModel, nhead, { ...f, dropout, batchFirst });
    this.linear1 = new Linear(dModel, dimFeedforward, f);
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, f);
    this.norm1 = new LayerNorm(dModel, { ...f, eps: layerNormEps });
    this.norm2 = new LayerNorm(dModel, { ...f, eps: layerNormEps });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    const activation = options.activation ?? 'relu';
    this.#activation = activationFn('TransformerEncoderLayer', activation);
    this.activation = activation instanceof Module ? activation : null;
    this.dModel = dModel;
    this.nhead = nhead;
    this.normFirst = options.normFirst ?? false;
    this.batchFirst = batchFirst;
    this.#options = options;
  }

  /** A new layer with this one's options (and current dtype/device); values are not copied. */
  clone(): TransformerEncoderLayer {
    const w = this.linear1.weight;
    return new TransformerEncoderLayer(this.dModel, this.nhead, {
      ...this.#options,
      dtype: w.dtype,
      device: w.device,
    });
  }

  /** Encodes `src` (`[S, N, E]`, `[N, S, E]` with `batchFirst`, or `[S, E]`); same shape out. */
  override forward(src: Tensor, options: EncoderLayerForwardOptions = {}): Tensor {
    checkOptions('TransformerEncoderLayer.forward', options, ENCODER_LAYER_FORWARD_KEYS);
    checkModelInput('TransformerEncoderLayer', 'src', src, this.dModel, this.batchFirst);
    const attend = (x: Tensor) =>
      this.dropout1.call(
        this.self_attn.call(x, x, x, {
          attnMask: options.srcMask ?? null,
          keyPaddingMask: options.srcKeyPaddingMask ?? null,
          isCausal: options.isCausal ?? false,
          needWeights: false,
        })[0],
      );
    const feedForward = (x: Tensor) =>
      this.dropout2.call(this.linear2.call(this.dropout.call(this.#activation(this.linear1.call(x)))));
    if (this.normFirst) {
      const x = src.add(attend(this.norm1.call(src)));
      return x.add(feedForward(this.norm2.call(x)));
    }
    const x = this.norm1.call(src.add(attend(src)));
    return this.norm2.call(x.add(feedForward(x)));
  }
}

/** Options of {@link TransformerEncoder}. */
export interface TransformerEncoderOptions {
  /** Applied to the last layer's output (torch's `norm`; `Transformer` passes a LayerNorm). */
  norm?: Module | null;
}

/** Masks of {@link TransformerEncoder.forward} (torch's `mask`, `src_key_padding_mask`, `is_causal`). */
export interface EncoderForwardOptions {
  /** `[S, S]` or `[N * nhead, S, S]`; bool true = not allowed, float = added. */
  mask?: Tensor | null;
  /** `[N, S]`; bool true = padding to ignore, float = added. */
  srcKeyPaddingMask?: Tensor | null;
  /** Without `mask`: each position attends to itself and earlier positions only. */
  isCausal?: boolean;
}

/**
 * A stack of `numLayers` copies of an encoder layer (`torch.nn.TransformerEncoder`), each starting from
 * the given layer's values as torch's deep copies do, then an optional `norm`. Parameters are
 * `layers.0.self_attn.in_proj_weight`, ..., `norm.weight`, as in torch.
 *
 * @example
 * const layer = new TransformerEncoderLayer(32, 4, { dimFeedforward: 64 });
 * const encoder = new TransformerEncoder(layer, 2, { norm: new LayerNorm(32) });
 * const y = encoder.call(randn([10, 2, 32]), { mask: Transformer.generateSquareSubsequentMask(10) });
 */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  norm: Module | null;
  /** Number of layers. */
  readonly numLayers: number;

  constructor(
    encoderLayer: TransformerEncoderLayer,
    numLayers: number,
    options: TransformerEncoderOptions = {},
  ) {
    checkOptions('TransformerEncoder', options, ENCODER_KEYS);
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) {
      throw new ValueError(
        'TransformerEncoder',
        'encoderLayer must be a TransformerEncoderLayer (its copies make the stack)',
      );
    }
    this.layers = new ModuleList(clones('TransformerEncoder', encoderLayer, numLayers));
    this.norm = options.norm ?? null;
    this.numLayers = numLayers;
  }

  /** Runs `src` through every layer with the same masks, then `norm`. */
  override forward(src: Tensor, options: EncoderForwardOptions = {}): Tensor {
    checkOptions('TransformerEncoder.forward', options, ENCODER_FORWARD_KEYS);
    const layerOptions: EncoderLayerForwardOptions = {
      srcMask: options.mask ?? null,
      srcKeyPaddingMask: options.srcKeyPaddingMask ?? null,
      isCausal: options.isCausal ?? false,
    };
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).call(x, layerOptions);
    return this.norm ? (this.norm.call(x as never) as Tensor) : x;
  }
}
