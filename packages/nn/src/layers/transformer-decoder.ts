import { checkOptions, type Tensor, ValueError } from '@nn/tensor';
import { ModuleList } from '../module/containers';
import { Module } from '../module/module';
import { DECODER_FORWARD_KEYS, ENCODER_KEYS, TRANSFORMER_LAYER_KEYS } from '../utils/option-keys';
import { Dropout } from './dropout';
import { factoryOptions, Linear } from './linear';
import { MultiheadAttention } from './multihead-attention';
import { LayerNorm } from './normalization';
import { checkModelInput, type TransformerEncoderOptions } from './transformer-encoder';
import { activationFn, clones, type TransformerLayerOptions } from './transformer-layer-options';

/** Masks of the decoder's `forward` (torch's keyword arguments). */
export interface DecoderForwardOptions {
  /** `[T, T]` or `[N * nhead, T, T]` on the target's self-attention; bool true = not allowed, float = added. */
  tgtMask?: Tensor | null;
  /** `[T, S]` or `[N * nhead, T, S]` on the attention to the memory. */
  memoryMask?: Tensor | null;
  /** `[N, T]`; bool true = target padding to ignore, float = added. */
  tgtKeyPaddingMask?: Tensor | null;
  /** `[N, S]`; bool true = memory padding to ignore, float = added. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Without `tgtMask`: each target position attends to itself and earlier positions only. */
  tgtIsCausal?: boolean;
  /** Without `memoryMask`: target position `i` attends to memory positions `j <= i` only. */
  memoryIsCausal?: boolean;
}

/**
 * One Transformer decoder block (`torch.nn.TransformerDecoderLayer`): self-attention over the target,
 * attention to the encoder's output (`memory`), then a feed-forward network, each with a residual
 * connection and LayerNorm (after the residual by default, before each block with `normFirst`).
 * Submodules keep torch's names (`self_attn`, `multihead_attn`, `linear1`, `linear2`, `norm1`..`norm3`,
 * `dropout`, `dropout1`..`dropout3`).
 *
 * @example
 * const layer = new TransformerDecoderLayer(32, 4, { dimFeedforward: 64 });
 * const memory = randn([10, 2, 32]); // [S, N, E]
 * const y = layer.call(randn([7, 2, 32]), memory, { tgtIsCausal: true }); // [7, 2, 32]
 */
export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  /** A module activation is a child, as in torch (null for 'relu'/'gelu'/functions). */
  activation: Module | null;
  /** Model width. */
  readonly dModel: number;
  /** Attention heads. */
  readonly nhead: number;
  /** Whether LayerNorm comes before each block. */
  readonly normFirst: boolean;
  /** Whether inputs are `[N, T, E]`. */
  readonly batchFirst: boolean;
  readonly #options: TransformerLayerOptions;
  readonly #activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    checkOptions('TransformerDecoderLayer', options, TRANSFORMER_LAYER_KEYS);
    super();
    const { dimFeedforward = 2048, dropout = 0.1, layerNormEps = 1e-5, batchFirst = false } = options;
    const f = factoryOptions(options);
    this.self_attn = new MultiheadAttention(dModel, nhead, { ...f, dropout, batchFirst });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { ...f, dropout, batchFirst });
    this.linear1 = new Linear(dModel, dimFeedforward, f);
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, f);
    this.norm1 = new LayerNorm(dModel, { ...f, eps: layerNormEps });
    this.norm2 = new LayerNorm(dModel, { ...f, eps: layerNormEps });
    this.norm3 = new LayerNorm(dModel, { ...f, eps: layerNormEps });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.dropout3 = new Dropout(dropout);
    const activation = options.activation ?? 'relu';
    this.#activation = activationFn('TransformerDecoderLayer', activation);
    this.activation = activation instanceof Module ? activation : null;
    this.dModel = dModel;
    this.nhead = nhead;
    this.normFirst = options.normFirst ?? false;
    this.batchFirst = batchFirst;
    this.#options = options;
  }

  /** A new layer with this one's options (and current dtype/device); values are not copied. */
  clone(): TransformerDecoderLayer {
    const w = this.linear1.weight;
    return new TransformerDecoderLayer(this.dModel, this.nhead, {
      ...this.#options,
      dtype: w.dtype,
      device: w.device,
    });
  }

  /** Decodes `tgt` (`[T, N, E]`, `[N, T, E]` with `batchFirst`, or `[T, E]`) against `memory`; same shape as `tgt`. */
  override forward(tgt: Tensor, memory: Tensor, options: DecoderForwardOptions = {}): Tensor {
    checkOptions('TransformerDecoderLayer.forward', options, DECODER_FORWARD_KEYS);
    checkModelInput('TransformerDecoderLayer', 'tgt', tgt, this.dModel, this.batchFirst);
    checkModelInput('TransformerDecoderLayer', 'memory', memory, this.dModel, this.batchFirst);
    const selfAttend = (x: Tensor) =>
      this.dropout1.call(
        this.self_attn.call(x, x, x, {
          attnMask: options.tgtMask ?? null,
          keyPaddingMask: options.tgtKeyPaddingMask ?? null,
          isCausal: options.tgtIsCausal ?? false,
          needWeights: false,
        })[0],
      );
    const crossAttend = (x: Tensor) =>
      this.dropout2.call(
        this.multihead_attn.call(x, memory, memory, {
          attnMask: options.memoryMask ?? null,
          keyPaddingMask: options.memoryKeyPaddingMask ?? null,
          isCausal: options.memoryIsCausal ?? false,
          needWeights: false,
        })[0],
      );
    const feedForward = (x: Tensor) =>
      this.dropout3.call(this.linear2.call(this.dropout.call(this.#activation(this.linear1.call(x)))));
    if (this.normFirst) {
      let x = tgt.add(selfAttend(this.norm1.call(tgt)));
      x = x.add(crossAttend(this.norm2.call(x)));
      return x.add(feedForward(this.norm3.call(x)));
    }
    let x = this.norm1.call(tgt.add(selfAttend(tgt)));
    x = this.norm2.call(x.add(crossAttend(x)));
    return this.norm3.call(x.add(feedForward(x)));
  }
}

/**
 * A stack of `numLayers` copies of a decoder layer (`torch.nn.TransformerDecoder`), each starting from the
 * given layer's values, then an optional `norm`; keys `layers.0.multihead_attn.in_proj_weight`, ...
 *
 * @example
 * const decoder = new TransformerDecoder(new TransformerDecoderLayer(32, 4, { dimFeedforward: 64 }), 2);
 * const y = decoder.call(randn([7, 2, 32]), randn([10, 2, 32]), { tgtIsCausal: true }); // [7, 2, 32]
 */
export class TransformerDecoder extends Module {
  layers: ModuleList;
  norm: Module | null;
  /** Number of layers. */
  readonly numLayers: number;

  constructor(
    decoderLayer: TransformerDecoderLayer,
    numLayers: number,
    options: TransformerEncoderOptions = {},
  ) {
    checkOptions('TransformerDecoder', options, ENCODER_KEYS);
    super();
    if (!(decoderLayer instanceof TransformerDecoderLayer)) {
      throw new ValueError(
        'TransformerDecoder',
        'decoderLayer must be a TransformerDecoderLayer (its copies make the stack)',
      );
    }
    this.layers = new ModuleList(clones('TransformerDecoder', decoderLayer, numLayers));
    this.norm = options.norm ?? null;
    this.numLayers = numLayers;
  }

  /** Runs `tgt` through every layer against `memory` with the same masks, then `norm`. */
  override forward(tgt: Tensor, memory: Tensor, options: DecoderForwardOptions = {}): Tensor {
    checkOptions('TransformerDecoder.forward', options, DECODER_FORWARD_KEYS);
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).call(x, memory, options);
    return this.norm ? (this.norm.call(x as never) as Tensor) : x;
  }
}
