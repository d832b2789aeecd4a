import { loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  codegenSettings,
  type DType,
  DTypeError,
  dtypes,
  promoteTypes,
  type Tensor,
  tensor,
  zeros,
} from '../src';

interface FixtureValues {
  dtype: DType;
  shape: number[];
  values: (string | number | boolean)[];
}
interface Binary {
  op: string;
  a: FixtureValues;
  b?: FixtureValues;
  scalar?: number;
  output: FixtureValues;
}
interface Cases {
  promotion: { rows: { a: DType; b: DType; promote: DType; withZeroDim: DType }[] };
  scalars: { rows: { a: DType; bool: DType; int: DType; float: DType }[] };
  conversions: Record<string, { input: FixtureValues; output: FixtureValues }>;
  narrowArithmetic: Record<string, Binary>;
  int64Arithmetic: Record<string, Binary>;
  sums: Record<string, { a: FixtureValues; sum: FixtureValues; cumsum: FixtureValues; prod: FixtureValues }>;
}
const { cases } = loadFixtures<Cases[keyof Cases]>(new URL('./fixtures/dtypes.jsonl', import.meta.url));
const fixture = <K extends keyof Cases>(name: K) => cases[name] as Cases[K];

const isInteger = (dtype: DType) => ['uint8', 'int8', 'int16', 'int32', 'int64'].includes(dtype);

/** A fixture tensor, built exactly: integers from their decimal strings (int64 through bigints). */
function build(f: FixtureValues): Tensor {
  const values = f.values.map((v) =>
    typeof v === 'string' && isInteger(f.dtype)
      ? BigInt(v)
      : v === 'nan'
        ? NaN
        : v === 'inf'
          ? Infinity
          : v === '-inf'
            ? -Infinity
            : v,
  );
  return tensor(values as (number | bigint | boolean)[], { dtype: f.dtype }).reshape(f.shape);
}

/** The exact values of a tensor in the fixture's spelling. */
async function spell(t: Tensor): Promise<(string | number | boolean)[]> {
  if (t.dtype === 'bool') return t.tolist() as boolean[];
  if (isInteger(t.dtype)) return [...(await t.dataBigInt())].map(String);
  return [...(await t.data())].map((v) =>
    Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v,
  );
}

async function expectSame(actual: Tensor, expected: FixtureValues, label: string) {
  expect(actual.dtype, `${label} dtype`).toBe(expected.dtype);
  expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  expect(await spell(actual), label).toEqual(expected.values);
}

describe('type promotion, as torch 1.13', () => {
  it('promoteTypes matches torch.promote_types for every pair of dtypes', () => {
    const rows = fixture('promotion').rows;
    expect(rows).toHaveLength(dtypes.length ** 2);
    for (const { a, b, promote } of rows) expect(promoteTypes(a, b), `${a} + ${b}`).toBe(promote);
  });

  it('a 0-d tensor only raises the category, as torch.result_type', () => {
    for (const { a, b, withZeroDim } of fixture('promotion').rows) {
      const x = zeros([2], { dtype: a });
      const y = zeros([], { dtype: b });
      // add would refuse bool - bool in torch too; `mul` promotes the same way and runs for every pair
      expect(x.mul(y).dtype, `${a} * 0-d ${b}`).toBe(withZeroDim);
    }
  });

  it('JS numbers take part as Python scalars (the default integer here is int32)', () => {
    for (const row of fixture('scalars').rows) {
      const x = zeros([2], { dtype: row.a });
      // torch's default integer is int64, @nn's int32: only bool tensors with an integer scalar differ
      const int = row.a === 'bool' ? 'int32' : row.int;
      expect(x.mul(3).dtype, `${row.a} * 3`).toBe(int);
      expect(x.mul(2.5).dtype, `${row.a} * 2.5`).toBe(row.float);
      expect(x.logicalOr(true).dtype).toBe('bool');
      expect(x.add(true).dtype, `${row.a} + true`).toBe(row.bool);
    }
  });
});

describe('conversions, as torch', () => {
  it('truncates floats toward zero, wraps integers and rounds to nearest even for float16/bfloat16', async () => {
    const all = fixture('conversions');
    expect(Object.keys(all).length).toBeGreaterThan(40);
    for (const [name, { input, output }] of Object.entries(all)) {
      await expectSame(build(input).to(output.dtype), output, name);
    }
  });

  it('names the conversions as torch: long, byte, char, short, half, bfloat16', () => {
    const x = tensor([1.7, -1.7, 300]);
    expect(x.long().dtype).toBe('int64');
    expect(x.byte().tolist()).toEqual([1, 255, 44]);
    expect(x.char().tolist()).toEqual([1, -1, 44]);
    expect(x.short().tolist()).toEqual([1, -1, 300]);
    expect(tensor([65520, 1e-8]).half().tolist()).toEqual([Infinity, 0]);
    expect(tensor([1.00390625]).bfloat16().tolist()).toEqual([1]);
  });
});

describe('integer arithmetic', () => {
  async function runAll(all: Record<string, Binary>) {
    for (const [name, c] of Object.entries(all)) {
      const a = build(c.a);
      const other = c.b ? build(c.b) : c.scalar;
      const out =
        c.op === 'floorDivide'
          ? a.div(other as Tensor, { roundingMode: 'floor' })
          : c.op === 'neg' || c.op === 'abs'
            ? (a[c.op] as () => Tensor).call(a)
            : c.op === 'sum'
              ? a.sum()
              : c.op === 'prod'
                ? a.prod()
                : c.op === 'cumsum'
                  ? a.cumsum(0)
                  : (a[c.op as 'add'] as (o: unknown) => Tensor).call(a, other);
      await expectSame(out, c.output, name);
    }
  }

  it('uint8, int8 and int16 wrap around as torch', async () => {
    await runAll(fixture('narrowArithmetic'));
  });

  it('int64 is exact beyond 2^53 (bigint storage), wrapping modulo 2^64', async () => {
    await runAll(fixture('int64Arithmetic'));
    const big = tensor([2n ** 63n - 1n]);
    expect(String(big.add(tensor([1n])))).toBe('tensor([-9223372036854775808], dtype=int64)');
  });

  it('integer and bool sums, cumsums and products are int64, as torch (no int32 wrap)', async () => {
    for (const [name, c] of Object.entries(fixture('sums'))) {
      const a = build(c.a);
      await expectSame(a.sum(), c.sum, `${name} sum`);
      await expectSame(a.cumsum(0), c.cumsum, `${name} cumsum`);
      await expectSame(a.prod(), c.prod, `${name} prod`);
    }
  });

  it('runs the bigint loops under the eval-free compiler too (strict Content-Security-Policy pages)', () => {
    codegenSettings({ functions: 'closures' });
    try {
      const b = tensor([2n ** 60n + 1n, 5n]);
      expect(String(b.mul(b))).toBe('tensor([2305843009213693953,                  25], dtype=int64)');
      expect(b.lt(tensor([6n])).tolist()).toEqual([false, true]);
      expect(b.to('int32').tolist()).toEqual([1, 5]);
    } finally {
      codegenSettings({ functions: 'auto' });
    }
  });

  it('integer division by zero raises for every integer dtype', () => {
    for (const dtype of ['uint8', 'int8', 'int16', 'int64'] as const) {
      const x = tensor([4, 5], { dtype });
      expect(() => x.div(tensor([1, 0], { dtype }), { roundingMode: 'floor' })).toThrow('ZeroDivisionError');
      expect(() => x.remainder(tensor([0, 1], { dtype }))).toThrow('ZeroDivisionError');
    }
  });
});

describe('float16 and bfloat16', () => {
  it('compute through float32 and round the result back, as torch on the CPU', () => {
    const a = tensor([1, 2049, 0.1]).half();
    expect(a.tolist()).toEqual([1, 2048, 0.0999755859375]);
    // 2048 + 1 = 2049 rounds to even (2048) in float16
    expect(a.add(1).tolist()).toEqual([2, 2048, 1.099609375]);
    const m = tensor([
      [1, 2],
      [3, 4],
    ]).bfloat16();
    const product = m.matmul(m);
    expect(product.dtype).toBe('bfloat16');
    expect(product.tolist()).toEqual([
      [7, 10],
      [15, 22],
    ]);
    expect(a.exp().dtype).toBe('float16');
    expect(a.sum().dtype).toBe('float16');
    expect(a.float().dtype).toBe('float32');
  });
});

describe('creating and reading', () => {
  it('keeps the element type of typed arrays, as torch.from_numpy', () => {
    expect(tensor(new Uint8Array([0, 1, 2, 255])).dtype).toBe('uint8');
    expect(tensor(new Int8Array([-1])).dtype).toBe('int8');
    expect(tensor(new Int16Array([-1])).dtype).toBe('int16');
    expect(tensor(new BigInt64Array([2n ** 60n])).dtype).toBe('int64');
    expect(tensor([1n, 2n]).dtype).toBe('int64');
    expect(tensor([1n, 2.5]).dtype).toBe('float32');
    expect(() => tensor(new Uint16Array([1]))).toThrow(DTypeError);
  });

  it('reads int64 as numbers where they are exact and as bigints always', async () => {
    const x = tensor([2n ** 53n + 1n, 5n]);
    expect(await x.dataBigInt()).toEqual(BigInt64Array.of(2n ** 53n + 1n, 5n));
    expect(() => x.tolist()).toThrow('int64 value 9007199254740993 (flat index 0) is beyond');
    expect(x.sub(tensor([2n ** 53n])).tolist()).toEqual([1, -9007199254740987]);
    expect(tensor([7n]).item()).toBe(7);
    expect(String(x)).toBe('tensor([9007199254740993,                5], dtype=int64)');
  });

  it('accepts int64 indices and class targets as int32 ones', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.indexSelect(1, tensor([2n, 0n])).tolist()).toEqual([
      [3, 1],
      [6, 4],
    ]);
    expect(x.gather(1, tensor([[0n], [2n]])).tolist()).toEqual([[1], [6]]);
    expect(() => x.indexSelect(1, tensor([2n ** 40n]))).toThrow('out of range');
  });
});
