import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { canGenerateCode, codegenSettings, generateFunction, type Tensor, type TypedArray } from '../src';
import { closureFunction } from '../src/backends/cpu/codegen/closure-compiler';
import { conformanceCases } from '../src/testing';
import { prepareInputs } from '../src/testing/layouts';

afterEach(() => {
  codegenSettings({ functions: 'auto' });
});

// The host probe runs once and is cached: make it run here, where code generation is allowed, so that
// 'auto' below really means generated code.
beforeAll(() => {
  expect(canGenerateCode()).toBe(true);
});

/** Runs `body` as a host that refuses code generation would: `new Function` throws EvalError. */
function withoutEval<T>(body: () => T): T {
  const original = globalThis.Function;
  globalThis.Function = function refused() {
    throw new EvalError('code generation from strings disallowed for this context');
  } as unknown as FunctionConstructor;
  try {
    return body();
  } finally {
    globalThis.Function = original;
  }
}

/** The bytes of a typed array, so NaN payloads and -0 compare exactly. */
const bytesOf = (a: TypedArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function firstDifference(a: TypedArray, b: TypedArray): string | undefined {
  if (a.length !== b.length || a.constructor !== b.constructor)
    return `${a.constructor.name}(${a.length}) vs ${b.constructor.name}(${b.length})`;
  const x = bytesOf(a);
  const y = bytesOf(b);
  for (let i = 0; i < x.length; i++) {
    const at = Math.floor(i / a.BYTES_PER_ELEMENT);
    if (x[i] !== y[i]) return `element ${at}: ${a[at]} vs ${b[at]}`;
  }
  return undefined;
}

describe('the eval-free closure compiler runs generated source as new Function does', () => {
  const programs: [string, string[], unknown[], string][] = [
    ['arithmetic and precedence', ['a', 'b'], [3, 4], 'return a + b * 2 - a / b % 3 - -a;'],
    ['comparisons and logic', ['x'], [Number.NaN], 'return (x !== x ? 1 : 0) + (x < 1 || x >= 1 ? 10 : 20);'],
    ['nested ternaries', ['x'], [-2], 'return x > 0 ? 1 : x < 0 ? -1 : x;'],
    ['bitwise operators', ['a', 'b'], [-7, 3], 'return [a & b, a | b, a ^ b, a << b, a >> 1, a >>> 28, ~a];'],
    ['Math and helpers', ['x'], [2.5], 'return Math.imul(7, 3) + Math.fround(x / 3) + Math.max(x, 1, 2);'],
    [
      'declarations, blocks, shadowing',
      ['x'],
      [1],
      'let y = x; { const y = 5; x = x + y; } let a = 1, b = a + 1; return [x, y, a, b];',
    ],
    [
      'compound assignment on typed arrays evaluates the target once',
      [],
      [],
      'const a = new Int32Array(3); let i = 0; a[i++] += 5; a[i++] -= 2; a[i] = 7; a[i] *= 3; return [a[0], a[1], a[2], i];',
    ],
    [
      '++ returns the unconverted number, stores the wrapped one',
      [],
      [],
      'const a = new Int32Array(1); a[0] = 2147483647; const r = ++a[0]; let k = 1; const p = k++; return [r, a[0], p, k, --k, k--];',
    ],
    [
      'for, break, continue, comma updates',
      ['n'],
      [10],
      'let s = 0; for (let i = 0, j = n; i < j; i++, j--) { if (i === 2) continue; if (i === 4) break; s += i * j; } return s;',
    ],
    [
      'while and early return',
      ['n'],
      [5],
      'let i = 0; while (true) { i++; if (i > n) return i * 2; } return -1;',
    ],
    [
      'automatic semicolons and comments',
      ['a'],
      [2],
      '// a comment\nconst b = a * 3 /* inline */\nlet c = b\nc++\nreturn c',
    ],
    [
      'function expressions close over the outer frame',
      ['k'],
      [3],
      'const base = 10; return function add(x) { let t = 0; for (let i = 0; i < k; i++) t += x; return base + t; };',
    ],
    [
      'member reads and calls keep this',
      ['o'],
      [
        {
          v: 4,
          f(this: { v: number }) {
            return this.v * 2;
          },
        },
      ],
      'return o.f() + o.v;',
    ],
    ['literals', [], [], 'return [true, false, null, undefined, 1e-3, .5, 2.5e2, Infinity, -Infinity];'],
  ];
  for (const [label, params, args, body] of programs) {
    it(label, () => {
      let expected = new Function(...params, body)(...args);
      let actual = closureFunction(params, body)(...args);
      if (typeof expected === 'function') {
        expected = expected(2);
        actual = (actual as (x: number) => unknown)(2);
      }
      expect(actual).toEqual(expected);
    });
  }

  it('rejects what it does not compile with a SyntaxError naming the place', () => {
    expect(() => closureFunction([], 'return foo;')).toThrow(/unknown name foo/);
    expect(() => closureFunction([], 'const a = 1; a = 2;')).toThrow(/assignment to constant a/);
    expect(() => closureFunction([], 'return 1 +;')).toThrow(/unexpected ';'/);
    expect(() => closureFunction([], 'let a = 1 let b')).toThrow(/expected ';'/);
    expect(() => closureFunction([], 'return "s";')).toThrow(SyntaxError);
  });
});

describe('generateFunction', () => {
  it('builds functions without new Function when code generation is switched off', () => {
    codegenSettings({ functions: 'closures' });
    const f = withoutEval(() => generateFunction(['a', 'b'], 'return a * b + 1;'));
    expect(f(3, 4)).toBe(13);
  });

  it('rejects unknown settings and values, naming them', () => {
    expect(() => codegenSettings({ functions: 'off' as never })).toThrow(
      /codegenSettings: functions must be 'auto' or 'closures', got "off"/,
    );
    expect(() => codegenSettings({ engine: 'js' } as never)).toThrow(/unknown setting 'engine'/);
    expect(codegenSettings().functions).toBe('auto');
  });

  it('uses new Function in auto mode where the host allows it', () => {
    expect(() => withoutEval(() => generateFunction(['a'], 'return a;'))).toThrow(EvalError);
  });
});

describe('every CPU conformance case gives bit-identical results without code generation', () => {
  const outputsOf = (r: Tensor | readonly Tensor[]) => (Array.isArray(r) ? r : [r as Tensor]);
  /** Every output, and every input afterwards (in-place ops write them), as host arrays. */
  function runCase(c: ReturnType<typeof conformanceCases>[number], layout: (typeof c.layouts)[number]) {
    const inputs = prepareInputs(c.inputs(), layout, 'cpu', c.relayout, c.inplace).onDevice;
    const outputs = outputsOf(c.run(inputs, 'cpu'));
    return [...outputs, ...inputs].map((t) => t.contiguous().dataSync().slice());
  }

  const cases = conformanceCases();
  // All generated runs first, then all eval-free ones: each switch of the setting drops compiled loops.
  const generated = new Map<string, TypedArray[][]>();
  beforeAll(() => {
    codegenSettings({ functions: 'auto' });
    for (const c of cases)
      generated.set(
        c.name,
        c.layouts.map((layout) => runCase(c, layout)),
      );
    codegenSettings({ functions: 'closures' });
  });

  for (const c of cases) {
    it(c.name, () => {
      codegenSettings({ functions: 'closures' });
      for (const [l, layout] of c.layouts.entries()) {
        const expected = generated.get(c.name)![l]!;
        const evalFree = withoutEval(() => runCase(c, layout));
        expect(evalFree.length).toBe(expected.length);
        for (const [i, values] of expected.entries()) {
          const difference = firstDifference(values, evalFree[i]!);
          expect(difference, `${c.name} [${layout}] array ${i}`).toBeUndefined();
        }
      }
    });
  }
});

describe('a host that refuses code generation and WebAssembly compilation', () => {
  /** A small forward pass touching generated loops (add, relu, exp, sum), GEMM and softmax. */
  const forward = (nn: typeof import('../src')) => {
    const values = (n: number, phase: number) =>
      Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + phase));
    const x = nn.tensor(values(64 * 300, 0)).reshape([64, 300]);
    const w = nn.tensor(values(300 * 40, 1)).reshape([300, 40]);
    return Array.from(x.matmul(w).add(1).relu().exp().softmax(-1).sum(0).dataSync());
  };

  it('falls back to the eval-free loops and the JS kernels on its own', async () => {
    const wasm = (globalThis as unknown as { WebAssembly: { CompileError: ErrorConstructor } }).WebAssembly;
    const original = globalThis.Function;
    try {
      vi.resetModules();
      vi.stubGlobal('WebAssembly', {
        ...wasm,
        Module: () => {
          throw new wasm.CompileError('WebAssembly compilation disallowed');
        },
      });
      globalThis.Function = (() => {
        throw new EvalError('code generation from strings disallowed');
      }) as unknown as FunctionConstructor;
      const refusing = await import('../src');
      const got = forward(refusing);
      expect(refusing.canGenerateCode()).toBe(false);
      expect(refusing.canCompileWasm()).toBe(false);
      expect(refusing.wasmApi()).toBeUndefined();
      globalThis.Function = original;
      vi.unstubAllGlobals();
      vi.resetModules();
      const normal = await import('../src');
      const want = forward(normal);
      expect(normal.canGenerateCode()).toBe(true);
      // The JS GEMM rounds differently from the WebAssembly one: compare to float32 accuracy.
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 3);
    } finally {
      globalThis.Function = original;
      vi.unstubAllGlobals();
    }
  });
});
