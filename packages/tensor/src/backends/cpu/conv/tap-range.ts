import type { ResolvedConv2d } from './geometry';

/**
 * The output columns `[start, end)` for which kernel column `kw` reads inside the image
 * (`0 <= ow * strideW + kw * dilationW - padLeft < inWidth`); the others read padding.
 */
export function tapColumns(g: ResolvedConv2d, kw: number): [start: number, end: number] {
  const dx = kw * g.dilationW - g.padLeft;
  const start = Math.min(g.outWidth, Math.max(0, Math.ceil(-dx / g.strideW)));
  return [start, Math.max(start, Math.min(g.outWidth, Math.ceil((g.inWidth - dx) / g.strideW)))];
}
