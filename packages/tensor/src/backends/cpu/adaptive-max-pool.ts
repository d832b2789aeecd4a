import { allocate } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { hostView, type TensorView } from '../../kernel/view';
import { dense } from './conv';
import { adaptiveWindows } from './pooling';

/**
 * Max over torch's adaptive windows of each `[H, W]` plane, with the flat index of the winner in its plane
 * (the first largest in row-major order; a NaN wins and stays, as PyTorch).
 */
function adaptiveMaxForward(x: TensorView, [oh, ow]: readonly [number, number]): TensorView[] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const rows = adaptiveWindows(h, oh);
  const cols = adaptiveWindows(w, ow);
  const src = dense(x);
  const values = allocate(x.dtype, n * c * oh * ow);
  const indices = new Int32Array(values.length);
  let o = 0;
  for (let base = 0; base < n * c * h * w; base += h * w) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let at = rows.start[i]! * w + cols.start[j]!;
        let best = src[base + at]!;
        window: for (let r = rows.start[i]!; r < rows.end[i]!; r++) {
          for (let q = r * w + cols.start[j]!; q < r * w + cols.end[j]!; q++) {
            const v = src[base + q]!;
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = q;
              if (Number.isNaN(v)) break window;
            }
          }
        }
        values[o] = best;
        indices[o++] = at;
      }
    }
  }
  return [hostView(values, [n, c, oh, ow], x.dtype), hostView(indices, [n, c, oh, ow], 'int32')];
}

/** Registers adaptiveMaxPool2d (its gradient is maxPool2dBackward, which scatters by plane index). */
export function registerCpuAdaptiveMaxPool(): void {
  registerKernel('adaptiveMaxPool2d', 'cpu', ([x], { outputSize }) => adaptiveMaxForward(x!, outputSize));
}
