import { type AdamStepAttrs, type WasmModule, wasm, wasmApi } from '@nn/tensor';
import type { CompiledLoop } from './cpu-update';

// The float32 Adam update in WebAssembly SIMD (f32x4). V8's generated JS loop pays per-element
// typed-array checks and float32<->float64 conversions and computes sqrt and division in double (~5 ns
// an element); four float32 lanes at a time are over twice as fast even with the operands copied through
// a small scratch memory in chunks (the tensors' arrays stay where they are). Lanes compute in float32
// with torch's operations in torch's order, so most results equal torch's bit for bit; torch's AVX2
// kernels fuse `add(alpha=)` and `addcmul` into fma, which baseline WebAssembly SIMD lacks (emulating it
// through float64 lanes made the step ~25% slower), so some differ in the last float32 bit.
// Moments made by adamMomentMemory live in the memory of their own instance of the module, where the
// update reads and writes them in place: a step then copies only the parameter and the gradient.

const { op, emitModule, V128 } = wasm;
type Code = wasm.Code;

/** Floats per chunk and per operand slot (32 KiB: the five slots stay in L2). */
const CHUNK = 8192;
const SLOT_BYTES = CHUNK * 4;
/** Bytes before the slots: the step's scalars, splatted to lanes once per call. */
const SCALAR_BYTES = 64;
/** The update's operands, in the order of `arrays` and of the kernel's address parameters. */
const SLOTS = ['p', 'g', 'm', 'v', 'vMax'] as const;
type Slot = (typeof SLOTS)[number];
/** Bytes of every instance's memory before any moments: the scalars and one slot per operand. */
const HEADER_BYTES = SCALAR_BYTES + SLOTS.length * SLOT_BYTES;
const PAGE_BYTES = 65536;
const PAGES = Math.ceil(HEADER_BYTES / PAGE_BYTES);
/** Byte address of operand `i`'s slot (`i` indexes SLOTS). */
const slotAt = (i: number) => SCALAR_BYTES + i * SLOT_BYTES;
/** The most bytes of moments one instance's memory holds (wasm32 allows 4 GiB). */
const MAX_MOMENT_BYTES = 2 ** 30;

/** The scalars at the start of memory, in this order, each rounded to float32 as torch casts them. */
const SCALAR_VALUES: Record<string, (a: AdamStepAttrs) => number> = {
  beta1: (a) => a.beta1,
  c1: (a) => 1 - a.beta1,
  beta2: (a) => a.beta2,
  c2: (a) => 1 - a.beta2,
  eps: (a) => a.eps,
  bc2: (a) => a.biasCorrection2Sqrt,
  negStepSize: (a) => -a.stepSize,
  weightDecay: (a) => a.weightDecay,
  paramScale: (a) => a.paramScale,
};
const SCALARS = Object.keys(SCALAR_VALUES);

const F32X4 = { neg: 0xe1, sqrt: 0xe3, add: 0xe4, mul: 0xe6, div: 0xe7, max: 0xe9 } as const;
const f32 = (name: keyof typeof F32X4, ...operands: Code[]) => op.simd(F32X4[name], ...operands);

/** Which optional terms a compiled function has (one function per combination). */
interface Variant {
  maximize: boolean;
  weightDecay: boolean;
  paramScale: boolean;
  amsgrad: boolean;
}

function variantOf(a: AdamStepAttrs): Variant {
  return {
    maximize: a.maximize,
    weightDecay: a.weightDecay !== 0,
    paramScale: a.paramScale !== 1,
    amsgrad: a.amsgrad,
  };
}

/**
 * `adam(endBytes, p, g, m, v, vMax)`: one Adam update of the lanes in bytes [0, endBytes) from each
 * operand's byte address, in torch 1.13's order: `g = -g?; g += wd * p?; p *= scale?;
 * m = m * beta1 + c1 * g; v = v * beta2 + c2 * g * g; vMax = max(vMax, v)?;
 * p += (-stepSize * m) / (sqrt(v) / bc2 + eps)`.
 */
function adamFunction(name: string, variant: Variant): wasm.FunctionSpec {
  const END = 0;
  const address = (slot: Slot) => 1 + SLOTS.indexOf(slot);
  const I = 1 + SLOTS.length;
  // v128 locals: the scalars splatted, then the lanes' values.
  const v128Locals = [...SCALARS, 'g', 'p', 'm', 'v'];
  const local = (key: string) => I + 1 + v128Locals.indexOf(key);
  const { get, set } = op;
  const $ = (key: string) => get(local(key));
  const let_ = (key: string, value: Code) => set(local(key), value);
  const at = (slot: Slot) => op.add(get(address(slot)), get(I));
  const load = (slot: Slot) => op.v128Load(at(slot), 0);
  const store = (slot: Slot, key: string) => op.v128Store(at(slot), 0, $(key));
  const mulAdd = (a: Code, b: Code, c: Code) => f32('add', f32('mul', a, b), c);
  const loop: Code[] = [
    let_('g', variant.maximize ? f32('neg', load('g')) : load('g')),
    let_('p', load('p')),
    variant.weightDecay ? let_('g', mulAdd($('p'), $('weightDecay'), $('g'))) : [],
    variant.paramScale ? let_('p', f32('mul', $('p'), $('paramScale'))) : [],
    // m = m * beta1 + c1 * g
    let_('m', mulAdd($('g'), $('c1'), f32('mul', load('m'), $('beta1')))),
    store('m', 'm'),
    // v = v * beta2 + (c2 * g) * g
    let_('v', mulAdd(f32('mul', $('c2'), $('g')), $('g'), f32('mul', load('v'), $('beta2')))),
    store('v', 'v'),
    variant.amsgrad ? [...let_('v', f32('max', load('vMax'), $('v'))), ...store('vMax', 'v')] : [],
    // p += (-stepSize * m) / (sqrt(v) / bc2 + eps)
    let_(
      'p',
      f32(
        'add',
        $('p'),
        f32(
          'div',
          f32('mul', $('negStepSize'), $('m')),
          f32('add', f32('div', f32('sqrt', $('v')), $('bc2')), $('eps')),
        ),
      ),
    ),
    store('p', 'p'),
    set(I, op.add(get(I), op.i32(16))),
  ];
  const body: Code = [
    ...SCALARS.flatMap((key, i) => let_(key, op.splat(4, op.i32(0), i * 4))),
    ...set(I, op.i32(0)),
    ...op.doWhile(loop.flat(), op.ltU(get(I), get(END))),
  ];
  return {
    name,
    params: 1 + SLOTS.length,
    locals: [
      [1, wasm.I32],
      [v128Locals.length, V128],
    ],
    body,
  };
}

/** An instance of the kernels' module on one memory: the scratch instance, or one holding moments. */
interface AdamInstance {
  readonly memory: Float32Array;
  readonly run: Record<string, AdamKernel>;
}

type AdamKernel = (endBytes: number, p: number, g: number, m: number, v: number, vMax: number) => void;

const variantName = (v: Variant) => `adam${+v.maximize}${+v.weightDecay}${+v.paramScale}${+v.amsgrad}`;

let compiled: WasmModule | null | undefined;

/** The module, compiled on first use; null where the host has no WebAssembly SIMD. */
function adamModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  const api = wasmApi();
  if (!api) return (compiled = null);
  const variants = Array.from(
    { length: 16 },
    (_, bits): Variant => ({
      maximize: (bits & 1) !== 0,
      weightDecay: (bits & 2) !== 0,
      paramScale: (bits & 4) !== 0,
      amsgrad: (bits & 8) !== 0,
    }),
  );
  try {
    // Any page count up to wasm32's limit, so one module serves memories of every size.
    const bytes = emitModule(
      variants.map((v) => adamFunction(variantName(v), v)),
      false,
      65536,
    );
    compiled = new api.Module(bytes);
  } catch {
    compiled = null; // no WebAssembly SIMD: the generated JS loop serves float32 too
  }
  return compiled;
}

/** An instance over a new fixed memory of `pages` (never grown, so its buffer is never detached). */
function instantiate(pages: number): AdamInstance | undefined {
  const module = adamModule();
  const api = wasmApi();
  if (!module || !api) return undefined;
  try {
    const memory = new api.Memory({ initial: pages, maximum: pages, shared: false });
    const { exports } = new api.Instance(module, { env: { memory } });
    return { memory: new Float32Array(memory.buffer), run: exports as AdamInstance['run'] };
  } catch {
    return undefined; // the address space was refused
  }
}

/** The instance whose scratch serves moments that live anywhere else. */
let scratch: AdamInstance | null | undefined;
/** Instances holding moments, by their memory's buffer. */
const momentHomes = new WeakMap<ArrayBufferLike, AdamInstance>();

/**
 * Float32 moments for the update to work on in place: a function handing out zeroed views of `n`
 * floats from one new memory of room for `floats` (each view padded to whole lanes, which the update
 * writes), or undefined when that memory is full. Undefined where the host has no WebAssembly SIMD or
 * refuses the memory; the moments are then ordinary arrays, copied through the scratch each step.
 */
export function adamMomentMemory(floats: number): ((n: number) => Float32Array | undefined) | undefined {
  const bytes = Math.min(MAX_MOMENT_BYTES, 16 * Math.ceil(floats / 4));
  const home = instantiate(Math.ceil((HEADER_BYTES + bytes) / PAGE_BYTES));
  if (!home) return undefined;
  momentHomes.set(home.memory.buffer, home);
  let next = HEADER_BYTES;
  return (n) => {
    const padded = 16 * Math.ceil(n / 4);
    if (next + padded > home.memory.byteLength) return undefined;
    const view = new Float32Array(home.memory.buffer, next, n);
    next += padded;
    return view;
  };
}

/** Where the moments `arrays[2...]` all live in one instance's memory, that instance. */
function homeOf(arrays: readonly Float32Array[]): AdamInstance | undefined {
  const home = momentHomes.get(arrays[2]!.buffer);
  for (let i = 3; i < arrays.length; i++) if (arrays[i]!.buffer !== home?.memory.buffer) return undefined;
  return home;
}

/**
 * Byte address of operand `i`'s lanes from element `start` for the kernel: its slot where it is copied
 * there (the first `copied` operands) or absent (vMax without AMSGrad), else its own place in memory.
 */
function operandAt(arrays: readonly Float32Array[], i: number, start: number, copied: number): number {
  return i < copied || i >= arrays.length ? slotAt(i) : arrays[i]!.byteOffset + 4 * start;
}

/**
 * The float32 Adam loop in WebAssembly SIMD for the attributes' variant, or undefined where the host has
 * no WebAssembly SIMD. Arrays are `[p, g, m, v, vMax?]`, dense float32 of length `n`.
 */
export function simdAdamLoop(attrs: AdamStepAttrs): CompiledLoop | undefined {
  if (scratch === undefined) scratch = instantiate(PAGES) ?? null;
  if (scratch === null) return undefined;
  const name = variantName(variantOf(attrs));
  return (loopArrays, n, a) => {
    const arrays = loopArrays as readonly Float32Array[];
    const home = homeOf(arrays);
    const { memory, run } = home ?? scratch!;
    const update = run[name]!;
    for (let i = 0; i < SCALARS.length; i++) memory[i] = SCALAR_VALUES[SCALARS[i]!]!(a as AdamStepAttrs);
    // The operands copied through the slots: all of them, or only p and g where the moments are home.
    const copied = home ? 2 : arrays.length;
    for (let start = 0; start < n; start += CHUNK) {
      const end = Math.min(n, start + CHUNK);
      for (let i = 0; i < copied; i++) memory.set(arrays[i]!.subarray(start, end), slotAt(i) / 4);
      update(
        16 * Math.ceil((end - start) / 4),
        operandAt(arrays, 0, start, copied),
        operandAt(arrays, 1, start, copied),
        operandAt(arrays, 2, start, copied),
        operandAt(arrays, 3, start, copied),
        operandAt(arrays, 4, start, copied),
      );
      // The gradient (slot 1) is read-only; everything else copied in goes back.
      for (let i = 0; i < copied; i++) {
        if (i !== 1) arrays[i]!.set(memory.subarray(slotAt(i) / 4, slotAt(i) / 4 + end - start), start);
      }
    }
  };
}
