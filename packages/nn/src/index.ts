/**
 * Modules, layers, losses, init and safetensors weights in the shape of torch.nn.
 *
 * @module @nn/nn
 */
// The public face of @nn/nn: re-exports only.
export type { CosineSimilarityOptions, PairwiseDistanceOptions } from './functional/distance';
export type { EmbeddingNormOptions } from './functional/embedding-options';
/** The stateless forms of the layers and losses, as `torch.nn.functional` (`F.relu`, `F.crossEntropy`, ...). */
export * as F from './functional/index';
/** In-place weight initialisers, as `torch.nn.init` (`init.kaimingUniform_`, `init.orthogonal_`, ...). */
export * as init from './init';
export { type PyTorchExport, type ToPyTorchOptions, toPyTorch } from './interop/to-pytorch';
export {
  CELU,
  ELU,
  GELU,
  GLU,
  Hardshrink,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  LeakyReLU,
  LogSigmoid,
  LogSoftmax,
  Mish,
  PReLU,
  ReLU,
  ReLU6,
  RReLU,
  SELU,
  Sigmoid,
  SiLU,
  Softmax,
  Softmax2d,
  Softmin,
  Softplus,
  Softshrink,
  Softsign,
  Tanh,
  Tanhshrink,
  Threshold,
} from './layers/activation';
export { AdaptiveMaxPool2d } from './layers/adaptive-max-pool';
export {
  Conv1d,
  Conv2d,
  Conv3d,
  type ConvOptions,
  type ConvPaddingMode,
  ConvTranspose1d,
  ConvTranspose2d,
  type ConvTransposeOptions,
} from './layers/conv';
export { CosineSimilarity, PairwiseDistance } from './layers/distance';
export { AlphaDropout, Dropout, Dropout2d, FeatureAlphaDropout } from './layers/dropout';
export { Embedding, type EmbeddingOptions, type EmbeddingPretrainedOptions } from './layers/embedding';
export {
  EmbeddingBag,
  type EmbeddingBagModuleOptions,
  type EmbeddingBagPretrainedOptions,
} from './layers/embedding-bag';
export { Flatten, Unflatten } from './layers/flatten';
export { Fold, Unfold } from './layers/fold';
export { Bilinear, Identity, type LayerOptions, Linear } from './layers/linear';
export {
  BCELoss,
  BCEWithLogitsLoss,
  type ClassLossModuleOptions,
  CosineEmbeddingLoss,
  CrossEntropyLoss,
  CTCLoss,
  GaussianNLLLoss,
  HingeEmbeddingLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  MarginRankingLoss,
  MSELoss,
  MultiLabelMarginLoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  NLLLoss,
  PoissonNLLLoss,
  SmoothL1Loss,
  SoftMarginLoss,
  TripletMarginLoss,
} from './layers/loss';
export { LPPool1d, LPPool2d } from './layers/lp-pool';
export { MaxUnpool2d, type MaxUnpool2dLayerOptions } from './layers/max-unpool';
export {
  MultiheadAttention,
  type MultiheadAttentionForwardOptions,
  type MultiheadAttentionOptions,
} from './layers/multihead-attention';
export {
  BatchNorm1d,
  BatchNorm2d,
  BatchNorm3d,
  type BatchNormOptions,
  GroupNorm,
  type GroupNormOptions,
  InstanceNorm1d,
  InstanceNorm2d,
  InstanceNorm3d,
  type InstanceNormOptions,
  LayerNorm,
  type LayerNormOptions,
  LocalResponseNorm,
} from './layers/normalization';
export {
  ConstantPad1d,
  ConstantPad2d,
  ConstantPad3d,
  type PaddingSize,
  ReflectionPad1d,
  ReflectionPad2d,
  ReflectionPad3d,
  ReplicationPad1d,
  ReplicationPad2d,
  ReplicationPad3d,
  ZeroPad2d,
} from './layers/padding';
export { PixelShuffle, PixelUnshuffle } from './layers/pixel-shuffle';
export {
  AdaptiveAvgPool2d,
  AvgPool2d,
  type AvgPool2dOptions,
  MaxPool2d,
  type MaxPool2dOptions,
} from './layers/pooling';
export {
  AdaptiveAvgPool1d,
  AdaptiveMaxPool1d,
  type AdaptiveMaxPoolOptions,
  AvgPool1d,
  MaxPool1d,
  type MaxPool1dLayerOptions,
  type MaxPoolOutput,
} from './layers/pooling-1d';
export { AvgPool3d, MaxPool3d, type MaxPool3dLayerOptions } from './layers/pooling-3d';
export {
  GRU,
  LSTM,
  type LSTMOptions,
  type LSTMOutput,
  type RecurrentOptions,
  type RecurrentOutput,
  RNN,
  RNNBase,
  type RNNOptions,
} from './layers/rnn';
export { GRUCell, LSTMCell, RNNCell, RNNCellBase, type RNNCellOptions } from './layers/rnn-cell';
export { Transformer, type TransformerForwardOptions, type TransformerOptions } from './layers/transformer';
export {
  type DecoderForwardOptions,
  TransformerDecoder,
  TransformerDecoderLayer,
} from './layers/transformer-decoder';
export {
  type EncoderForwardOptions,
  type EncoderLayerForwardOptions,
  TransformerEncoder,
  TransformerEncoderLayer,
  type TransformerEncoderOptions,
} from './layers/transformer-encoder';
export type { TransformerActivation, TransformerLayerOptions } from './layers/transformer-layer-options';
export { Upsample, type UpsampleOptions, UpsamplingBilinear2d, UpsamplingNearest2d } from './layers/upsample';
export type { FullBackwardHook } from './module/backward-hook';
export { ModuleDict, ModuleList, Sequential } from './module/containers';
export { LoadStateDictError, type ShapeMismatch } from './module/load-state-dict-error';
export {
  type ForwardHook,
  type ForwardPreHook,
  type LoadStateDictResult,
  Module,
  type RemovableHandle,
  type StateDict,
  type ToTarget,
} from './module/module';
export { Parameter } from './module/parameter';
export { ParameterDict, ParameterList } from './module/parameter-containers';
export { type SummaryOptions, summary } from './module/summary';
export {
  PackedSequence,
  type PackOptions,
  type PadPackedOptions,
  type PadSequenceOptions,
  packPaddedSequence,
  packSequence,
  padPackedSequence,
  padSequence,
} from './rnn/packed-sequence';
export type { RecurrentMode, RecurrentState } from './rnn/recurrence';
export {
  decodeSafetensors,
  encodeSafetensors,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsArrays,
  type SafetensorsDtype,
  type SafetensorsFile,
  type SafetensorsTensor,
} from './serialization/safetensors';
export { SafetensorsError } from './serialization/safetensors-error';
export { load, type SaveOptions, save } from './serialization/state-dict-io';
export { decodeTorchFile, type LoadTorchOptions, loadTorch } from './serialization/torch-file';
export { TorchFileError } from './serialization/torch-file-error';
/** Stochastic weight averaging (torch.optim.swa_utils): AveragedModel, updateBn; SWALR is in @nn/optim's lrScheduler. */
export * as swaUtils from './swa-utils/index';
/** Gradient clipping and parameter/vector conversion, as `torch.nn.utils`. */
export * as utils from './utils/index';
