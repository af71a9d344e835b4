// Tells node-gyp (native/binding.gyp) where OpenBLAS is. Prefers Debian's OpenMP
// build of OpenBLAS (package libopenblas-openmp-dev): our fused kernels use
// OpenMP, and with the pthread build two thread pools (OpenBLAS's and OpenMP's)
// spin against each other on 2 cores; with one shared OpenMP pool a training
// step was about 25% faster here. Falls back to any OpenBLAS on the linker path.
// Usage: node blas-config.cjs include|libs
const fs = require('node:fs');

const arch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
const variants = ['openblas-openmp', 'openblas-pthread'];
const found = variants.find(
  (v) => fs.existsSync(`/usr/lib/${arch}/${v}/libopenblas.so`) && fs.existsSync(`/usr/include/${arch}/${v}/cblas.h`),
);

if (process.argv[2] === 'include') {
  console.log(found ? `/usr/include/${arch}/${found}` : '/usr/include/openblas');
} else if (process.argv[2] === 'libs') {
  const dir = found ? `/usr/lib/${arch}/${found}` : null;
  console.log(dir ? `-L${dir} -Wl,-rpath,${dir} -lopenblas` : '-lopenblas');
} else {
  console.error('usage: node blas-config.cjs include|libs');
  process.exit(2);
}
