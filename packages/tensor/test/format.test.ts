import { inspect } from 'node:util';
import { type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { tensor } from '../src';

const { cases } = loadFixtures<{ input: FixtureTensor; text: string }>(
  new URL('./fixtures/format.jsonl', import.meta.url),
);

// PyTorch's default integer is int64, so it labels int32; ours is int32, so we don't. dtypes print without `torch.`.
const translate = (text: string) => text.replace(', dtype=torch.int32', '').replace('dtype=torch.', 'dtype=');

describe('printing matches PyTorch', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const t = tensor(fixtureArray(c.input), { dtype: c.input.dtype }).reshape(c.input.shape);
      expect(t.toString()).toBe(translate(c.text));
      expect(inspect(t)).toBe(translate(c.text));
    });
  }
});
