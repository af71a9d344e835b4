// `npm start`: build what is missing, then serve the default model.
//   npm start [-- --port 9000 --host 127.0.0.1 --model DIR]
// Builds the native addon only when it is missing (installing its system packages
// first when run as root, see system-packages.js), and the TypeScript only when
// dist/ is missing or older than a source file, so a second start is quick.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages } from './system-packages.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'dist', 'src', 'cli.js');
const addon = path.join(root, 'native', 'build', 'Release', 'en2py_native.node');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(script) {
  console.log(`en2py start: npm run ${script}`);
  const r = spawnSync(npm, ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function newestTs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTs(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

if (!existsSync(addon)) {
  // A fresh machine: install the system packages the addon needs (as root), or stop
  // with the command to run, instead of serving on the slow TypeScript kernels.
  ensureSystemPackages();
  run('build:native');
}
if (!existsSync(cli) || newestTs(path.join(root, 'src')) > statSync(cli).mtimeMs) run('build:ts');

const args = process.argv.slice(2);
if (!args.includes('--model') && !existsSync(path.join(root, 'models', 'default', 'config.json'))) {
  console.error(
    'en2py start: there is no default model at models/default yet.\n' +
    'Train it (about 30 minutes on 2 cores) with:\n' +
    '  en2py train --preset seed --out models/default\n' +
    '(from this checkout without installing: node dist/src/cli.js train --preset seed --out models/default)\n' +
    'or serve another model: npm start -- --model DIR',
  );
  process.exit(1);
}
const r = spawnSync(process.execPath, [cli, 'serve', ...args], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? (r.signal === 'SIGINT' || r.signal === 'SIGTERM' ? 0 : 1));
