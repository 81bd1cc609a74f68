//go:build js && wasm

// Command infer is the browser's inference engine: the WebAssembly program
// that app/web/infer-worker.js runs in a Web Worker, so that checking a
// learner's sentence never blocks the page. It computes with the SIMD128
// kernels of kernels/wasm (int8 matrix products on the model's own
// weights, in place) and package kernels' portable Go for everything else,
// and exposes to the worker's JavaScript one object, globalThis.tutorEngine:
//
//	open(files, key, task) verify a bundle (an object of file name → Uint8Array) against the pinned
//	                      key (base64) and load its model as the engine's "gec" or "grade" model
//	                      → {version, task, kind} or {error}
//	check(text)           → the JSON of POST /api/v1/check, or {error: {code, message}}
//	grade(exercise, references, answer) → the JSON of POST /api/v1/grade, or {error}
//	benchInit(preset, activations, seed), forward(T, runs)
//	                      a random-weight model for timing full forward passes → {ms: [...]}
//
// Every answer is a JSON string. Build it with
//
//	GOOS=js GOARCH=wasm go build -o app/web/infer.wasm ./wasm/infer
//
// It must import only what the browser needs: the model packages, never
// server code or the app.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"
	"time"
	"unsafe"

	"github.com/tutor-dev/tutor/kernels/wasm"
	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/bundle"
	"github.com/tutor-dev/tutor/model/checker"
	"github.com/tutor-dev/tutor/model/engine"
	"github.com/tutor-dev/tutor/model/grader"
)

// ops are package kernels' portable Go with the matrix products, the
// attention, GELU and LayerNorm on the SIMD128 kernels.
var ops = func() *model.Ops {
	o := *model.FastOps
	o.Name = "wasm-simd128"
	o.MatmulForward = wasm.MatmulForward
	o.Int8MatmulForward = wasm.Int8MatmulForward
	o.AttentionForward = wasm.AttentionForward
	o.GeluForward = wasm.GeluForward
	o.LayerNormForward = wasm.LayerNormForward
	return &o
}()

var (
	models = map[string]*engine.Engine{} // by task: the checker ("gec"), the grader ("grade")
	bench  *engine.Bench
)

func main() {
	js.Global().Set("tutorEngine", js.ValueOf(map[string]any{
		"open":      js.FuncOf(open),
		"check":     js.FuncOf(check),
		"grade":     js.FuncOf(grade),
		"benchInit": js.FuncOf(benchInit),
		"forward":   js.FuncOf(forward),
	}))
	select {}
}

// failure is the answer for an error: {"error": {"code", "message"}}.
type failure struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func answer(v any, err error) any {
	if err != nil {
		var f failure
		f.Error.Code, f.Error.Message = "failed", err.Error()
		var ce *checker.InputError
		var ge *grader.InputError
		var be *bundle.Error
		switch {
		case errors.As(err, &ce):
			f.Error.Code, f.Error.Message = ce.Code, ce.Message
		case errors.As(err, &ge):
			f.Error.Code, f.Error.Message = ge.Code, ge.Message
		case errors.As(err, &be):
			f.Error.Code = "refused"
		}
		v = f
	}
	data, err := json.Marshal(v)
	if err != nil {
		data = []byte(`{"error":{"code":"failed","message":"the engine's answer could not be encoded"}}`)
	}
	return string(data)
}

func open(_ js.Value, args []js.Value) any {
	if len(args) != 3 {
		return answer(nil, errors.New("open(files, key, task)"))
	}
	task := args[2].String()
	pub, err := bundle.ParsePublicKey(args[1].String())
	if err != nil {
		return answer(nil, err)
	}
	files := map[string][]byte{}
	names := js.Global().Get("Object").Call("keys", args[0])
	for i := range names.Length() {
		name := names.Index(i).String()
		src := args[0].Get(name)
		buf := make([]byte, src.Get("byteLength").Int())
		js.CopyBytesToGo(buf, src)
		files[name] = buf
	}
	e, err := engine.Open(files, pub, ops)
	if err != nil {
		return answer(nil, err)
	}
	if e.Manifest.Task != task {
		return answer(nil, fmt.Errorf("model version %d is a %q model, not %q", e.Manifest.Version, e.Manifest.Task, task))
	}
	models[task] = e
	wasm.ForgetPacked() // the replaced model's packed matrices; the others are packed again at their next use
	return answer(map[string]any{"version": e.Manifest.Version, "task": e.Manifest.Task, "kind": e.Manifest.Kind}, nil)
}

var errNoModel = errors.New("no model is loaded in the engine")

func check(_ js.Value, args []js.Value) any {
	e := models[engine.TaskGEC]
	if e == nil || e.Checker == nil {
		return answer(nil, errNoModel)
	}
	if len(args) != 1 {
		return answer(nil, errors.New("check(text)"))
	}
	return answer(e.Checker.Check(args[0].String()))
}

func grade(_ js.Value, args []js.Value) any {
	e := models[engine.TaskGrade]
	if e == nil || e.Grader == nil {
		return answer(nil, errNoModel)
	}
	if len(args) != 3 {
		return answer(nil, errors.New("grade(exercise, references, answer)"))
	}
	var refs []string
	for i := range args[1].Length() {
		refs = append(refs, args[1].Index(i).String())
	}
	return answer(e.Grader.Grade(args[0].String(), refs, args[2].String()))
}

func benchInit(_ js.Value, args []js.Value) any {
	if len(args) != 3 {
		return answer(nil, errors.New("benchInit(preset, activations, seed)"))
	}
	b, err := engine.NewBench(args[0].String(), args[1].String(), uint64(args[2].Int()), ops)
	if err != nil {
		return answer(nil, err)
	}
	bench = b
	return answer(map[string]any{"ok": true}, nil)
}

// forward times runs full forward passes of the benchmark model over T
// positions, each on the clock the browser gives Go. Each pass ends with
// its logits (T,V) copied out to a JavaScript array, as other engines
// hand theirs over, so that the time is the whole of what a caller waits
// for.
func forward(_ js.Value, args []js.Value) any {
	if bench == nil {
		return answer(nil, errors.New("call benchInit first"))
	}
	if len(args) != 2 {
		return answer(nil, errors.New("forward(T, runs)"))
	}
	T, runs := args[0].Int(), args[1].Int()
	ms := make([]float64, 0, runs)
	var out js.Value
	for range runs {
		start := time.Now()
		logits, err := bench.Forward(T)
		if err != nil {
			return answer(nil, err)
		}
		raw := unsafe.Slice((*byte)(unsafe.Pointer(&logits[0])), 4*len(logits))
		if out.IsUndefined() || out.Length() != len(raw) {
			out = js.Global().Get("Uint8Array").New(len(raw))
		}
		js.CopyBytesToJS(out, raw)
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
	}
	return answer(map[string]any{"ms": ms}, nil)
}
