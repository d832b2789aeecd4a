import { ValueError } from '@nn/tensor';

/**
 * The characters a model reads and writes, each with an id: the distinct characters of a text in sorted
 * order, so the same text always gives the same ids (and saved weights stay usable).
 */
export class Vocabulary {
  /** The characters, indexed by id. */
  readonly chars: readonly string[];
  readonly #ids: Map<string, number>;

  constructor(chars: readonly string[]) {
    const ids = new Map<string, number>();
    for (const [id, c] of chars.entries()) {
      if ([...c].length !== 1)
        throw new ValueError('Vocabulary', `entry ${id} is ${JSON.stringify(c)}, not one character`);
      if (ids.has(c)) throw new ValueError('Vocabulary', `character ${JSON.stringify(c)} is listed twice`);
      ids.set(c, id);
    }
    this.chars = [...chars];
    this.#ids = ids;
  }

  /** The vocabulary of every character that occurs in `text`. */
  static fromText(text: string): Vocabulary {
    return new Vocabulary([...new Set(text)].sort());
  }

  /** Number of characters (the model's number of classes). */
  get size(): number {
    return this.chars.length;
  }

  /** Whether `c` has an id. */
  has(c: string): boolean {
    return this.#ids.has(c);
  }

  /** The ids of `text`; a character outside the vocabulary is an error naming it. */
  encode(text: string): Int32Array {
    const chars = [...text];
    const out = new Int32Array(chars.length);
    for (const [i, c] of chars.entries()) {
      const id = this.#ids.get(c);
      if (id === undefined) {
        throw new ValueError(
          'Vocabulary.encode',
          `character ${JSON.stringify(c)} at position ${i} is not in the ${this.size}-character vocabulary; use only characters of the training text`,
        );
      }
      out[i] = id;
    }
    return out;
  }

  /** The text of `ids`. */
  decode(ids: Iterable<number>): string {
    let text = '';
    for (const id of ids) {
      const c = this.chars[id];
      if (c === undefined) throw new ValueError('Vocabulary.decode', `id ${id} is outside [0, ${this.size})`);
      text += c;
    }
    return text;
  }
}
