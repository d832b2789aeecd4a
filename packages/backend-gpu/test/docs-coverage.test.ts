import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { coverageTable, GUIDE, withTable } from '../scripts/coverage-table';

it('the coverage table of the GPU backend guide matches coverage() (run `pnpm docs:coverage`)', async () => {
  const page = readFileSync(GUIDE, 'utf8');
  expect(page).toBe(withTable(page, await coverageTable()));
});
