/**
 * The kernels the engine runs on: native when the addon loads, else the
 * TypeScript reference, with one warning that says what is missing and how to
 * get it. EN2PY_KERNELS=reference forces the reference (tests use both).
 */
import { loadNativeKernels } from './native.js';
import { referenceKernels } from './reference.js';
import type { Kernels } from './types.js';

export type { Kernels, F32 } from './types.js';
export { referenceKernels } from './reference.js';

interface Backend {
  kernels: Kernels;
  name: 'native' | 'reference';
  detail: string;
}

let backend: Backend | null = null;

function selectBackend(): Backend {
  if (process.env.EN2PY_KERNELS === 'reference') {
    return { kernels: referenceKernels, name: 'reference', detail: 'forced by EN2PY_KERNELS=reference' };
  }
  const loaded = loadNativeKernels();
  if ('kernels' in loaded) {
    const blas = loaded.kernels.blasInfo();
    const mm = loaded.kernels.matmulInfo();
    return {
      kernels: loaded.kernels,
      name: 'native',
      detail: `${mm.library} (${mm.isa}${mm.bf16 ? ', bf16 units' : ''}) and OpenBLAS ${blas.corename}, ${blas.threads} ${blas.parallel} threads`,
    };
  }
  process.emitWarning(
    `${loaded.error}. Falling back to the TypeScript reference kernels, which are much slower. ` +
      'To build the addon: apt-get install build-essential libopenblas-dev libdnnl-dev && npm run build:native',
    { code: 'EN2PY_NO_NATIVE' },
  );
  return { kernels: referenceKernels, name: 'reference', detail: loaded.error };
}

/** The active backend (chosen once, on first use). */
export function kernelBackend(): Backend {
  backend ??= selectBackend();
  return backend;
}

/** The active kernels. */
export function K(): Kernels {
  return kernelBackend().kernels;
}
