// The page of BenchmarkBrowserForward. Every engine runs in its own
// dedicated Web Worker and speaks one protocol, so this code is the same
// for the project's engine and for the peer:
//
//   -> {id, op: "bench-init", ...engine options}   <- {id, ok: true} | {id, ok: false, error}
//   -> {id, op: "forward", T, runs}                <- {id, ok: true, result: {ms: [...]}} | {id, ok: false, error}
//
// Each entry of ms is one full forward pass at B=1, timed inside the worker.
// The benchmark calls window.bench through the DevTools protocol; every call
// resolves (never rejects) to {ok, error, ...} so that the Go side can print
// the worker's own message.
"use strict";

class Engine {
	constructor(name, url) {
		this.name = name;
		this.url = url;
		this.next = 1;
		this.pending = new Map(); // id -> {resolve, timer, op}
		this.worker = new Worker(url, {name: "bench-" + name});
		this.worker.onmessage = (e) => this.reply(e.data);
		// A worker script that is missing or throws while loading reports an
		// error event and never answers; fail every call waiting on it.
		this.worker.onerror = (e) => {
			e.preventDefault();
			const where = e.filename ? ` (${e.filename}:${e.lineno})` : "";
			this.failAll(e.message ? `${url}: ${e.message}${where}` : `${url} failed to load or threw before answering (is the file there and valid JavaScript?)`);
		};
		this.worker.onmessageerror = () => this.failAll(`${url} sent a message that could not be deserialized`);
	}

	call(msg, timeoutMs) {
		const id = this.next++;
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.pending.delete(id);
				resolve({ok: false, error: `${this.url} did not answer op "${msg.op}" within ${timeoutMs / 1000} s`});
			}, timeoutMs);
			this.pending.set(id, {resolve, timer, op: msg.op});
			this.worker.postMessage({...msg, id});
		});
	}

	reply(data) {
		const p = data && this.pending.get(data.id);
		if (!p) {
			console.warn(`${this.name}: a message with no pending call:`, JSON.stringify(data));
			return;
		}
		this.pending.delete(data.id);
		clearTimeout(p.timer);
		if (data.ok !== true) {
			p.resolve({ok: false, error: `op "${p.op}": ` + (data.error || "the worker answered ok:false with no error")});
			return;
		}
		p.resolve({ok: true, result: data.result === undefined ? null : data.result});
	}

	failAll(error) {
		for (const [id, p] of this.pending) {
			clearTimeout(p.timer);
			p.resolve({ok: false, error: `op "${p.op}": ${error}`});
		}
		this.pending.clear();
		this.loadError = error;
	}
}

const engines = new Map();

window.bench = {
	// open starts the engine's worker and initializes it; initMs is the time
	// from creating the worker to its answer (script, wasm, model, warm state).
	async open(name, url, init, timeoutMs) {
		window.bench.close(name);
		const e = new Engine(name, url);
		engines.set(name, e);
		const t0 = performance.now();
		const r = await e.call({...init, op: "bench-init"}, timeoutMs);
		r.initMs = performance.now() - t0;
		return r;
	},

	// forward asks for runs back-to-back forward passes over T tokens and
	// returns their times in milliseconds.
	async forward(name, T, runs, timeoutMs) {
		const e = engines.get(name);
		if (!e) return {ok: false, error: `engine ${name} is not open`};
		if (e.loadError) return {ok: false, error: e.loadError};
		const r = await e.call({op: "forward", T, runs}, timeoutMs);
		if (r.ok && !(r.result && Array.isArray(r.result.ms))) {
			return {ok: false, error: `op "forward": the answer has no result.ms array: ${JSON.stringify(r.result)}`};
		}
		return r;
	},

	close(name) {
		const e = engines.get(name);
		if (e) {
			e.worker.terminate();
			engines.delete(name);
		}
	},
};
