// `pnpm docs:coverage`: regenerates the coverage table of docs/guide/gpu-backend.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { coverageTable, GUIDE, withTable } from './coverage-table';

writeFileSync(GUIDE, withTable(readFileSync(GUIDE, 'utf8'), await coverageTable()));
console.log(`wrote the coverage table of ${GUIDE.pathname}`);
