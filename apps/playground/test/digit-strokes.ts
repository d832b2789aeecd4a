/** One pen stroke on the 28×28 grid: from one cell centre to another along a row. */
export interface Stroke {
  readonly row: number;
  readonly from: number;
  readonly to: number;
}

/**
 * The strokes that redraw a 28×28 grey image (0-255) row by row: one stroke per run of cells darker
 * than `threshold`, on every other row (the pen is about two cells wide).
 */
export function strokesOf(image: ArrayLike<number>, threshold = 128): Stroke[] {
  const strokes: Stroke[] = [];
  for (let row = 0; row < 28; row += 2) {
    let start = -1;
    for (let col = 0; col <= 28; col++) {
      const ink = col < 28 && Math.max(image[row * 28 + col]!, image[(row + 1) * 28 + col] ?? 0) >= threshold;
      if (ink && start < 0) start = col;
      if (!ink && start >= 0) {
        strokes.push({ row, from: start, to: col - 1 });
        start = -1;
      }
    }
  }
  return strokes;
}
