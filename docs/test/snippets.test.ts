import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { blocksOf, pageModule } from './snippet-blocks';

/**
 * Every ```ts block of the guides in docs/ runs here, as written, so none can rot. A page's blocks run in
 * order, each in its own block scope, with the names of `docsContext` in scope. Imports are hoisted to the
 * top of the page's module. Blocks marked `<!-- docs-test: browser <reason> -->` run in headless Chromium
 * instead (browser-snippets.test.ts); `<!-- docs-test: skip <reason> -->` ones run nowhere.
 */
const docsDir = fileURLToPath(new URL('../guide/', import.meta.url));
const contextPath = fileURLToPath(new URL('./docs-context.ts', import.meta.url));

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
      for (const { target, reason } of blocks) if (target !== 'node') expect(reason.trim()).not.toBe('');
      const file = join(work, page.replace(/\.md$/, '.ts'));
      writeFileSync(
        file,
        pageModule(
          blocks.filter((b) => b.target === 'node'),
          contextPath,
        ),
      );
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
