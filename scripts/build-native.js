// Builds the C++ addon with node-gyp (the copy npm ships, so no extra download).
// If it cannot be built (no compiler, no OpenBLAS), it says what is missing and
// exits 0: the engine then runs on its TypeScript reference kernels, slowly.
// Set EN2PY_REQUIRE_NATIVE=1 (CI does) to make a failed build an error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const nativeDir = path.join(root, 'native');

function findNodeGyp() {
  // npm sets npm_config_node_gyp to its bundled node-gyp when running scripts.
  const candidates = [process.env.npm_config_node_gyp];
  try {
    const req = createRequire(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'package.json'));
    candidates.push(req.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // npm not installed beside node: fall through
  }
  return candidates.find((p) => p && existsSync(p));
}

const gyp = findNodeGyp();
let ok = false;
if (!gyp) {
  console.warn('en2py: node-gyp not found (it ships with npm); the native addon was not built.');
} else {
  const result = spawnSync(process.execPath, [gyp, 'rebuild', '--release'], { cwd: nativeDir, stdio: 'inherit' });
  ok = result.status === 0;
  if (!ok) {
    console.warn(
      'en2py: the native addon did not build. It needs a C++ compiler, OpenBLAS and oneDNN ' +
        '(Debian/Ubuntu: apt-get install build-essential libopenblas-dev libdnnl-dev). ' +
        'en2py still works on its TypeScript kernels, much more slowly.',
    );
  }
}
if (!ok && process.env.EN2PY_REQUIRE_NATIVE === '1') process.exit(1);
