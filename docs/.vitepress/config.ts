import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitepress';

// typedoc (run first by `pnpm docs:build`) writes the API pages and their sidebar into api/.
const apiSidebarPath = new URL('../api/typedoc-sidebar.json', import.meta.url);
const apiSidebar = existsSync(apiSidebarPath) ? JSON.parse(readFileSync(apiSidebarPath, 'utf8')) : [];

// Guide pages in reading order; a page appears once its package has landed and written it.
const guide = [
  ['getting-started', 'Getting started'],
  ['coming-from-pytorch', 'Coming from PyTorch'],
  ['features', 'PyTorch features'],
  ['tensors', 'Tensors'],
  ['tensor-ops', 'Tensor ops and linalg'],
  ['op-table', 'The op table and backends'],
  ['autograd', 'Autograd'],
  ['modules', 'Modules'],
  ['layers', 'Layers'],
  ['spatial-layers', 'Resampling, 3-D and spatial layers'],
  ['reparametrizations', 'Weight norm, spectral norm, pruning'],
  ['sequence-models', 'Sequence models'],
  ['saving-and-loading', 'Saving and loading'],
  ['interop', 'Interop and scaling out'],
  ['optimizers', 'Optimizers'],
  ['data', 'Data'],
  ['training-with-fit', 'Training with fit'],
  ['examples', 'Examples'],
  ['gpu-backend', 'GPU backend'],
  ['performance', 'Performance'],
  ['releasing', 'Releasing'],
]
  .filter(([page]) => existsSync(new URL(`../guide/${page}.md`, import.meta.url)))
  .map(([page, text]) => ({ text, link: `/guide/${page}` }));

export default defineConfig({
  title: '@nn',
  description: 'A PyTorch-style deep-learning framework in TypeScript',
  cleanUrls: true,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'API', link: '/api/' },
      { text: 'Try it', link: '/try-it' },
    ],
    // MiniSearch over every page, API reference included, built into the site: no service to run.
    search: { provider: 'local' },
    sidebar: [
      {
        text: 'Guide',
        items: guide,
      },
      { text: 'API reference', items: apiSidebar },
    ],
  },
});
