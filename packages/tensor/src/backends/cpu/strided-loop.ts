import type { TypedArray } from '../../kernel/dtype';
import { generatedCache, generateFunction } from './codegen/generate-function';

/**
 * A compiled elementwise loop: writes `expr` of the inputs into a fresh contiguous `out` of `shape`.
 * Inputs are read through (offset, strides) already broadcast to `shape` (stride 0 on broadcast dims), so
 * views and broadcasting never materialise. `params` are the op's scalar attributes (`p0`, `p1`, ...).
 */
export type StridedLoop = (
  out: TypedArray,
  inputs: readonly TypedArray[],
  offsets: readonly number[],
  strides: readonly (readonly number[])[],
  shape: readonly number[],
  params: readonly number[],
) => void;

/** Helpers a loop expression may call by name (non-Math functions). */
export interface LoopHelpers {
  [name: string]: (...args: number[]) => number;
}

/** Compiled loops by helper set, expression, then array signature: lookups build no strings per call. */
const cache = generatedCache<LoopHelpers, Map<string, Map<number, StridedLoop>>>();

/** The array classes of CPU storages, each a base-8 digit of a signature. */
const KINDS = [
  Float32Array,
  Float64Array,
  Int32Array,
  Uint8Array,
  Int8Array,
  Int16Array,
  Uint16Array,
  BigInt64Array,
] as const;
const kindOf = (a: TypedArray | BigInt64Array): number => KINDS.findIndex((k) => a instanceof k);

/**
 * A number naming the array types (and count) a loop is specialised for: the arity, then a base-8 digit
 * per array, output first. Cheap enough to compute on every call.
 */
export function arraySignature(
  out: TypedArray | BigInt64Array,
  inputs: readonly (TypedArray | BigInt64Array)[],
): number {
  let code = inputs.length * 8 + kindOf(out);
  for (const a of inputs) code = code * 8 + kindOf(a);
  return code;
}

/**
 * Generates (once per expression, arity and array signature) a loop specialised for the expression, with
 * a contiguous fast path and a stride-walking path for any layout. Expressions use `x0..xN` for input
 * values and `p0..pN` for parameters. Code generation keeps per-element function calls and index math out
 * of the hot loop; one copy per array signature keeps every typed-array access monomorphic for V8.
 */
export function compileLoop(
  arity: number,
  expr: string,
  helpers: LoopHelpers,
  /** From {@link arraySignature} (which encodes the arity too). */
  signature: number,
): StridedLoop {
  let byExpr = cache.get(helpers);
  if (!byExpr) cache.set(helpers, (byExpr = new Map()));
  let bySignature = byExpr.get(expr);
  if (!bySignature) byExpr.set(expr, (bySignature = new Map()));
  const hit = bySignature.get(signature);
  if (hit) return hit;
  const ids = Array.from({ length: arity }, (_, i) => i);
  const declare = ids.map(
    (i) => `const in${i} = inputs[${i}], o${i} = offsets[${i}], s${i} = strides[${i}];`,
  );
  const contiguousTest = ids.map((i) => `contiguous(s${i}, shape)`).join(' && ') || 'true';
  const contiguousElement = (at: string) =>
    `{ ${ids.map((i) => `const x${i} = in${i}[o${i} + ${at}];`).join(' ')} out[${at}] = ${expr}; }`;
  const innerStride = ids.map((i) => `const t${i} = s${i}[last];`).join(' ');
  const pointers = ids.map((i) => `let q${i} = o${i};`).join(' ');
  const readStrided = ids.map((i) => `const x${i} = in${i}[q${i} + j * t${i}];`).join(' ');
  const advance = ids.map((i) => `q${i} += s${i}[d];`).join(' ');
  const rewind = ids.map((i) => `q${i} -= s${i}[d] * shape[d];`).join(' ');
  // The signature comment makes each specialisation distinct source, so V8 keeps separate type feedback.
  const source = `
    // signature ${signature}
    const params0 = params;
    const p0 = params0[0], p1 = params0[1], p2 = params0[2];
    ${declare.join('\n')}
    const n = out.length;
    if (n === 0) return;
    if (${contiguousTest}) {
      // Unrolled by 4: V8 runs long typed-array loops markedly faster with fewer loop-carried checks.
      let i = 0;
      for (const n4 = n - 3; i < n4; i += 4) {
        ${contiguousElement('i')} ${contiguousElement('i + 1')} ${contiguousElement('i + 2')} ${contiguousElement('i + 3')}
      }
      for (; i < n; i++) ${contiguousElement('i')}
      return;
    }
    const nd = shape.length;
    const last = nd - 1;
    const len = shape[last];
    ${innerStride}
    ${pointers}
    const index = new Int32Array(nd);
    let o = 0;
    for (let row = 0, rows = n / len; row < rows; row++) {
      for (let j = 0; j < len; j++) { ${readStrided} out[o++] = ${expr}; }
      for (let d = last - 1; d >= 0; d--) {
        ${advance}
        if (++index[d] < shape[d]) break;
        ${rewind}
        index[d] = 0;
      }
    }`;
  const helperNames = Object.keys(helpers);
  const factory = generateFunction(
    ['contiguous', ...helperNames],
    `return function loop(out, inputs, offsets, strides, shape, params) {${source}\n};`,
  );
  const loop = factory(isContiguousLayout, ...helperNames.map((h) => helpers[h])) as StridedLoop;
  bySignature.set(signature, loop);
  return loop;
}

/**
 * The size of the block a layout repeats, where strides are 0 over the leading dims and row-major over
 * the trailing ones (a bias row broadcast over a batch: `[256, 128] + [128]` repeats 128 values); the
 * whole size for a contiguous layout, 1 for a single broadcast value, undefined for any other layout.
 */
export function repeatedBlockSize(strides: readonly number[], shape: readonly number[]): number | undefined {
  let block = 1;
  let d = shape.length - 1;
  for (; d >= 0 && (shape[d] === 1 || strides[d] === block); d--) block *= shape[d]!;
  for (; d >= 0; d--) if (shape[d] !== 1 && strides[d] !== 0) return undefined;
  return block;
}

/** True when strides are the row-major strides of shape (size-1 dims may have any stride). */
export function isContiguousLayout(strides: readonly number[], shape: readonly number[]): boolean {
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    if (size !== 1 && strides[d] !== step) return false;
    step *= size;
  }
  return true;
}
