// How the guides' ```ts blocks are found and turned into one runnable module per page, for both runners:
// snippets.test.ts (Node) and browser-snippets.test.ts (headless Chromium).
import { docsContext } from './docs-context';

/**
 * Where a block runs. A block preceded by `<!-- docs-test: browser <reason> -->` needs a page (WebGL2,
 * WebGPU, a canvas) and runs in Chromium instead of Node; `<!-- docs-test: skip <reason> -->` runs nowhere.
 * The reason is required.
 */
export type BlockTarget = 'node' | 'browser' | 'skip';

export interface Block {
  code: string;
  target: BlockTarget;
  /** The marker's reason ('' when the block has no marker). */
  reason: string;
}

const IMPORT = /^import\s[\s\S]*?from\s+'[^']+';\s*$|^import\s+'[^']+';\s*$/gm;

/** The ```ts blocks of a markdown page, in order, with their targets. */
export function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(
    /(?:<!-- docs-test: (skip|browser) ([^>]*?) -->\s*\n)?```ts(?: \[[^\]\n]*\])?\n([\s\S]*?)```/g,
  )) {
    blocks.push({
      code: match[3]!,
      target: (match[1] as BlockTarget | undefined) ?? 'node',
      reason: match[2] ?? '',
    });
  }
  return blocks;
}

/**
 * One module running the page's blocks in order: hoisted imports, then each block in `{ }`, with the names
 * of {@link docsContext} in scope (the model, loader, batch a reader's program would have).
 */
export function pageModule(blocks: readonly Block[], contextPath: string): string {
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
