// `pnpm docs:ops`: regenerates the op list of docs/guide/op-table.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { OP_PAGE, opList, withOpList } from './op-list';

writeFileSync(OP_PAGE, withOpList(readFileSync(OP_PAGE, 'utf8'), opList()));
console.log(`wrote the op list of ${OP_PAGE.pathname}`);
