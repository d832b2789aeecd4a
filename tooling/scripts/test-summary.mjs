#!/usr/bin/env node
// Adds up the vitest summaries of every workspace in a test log and prints one closing line,
// `tests: N passed, N failed` (with `, N skipped` when any were), so a whole run reads at a glance.
import { readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';

const log = stripVTControlCharacters(readFileSync(process.argv[2] ?? '/dev/stdin', 'utf8'));
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const line of log.split('\n')) {
  const summary = line.match(/\bTests\s+(.*)\(\d+\)\s*$/);
  if (!summary) continue;
  for (const [, count, kind] of summary[1].matchAll(/(\d+) (passed|failed|skipped)/g))
    totals[kind] += Number(count);
}
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed${skipped}`);
