// run.js starts a Go js/wasm program under Node.js with its tutorkernels
// imports bound to the SIMD128 kernel module, which shares the Go
// program's memory (see kernels/wasm/doc.go). go_js_wasm_exec calls it.
"use strict";

const fs = require("fs");

if (process.argv.length < 3) {
  console.error("usage: go_js_wasm_exec PROGRAM.wasm [arguments]");
  process.exit(2);
}
const kernelsPath = process.env.TUTOR_KERNELS_WASM;
if (!fs.existsSync(kernelsPath)) {
  console.error(`no kernel module at ${kernelsPath}: run ./build.sh build (it compiles kernels/wasm/src with clang)`);
  process.exit(2);
}

globalThis.require = require;
globalThis.fs = fs;
globalThis.path = require("path");
globalThis.TextEncoder = require("util").TextEncoder;
globalThis.TextDecoder = require("util").TextDecoder;
globalThis.performance ??= require("perf_hooks").performance;
globalThis.crypto ??= require("crypto");
require(process.env.TUTOR_WASM_EXEC);

// kernelImports forwards each kernel call to the kernel module, which can
// only be instantiated once the Go module's memory exists.
function kernelImports(module) {
  const exports = {};
  const imports = {};
  for (const name of WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => e.name)) {
    imports[name] = (...args) => exports.fns[name](...args);
  }
  return { imports, bind: (instance) => { exports.fns = instance.exports; } };
}

(async () => {
  const kernels = await WebAssembly.compile(fs.readFileSync(kernelsPath));
  const forward = kernelImports(kernels);
  const go = new Go();
  go.argv = process.argv.slice(2);
  go.env = Object.assign({ TMPDIR: require("os").tmpdir() }, process.env);
  go.exit = process.exit;
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(process.argv[2]),
    { ...go.importObject, tutorkernels: forward.imports });
  forward.bind(await WebAssembly.instantiate(kernels, { env: { memory: instance.exports.mem } }));
  process.on("exit", (code) => {
    if (code === 0 && !go.exited) { // Node exits when nothing is pending: a deadlock
      go._pendingEvent = { id: 0 };
      go._resume();
    }
  });
  await go.run(instance);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
