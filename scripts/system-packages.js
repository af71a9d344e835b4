// The Debian/Ubuntu packages the native addon and the evaluation need, checked by
// the files they install. `npm start` calls ensureSystemPackages() before building
// the addon: as root it installs what is missing with apt-get (as .ci/run does);
// otherwise it stops and prints the exact command, rather than letting en2py fall
// back to its much slower TypeScript kernels without being asked.
//   node scripts/system-packages.js           check, install as root, or print the command
//   node scripts/system-packages.js --check   only check (exit 1 and print the command when something is missing)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const arch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';

/** Each package with a file that shows it is installed (any of the paths). */
export const SYSTEM_PACKAGES = [
  { name: 'build-essential', files: ['/usr/bin/g++', '/usr/bin/make'] },
  { name: 'libopenblas-dev', files: [`/usr/include/${arch}/cblas.h`, `/usr/include/${arch}/openblas-pthread/cblas.h`, '/usr/include/openblas/cblas.h'] },
  // The OpenMP build of OpenBLAS shares one thread pool with en2py's own kernels (scripts/blas-config.cjs).
  { name: 'libopenblas-openmp-dev', files: [`/usr/include/${arch}/openblas-openmp/cblas.h`] },
  { name: 'libdnnl-dev', files: ['/usr/include/oneapi/dnnl/dnnl.hpp'] },
  { name: 'python3', files: ['/usr/bin/python3'] },
];

export function missingPackages() {
  // EN2PY_SYSROOT: look under another root (the tests use an empty folder).
  const root = process.env.EN2PY_SYSROOT ?? '';
  return SYSTEM_PACKAGES.filter((p) => !p.files.some((f) => existsSync(root + f))).map((p) => p.name);
}

/** Installs what is missing as root (apt-get), or exits 1 with the command to run. */
export function ensureSystemPackages({ install = true } = {}) {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const hasApt = existsSync('/usr/bin/apt-get');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (install && hasApt && isRoot) {
    console.log(`en2py: installing missing system packages: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
      const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
      if (r.status !== 0) {
        console.error(`en2py: apt-get ${args[0]} failed; run as root: ${command}`);
        process.exit(1);
      }
    }
    return;
  }
  console.error(
    `en2py: missing system packages: ${missing.join(' ')} (the native kernels need them; without them en2py runs ` +
      `on its TypeScript kernels, many times slower).\n` +
      (hasApt ? `Install them as root:\n  sudo ${command}\n` : 'Install a C++ compiler, OpenBLAS, oneDNN and python3 with your package manager.\n') +
      'Then run the same command again.',
  );
  process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureSystemPackages({ install: !process.argv.includes('--check') });
