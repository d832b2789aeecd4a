// A throwaway npm registry (verdaccio, pinned in the root package.json) for release rehearsals: no uplinks
// (it serves only what is published to it), bound to 127.0.0.1 on a free port, storage in a temp folder,
// and a process that this module starts and stops by its PID.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * One HTTP request without keep-alive (verdaccio closes idle connections, which a pooled `fetch` then
 * reuses and fails on); resolves to `{ status, body }` with the body parsed as JSON when it is.
 */
export function registryRequest(url, { method = 'GET', body } = {}) {
  return new Promise((resolveResponse, reject) => {
    const req = request(
      url,
      { method, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          let parsed = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolveResponse({ status: res.statusCode, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** A port nothing listens on now (the OS picks it). */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function configYaml(storage) {
  return [
    `storage: ${JSON.stringify(storage)}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(storage, 'htpasswd'))}`,
    '    max_users: 1',
    // The cheapest bcrypt: every publish checks the password, and this one guards nothing.
    '    rounds: 4',
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    'web:',
    '  enable: false',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n');
}

async function waitUntilUp(url, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await registryRequest(`${url}-/ping`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`verdaccio did not come up at ${url}; its log:\n${readFileSync(logFile, 'utf8')}`);
}

/**
 * Starts verdaccio with its storage and config in `dir` and registers one user. Resolves to
 * `{ url, pid, token, stop }`; `stop()` kills the process by its PID and waits for it to exit.
 */
export async function startLocalRegistry(dir) {
  const storage = join(dir, 'storage');
  mkdirSync(storage, { recursive: true });
  const config = join(dir, 'config.yaml');
  writeFileSync(config, configYaml(storage));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const bin = createRequire(import.meta.url).resolve('verdaccio/bin/verdaccio');
  const logFile = join(dir, 'verdaccio.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((r) => child.once('exit', r));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitUntilUp(url, child, logFile, 60_000);
    // npm's `adduser` call: the first user of an htpasswd registry signs itself up and gets a token.
    const { status, body } = await registryRequest(`${url}-/user/org.couchdb.user:rehearsal`, {
      method: 'PUT',
      body: { name: 'rehearsal', password: 'rehearsal-password', type: 'user' },
    });
    if (status >= 300 || !body.token) throw new Error(`verdaccio refused the user: ${JSON.stringify(body)}`);
    return { url, pid: child.pid, token: body.token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
