import { describe, expect, it } from 'vitest';
import { tensor, where } from '../src';

// where over float32 values and a bool mask, all contiguous and 4096 elements or more, runs a SIMD
// bitselect (backends/cpu/simd/where.ts); anything else runs the JS loop. Both must pick the same bits.

const bitsOf = (values: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(values).buffer));

describe('where over float32 with a bool mask', () => {
  const n = 10_007; // not a multiple of the kernel's 16 floats per iteration
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  const mask = new Uint8Array(n);
  const payloadNaN = new Float32Array(new Uint32Array([0x7fc01234]).buffer)[0]!;
  for (let i = 0; i < n; i++) {
    a[i] = i % 7 === 0 ? -0 : Math.sin(i);
    b[i] = i % 11 === 0 ? payloadNaN : -i;
    mask[i] = (i * 2654435761) % 5 < 2 ? 1 : 0;
  }
  const expected = Array.from({ length: n }, (_, i) => (mask[i] ? a[i]! : b[i]!));

  it('picks every bit of the chosen value (-0, NaN payloads), contiguous', () => {
    const got = where(tensor(mask).to('bool'), tensor(a), tensor(b)).dataSync();
    expect(bitsOf(got)).toEqual(bitsOf(expected));
  });

  it('gives the JS loop the same bits for strided operands, and reads views at their offsets', () => {
    const doubled = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) doubled[2 * i] = b[i]!;
    const strided = tensor(doubled).slice(0, undefined, undefined, 2); // every other element: a view
    expect(bitsOf(where(tensor(mask).to('bool'), tensor(a), strided).dataSync())).toEqual(bitsOf(expected));
    // contiguous views at different offsets: the SIMD path reads each from its own start
    const shifted = where(
      tensor(mask).to('bool').slice(0, 7),
      tensor(a).slice(0, 3, n - 4),
      tensor(b).slice(0, 1, n - 6),
    );
    expect(bitsOf(shifted.dataSync())).toEqual(
      bitsOf(Array.from({ length: n - 7 }, (_, i) => (mask[i + 7] ? a[i + 3]! : b[i + 1]!))),
    );
  });

  it('takes a single value on either side (whereScalarA / whereScalarB), rounded to float32 as stored', () => {
    const m = tensor(mask).to('bool');
    const scalarB = where(m, tensor(a), 0).dataSync();
    expect(bitsOf(scalarB)).toEqual(bitsOf(Array.from({ length: n }, (_, i) => (mask[i] ? a[i]! : 0))));
    const scalarA = where(m, -0.1, tensor(b)).dataSync();
    expect(bitsOf(scalarA)).toEqual(bitsOf(Array.from({ length: n }, (_, i) => (mask[i] ? -0.1 : b[i]!))));
    const negativeZero = where(m, tensor(a), -0).dataSync();
    expect(bitsOf(negativeZero)).toEqual(bitsOf(Array.from({ length: n }, (_, i) => (mask[i] ? a[i]! : -0))));
  });
});
