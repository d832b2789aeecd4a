import type { Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';
import { dataOf, gpuTensor } from '../backend/gpu-tensor';
import type { KernelSpec } from '../runtime/cached-kernel';
import type { DefineGpuKernel } from './define-kernel';

/**
 * `[B,m,k] @ [B,k,n]` (B = 1 for 2-D) into a flat `[B*m*n]`: one thread per output element walks its row
 * of `a` and column of `b` by their strides, so transposed, sliced and batch-broadcast operands need no
 * copy. The inner loop is unrolled by four with independent partial sums (instruction-level parallelism
 * on every backend; gpu.js exposes no workgroup memory to tile through). Table: m, n, then offset, batch,
 * row and column strides of `a` and of `b`.
 */
const MATMUL: KernelSpec = {
  op: 'matmul',
  rank: 1,
  source: `function (a, b, t, k) {
const m = t[0];
const n = t[1];
const idx = this.thread.x + 0.0;
const bi = Math.floor((idx + 0.5) / (m * n));
const rest = idx - bi * m * n;
const row = Math.floor((rest + 0.5) / n);
const col = rest - row * n;
let pa = t[2] + bi * t[3] + row * t[4];
let pb = t[6] + bi * t[7] + col * t[9];
const sa = t[5];
const sb = t[8];
let s0 = 0.0;
let s1 = 0.0;
let s2 = 0.0;
let s3 = 0.0;
const k4 = Math.floor(k / 4);
for (let p = 0; p < k4; p++) {
  s0 += a[pa] * b[pb];
  s1 += a[pa + sa] * b[pb + sb];
  s2 += a[pa + 2.0 * sa] * b[pb + 2.0 * sb];
  s3 += a[pa + 3.0 * sa] * b[pb + 3.0 * sb];
  pa += 4.0 * sa;
  pb += 4.0 * sb;
}
const tail = k - k4 * 4.0;
for (let p = 0; p < tail; p++) {
  s0 += a[pa] * b[pb];
  pa += sa;
  pb += sb;
}
return (s0 + s1) + (s2 + s3);
}`,
};

/** The device `matmul` kernel: 2-D or equal-batch 3-D operands, any strides (the op layer checked them). */
export function matmulDevice(device: GpuDevice, a: Tensor, b: Tensor): Tensor {
  const batched = a.ndim === 3;
  const batch = batched ? a.shape[0]! : 1;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.ndim - 1]!;
  const shape = batched ? [batch, m, n] : [m, n];
  const length = batch * m * n;
  if (length === 0 || k === 0) {
    // an empty product is all zeros (k = 0), or has no elements at all
    return gpuTensor(device, device.upload(new Float32Array(length)), shape, a.dtype);
  }
  const strides = (t: Tensor) => [
    t.offset,
    batched ? t.strides[0]! : 0,
    t.strides[t.ndim - 2]!,
    t.strides[t.ndim - 1]!,
  ];
  const table = Float32Array.from([m, n, ...strides(a), ...strides(b)]);
  const out = device.launch(MATMUL, length, [dataOf(a, 'matmul'), dataOf(b, 'matmul'), table, k]);
  return gpuTensor(device, out, shape, a.dtype);
}

/** Registers the device `matmul` kernel (mm, bmm, matmul, linear all end in it). */
export function registerMatmulKernel(define: DefineGpuKernel): void {
  define('matmul', ([a, b], _, device) => matmulDevice(device, a!, b!));
}
