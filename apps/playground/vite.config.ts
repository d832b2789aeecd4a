import { defineConfig } from 'vite';
import { mnistSubsetPlugin } from './vite/mnist-subset-plugin';
import { securityHeadersPlugin } from './vite/security-headers';

// `vite build --base /some/path/` builds for a sub-path (the docs site embeds it that way).
export default defineConfig({
  plugins: [securityHeadersPlugin(), mnistSubsetPlugin()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { watch: { ignored: ['**/test-output/**'] } },
});
