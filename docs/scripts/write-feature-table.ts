// `pnpm docs:features`: regenerates the feature table of docs/guide/features.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { FEATURE_PAGE, featureTable, withFeatureTable } from './feature-table';

writeFileSync(FEATURE_PAGE, withFeatureTable(readFileSync(FEATURE_PAGE, 'utf8'), featureTable()));
console.log(`wrote the feature table of ${FEATURE_PAGE.pathname}`);
