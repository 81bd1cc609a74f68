// infer-worker.js runs the browser's inference engine in a Web Worker, so
// that checking a sentence never blocks the page. It starts the engine
// (infer.wasm, a Go program, with the SIMD128 kernels of kernels.wasm
// sharing its memory; see kernels/wasm/doc.go), keeps the class's signed
// model bundle in Cache Storage and updates it.
//
// A class has a current bundle per task: "gec" (the grammar checker) and
// "grade" (the answer grader); the engine holds one of each.
//
// The page posts {id, op, ...} and gets back {id, ok: true, result} or
// {id, ok: false, code, error}. Ops:
//
//   start {key}       pin the server's public key (base64) and load the
//                     newest bundles kept in the cache → {gec, grade}, each
//                     {version, task} (version 0: none)
//   sync              ask the server for the class's current bundle of each
//                     task; when one differs from the loaded one, download it
//                     (resuming what an earlier attempt stored), verify it
//                     against the pinned key, and swap it in; the previous
//                     bundle is kept for rollback → {gec, grade, updated,
//                     problems: {task: message}}
//   check {text}      → the JSON of POST /api/v1/check
//   grade {exercise, references, answer} → the JSON of POST /api/v1/grade
//   bench-init {config, activations, seed}, forward {T, runs}
//                     a random-weight model for timing full forward passes
//
// A bundle is verified by the engine (model/bundle, in Go) before anything
// in it runs; a refused bundle is deleted and the loaded one stays.
"use strict";

importScripts("wasm_exec.js");

const CACHE_PREFIX = "tutor-model-"; // one cache per bundle version
const STATE_CACHE = "tutor-model-state"; // per task, the {current, previous} versions
const STATE_URL = "/tutor-model-state.json";
const TASKS = ["gec", "grade"];

let engine = null; // globalThis.tutorEngine once infer.wasm runs
let pinnedKey = "";
const loaded = { gec: { version: 0, task: "gec" }, grade: { version: 0, task: "grade" } };

// kernelImports forwards the Go program's tutorkernels imports to the
// kernel module, which can only be instantiated once Go's memory exists.
function kernelImports(module) {
  const target = {};
  const imports = {};
  for (const e of WebAssembly.Module.exports(module)) {
    if (e.kind === "function") imports[e.name] = (...args) => target.fns[e.name](...args);
  }
  return { imports, bind: (instance) => { target.fns = instance.exports; } };
}

async function startEngine() {
  const kernels = await WebAssembly.compileStreaming(fetch("kernels.wasm"));
  const forward = kernelImports(kernels);
  const go = new Go();
  const { instance } = await WebAssembly.instantiateStreaming(fetch("infer.wasm"),
    { ...go.importObject, tutorkernels: forward.imports });
  forward.bind(await WebAssembly.instantiate(kernels, { env: { memory: instance.exports.mem } }));
  go.run(instance); // sets globalThis.tutorEngine before its first wait
  if (!globalThis.tutorEngine) throw new Error("the engine did not start");
  return globalThis.tutorEngine;
}
const engineReady = startEngine().then((e) => { engine = e; });

class EngineError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

// call runs one engine function and decodes its JSON answer.
function call(fn, ...args) {
  const answer = JSON.parse(engine[fn](...args));
  if (answer && answer.error) throw new EngineError(answer.error.code, answer.error.message);
  return answer;
}

async function readState() {
  const cache = await caches.open(STATE_CACHE);
  const r = await cache.match(STATE_URL);
  const state = r ? await r.json() : {};
  for (const t of TASKS) state[t] = state[t] || { current: 0, previous: 0 };
  return state;
}

async function writeState(state) {
  const cache = await caches.open(STATE_CACHE);
  await cache.put(STATE_URL, new Response(JSON.stringify(state), { headers: { "Content-Type": "application/json" } }));
}

// readBundle returns the files of a cached bundle, or null when any is
// missing (a download that stopped half way).
async function readBundle(version) {
  const cache = await caches.open(CACHE_PREFIX + version);
  const manifest = await cache.match(fileURL(version, "manifest.json"));
  if (!manifest) return null;
  const files = { "manifest.json": new Uint8Array(await manifest.arrayBuffer()) };
  const sig = await cache.match(fileURL(version, "manifest.sig"));
  if (!sig) return null;
  files["manifest.sig"] = new Uint8Array(await sig.arrayBuffer());
  for (const name of Object.keys(JSON.parse(new TextDecoder().decode(files["manifest.json"])).files || {})) {
    const r = await cache.match(fileURL(version, name));
    if (!r) return null;
    files[name] = new Uint8Array(await r.arrayBuffer());
  }
  return files;
}

function fileURL(version, name) { return `/tutor-model/${version}/${encodeURIComponent(name)}`; }

// openVersion verifies a cached bundle and loads it as the engine's model
// for task; a bundle of another task is refused.
async function openVersion(version, task) {
  const files = await readBundle(version);
  if (!files) throw new EngineError("incomplete", `model version ${version} is not completely downloaded`);
  const info = call("open", files, pinnedKey, task);
  loaded[task] = { version: info.version, task: info.task };
  return info;
}

async function start(msg) {
  pinnedKey = msg.key || "";
  await engineReady;
  const state = await readState();
  for (const task of TASKS) {
    for (const v of [state[task].current, state[task].previous]) {
      if (!v) continue;
      try {
        await openVersion(v, task);
        break;
      } catch (err) {
        console.warn(`tutor: cached ${task} model version ${v} not used: ${err.message}`);
      }
    }
  }
  return loaded;
}

function base64Bytes(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// download stores every file of a release in its cache, skipping those an
// earlier attempt stored completely; a file whose connection breaks
// resumes from the bytes it got (Range, If-Range on its ETag).
async function download(release) {
  const v = release.version;
  const cache = await caches.open(CACHE_PREFIX + v);
  const manifestBytes = base64Bytes(release.manifest);
  await cache.put(fileURL(v, "manifest.json"), new Response(manifestBytes));
  await cache.put(fileURL(v, "manifest.sig"), new Response(release.signature + "\n"));
  const listed = JSON.parse(new TextDecoder().decode(manifestBytes)).files || {};
  for (const [name, file] of Object.entries(listed)) {
    const have = await cache.match(fileURL(v, name));
    if (have && Number(have.headers.get("X-Tutor-Size")) === file.size) continue;
    const body = await fetchResumable(release.files_url + encodeURIComponent(name), file.size);
    await cache.put(fileURL(v, name), new Response(body, { headers: { "X-Tutor-Size": String(body.length) } }));
  }
}

async function fetchResumable(url, size) {
  const body = new Uint8Array(size);
  let got = 0, etag = null, tries = 0;
  while (got < size) {
    const headers = {};
    if (got > 0) {
      headers.Range = `bytes=${got}-`;
      if (etag) headers["If-Range"] = etag;
    }
    let r;
    try {
      // no-store: the file goes to Cache Storage; a copy in the HTTP cache
      // would double the space it takes and answer Range requests itself.
      r = await fetch(url, { headers, credentials: "same-origin", cache: "no-store" });
    } catch (err) {
      if (++tries > 3) throw new EngineError("offline", "the model download stopped: " + err.message);
      continue;
    }
    if (!r.ok) throw new EngineError("download", `${url}: ${r.status} ${r.statusText}`);
    if (got > 0 && r.status !== 206) got = 0; // the file changed: start again
    etag = r.headers.get("ETag");
    const reader = r.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (got + value.length > size) throw new EngineError("download", `${url} is larger than its manifest says`);
        body.set(value, got);
        got += value.length;
      }
    } catch (err) {
      if (err instanceof EngineError || ++tries > 3) throw err;
    }
  }
  return body;
}

async function deleteOtherVersions(state) {
  const keep = TASKS.flatMap((t) => [state[t].current, state[t].previous]);
  for (const name of await caches.keys()) {
    if (!name.startsWith(CACHE_PREFIX) || name === STATE_CACHE) continue;
    if (!keep.includes(Number(name.slice(CACHE_PREFIX.length)))) await caches.delete(name);
  }
}

// syncTask installs the class's current bundle of task when it is not the
// loaded one, and reports whether it did.
async function syncTask(task) {
  const r = await fetch(`/api/v1/models/current?task=${task}`, { credentials: "same-origin", cache: "no-store" });
  if (r.status === 404) return false;
  if (!r.ok) throw new EngineError("sync", `GET /api/v1/models/current?task=${task}: ${r.status}`);
  const release = await r.json();
  if ((release.task || "gec") !== task) return false; // a server that keeps one model per class
  if (release.version === loaded[task].version) return false;
  const before = loaded[task].version;
  await download(release);
  try {
    await openVersion(release.version, task);
  } catch (err) {
    await caches.delete(CACHE_PREFIX + release.version); // refused: never kept
    throw err;
  }
  const state = await readState();
  state[task] = { current: loaded[task].version, previous: before };
  await writeState(state);
  await deleteOtherVersions(state);
  return true;
}

async function sync() {
  await engineReady;
  if (!pinnedKey) throw new EngineError("no_key", "no server key is pinned: log in again");
  let updated = false;
  const problems = {};
  for (const task of TASKS) {
    try {
      updated = (await syncTask(task)) || updated;
    } catch (err) {
      if (err.code === "offline" || err instanceof TypeError) throw new EngineError("offline", err.message);
      problems[task] = err.message;
    }
  }
  return { ...loaded, updated, problems };
}

const ops = {
  start,
  sync,
  async check(msg) { await engineReady; return call("check", msg.text); },
  async status() { await engineReady; return loaded; },
  async grade(msg) { await engineReady; return call("grade", msg.exercise, msg.references || [], msg.answer); },
  async "bench-init"(msg) { await engineReady; return call("benchInit", msg.config || "student", msg.activations || "int8", msg.seed || 1); },
  async forward(msg) { await engineReady; return call("forward", msg.T, msg.runs || 1); },
};

async function answer(msg) {
  const op = ops[msg.op];
  try {
    if (!op) throw new EngineError("bad_op", `unknown op ${msg.op}`);
    self.postMessage({ id: msg.id, ok: true, result: await op(msg) });
  } catch (err) {
    self.postMessage({ id: msg.id, ok: false, code: err.code || "failed", error: err.message || String(err) });
  }
}

// Requests run one at a time, in the order they came, except syncs: a
// download must not hold up the checks typed meanwhile, so syncs run in a
// line of their own beside the other requests.
let queue = Promise.resolve();
let syncs = Promise.resolve();
self.onmessage = (e) => {
  const msg = e.data || {};
  if (msg.op === "sync") syncs = syncs.then(() => answer(msg));
  else queue = queue.then(() => answer(msg));
};
