// The public face of @nn/tensor: re-exports only.
export type { Backend } from './backend';
export { type WasmApi, type WasmMemory, type WasmModule, wasmApi } from './cpu/gemm/wasm-api';
/**
 * WebAssembly building blocks for fused CPU kernels in other packages (as @nn/optim's Adam): the minimal
 * binary emitter the GEMM and SIMD elementwise kernels are built with (`op` instruction constructors,
 * `emitModule`); {@link wasmApi} gives the host's WebAssembly API to instantiate them.
 */
export * as wasm from './cpu/gemm/wasm-emitter';
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
export { opaque, runInplace, runKernel, runKernelMulti, writeInto } from './dispatch';
export { allocate, type DType, dtypes, isFloating, promoteTypes, resultType, type TypedArray } from './dtype';
export { DeviceError, DTypeError, IndexError, NNError, ShapeError, ValueError } from './errors';
export {
  type Conv1dOptions,
  type Conv2dOptions,
  type ConvAttrs,
  type ConvTranspose2dOptions,
  conv1d,
  conv2d,
  convAttrs,
  convTranspose2d,
} from './ops/conv';
export {
  add,
  addcdiv,
  addcmul,
  clamp,
  div,
  fmod,
  lerp,
  mul,
  type Operand,
  pow,
  type RoundingMode,
  reluBackward,
  remainder,
  sub,
  where,
} from './ops/elementwise';
export { type ElementwiseSpec, elementwiseSpecs } from './ops/elementwise-specs';
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
  type ScatterReduce,
  scatter,
  scatter_,
  scatterAdd,
  scatterAdd_,
} from './ops/indexing';
export { cat, stack } from './ops/join';
export { addmm, bmm, dot, einsum, matmul, mm, outer } from './ops/linalg';
export { type PadMode, padSourceIndices } from './ops/pad-modes';
export {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type MaxPool2dOptions,
  maxPool2d,
  maxPool2dWithIndices,
  type PoolAttrs,
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
export { flip, pad, repeat, roll, tile, tril, triu } from './ops/shaping';
export { type CrossEntropyLossOptions, crossEntropyLoss, logSoftmax, softmax } from './ops/softmax';
export { argsort, type SortOptions, sort, type TopkOptions, topk } from './ops/sorting';
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
export type { AdamStepAttrs, SgdStepAttrs } from './optimizer-step-attrs';
export { checkOptions, type OptionKeys } from './options';
export { defaultGenerator, Generator, manualSeed } from './random';
export {
  ANY_DEVICE,
  type AutogradHook,
  autogradHook,
  coverage,
  getBackend,
  type KernelAttrs,
  type KernelFn,
  type RecordEvent,
  registerBackend,
  registerKernel,
  setAutogradHook,
  unregisterBackend,
} from './registry';
export { broadcastShapes, contiguousStrides, shapeSize } from './shape';
export { Storage } from './storage';
export { type NestedList, scalarTensor, Tensor, type TensorOptions, transfer } from './tensor';
