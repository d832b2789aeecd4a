import { Conv2d, Flatten, Linear, MaxPool2d, type Module, ReLU, Sequential } from '@nn/nn';
import { type DType, randn, type Tensor } from '@nn/tensor';
import * as ort from 'onnxruntime-node';

/** ONNX Runtime's name of each dtype it has (no bfloat16). */
const ORT_TYPES: Partial<Record<DType, ort.Tensor.Type>> = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float16',
  int64: 'int64',
  int32: 'int32',
  int16: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

/** An @nn tensor as an ONNX Runtime tensor (its stored elements: int64 as bigints, float16 as bits). */
export function toOrt(t: Tensor): ort.Tensor {
  const type = ORT_TYPES[t.dtype];
  if (type === undefined) throw new Error(`toOrt: onnxruntime has no ${t.dtype}`);
  return new ort.Tensor(type, t.rawDataSync() as Float32Array, [...t.shape]);
}

/** Runs ONNX bytes in onnxruntime-node with `feeds` (by input name); returns the outputs in graph order. */
export async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<ort.Tensor[]> {
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrt(v)])));
  return session.outputNames.map((name) => result[name]!);
}

/** max |a - b| over two equally shaped outputs (throws on a shape mismatch). */
export function maxAbsDiff(got: ort.Tensor, want: Tensor): number {
  const dims = got.dims.map(Number);
  if (dims.length !== want.ndim || dims.some((d, i) => d !== want.shape[i])) {
    throw new Error(`shape [${dims.join(',')}] != expected [${want.shape.join(',')}]`);
  }
  const a = got.data as ArrayLike<number>;
  const b = want.contiguous().dataSync() as ArrayLike<number>;
  let max = 0;
  for (let i = 0; i < b.length; i++) max = Math.max(max, Math.abs(Number(a[i]) - Number(b[i])));
  return max;
}

/** The MNIST CNN of apps/mnist (`--model cnn`), rebuilt here: packages never import apps. */
export function mnistCnn(): Module {
  return new Sequential(
    new Conv2d(1, 32, 3),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 64, 3),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(64 * 5 * 5, 128),
    new ReLU(),
    new Linear(128, 10),
  );
}

/** A batch of MNIST-shaped inputs. */
export const mnistBatch = (n: number): Tensor => randn([n, 1, 28, 28]);

/** `model.call(...inputs)` for a model typed only as Module. */
export const callModel = (model: Module, ...inputs: Tensor[]): Tensor =>
  (model.call as (...args: Tensor[]) => unknown)(...inputs) as Tensor;
