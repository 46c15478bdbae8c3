{
  "targets": [
    {
      "target_name": "yolotrim_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/registry.cc",
        "native/src/ops_create.cc",
        "native/src/ops_math.cc",
        "native/src/ops_shape.cc",
        "native/src/ops_nn.cc",
        "native/src/ops_autograd.cc",
        "native/src/ops_dist.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node -p \"process.env.YOLOTRIM_TORCH_INCLUDES || '/usr/include /usr/include/torch/csrc/api/include'\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "<!(node -p \"process.env.YOLOTRIM_TORCH_DIST === '0' ? 'YOLOTRIM_NO_DIST' : 'USE_C10D_GLOO'\")",
        "_GLIBCXX_USE_CXX11_ABI=<!(node -p \"process.env.YOLOTRIM_TORCH_CXX11_ABI || '1'\")"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-idirafter", "<(module_root_dir)/native/gloo-shim", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "libraries": [
        "-L<!(node -p \"process.env.YOLOTRIM_TORCH_LIBDIR || '/usr/lib/x86_64-linux-gnu'\")",
        "-Wl,-rpath,<!(node -p \"process.env.YOLOTRIM_TORCH_LIBDIR || '/usr/lib/x86_64-linux-gnu'\")",
        "-Wl,--no-as-needed",
        "<!@(node -p \"process.env.YOLOTRIM_TORCH_CUDA === '1' ? '-ltorch_cuda' : ''\")",
        "-ltorch", "-ltorch_cpu", "-lc10",
        "-Wl,--as-needed"
      ],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "GCC_ENABLE_CPP_RTTI": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17"
      }
    }
  ]
}
