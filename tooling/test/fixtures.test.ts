import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertClose, decodeTensor, type FixtureTensor, loadFixtures } from '../test-utils';

interface CastCase {
  input: FixtureTensor;
  output: FixtureTensor;
}

const fixtures = loadFixtures<CastCase>(new URL('./fixtures/float32-rounding.jsonl', import.meta.url));

describe('fixture pipeline', () => {
  it('decodes PyTorch float32 casts exactly as Math.fround rounds, including NaN and infinities', () => {
    const { input, output } = fixtures.cases.cast!;
    const rounded = Array.from(decodeTensor(input), Math.fround);
    assertClose({ shape: input.shape, data: rounded }, output, { rtol: 0, atol: 0 });
    expect(Number.isNaN(decodeTensor(output)[7])).toBe(true);
    expect(decodeTensor(output)[5]).toBe(Infinity);
  });

  it('reports the first mismatching elements', () => {
    const { output } = fixtures.cases.cast!;
    const wrong = Array.from(decodeTensor(output));
    wrong[2] = 0;
    expect(() =>
      assertClose({ shape: output.shape, data: wrong }, output, { rtol: 0, atol: 0 }, 'cast'),
    ).toThrow(/cast: 1\/10 elements differ.*\[2\] got 0, want -2.5/s);
  });

  describe('loadFixtures reads JSON Lines: a header, then one case per line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-fixtures-'));
    const file = (name: string, lines: string[]) => {
      const path = join(dir, name);
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    };
    const header = '{"generator":"tooling/fixtures/generate.py","torch":"1.13.0"}';

    it('keeps the cases in file order with the header metadata', () => {
      const loaded = loadFixtures(
        file('ok.jsonl', [header, '{"name":"b","case":{"v":1}}', '{"name":"a","case":[2]}']),
      );
      expect(loaded.torch).toBe('1.13.0');
      expect(loaded.cases).toEqual({ b: { v: 1 }, a: [2] });
      expect(Object.keys(loaded.cases)).toEqual(['b', 'a']);
    });

    it('names the file and line of a repeated case, a broken line or a missing header', () => {
      const twice = file('twice.jsonl', [header, '{"name":"a","case":1}', '{"name":"a","case":2}']);
      expect(() => loadFixtures(twice)).toThrow(/twice\.jsonl:3: case "a" appears twice/);
      const broken = file('broken.jsonl', [header, '{"name":"a","case":']);
      expect(() => loadFixtures(broken)).toThrow(/broken\.jsonl:2: not a JSON line .*pnpm fixtures/);
      const headless = file('headless.jsonl', ['{"name":"a","case":1}']);
      expect(() => loadFixtures(headless)).toThrow(/headless\.jsonl:1: the first line must be the header/);
      const shapeless = file('shapeless.jsonl', [header, '{"cast":{}}']);
      expect(() => loadFixtures(shapeless)).toThrow(
        /shapeless\.jsonl:2: a case line is \{"name": string, "case": \.\.\.\}/,
      );
    });
  });
});
