import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, nextCharWindows, readText, splitCorpus } from '../src/corpus';
import { Vocabulary } from '../src/vocabulary';

describe('vocabulary', () => {
  it('gives sorted characters ids and round-trips text', () => {
    const vocabulary = Vocabulary.fromText('hello world');
    expect(vocabulary.chars).toEqual([' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect([...vocabulary.encode('held')]).toEqual([3, 2, 4, 1]);
    expect(vocabulary.decode(vocabulary.encode('world hello'))).toBe('world hello');
  });

  it('names a character it does not know and an id out of range', () => {
    const vocabulary = Vocabulary.fromText('abc');
    expect(() => vocabulary.encode('abz')).toThrow(
      /character "z" at position 2 is not in the 3-character vocabulary/,
    );
    expect(() => vocabulary.decode([3])).toThrow(/id 3 is outside \[0, 3\)/);
    expect(() => new Vocabulary(['a', 'a'])).toThrow(/"a" is listed twice/);
  });
});

describe('corpus', () => {
  it('ships the King James Pentateuch, Genesis 1:1 to Deuteronomy 34:12, one verse a line', async () => {
    const text = await readText(DEFAULT_TEXT);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(5852);
    expect(lines[0]).toBe('In the beginning God created the heaven and the earth.');
    expect(lines.at(-1)).toBe(
      'And in all that mighty hand, and in all the great terror which Moses shewed in the sight of all Israel.',
    );
  });

  it('holds out the last fraction of the text, cut at a line start', () => {
    const text = 'aaaa\nbbbb\ncccc\ndddd\n';
    const { vocabulary, train, heldOut } = splitCorpus(text, 0.3);
    expect(vocabulary.decode(train)).toBe('aaaa\nbbbb\ncccc\n');
    expect(vocabulary.decode(heldOut)).toBe('dddd\n');
    expect(() => splitCorpus(text, 0)).toThrow(/heldOutFraction must be in \(0, 1\), got 0/);
  });

  it('pairs each window with the same window one character later', () => {
    const ids = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const [x, y] = nextCharWindows(ids, 3);
    expect(x.tolist()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(y.tolist()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.dtype).toBe('int32');
    expect(() => nextCharWindows(ids, 8)).toThrow(/8 characters make no window of 8 inputs and targets/);
  });
});
