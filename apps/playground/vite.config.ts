import { defineConfig } from 'vite';
import { mnistSubsetPlugin } from './vite/mnist-subset-plugin';
import { SECURITY_HEADERS } from './vite/security-headers';

// `vite build --base /some/path/` builds for a sub-path (the docs site embeds it that way).
export default defineConfig({
  plugins: [mnistSubsetPlugin()],
  server: { headers: SECURITY_HEADERS },
  preview: { headers: SECURITY_HEADERS },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
});
