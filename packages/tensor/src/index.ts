/**
 * Strided n-d tensors with PyTorch semantics, a kernel registry for pluggable backends, and a fast CPU backend.
 *
 * @module @nn/tensor
 */
// The public face of @nn/tensor: re-exports, plus the registration of the CPU backend (install.ts).
import './install';

export {
  type AutogradHook,
  autogradHook,
  type RecordEvent,
  setAutogradHook,
  type TensorBackwardOptions,
} from './autograd-hook';
export { canCompileWasm, canGenerateCode } from './backends/cpu/codegen/capabilities';
/**
 * Generated CPU loops (elementwise, reductions, optimizer updates) run through {@link generateFunction}:
 * `new Function` where allowed, else an eval-free compiler of the same source (for pages whose
 * Content-Security-Policy forbids 'unsafe-eval'). {@link codegenSettings} can force the eval-free path.
 */
export {
  type CodegenSettings,
  codegenSettings,
  generatedCache,
  generateFunction,
} from './backends/cpu/codegen/generate-function';
export { type WasmApi, type WasmMemory, type WasmModule, wasmApi } from './backends/cpu/gemm/wasm-api';
/**
 * WebAssembly building blocks for fused CPU kernels in other packages (as @nn/optim's Adam): the minimal
 * binary emitter the GEMM and SIMD elementwise kernels are built with (`op` instruction constructors,
 * `emitModule`); {@link wasmApi} gives the host's WebAssembly API to instantiate them.
 */
export * as wasm from './backends/cpu/gemm/wasm-emitter';
export {
  arange,
  empty,
  emptyLike,
  eye,
  full,
  fullLike,
  linspace,
  type NestedInput,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  randperm,
  tensor,
  zeros,
  zerosLike,
} from './creation';
export type * from './kernel/attrs/attention';
export type * from './kernel/attrs/counting';
export type * from './kernel/attrs/decompositions';
export type * from './kernel/attrs/elementwise';
export type * from './kernel/attrs/indexing';
export type * from './kernel/attrs/nn';
export type * from './kernel/attrs/optimizer';
export type * from './kernel/attrs/reduction';
export type * from './kernel/attrs/spatial';
export type { Backend } from './kernel/backend';
export {
  allocate,
  castScalar,
  type DType,
  dtypes,
  isFloating,
  isIntegral,
  promoteTypes,
  resultType,
  type StorageArray,
  type TypedArray,
} from './kernel/dtype';
export {
  DeviceError,
  DTypeError,
  fmtShape,
  IndexError,
  NNError,
  ShapeError,
  ValueError,
} from './kernel/errors';
export {
  bfloat16BitsToNumber,
  halfBitsToNumber,
  numberToBfloat16Bits,
  numberToHalfBits,
} from './kernel/half';
export { type CpuPoolInfo, cpuPoolInfo, emptyCpuCache } from './kernel/host-pool';
export { defineOp, type OpDef, type TensorMeta } from './kernel/op-def';
export { type AttrsOf, isOpName, type OpName, opDef, opNames, opTable } from './kernel/op-table';
export {
  type ElementwiseOpName,
  type ElementwiseSpec,
  elementwiseSpecs,
  SELU_ALPHA,
  SELU_SCALE,
} from './kernel/ops/elementwise-specs';
export { type PadMode, padSourceIndices } from './kernel/pad-modes';
export {
  ANY_DEVICE,
  addDispatchObserver,
  type CoverageStatus,
  coverage,
  type DispatchEvent,
  type DispatchObserver,
  getBackend,
  type KernelAttrs,
  type KernelFn,
  registerBackend,
  registerOp,
  unregisterBackend,
} from './kernel/registry';
export { broadcastShapes, contiguousStrides, shapeSize } from './kernel/shape';
export { Storage } from './kernel/storage';
export type { TensorView } from './kernel/view';
export { adaptiveMaxPool2d, adaptiveMaxPool2dWithIndices } from './ops/adaptive-max-pool';
export {
  argwhere,
  type IndexEntry,
  index,
  indexPut,
  indexPut_,
  maskedScatter,
  nonzero,
  take,
  takeAlongDim,
} from './ops/advanced-indexing';
export { type AttentionOptions, attentionScores, scaledDotProductAttention } from './ops/attention';
export { allclose, type CloseOptions, equal, isclose } from './ops/comparison';
export {
  type Conv1dOptions,
  type Conv2dOptions,
  type ConvTranspose2dOptions,
  conv1d,
  conv2d,
  convAttrs,
  convTranspose2d,
} from './ops/conv';
export {
  bincount,
  bucketize,
  histc,
  type SearchsortedOptions,
  searchsorted,
  type UniqueConsecutiveOptions,
  type UniqueOptions,
  unique,
  uniqueConsecutive,
} from './ops/counting';
export { type CtcLossOptions, ctcLoss } from './ops/ctc-loss';
export { type CdistOptions, cdist, cross } from './ops/distances';
export {
  add,
  addcdiv,
  addcmul,
  atan2,
  clamp,
  copysign,
  div,
  fmod,
  hypot,
  lerp,
  mul,
  type Operand,
  pow,
  type RoundingMode,
  type RoundOptions,
  reluBackward,
  remainder,
  round,
  sigmoidBackward,
  sub,
  tanhBackward,
  where,
  xlogy,
} from './ops/elementwise';
export { type FoldOptions, fold, unfold } from './ops/fold';
export {
  blockDiag,
  cartesianProd,
  kron,
  type MeshgridOptions,
  meshgrid,
  trilIndices,
  triuIndices,
} from './ops/grids';
export { int32Index } from './ops/index-dtype';
export {
  embedding,
  gather,
  indexAdd,
  indexAdd_,
  indexSelect,
  maskedFill,
  maskedFill_,
  maskedSelect,
  oneHot,
  scatter,
  scatter_,
  scatterAdd,
  scatterAdd_,
} from './ops/indexing';
export { cat, stack } from './ops/join';
export { addmm, bmm, dot, einsum, linear, matmul, mm, outer } from './ops/linalg';
export * as linalg from './ops/linear-algebra';
export {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type MaxPool2dOptions,
  maxPool2d,
  maxPool2dWithIndices,
  type Size2,
} from './ops/pooling';
export {
  all,
  amax,
  amin,
  any,
  argmax,
  argmin,
  cumprod,
  cumsum,
  type Dims,
  logsumexp,
  max,
  mean,
  min,
  type NormOrder,
  norm,
  prod,
  type ReduceOptions,
  std,
  sum,
  type ValuesIndices,
  type VarOptions,
  variance,
} from './ops/reductions';
export { cummax, cummin, type DiffOptions, diff, logcumsumexp } from './ops/running';
export {
  bernoulli,
  type MultinomialOptions,
  multinomial,
  normal,
  poisson,
  type SamplingOptions,
} from './ops/sampling';
export { flip, pad, repeat, roll, tile, tril, triu } from './ops/shaping';
export { type CrossEntropyLossOptions, crossEntropyLoss, logSoftmax, softmax } from './ops/softmax';
export { argsort, type SortOptions, sort, type TopkOptions, topk } from './ops/sorting';
export {
  kthvalue,
  median,
  mode,
  nanmean,
  nanmedian,
  nanquantile,
  nansum,
  type QuantileInterpolation,
  type QuantileOptions,
  quantile,
} from './ops/statistics';
export {
  chunk,
  diagonal,
  expand,
  flatten,
  mT,
  narrow,
  permute,
  reshape,
  select,
  slice,
  split,
  squeeze,
  t,
  transpose,
  unbind,
  unflatten,
  unsqueeze,
  view,
} from './ops/views';
export { checkOptions, type OptionKeys } from './options';
export { type OpProfile, type Profile, profile } from './profiler';
export { defaultGenerator, Generator, manualSeed } from './random';
export {
  opaque,
  registerKernel,
  runInplace,
  runKernel,
  runKernelMulti,
  type TensorKernelFn,
  writeInto,
} from './run-kernel';
export { type NestedList, Tensor, type TensorOptions } from './tensor';
export { getNumThreads, setNumThreads } from './threads';
export { isTensor, scalarTensor, transfer } from './wrap';
