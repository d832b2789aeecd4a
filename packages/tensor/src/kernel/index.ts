/**
 * The backend-author API: the op table, `dispatch`, dtypes and errors, without the CPU backend or the `Tensor` facade.
 *
 * @module @nn/tensor/kernel
 */
// '@nn/tensor/kernel': the backend-author API. It imports nothing above src/kernel/, so a backend (or a tool
// reading the op table) can use it without pulling in the CPU backend or the Tensor facade.
export type * from './attrs/attention';
export type * from './attrs/counting';
export type * from './attrs/decompositions';
export type * from './attrs/elementwise';
export type * from './attrs/indexing';
export type * from './attrs/nn';
export type * from './attrs/optimizer';
export type * from './attrs/reduction';
export type * from './attrs/spatial';
export type { Backend } from './backend';
export { dispatch, dispatchInplace, opaque, withWidening, writeInto } from './dispatch';
export {
  allocate,
  allocateUninitialized,
  castScalar,
  type DType,
  dtypeCategory,
  dtypeOfArray,
  dtypes,
  elementSize,
  encodeArray,
  isEncoded,
  isFloating,
  isIntegral,
  promoteTypes,
  resultType,
  type StorageArray,
  type TypedArray,
} from './dtype';
export { DeviceError, DTypeError, fmtShape, IndexError, NNError, ShapeError, ValueError } from './errors';
export { defineOp, type OpDef, reducedShape, sameAs, type TensorMeta, withDim } from './op-def';
export { type AttrsOf, isOpName, type OpName, opDef, opNames, opTable } from './op-table';
export {
  type ElementwiseOpName,
  type ElementwiseSpec,
  elementwiseSpecs,
  type ResultRule,
} from './ops/elementwise-specs';
export { convOutputSize, convTransposeOutputSize } from './ops/nn';
export { type PadMode, padSourceIndices } from './pad-modes';
export {
  ANY_DEVICE,
  addDispatchObserver,
  type CoverageStatus,
  coverage,
  type DispatchEvent,
  type DispatchObserver,
  getBackend,
  type KernelAttrs,
  type KernelEntry,
  type KernelFn,
  lookupOp,
  PACKAGE_VERSION,
  registerBackend,
  registerKernel,
  registerOp,
  unregisterBackend,
} from './registry';
export {
  broadcastShapes,
  broadcastStrides,
  contiguousStrides,
  normalizeDim,
  normalizeDims,
  sameShape,
  shapeSize,
} from './shape';
export { disposalPays, nextStorageSerial, Storage } from './storage';
export { stridedOffsets } from './strided-offsets';
export { gatherStrided, transfer } from './transfer';
export { expandView, hostView, isContiguous, makeView, numel, relayout, type TensorView } from './view';
export { computeDType, decodeView, encodeNumbers } from './widen';
