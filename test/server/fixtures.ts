// Helpers for the server tests: a tiny model trained here, and Debian's Chromium
// driven by playwright-core (no browser download: /usr/bin/chromium from apt).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { createApp, listen, type AppOptions } from '../../src/server/app.js';
import { WorkerGenerator } from '../../src/server/workerGenerator.js';
import { CLI } from '../helpers.js';
import { writeTinyData, writeTinySpec } from '../train/fixtures.js';

/** Train the tiny test model into dir/model (a few seconds) and return its directory. */
export function trainTinyModel(dir: string, epochs = 3): string {
  const model = path.join(dir, 'model');
  const r = spawnSync(process.execPath, [CLI, 'train', '--config', writeTinySpec(dir, writeTinyData(dir), { epochs }), '--out', model], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`training the tiny model failed: ${r.stderr}`);
  return model;
}

/** Serve a model directory as `en2py serve` does (with its generation worker) on a free local port until the test ends; returns the page's URL. */
export async function serveModel(t: { after: (fn: () => void) => void }, modelDir: string, options: AppOptions = {}): Promise<string> {
  const app = createApp(await WorkerGenerator.start(modelDir), options);
  const { url } = await listen(app.server, 0, '127.0.0.1');
  t.after(() => { app.server.closeAllConnections(); app.server.close(); });
  return url;
}

export const CHROMIUM = process.env.EN2PY_CHROMIUM || '/usr/bin/chromium';
export const REQUIRE_BROWSER = process.env.EN2PY_REQUIRE_BROWSER === '1';

/** Why the browser test cannot run here, or undefined when it can (or must: EN2PY_REQUIRE_BROWSER=1). */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM) || REQUIRE_BROWSER) return undefined;
  return `${CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run the browser test; ` +
    'set EN2PY_REQUIRE_BROWSER=1 to make its absence a failure';
}

/** Flags that keep Chromium quiet on a machine with no network beyond localhost. */
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Headless Chromium with a new, empty profile directory (removed by close()). */
export async function launchBrowser(viewport = { width: 1100, height: 900 }): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (EN2PY_REQUIRE_BROWSER=1 makes the browser test required): apt-get install chromium`);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'en2py-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport,
    deviceScaleFactor: 1,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Start a server process (the CLI or a test script) and wait for the URL it prints. */
export async function startServerProcess(args: string[]): Promise<{ url: string; stop: () => void; stderr: () => string }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s: ${out}${err}`)), 30_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /(http:\/\/\S+\/)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${err}`)); });
  });
  return { url, stop: () => { child.kill('SIGTERM'); }, stderr: () => err };
}
