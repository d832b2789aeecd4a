import { registerKernel } from '../../kernel/registry';
import type { TensorView } from '../../kernel/view';
import { adaptiveWindows, type Taps, windowMax } from './pooling';

/** torch's adaptive windows along one dim as max pooling's taps (one apart). */
function adaptiveTaps(size: number, out: number): Taps {
  const { start, end } = adaptiveWindows(size, out);
  return { first: start, count: end.map((e, i) => e - start[i]!) };
}

/**
 * Max over torch's adaptive windows of each `[H, W]` plane, with the flat index of the winner in its plane
 * (the first largest in row-major order; a NaN wins and stays, as PyTorch).
 */
function adaptiveMaxForward(x: TensorView, [oh, ow]: readonly [number, number]): TensorView[] {
  return windowMax(x, adaptiveTaps(x.shape[2]!, oh), adaptiveTaps(x.shape[3]!, ow));
}

/** Registers adaptiveMaxPool2d (its gradient is maxPool2dBackward, which scatters by plane index). */
export function registerCpuAdaptiveMaxPool(): void {
  registerKernel('adaptiveMaxPool2d', 'cpu', ([x], { outputSize }) => adaptiveMaxForward(x!, outputSize));
}
