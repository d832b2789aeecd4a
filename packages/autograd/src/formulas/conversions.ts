import type { Formula } from '../formula';
import { passThrough } from './helpers';

/**
 * Copies and conversions: the gradient passes through; the engine casts it back to the input's dtype and
 * moves it to the input's device.
 */
export const conversionFormulas: Record<string, Formula> = {
  cast: passThrough,
  clone: passThrough,
  toDevice: passThrough,
};
