/**
 * A minimal WebAssembly binary emitter: just enough to build the GEMM and Winograd kernels (i32
 * arithmetic, loops, a few atomics, 128-bit SIMD loads/stores/arithmetic/shuffles) into a module that
 * imports its memory, so no wasm toolchain is needed at build time. Instructions are plain byte arrays
 * concatenated by the kernel generator.
 */

export type Code = readonly number[];

/** Value types used by the kernels. */
export const I32 = 0x7f;
export const V128 = 0x7b;

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const simd = (op: number, ...rest: number[]): Code => [0xfd, ...uleb(op), ...rest];
const memarg = (align: number, offset: number) => [...uleb(align), ...uleb(offset)];

/** An integer load with `opcode` and natural alignment 2^`align`: `load(address, offset)`. */
const load =
  (opcode: number, align: number) =>
  (address: Code, offset: number): Code => [...address, opcode, ...memarg(align, offset)];
/** An integer store with `opcode` and natural alignment 2^`align`: `store(address, offset, value)`. */
const store =
  (opcode: number, align: number) =>
  (address: Code, offset: number, value: Code): Code => [
    ...address,
    ...value,
    opcode,
    ...memarg(align, offset),
  ];

/** Instruction constructors (operands are pushed by the preceding code, stack-machine style). */
export const op = {
  get: (local: number): Code => [0x20, ...uleb(local)],
  set: (local: number, value: Code): Code => [...value, 0x21, ...uleb(local)],
  i32: (value: number): Code => [0x41, ...sleb(value)],
  /** A SIMD instruction without immediates (0xfd prefix, LEB128 opcode) on the values `operands` push. */
  simd: (opcode: number, ...operands: Code[]): Code => [...operands.flat(), ...simd(opcode)],
  add: (x: Code, y: Code): Code => [...x, ...y, 0x6a],
  sub: (x: Code, y: Code): Code => [...x, ...y, 0x6b],
  mul: (x: Code, y: Code): Code => [...x, ...y, 0x6c],
  shl: (x: Code, y: Code): Code => [...x, ...y, 0x74],
  ltU: (x: Code, y: Code): Code => [...x, ...y, 0x49],
  ne: (x: Code, y: Code): Code => [...x, ...y, 0x47],
  ltS: (x: Code, y: Code): Code => [...x, ...y, 0x48],
  eq: (x: Code, y: Code): Code => [...x, ...y, 0x46],
  eqz: (x: Code): Code => [...x, 0x45],
  leU: (x: Code, y: Code): Code => [...x, ...y, 0x4d],
  divU: (x: Code, y: Code): Code => [...x, ...y, 0x6e],
  remU: (x: Code, y: Code): Code => [...x, ...y, 0x70],
  shrU: (x: Code, y: Code): Code => [...x, ...y, 0x76],
  and: (x: Code, y: Code): Code => [...x, ...y, 0x71],
  /** `condition ? x : y` on i32 values (both evaluated). */
  select: (x: Code, y: Code, condition: Code): Code => [...x, ...y, ...condition, 0x1b],
  ifElse: (condition: Code, then: Code, otherwise: Code): Code => [
    ...condition,
    0x04,
    0x40,
    ...then,
    0x05,
    ...otherwise,
    0x0b,
  ],
  loadI32: load(0x28, 2),
  storeI32: store(0x36, 2),
  i64: (value: number): Code => [0x42, ...sleb(value)],
  loadI64: load(0x29, 3),
  storeI64: store(0x37, 3),
  /** Atomically replaces the i32 at `address` by `replacement` if it equals `expected`; yields the old value. */
  atomicCompareExchange: (address: Code, expected: Code, replacement: Code): Code => [
    ...address,
    ...expected,
    ...replacement,
    0xfe,
    0x48,
    ...memarg(2, 0),
  ],
  atomicStore: (address: Code, value: Code): Code => [...address, ...value, 0xfe, 0x17, ...memarg(2, 0)],
  /** `block { body }`: `br(depth)` inside it jumps past its end. */
  block: (body: Code): Code => [0x02, 0x40, ...body, 0x0b],
  /** `loop { body }`: `br(depth)` inside it jumps back to its start. */
  loop: (body: Code): Code => [0x03, 0x40, ...body, 0x0b],
  br: (depth: number): Code => [0x0c, ...uleb(depth)],
  brIf: (condition: Code, depth: number): Code => [...condition, 0x0d, ...uleb(depth)],
  call: (fn: number, ...args: Code[]): Code => [...args.flat(), 0x10, ...uleb(fn)],
  /** `do { body } while (condition)`: the body runs at least once. */
  doWhile: (body: Code, condition: Code): Code => [0x03, 0x40, ...body, ...condition, 0x0d, 0, 0x0b],
  v128Load: (address: Code, offset: number): Code => [...address, ...simd(0x00, ...memarg(0, offset))],
  v128Store: (address: Code, offset: number, value: Code): Code => [
    ...address,
    ...value,
    ...simd(0x0b, ...memarg(4, offset)),
  ],
  v128Zero: (): Code => simd(0x0c, ...new Array<number>(16).fill(0)),
  /** Loads one 32-bit (bytes 4) or 64-bit (bytes 8) lane and splats it to all lanes. */
  splat: (bytes: 4 | 8, address: Code, offset: number): Code => [
    ...address,
    ...simd(bytes === 4 ? 0x09 : 0x0a, ...memarg(bytes === 4 ? 2 : 3, offset)),
  ],
  /** Lane-wise float add / mul for f32x4 (bytes 4) or f64x2 (bytes 8). */
  fadd: (bytes: 4 | 8, x: Code, y: Code): Code => [...x, ...y, ...simd(bytes === 4 ? 0xe4 : 0xf0)],
  fmul: (bytes: 4 | 8, x: Code, y: Code): Code => [...x, ...y, ...simd(bytes === 4 ? 0xe6 : 0xf2)],
  fsub: (bytes: 4 | 8, x: Code, y: Code): Code => [...x, ...y, ...simd(bytes === 4 ? 0xe5 : 0xf1)],
  /** Picks 32-bit lanes of x (0-3) and y (4-7) into a new vector. */
  shuffle32: (x: Code, y: Code, lanes: readonly [number, number, number, number]): Code => [
    ...x,
    ...y,
    ...simd(0x0d, ...lanes.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3])),
  ],
};

/** A function of i32 parameters and no result. */
export interface FunctionSpec {
  readonly name: string;
  readonly params: number;
  /** Extra locals after the parameters, as [count, type] runs. */
  readonly locals: readonly (readonly [number, number])[];
  readonly body: Code;
}

const section = (id: number, payload: number[]) => [id, ...uleb(payload.length), ...payload];
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (text: string) => [...uleb(text.length), ...Array.from(text, (ch) => ch.charCodeAt(0))];

/**
 * Module bytes for `functions` (all exported by name, callable from each other by index) importing
 * `env.memory` — shared (threads) or not, with the given maximum in 64 KiB pages.
 */
export function emitModule(
  functions: readonly FunctionSpec[],
  sharedMemory: boolean,
  maxPages: number,
): Uint8Array {
  const types = functions.map((f) => [0x60, ...uleb(f.params), ...new Array<number>(f.params).fill(I32), 0]);
  const memoryLimits = [sharedMemory ? 0x03 : 0x01, ...uleb(1), ...uleb(maxPages)];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...memoryLimits]])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(
      10,
      vector(
        functions.map((f) => {
          const body = [...vector(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body, 0x0b];
          return [...uleb(body.length), ...body];
        }),
      ),
    ),
  ];
  return new Uint8Array(bytes);
}
