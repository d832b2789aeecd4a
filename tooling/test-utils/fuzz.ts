/**
 * A small seeded fuzzer for the readers of untrusted files: it mutates valid inputs (bit flips, interesting
 * bytes, insertions, deletions, duplicated ranges, truncation) and checks that the reader either returns a
 * value or throws its own error class. Seeded, so a failure names the seed and iteration that reproduce it.
 */

/** mulberry32: a tiny, good-enough seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random helpers over one PRNG. */
export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x5b, 0x7b, 0x2c, 0x0a, 0x30, 0x39, 0x2d];

/** `input` with 1 to 4 random byte-level mutations (never longer than `maxLength`). */
export function mutateBytes(input: Uint8Array, rng: Rng, maxLength = 1 << 16): Uint8Array {
  let out: Uint8Array = Uint8Array.from(input);
  const count = 1 + rng.int(4);
  for (let m = 0; m < count; m++) {
    const at = rng.int(out.length + 1);
    switch (rng.int(6)) {
      case 0: // flip a bit
        if (out.length > 0) out[Math.min(at, out.length - 1)]! ^= 1 << rng.int(8);
        break;
      case 1: // an interesting byte
        if (out.length > 0) out[Math.min(at, out.length - 1)] = rng.pick(INTERESTING_BYTES);
        break;
      case 2: {
        // insert random bytes
        const extra = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
        out = concat(out.subarray(0, at), extra, out.subarray(at));
        break;
      }
      case 3: // delete a range
        out = concat(out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + rng.int(32))));
        break;
      case 4: {
        // duplicate a range
        const end = Math.min(out.length, at + 1 + rng.int(64));
        out = concat(out.subarray(0, end), out.subarray(at, end), out.subarray(end));
        break;
      }
      default: // truncate
        out = out.subarray(0, at);
    }
  }
  return out.length > maxLength ? out.subarray(0, maxLength) : out;
}

const INTERESTING_TEXT = [
  ',',
  '"',
  '""',
  '\n',
  '\r',
  '\r\n',
  ' ',
  '-',
  '.',
  'e',
  'e308',
  'NaN',
  '1e999',
  '0x1',
];

/** `input` with 1 to 4 random character-level mutations. */
export function mutateText(input: string, rng: Rng): string {
  let out = input;
  const count = 1 + rng.int(4);
  for (let m = 0; m < count; m++) {
    const at = rng.int(out.length + 1);
    const end = Math.min(out.length, at + 1 + rng.int(8));
    switch (rng.int(4)) {
      case 0: // replace a range with an interesting token
        out = out.slice(0, at) + rng.pick(INTERESTING_TEXT) + out.slice(end);
        break;
      case 1: // insert one
        out = out.slice(0, at) + rng.pick(INTERESTING_TEXT) + out.slice(at);
        break;
      case 2: // delete a range
        out = out.slice(0, at) + out.slice(end);
        break;
      default: // duplicate a range
        out = out.slice(0, end) + out.slice(at, end) + out.slice(end);
    }
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** What {@link fuzz} runs. */
export interface FuzzOptions<I, O> {
  /** Seeds the PRNG: the same seed replays the same inputs. */
  seed: number;
  /** How many mutated inputs to try. */
  iterations: number;
  /** Valid inputs to start from. */
  corpus: readonly I[];
  /** Makes the next input from one of the corpus (mutations may stack on earlier mutants). */
  mutate: (input: I, rng: Rng) => I;
  /** Runs the reader; sync or async. */
  run: (input: I) => O | Promise<O>;
  /** The reader's own error class: any other error fails the fuzz run. */
  errorClass: abstract new (
    ...args: never[]
  ) => Error;
  /** Checks a returned value (e.g. that its size is bounded by the input's); throws to fail. */
  check?: (value: O, input: I) => void;
  /** Describes an input for the failure message. */
  describe?: (input: I) => string;
}

/** Counts of what the inputs did, so a test can assert the fuzzer reached both outcomes. */
export interface FuzzReport {
  values: number;
  errors: number;
}

/**
 * Runs `iterations` mutated inputs through `run`. Throws, naming the seed, iteration and input, when one
 * throws something other than `errorClass` or its value fails `check`.
 */
export async function fuzz<I, O>(options: FuzzOptions<I, O>): Promise<FuzzReport> {
  const rng = new Rng(options.seed);
  const pool = [...options.corpus];
  const report: FuzzReport = { values: 0, errors: 0 };
  for (let i = 0; i < options.iterations; i++) {
    const input = options.mutate(rng.pick(pool), rng);
    let value: O;
    try {
      value = await options.run(input);
    } catch (error) {
      if (error instanceof options.errorClass) {
        report.errors++;
        continue;
      }
      throw failure(options, i, input, error);
    }
    try {
      options.check?.(value, input);
    } catch (error) {
      throw failure(options, i, input, error);
    }
    report.values++;
    // Inputs that still parse are kept: mutating them reaches deeper into the reader.
    if (pool.length < 64) pool.push(input);
  }
  return report;
}

function failure<I, O>(options: FuzzOptions<I, O>, iteration: number, input: I, error: unknown): Error {
  const shown = options.describe?.(input) ?? String(input).slice(0, 200);
  return new Error(
    `fuzz (seed ${options.seed}) iteration ${iteration}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\ninput: ${shown}`,
    { cause: error },
  );
}

/** The first bytes of `bytes` as hex, for failure messages. */
export function hexPreview(bytes: Uint8Array, limit = 96): string {
  const hex = Array.from(bytes.subarray(0, limit), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${bytes.length} bytes: ${hex}${bytes.length > limit ? ' …' : ''}`;
}
