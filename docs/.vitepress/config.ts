import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitepress';

// typedoc (run first by `pnpm docs`) writes the API pages and their sidebar into api/.
const apiSidebarPath = new URL('../api/typedoc-sidebar.json', import.meta.url);
const apiSidebar = existsSync(apiSidebarPath) ? JSON.parse(readFileSync(apiSidebarPath, 'utf8')) : [];

export default defineConfig({
  title: '@nn',
  description: 'A PyTorch-style deep-learning framework in TypeScript',
  cleanUrls: true,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'Coming from PyTorch', link: '/guide/coming-from-pytorch' },
        ],
      },
      { text: 'API reference', items: apiSidebar },
    ],
  },
});
