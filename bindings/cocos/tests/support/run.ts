/**
 * Runs the test files (node --test, one process each, one at a time) with
 * $PARLEY_SERVER_URL naming a free port on 127.0.0.1, where each file's
 * embedded server listens: the quick start's engine, like the seed, names
 * no server and so uses the variable, which Go's runtime only reads from
 * the environment a process starts with.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { freePort } from './harness';

async function main(): Promise<void> {
  const port = await freePort();
  const root = path.resolve(__dirname, '..');
  const args = ['--require', path.join(__dirname, 'register-cc.js'), '--test', '--test-concurrency=1',
    ...process.argv.slice(2), root];
  const r = spawnSync(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, PARLEY_SERVER_URL: `ws://127.0.0.1:${port}` },
  });
  process.exit(r.status ?? 1);
}

void main();
