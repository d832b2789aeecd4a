import type { FormulaTable } from '../formula';
import { passThrough } from './helpers';

/**
 * Copies and conversions: the gradient passes through; the engine casts it back to the input's dtype and
 * moves it to the input's device.
 */
export const conversionFormulas: FormulaTable = {
  cast: passThrough,
  clone: passThrough,
  toDevice: passThrough,
};
