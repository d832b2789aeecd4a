import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { FEATURE_PAGE, featureTable, resolves, withFeatureTable } from '../scripts/feature-table';

it('the feature table of the features page matches the exports and fixtures (run `pnpm docs:features`)', () => {
  const page = readFileSync(FEATURE_PAGE, 'utf8');
  expect(page).toBe(withFeatureTable(page, featureTable()));
});

it('finds exports, namespaced exports and methods, and nothing that is not there', () => {
  expect(resolves('nn:Linear')).toBe(true);
  expect(resolves('nn:F.relu')).toBe(true);
  expect(resolves('Tensor#matmul')).toBe(true);
  expect(resolves('nn:Module#forward')).toBe(true);
  expect(resolves('nn:NoSuchLayer')).toBe(false);
  expect(resolves('nn:F.noSuchFunction')).toBe(false);
  expect(resolves('Tensor#noSuchMethod')).toBe(false);
});
