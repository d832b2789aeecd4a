import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { docsContext } from './docs-context';

/**
 * Every ```ts block of the guides in docs/ runs here, as written, so none can rot. A page's blocks run in
 * order, each in its own block scope, with the names of {@link docsContext} in scope (the model, loader,
 * batch a reader's program would have). Imports are hoisted to the top of the page's module. A block
 * preceded by `<!-- docs-test: skip <reason> -->` does not run (browser-only setup); the reason is required.
 */
const docsDir = fileURLToPath(new URL('../guide/', import.meta.url));
const contextPath = fileURLToPath(new URL('./docs-context.ts', import.meta.url));
const IMPORT = /^import\s[\s\S]*?from\s+'[^']+';\s*$|^import\s+'[^']+';\s*$/gm;

interface Block {
  code: string;
  skip: string | undefined;
}

function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(
    /(?:<!-- docs-test: skip ([^>]*?) -->\s*\n)?```ts(?: \[[^\]\n]*\])?\n([\s\S]*?)```/g,
  )) {
    blocks.push({ code: match[2]!, skip: match[1] });
  }
  return blocks;
}

/** One module running the page's blocks in order: hoisted imports, then each block in `{ }`. */
function pageModule(blocks: readonly Block[]): string {
  const imports = new Set<string>();
  const bodies: string[] = [];
  for (const { code } of blocks) {
    for (const statement of code.match(IMPORT) ?? []) imports.add(statement.trim());
    bodies.push(`{\n${code.replace(IMPORT, '')}\n}`);
  }
  const names = Object.keys(docsContext()).join(', ');
  return [
    ...imports,
    `import { docsContext } from ${JSON.stringify(contextPath)};`,
    'export async function run(): Promise<void> {',
    `  const { ${names} } = docsContext();`,
    ...bodies,
    '}',
  ].join('\n');
}

const pages = readdirSync(docsDir).filter((f) => f.endsWith('.md'));
const work = mkdtempSync(join(tmpdir(), 'nn-docs-'));
// Files the snippets read by name (a PyTorch checkpoint, ...), made by the fixture generator.
cpSync(fileURLToPath(new URL('./files/', import.meta.url)), work, { recursive: true });
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('docs snippets run as written', () => {
  for (const page of pages) {
    const blocks = blocksOf(readFileSync(join(docsDir, page), 'utf8'));
    if (blocks.length === 0) continue;
    it(`${page}: ${blocks.length} block(s)`, async () => {
      for (const { skip } of blocks) if (skip !== undefined) expect(skip.trim()).not.toBe('');
      const file = join(work, page.replace(/\.md$/, '.ts'));
      writeFileSync(file, pageModule(blocks.filter((b) => b.skip === undefined)));
      const cwd = process.cwd();
      // Snippets that write files (saveFile) write into the scratch directory.
      process.chdir(work);
      try {
        const { run } = (await import(/* @vite-ignore */ file)) as { run: () => Promise<void> };
        await run();
      } finally {
        process.chdir(cwd);
      }
    }, 120_000);
  }
});
