import { describe, expect, it } from 'vitest';
import { packPanels } from '../src/backends/cpu/gemm/pack';
import { createWasmEngine } from '../src/backends/cpu/gemm/wasm-engine';

// The WebAssembly engines pack operands copied into their scratch (engine.packLines) instead of running
// packPanels over the JS array; every layout the driver meets must give packPanels' panels bit for bit:
// lanes along either stride, full and partial panels, depths not a multiple of 4, both element sizes.

const CASES = [
  // [count, k, lineStride, kStride, width]: rows of a row-major A (two-lane zip, odd depth)
  [6, 7, 9, 1, 2],
  [5, 16, 16, 1, 2],
  // columns of a row-major B (whole rows of adjacent lines, vector copies), a partial last panel
  [37, 5, 1, 40, 16],
  [32, 3, 1, 32, 16],
  // rows as 16- and 4-lane panels (4x4 transposes, a partial panel lane by lane), columns as 2-lane
  // panels (depth by depth), general strides
  [20, 9, 11, 1, 16],
  [8, 7, 9, 1, 4],
  [32, 8, 8, 1, 16],
  [7, 6, 1, 7, 2],
  [9, 4, 3, 29, 16],
  [10, 4, 2, 5, 4],
] as const;

describe('packLines (native packing inside the engine scratch)', () => {
  for (const bytes of [4, 8] as const) {
    const engine = createWasmEngine(bytes);
    it.runIf(engine !== undefined)(`matches packPanels bit for bit, ${bytes * 8}-bit elements`, () => {
      for (const [count, k, lineStride, kStride, width] of CASES) {
        const span = (count - 1) * lineStride + (k - 1) * kStride + 1;
        const panels = Math.ceil(count / width) * width * k;
        const { view, base } = engine!.reserve(span + 2 * panels + 64, 0, 0, 1);
        const source = bytes === 4 ? new Float32Array(span) : new Float64Array(span);
        for (let i = 0; i < span; i++) source[i] = i % 5 === 0 ? -0 : ((i * 7919) % 1009) / 17 - 30;
        view.set(source, base);
        const to = base + span + 8; // not 16-byte aligned
        view.fill(Number.NaN, to, to + 2 * panels);
        engine!.packLines!(base, to, count, k, lineStride, kStride, width, k * width);
        const expected = bytes === 4 ? new Float32Array(panels) : new Float64Array(panels);
        packPanels(expected, 0, source, 0, count, k, lineStride, kStride, width);
        const label = `count ${count} k ${k} strides ${lineStride}/${kStride} width ${width}`;
        expect(Object.is(view[to + 1], expected[1]), label).toBe(true);
        expect(
          Array.from(view.subarray(to, to + panels)).map((v) => (Object.is(v, -0) ? '-0' : v)),
          label,
        ).toEqual(Array.from(expected).map((v) => (Object.is(v, -0) ? '-0' : v)));
        expect(Number.isNaN(view[to + panels]), `${label}: writes past the panels`).toBe(true);
      }
    });
  }
});
