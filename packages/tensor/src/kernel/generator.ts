/**
 * A seedable pseudo-random generator (xoshiro128**, seeded through splitmix32), identical on every
 * platform: the same seed gives the same numbers in Node and every browser. Its streams differ from
 * PyTorch's Mersenne Twister, so seeds do not reproduce PyTorch's numbers.
 */
export class Generator {
  #s = new Uint32Array(4);
  #spareNormal: number | undefined;
  #seed = 0;

  /** A generator seeded with `seed`. */
  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Reseeds; returns this generator. */
  manualSeed(seed: number): this {
    this.#seed = seed;
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 0x100000000)) >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    this.#spareNormal = undefined;
    return this;
  }

  /** The seed last set. */
  initialSeed(): number {
    return this.#seed;
  }

  /** The full state, to save and restore a stream exactly. */
  getState(): number[] {
    return [...this.#s, this.#spareNormal ?? Number.NaN];
  }

  /** Restores a state from {@link Generator.getState}; returns this generator. */
  setState(state: readonly number[]): this {
    for (let i = 0; i < 4; i++) this.#s[i] = state[i]! >>> 0;
    this.#spareNormal = Number.isNaN(state[4]) ? undefined : state[4];
    return this;
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.#spareNormal !== undefined) {
      const v = this.#spareNormal;
      this.#spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
