// The peer's worker for BenchmarkBrowserForward: onnxruntime-web, wasm
// execution provider, one thread, no proxy worker, running the student-shape
// ONNX models. It speaks the same protocol as the project's engine
// (see bench.js):
//
//   {op: "bench-init", model: "int8" | "fp32"}  loads /peers/student_<model>.onnx
//   {op: "forward", T, runs}                     runs session.run on ids 0..T-1
//
// The ORT script is named by the query string (?ort=ort.wasm.min.js) because
// the folder the benchmark serves under /ort/ may hold either bundle.
"use strict";

const V = 8192; // the student's vocabulary: logits are [1, T, V]

const params = new URL(self.location.href).searchParams;
importScripts("/ort/" + (params.get("ort") || "ort.wasm.min.js"));

ort.env.wasm.numThreads = 1;
ort.env.wasm.simd = true; // the SIMD build; newer releases ship only that one
ort.env.wasm.proxy = false;
ort.env.wasm.wasmPaths = new URL("/ort/", self.location.href).href;
ort.env.logLevel = "warning";

let session = null;

async function init(msg) {
	if (msg.model !== "int8" && msg.model !== "fp32") {
		throw new Error(`model must be "int8" or "fp32", not ${JSON.stringify(msg.model)}`);
	}
	session = await ort.InferenceSession.create(`/peers/student_${msg.model}.onnx`, {
		executionProviders: ["wasm"],
	});
	if (!session.inputNames.includes("ids") || !session.outputNames.includes("logits")) {
		throw new Error(`the model has inputs ${session.inputNames} and outputs ${session.outputNames}; want ids and logits`);
	}
	return {ortVersion: ort.env.versions ? ort.env.versions.common : "unknown"};
}

async function forward(msg) {
	const T = msg.T, runs = msg.runs;
	if (!session) throw new Error("bench-init has not succeeded");
	if (!(T >= 1 && T <= 128 && runs >= 1)) throw new Error(`bad T=${T} or runs=${runs}`);
	const ids = new BigInt64Array(T);
	for (let t = 0; t < T; t++) ids[t] = BigInt(t);
	const feeds = {ids: new ort.Tensor("int64", ids, [1, T])};
	const ms = [];
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now();
		const out = await session.run(feeds);
		ms.push(performance.now() - t0);
		// Checked outside the timed call: the whole vocabulary came back.
		const logits = out.logits;
		if (logits.dims.length !== 3 || logits.dims[0] !== 1 || logits.dims[1] !== T || logits.dims[2] !== V) {
			throw new Error(`logits have shape [${logits.dims}], want [1,${T},${V}]`);
		}
		if (!Number.isFinite(logits.data[logits.data.length - 1])) {
			throw new Error("the last logit is not finite");
		}
	}
	return {ms};
}

self.onmessage = async (e) => {
	const msg = e.data;
	try {
		let result;
		switch (msg.op) {
		case "bench-init": result = await init(msg); break;
		case "forward": result = await forward(msg); break;
		default: throw new Error(`unknown op ${JSON.stringify(msg.op)}`);
		}
		self.postMessage({id: msg.id, ok: true, result});
	} catch (err) {
		self.postMessage({id: msg.id, ok: false, error: String(err && err.message || err)});
	}
};
