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

export function loadNativeKernels(): { kernels: Kernels & { blasInfo(): BlasInfo } } | { error: string } {
  if (!existsSync(addonPath)) return { error: `the native addon is not built (${addonPath} is missing)` };
  // Idle OpenMP threads sleep instead of spinning (unless the user chose otherwise):
  // a spinning thread steals the core from OpenBLAS and from other processes, and
  // on a busy 2-core machine steps took up to 10x longer. Read when the addon loads.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
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
