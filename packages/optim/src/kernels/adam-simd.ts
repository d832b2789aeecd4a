import { type AdamStepAttrs, wasm, wasmApi } from '@nn/tensor';
import type { CompiledLoop } from './cpu-update';

// The float32 Adam update in WebAssembly SIMD (f32x4). V8's generated JS loop pays per-element
// typed-array checks and float32<->float64 conversions and computes sqrt and division in double (~5 ns
// an element); four float32 lanes at a time are over twice as fast even with the operands copied through
// a small scratch memory in chunks (the tensors' arrays stay where they are). Lanes compute in float32
// with torch's operations in torch's order, so most results equal torch's bit for bit; torch's AVX2
// kernels fuse `add(alpha=)` and `addcmul` into fma, which baseline WebAssembly SIMD lacks (emulating it
// through float64 lanes made the step ~25% slower), so some differ in the last float32 bit.

const { op, emitModule, V128 } = wasm;
type Code = wasm.Code;

/** Floats per chunk and per operand slot (32 KiB: the five slots stay in L2). */
const CHUNK = 8192;
const SLOT_BYTES = CHUNK * 4;
/** Bytes before the slots: the step's scalars, splatted to lanes once per call. */
const SCALAR_BYTES = 64;
const SLOTS = ['p', 'g', 'm', 'v', 'vMax'] as const;
const PAGES = Math.ceil((SCALAR_BYTES + SLOTS.length * SLOT_BYTES) / 65536);
const slotAddress = (slot: (typeof SLOTS)[number]) => SCALAR_BYTES + SLOTS.indexOf(slot) * SLOT_BYTES;

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
 * `adam(endBytes)`: one Adam update of lanes [0, endBytes / 4) of the slots, in torch 1.13's order:
 * `g = -g?; g += wd * p?; p *= scale?; m = m * beta1 + c1 * g; v = v * beta2 + c2 * g * g;
 * vMax = max(vMax, v)?; p += (-stepSize * m) / (sqrt(v) / bc2 + eps)`.
 */
function adamFunction(name: string, variant: Variant): wasm.FunctionSpec {
  const END = 0;
  const I = 1;
  // v128 locals: the scalars splatted, then the lanes' values.
  const v128Locals = [...SCALARS, 'g', 'p', 'm', 'v'];
  const local = (key: string) => 2 + v128Locals.indexOf(key);
  const { get, set } = op;
  const $ = (key: string) => get(local(key));
  const let_ = (key: string, value: Code) => set(local(key), value);
  const load = (slot: (typeof SLOTS)[number]) => op.v128Load(get(I), slotAddress(slot));
  const store = (slot: (typeof SLOTS)[number], key: string) =>
    op.v128Store(get(I), slotAddress(slot), $(key));
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
    params: 1,
    locals: [
      [1, wasm.I32],
      [v128Locals.length, V128],
    ],
    body,
  };
}

interface AdamModule {
  readonly memory: Float32Array;
  readonly run: Record<string, (endBytes: number) => void>;
}

const variantName = (v: Variant) => `adam${+v.maximize}${+v.weightDecay}${+v.paramScale}${+v.amsgrad}`;

function instantiate(): AdamModule | undefined {
  const api = wasmApi();
  if (!api) return undefined;
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
    const module = new api.Module(
      emitModule(
        variants.map((v) => adamFunction(variantName(v), v)),
        false,
        PAGES,
      ),
    );
    const memory = new api.Memory({ initial: PAGES, maximum: PAGES, shared: false });
    const { exports } = new api.Instance(module, { env: { memory } });
    return { memory: new Float32Array(memory.buffer), run: exports as AdamModule['run'] };
  } catch {
    return undefined; // no WebAssembly SIMD: the generated JS loop serves float32 too
  }
}

let adamModule: AdamModule | null | undefined;

/**
 * The float32 Adam loop in WebAssembly SIMD for the attributes' variant, or undefined where the host has
 * no WebAssembly SIMD. Arrays are `[p, g, m, v, vMax?]`, dense float32 of length `n`.
 */
export function simdAdamLoop(attrs: AdamStepAttrs): CompiledLoop | undefined {
  if (adamModule === undefined) adamModule = instantiate() ?? null;
  if (adamModule === null) return undefined;
  const { memory, run } = adamModule;
  const update = run[variantName(variantOf(attrs))]!;
  const slots = SLOTS.map((slot) => slotAddress(slot) / 4);
  return (arrays, n, a) => {
    for (const [i, key] of SCALARS.entries()) memory[i] = SCALAR_VALUES[key]!(a as AdamStepAttrs);
    for (let start = 0; start < n; start += CHUNK) {
      const end = Math.min(n, start + CHUNK);
      for (let i = 0; i < arrays.length; i++) memory.set(arrays[i]!.subarray(start, end), slots[i]!);
      update(Math.ceil((end - start) / 4) * 16);
      // The gradient (slot 1) is read-only; everything else goes back.
      for (let i = 0; i < arrays.length; i++) {
        if (i !== 1) arrays[i]!.set(memory.subarray(slots[i]!, slots[i]! + end - start), start);
      }
    }
  };
}
