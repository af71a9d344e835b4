/**
 * Loads the C++ addon (native/build/Release/en2py_native.node) built by
 * `npm run build:native`. Returns null with the reason when it is missing or
 * fails to load, so the caller can fall back to the reference kernels.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../paths.js';
import type { Kernels, MatmulInfo } from './types.js';

export interface NativeAddon extends Omit<Kernels, 'name' | 'allocate' | 'matmulInfo'> {
  matmulInfo(): Omit<MatmulInfo, 'library'> & { onednnVersion: string };
  blasInfo(): BlasInfo;
  hugeBuffer(bytes: number): ArrayBuffer;
}

export interface BlasInfo {
  corename: string;
  threads: number;
  parallel: 'openmp' | 'pthread' | 'sequential';
}

/** Where the built addon is (EN2PY_ADDON_PATH overrides it, e.g. to test the fallback). */
export const addonPath = process.env.EN2PY_ADDON_PATH || path.join(repoRoot, 'native', 'build', 'Release', 'en2py_native.node');

/**
 * The environment variables en2py set for itself (not the user): the benchmark
 * runs PyTorch without them, with the defaults a PyTorch user would have.
 */
export const engineEnvironment: string[] = [];

export function loadNativeKernels(): { kernels: Kernels & { blasInfo(): BlasInfo } } | { error: string } {
  if (!existsSync(addonPath)) return { error: `the native addon is not built (${addonPath} is missing)` };
  // Idle OpenMP threads sleep instead of spinning (unless the user chose otherwise):
  // a spinning thread steals the core from OpenBLAS and from other processes, and
  // on a busy 2-core machine steps took up to 10x longer. But they first spin for
  // 1,000 rounds (a few microseconds), so that the next kernel of a step does not
  // wait for them to wake: on an idle 2-core machine the bf16 step went from about
  // 465 to 432 ms, and with a busy loop on the other core it stayed as slow as
  // without spinning (3,000 rounds: 396 ms idle but 12% slower busy). Read when
  // the addon loads; libgomp reads GOMP_SPINCOUNT.
  if (process.env.OMP_WAIT_POLICY === undefined) {
    process.env.OMP_WAIT_POLICY = 'PASSIVE';
    engineEnvironment.push('OMP_WAIT_POLICY');
    if (process.env.GOMP_SPINCOUNT === undefined) {
      process.env.GOMP_SPINCOUNT = '1000';
      engineEnvironment.push('GOMP_SPINCOUNT');
    }
  }
  try {
    const addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
    const matmulInfo = (): MatmulInfo => {
      const { onednnVersion, ...rest } = addon.matmulInfo();
      return { library: `oneDNN ${onednnVersion}`, ...rest };
    };
    return { kernels: { ...addon, name: 'native', allocate: (bytes: number) => addon.hugeBuffer(bytes), matmulInfo } };
  } catch (err) {
    return { error: `the native addon failed to load: ${(err as Error).message}` };
  }
}
