{
  "targets": [
    {
      "target_name": "en2py_native",
      "sources": [
        "src/addon.cc",
        "src/gemm.cc",
        "src/onednn.cc",
        "src/elementwise.cc",
        "src/layernorm.cc",
        "src/softmax.cc",
        "src/attention.cc",
        "src/cross_entropy.cc",
        "src/embedding.cc",
        "src/adam.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node ../scripts/blas-config.cjs include)"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-march=native", "-fopenmp", "-std=c++17", "-fno-math-errno"],
      "cflags_cc!": ["-fno-exceptions"],
      "ldflags": ["-fopenmp"],
      "libraries": ["<!@(node ../scripts/blas-config.cjs libs)", "-ldnnl", "-fopenmp"]
    }
  ]
}
