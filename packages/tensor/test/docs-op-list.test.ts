import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { OP_PAGE, opList, withOpList } from '../scripts/op-list';

it('the op list of the op-table guide matches the op table (run `pnpm docs:ops`)', () => {
  const page = readFileSync(OP_PAGE, 'utf8');
  expect(page).toBe(withOpList(page, opList()));
});
