import { CONTENT_SECURITY_POLICY, servePage } from './serve-page';

// Serves the page until interrupted: open it in a browser to watch @nn train under the policy.
const { url } = await servePage();
process.stdout.write(
  `serving ${url} with Content-Security-Policy: ${CONTENT_SECURITY_POLICY} (Ctrl-C stops)\n`,
);
