import { checkOptions, type DType, ShapeError, type Tensor } from '@nn/tensor';
import { xavierUniform_ } from '../init';
import { Module } from '../module/module';
import { TRANSFORMER_FORWARD_KEYS, TRANSFORMER_KEYS } from '../utils/option-keys';
import { subsequentMask } from './multihead-attention';
import { LayerNorm } from './normalization';
import {
  type DecoderForwardOptions,
  TransformerDecoder,
  TransformerDecoderLayer,
} from './transformer-decoder';
import {
  type EncoderForwardOptions,
  TransformerEncoder,
  TransformerEncoderLayer,
} from './transformer-encoder';
import type { TransformerLayerOptions } from './transformer-layer-options';

/** Options of {@link Transformer}: torch's keyword arguments. */
export interface TransformerOptions extends TransformerLayerOptions {
  /** Model width (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
  /** Used instead of the built encoder; called as `encoder.call(src, { mask, srcKeyPaddingMask, isCausal })`. */
  customEncoder?: Module | null;
  /** Used instead of the built decoder; called as `decoder.call(tgt, memory, decoderMasks)`. */
  customDecoder?: Module | null;
}

/** Masks of {@link Transformer.forward} (torch's keyword arguments). */
export interface TransformerForwardOptions extends DecoderForwardOptions {
  /** `[S, S]` or `[N * nhead, S, S]` on the encoder's self-attention; bool true = not allowed, float = added. */
  srcMask?: Tensor | null;
  /** `[N, S]`; bool true = source padding to ignore (also pass it as `memoryKeyPaddingMask`). */
  srcKeyPaddingMask?: Tensor | null;
  /** Without `srcMask`: each source position attends to itself and earlier positions only. */
  srcIsCausal?: boolean;
}

/**
 * The encoder-decoder Transformer of "Attention Is All You Need" (`torch.nn.Transformer`): a
 * {@link TransformerEncoder} and a {@link TransformerDecoder}, each ending in a LayerNorm. Keys are torch's
 * (`encoder.layers.0.self_attn.in_proj_weight`, `encoder.norm.weight`, `decoder.layers.1.norm3.bias`, ...),
 * and every parameter with more than one dim is re-drawn Xavier-uniform, as torch does.
 *
 * @example
 * const model = new Transformer({ dModel: 32, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64 });
 * const src = randn([10, 2, 32]); // [S, N, E]
 * const tgt = randn([7, 2, 32]); // [T, N, E]
 * const out = model.call(src, tgt, { tgtMask: Transformer.generateSquareSubsequentMask(7) }); // [7, 2, 32]
 */
export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  /** Model width. */
  readonly dModel: number;
  /** Attention heads. */
  readonly nhead: number;
  /** Whether inputs are `[N, S, E]`. */
  readonly batchFirst: boolean;

  constructor(options: TransformerOptions = {}) {
    checkOptions('Transformer', options, TRANSFORMER_KEYS);
    super();
    const {
      dModel = 512,
      nhead = 8,
      numEncoderLayers = 6,
      numDecoderLayers = 6,
      customEncoder,
      customDecoder,
      ...layerOptions
    } = options;
    const norm = () =>
      new LayerNorm(dModel, {
        eps: layerOptions.layerNormEps ?? 1e-5,
        ...(layerOptions.dtype ? { dtype: layerOptions.dtype } : {}),
        ...(layerOptions.device ? { device: layerOptions.device } : {}),
      });
    this.encoder =
      customEncoder ??
      new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOptions), numEncoderLayers, {
        norm: norm(),
      });
    this.decoder =
      customDecoder ??
      new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOptions), numDecoderLayers, {
        norm: norm(),
      });
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p);
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = layerOptions.batchFirst ?? false;
  }

  /** Encodes `src` and decodes `tgt` against it: `[T, N, E]` out (`[N, T, E]` with `batchFirst`). */
  override forward(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): Tensor {
    checkOptions('Transformer.forward', options, TRANSFORMER_FORWARD_KEYS);
    const { srcMask, srcKeyPaddingMask, srcIsCausal, ...decoderOptions } = options;
    const batched = src.ndim === 3;
    const b = this.batchFirst ? 0 : 1;
    if (batched && src.shape[b] !== tgt.shape[b]) {
      throw new ShapeError(
        'Transformer',
        `the batch number of src and tgt must be equal: src [${src.shape}], tgt [${tgt.shape}] (batch dim ${b} with batchFirst ${this.batchFirst})`,
      );
    }
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new ShapeError(
        'Transformer',
        `the feature number of src and tgt must be equal to dModel ${this.dModel}: src [${src.shape}], tgt [${tgt.shape}]`,
      );
    }
    const encoderOptions: EncoderForwardOptions = {
      mask: srcMask ?? null,
      srcKeyPaddingMask: srcKeyPaddingMask ?? null,
      isCausal: srcIsCausal ?? false,
    };
    const memory = this.encoder.call(src as never, encoderOptions as never) as Tensor;
    return this.decoder.call(tgt as never, memory as never, decoderOptions as never) as Tensor;
  }

  /**
   * A float `[sz, sz]` mask with -Infinity above the diagonal and 0 elsewhere, so position `i` attends to
   * positions `<= i` (torch's `Transformer.generate_square_subsequent_mask`).
   */
  static generateSquareSubsequentMask(sz: number, options: { dtype?: DType; device?: string } = {}): Tensor {
    return subsequentMask(sz, sz, options);
  }
}
