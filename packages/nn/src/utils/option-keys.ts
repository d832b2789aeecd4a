// The valid keys of each options type of @nn/nn, for checkOptions. Each object is typed against its interface,
// so TypeScript fails the build when an option is added to a type but not here (or the other way round).
import type { Generator, OptionKeys } from '@nn/tensor';
import type {
  GeluApproximate,
  InplaceOptions,
  RReLUOptions,
  SoftplusOptions,
} from '../functional/activation';
import type { ScaledDotProductAttentionOptions } from '../functional/attention';
import type { CtcLossOptions } from '../functional/ctc-loss';
import type { CosineSimilarityOptions, PairwiseDistanceOptions } from '../functional/distance';
import type { DropoutOptions } from '../functional/dropout';
import type { EmbeddingFunctionalOptions } from '../functional/embedding';
import type { EmbeddingBagOptions } from '../functional/embedding-bag';
import type { MarginOptions, TripletMarginOptions } from '../functional/embedding-losses';
import type { EmbeddingNormOptions } from '../functional/embedding-options';
import type { GaussianNllOptions, PoissonNllOptions } from '../functional/likelihood-losses';
import type {
  ClassLossOptions,
  CrossEntropyOptions,
  KLDivReduction,
  Reduction,
  ReductionOptions,
} from '../functional/loss';
import type { MultilabelSoftMarginOptions, MultiMarginOptions } from '../functional/multi-class-losses';
import type {
  BatchNormOptions as BatchNormFunctionalOptions,
  InstanceNormOptions as InstanceNormFunctionalOptions,
  LocalResponseNormOptions,
} from '../functional/normalization';
import type { InitOptions, KaimingOptions } from '../init';
import type { ToPyTorchOptions } from '../interop/to-pytorch';
import type { ConvOptions, ConvTransposeOptions } from '../layers/conv';
import type { EmbeddingOptions, EmbeddingPretrainedOptions } from '../layers/embedding';
import type { EmbeddingBagModuleOptions, EmbeddingBagPretrainedOptions } from '../layers/embedding-bag';
import type { FactoryOptions, LayerOptions } from '../layers/linear';
import type { ClassLossModuleOptions } from '../layers/loss';
import type {
  MultiheadAttentionForwardOptions,
  MultiheadAttentionOptions,
} from '../layers/multihead-attention';
import type { BatchNormOptions, GroupNormOptions, LayerNormOptions } from '../layers/normalization';
import type { AvgPool2dOptions, MaxPool2dOptions } from '../layers/pooling';
import type { TransformerForwardOptions, TransformerOptions } from '../layers/transformer';
import type { DecoderForwardOptions } from '../layers/transformer-decoder';
import type {
  EncoderForwardOptions,
  EncoderLayerForwardOptions,
  TransformerEncoderOptions,
} from '../layers/transformer-encoder';
import type { TransformerLayerOptions } from '../layers/transformer-layer-options';
import type { SummaryOptions } from '../module/summary';
import type { SaveOptions } from '../serialization/state-dict-io';
import type { LoadTorchOptions } from '../serialization/torch-file';
import type { ClipGradNormOptions } from './clip-grad';
import type { RegisterParametrizationOptions, RemoveParametrizationsOptions } from './parametrize';
import type { L1UnstructuredOptions } from './prune';
import type { SpectralNormOptions } from './spectral-norm';
import type { WeightNormOptions } from './weight-norm';

const FACTORY = { dtype: true, device: true } as const;
const REDUCTION = { reduction: true } as const;

export const GELU_KEYS: OptionKeys<{ approximate?: GeluApproximate }> = { approximate: true };
export const SOFTPLUS_KEYS: OptionKeys<SoftplusOptions> = { beta: true, threshold: true };
export const INPLACE_KEYS: OptionKeys<InplaceOptions> = { inplace: true };
export const RRELU_KEYS: OptionKeys<RReLUOptions> = {
  inplace: true,
  lower: true,
  upper: true,
  training: true,
  generator: true,
};
export const DROPOUT_KEYS: OptionKeys<DropoutOptions> = { generator: true };
export const REDUCTION_KEYS: OptionKeys<ReductionOptions> = REDUCTION;
export const SMOOTH_L1_KEYS: OptionKeys<ReductionOptions & { beta?: number }> = { ...REDUCTION, beta: true };
export const HUBER_KEYS: OptionKeys<ReductionOptions & { delta?: number }> = { ...REDUCTION, delta: true };
export const CLASS_LOSS_KEYS: OptionKeys<ClassLossOptions> = {
  ...REDUCTION,
  weight: true,
  ignoreIndex: true,
};
export const CROSS_ENTROPY_KEYS: OptionKeys<CrossEntropyOptions> = {
  ...CLASS_LOSS_KEYS,
  labelSmoothing: true,
};
export const BCE_KEYS: OptionKeys<ReductionOptions & { weight?: unknown }> = { ...REDUCTION, weight: true };
export const BCE_LOGITS_KEYS: OptionKeys<ReductionOptions & { weight?: unknown; posWeight?: unknown }> = {
  ...REDUCTION,
  weight: true,
  posWeight: true,
};
export const KL_DIV_KEYS: OptionKeys<{ reduction?: KLDivReduction; logTarget?: boolean }> = {
  reduction: true,
  logTarget: true,
};
export const MARGIN_KEYS: OptionKeys<MarginOptions> = { ...REDUCTION, margin: true };
export const COSINE_EMBEDDING_KEYS: OptionKeys<MarginOptions> = MARGIN_KEYS;
export const TRIPLET_MARGIN_KEYS: OptionKeys<TripletMarginOptions> = {
  ...MARGIN_KEYS,
  p: true,
  eps: true,
  swap: true,
};
export const GAUSSIAN_NLL_KEYS: OptionKeys<GaussianNllOptions> = { ...REDUCTION, full: true, eps: true };
export const POISSON_NLL_KEYS: OptionKeys<PoissonNllOptions> = {
  ...REDUCTION,
  logInput: true,
  full: true,
  eps: true,
};
export const MULTI_MARGIN_KEYS: OptionKeys<MultiMarginOptions> = {
  ...REDUCTION,
  p: true,
  margin: true,
  weight: true,
};
export const MULTILABEL_SOFT_MARGIN_KEYS: OptionKeys<MultilabelSoftMarginOptions> = {
  ...REDUCTION,
  weight: true,
};
export const CTC_KEYS: OptionKeys<CtcLossOptions> = { ...REDUCTION, blank: true, zeroInfinity: true };
export const LOSS_MODULE_KEYS: OptionKeys<{ reduction?: Reduction }> = REDUCTION;
export const CLASS_LOSS_MODULE_KEYS: OptionKeys<ClassLossModuleOptions> = CLASS_LOSS_KEYS;
export const BATCH_NORM_FUNCTIONAL_KEYS: OptionKeys<BatchNormFunctionalOptions> = {
  weight: true,
  bias: true,
  training: true,
  momentum: true,
  eps: true,
};
export const INSTANCE_NORM_FUNCTIONAL_KEYS: OptionKeys<InstanceNormFunctionalOptions> = {
  weight: true,
  bias: true,
  useInputStats: true,
  momentum: true,
  eps: true,
};
export const LOCAL_RESPONSE_NORM_KEYS: OptionKeys<LocalResponseNormOptions> = {
  alpha: true,
  beta: true,
  k: true,
};
export const FACTORY_KEYS: OptionKeys<FactoryOptions> = FACTORY;
export const LAYER_KEYS: OptionKeys<LayerOptions> = { ...FACTORY, bias: true };
export const CONV_KEYS: OptionKeys<ConvOptions> = {
  ...LAYER_KEYS,
  stride: true,
  padding: true,
  dilation: true,
  groups: true,
  paddingMode: true,
};
export const CONV_TRANSPOSE_KEYS: OptionKeys<ConvTransposeOptions> = {
  ...LAYER_KEYS,
  stride: true,
  padding: true,
  outputPadding: true,
  dilation: true,
  groups: true,
  paddingMode: true,
};
const EMBEDDING_NORM: OptionKeys<EmbeddingNormOptions> = {
  maxNorm: true,
  normType: true,
  scaleGradByFreq: true,
  sparse: true,
};
export const EMBEDDING_KEYS: OptionKeys<EmbeddingOptions> = {
  ...FACTORY,
  ...EMBEDDING_NORM,
  paddingIdx: true,
};
export const EMBEDDING_FUNCTIONAL_KEYS: OptionKeys<EmbeddingFunctionalOptions> = {
  ...EMBEDDING_NORM,
  paddingIdx: true,
};
export const EMBEDDING_PRETRAINED_KEYS: OptionKeys<EmbeddingPretrainedOptions> = {
  ...EMBEDDING_NORM,
  freeze: true,
  paddingIdx: true,
};
export const EMBEDDING_BAG_FUNCTIONAL_KEYS: OptionKeys<EmbeddingBagOptions> = {
  ...EMBEDDING_NORM,
  mode: true,
  perSampleWeights: true,
  paddingIdx: true,
  includeLastOffset: true,
};
export const EMBEDDING_BAG_KEYS: OptionKeys<EmbeddingBagModuleOptions> = {
  ...FACTORY,
  ...EMBEDDING_NORM,
  mode: true,
  paddingIdx: true,
  includeLastOffset: true,
};
export const EMBEDDING_BAG_PRETRAINED_KEYS: OptionKeys<EmbeddingBagPretrainedOptions> = {
  ...EMBEDDING_NORM,
  freeze: true,
  mode: true,
  paddingIdx: true,
  includeLastOffset: true,
};
export const COSINE_SIMILARITY_KEYS: OptionKeys<CosineSimilarityOptions> = { dim: true, eps: true };
export const PAIRWISE_DISTANCE_KEYS: OptionKeys<PairwiseDistanceOptions> = {
  p: true,
  eps: true,
  keepdim: true,
};
export const BATCH_NORM_KEYS: OptionKeys<BatchNormOptions> = {
  ...FACTORY,
  eps: true,
  momentum: true,
  affine: true,
  trackRunningStats: true,
};
export const LAYER_NORM_KEYS: OptionKeys<LayerNormOptions> = {
  ...FACTORY,
  eps: true,
  elementwiseAffine: true,
};
export const GROUP_NORM_KEYS: OptionKeys<GroupNormOptions> = { ...FACTORY, eps: true, affine: true };
export const WEIGHT_NORM_KEYS: OptionKeys<WeightNormOptions> = { name: true, dim: true };
export const SPECTRAL_NORM_KEYS: OptionKeys<SpectralNormOptions> = {
  name: true,
  nPowerIterations: true,
  eps: true,
  dim: true,
};
export const REGISTER_PARAMETRIZATION_KEYS: OptionKeys<RegisterParametrizationOptions> = { unsafe: true };
export const REMOVE_PARAMETRIZATIONS_KEYS: OptionKeys<RemoveParametrizationsOptions> = {
  leaveParametrized: true,
};
export const L1_UNSTRUCTURED_KEYS: OptionKeys<L1UnstructuredOptions> = { importanceScores: true };
export const INIT_KEYS: OptionKeys<InitOptions> = { generator: true } as OptionKeys<{
  generator?: Generator;
}>;
export const KAIMING_KEYS: OptionKeys<KaimingOptions> = {
  ...INIT_KEYS,
  a: true,
  mode: true,
  nonlinearity: true,
};
export const SUMMARY_KEYS: OptionKeys<SummaryOptions> = FACTORY;
export const SAVE_KEYS: OptionKeys<SaveOptions> = { metadata: true, dtype: true };
export const CLIP_GRAD_NORM_KEYS: OptionKeys<ClipGradNormOptions> = {
  normType: true,
  errorIfNonfinite: true,
};
export const RECURSE_KEYS: OptionKeys<{ recurse?: boolean }> = { recurse: true };
export const STRICT_KEYS: OptionKeys<{ strict?: boolean }> = { strict: true };
export const SET_TO_NONE_KEYS: OptionKeys<{ setToNone?: boolean }> = { setToNone: true };
export const PERSISTENT_KEYS: OptionKeys<{ persistent?: boolean }> = { persistent: true };
export const MAX_POOL_KEYS: OptionKeys<MaxPool2dOptions> = {
  stride: true,
  padding: true,
  dilation: true,
  ceilMode: true,
};
export const AVG_POOL_KEYS: OptionKeys<AvgPool2dOptions> = {
  stride: true,
  padding: true,
  ceilMode: true,
  countIncludePad: true,
  divisorOverride: true,
};
export const SDPA_KEYS: OptionKeys<ScaledDotProductAttentionOptions> = {
  attnMask: true,
  isCausal: true,
  scale: true,
  dropoutP: true,
  generator: true,
};
export const MHA_KEYS: OptionKeys<MultiheadAttentionOptions> = {
  ...FACTORY,
  dropout: true,
  bias: true,
  addBiasKV: true,
  addZeroAttn: true,
  kdim: true,
  vdim: true,
  batchFirst: true,
};
export const MHA_FORWARD_KEYS: OptionKeys<MultiheadAttentionForwardOptions> = {
  keyPaddingMask: true,
  needWeights: true,
  attnMask: true,
  averageAttnWeights: true,
  isCausal: true,
};
export const TRANSFORMER_LAYER_KEYS: OptionKeys<TransformerLayerOptions> = {
  ...FACTORY,
  dimFeedforward: true,
  dropout: true,
  activation: true,
  layerNormEps: true,
  batchFirst: true,
  normFirst: true,
};
export const TRANSFORMER_KEYS: OptionKeys<TransformerOptions> = {
  ...TRANSFORMER_LAYER_KEYS,
  dModel: true,
  nhead: true,
  numEncoderLayers: true,
  numDecoderLayers: true,
  customEncoder: true,
  customDecoder: true,
};
export const ENCODER_KEYS: OptionKeys<TransformerEncoderOptions> = { norm: true };
export const ENCODER_LAYER_FORWARD_KEYS: OptionKeys<EncoderLayerForwardOptions> = {
  srcMask: true,
  srcKeyPaddingMask: true,
  isCausal: true,
};
export const ENCODER_FORWARD_KEYS: OptionKeys<EncoderForwardOptions> = {
  mask: true,
  srcKeyPaddingMask: true,
  isCausal: true,
};
export const DECODER_FORWARD_KEYS: OptionKeys<DecoderForwardOptions> = {
  tgtMask: true,
  memoryMask: true,
  tgtKeyPaddingMask: true,
  memoryKeyPaddingMask: true,
  tgtIsCausal: true,
  memoryIsCausal: true,
};
export const TRANSFORMER_FORWARD_KEYS: OptionKeys<TransformerForwardOptions> = {
  ...DECODER_FORWARD_KEYS,
  srcMask: true,
  srcKeyPaddingMask: true,
  srcIsCausal: true,
};
export const LOAD_TORCH_KEYS: OptionKeys<LoadTorchOptions> = { key: true };
export const TO_PYTORCH_KEYS: OptionKeys<ToPyTorchOptions> = {
  className: true,
  exampleInputs: true,
  weightsFile: true,
};
