package quant

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/safetensors"
	"github.com/tutor-dev/tutor/model/train"
)

// TestRoundTripThroughFiles quantizes the tiny model, loads the directory
// through model.Load (as every command does) and checks every weight: the
// int8 matrices come back as exactly their dequantized values and every
// other tensor exactly as it was.
func TestRoundTripThroughFiles(t *testing.T) {
	out := quantizeTiny(t, tinyModel, Options{GroupSize: 32})
	src, err := model.Load(tinyModel, model.Options{Inference: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := model.Load(out, model.Options{Inference: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Manifest.Format != Format || got.Model.Config != src.Model.Config {
		t.Fatalf("loaded format %q config %+v", got.Manifest.Format, got.Model.Config)
	}
	quantized := 0
	for _, tn := range src.Model.Params.Tensors {
		want := tn.Of(src.Model.Params.Data)
		have := tn.Of(got.Model.Params.Data)
		if IsQuantized(tn.Name) {
			quantized++
			q, err := QuantizeMatrix(want, tn.Shape[0], tn.Shape[1], 32)
			if err != nil {
				t.Fatal(err)
			}
			want = make([]float32, len(want))
			q.Dequantize(want)
		}
		if !slices.Equal(have, want) {
			t.Errorf("%s does not come back as written", tn.Name)
		}
	}
	if want := 1 + 4*src.Model.Config.L; quantized != want {
		t.Errorf("%d int8 tensors, want %d (wte and four per block)", quantized, want)
	}
	for _, f := range []string{model.ConfigFile, model.ModelFile, TokenizerFile} {
		if _, ok := got.Manifest.Files[f]; !ok {
			t.Errorf("the manifest does not list %s", f)
		}
	}
	if got.State["tokenizer_sha256"] != src.State["tokenizer_sha256"] || got.State["quantized_from_sha256"] != src.Manifest.Files[model.ModelFile].SHA256 {
		t.Errorf("state %v does not carry the source's tokenizer hash and its own origin", got.State)
	}
}

// TestQuantizeIsDeterministicAndReplaces checks that quantizing again into
// the same directory replaces it with identical files.
func TestQuantizeIsDeterministicAndReplaces(t *testing.T) {
	out := quantizeTiny(t, tinyModel, Options{GroupSize: 32})
	first, err := os.ReadFile(filepath.Join(out, model.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Quantize(tinyModel, out, Options{GroupSize: 32})
	if err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(filepath.Join(out, model.ManifestFile))
	if string(first) != string(second) {
		t.Error("quantizing the same model twice wrote different files")
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("the parent holds %d entries after replacing; a temporary or old directory was left", len(entries))
	}
	if sum.Int8Bytes <= 0 || sum.Int8Bytes >= sum.FloatBytes || len(sum.Tensors) != 9 {
		t.Errorf("summary %+v", sum)
	}
	for _, te := range sum.Tensors {
		if te.MaxErrScales > 0.5+1e-6 || te.RelRMS <= 0 || te.RelRMS > 0.02 {
			t.Errorf("%s: error %+v", te.Name, te)
		}
	}
}

// TestOpenLikeARun opens the quantized tagger the way package checker and
// package grader do, with its tokenizer and labels, and evaluates it.
func TestOpenLikeARun(t *testing.T) {
	run := tinyTagger(t)
	out := quantizeTiny(t, run, Options{GroupSize: 16})
	tr, info, err := Open(out, train.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	float, err := train.Open(run, train.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Settings.GroupSize != 16 || info.Settings.Activations != ActivationsFloat32 || info.Dir != out {
		t.Errorf("info %+v", info)
	}
	if tr.Head != train.HeadTagging || !slices.Equal(tr.Labels, float.Labels) || tr.SeqLen() != float.SeqLen() || tr.Tokenizer == nil {
		t.Errorf("opened head %q labels %v seq_len %d; want %q %v %d", tr.Head, tr.Labels, tr.SeqLen(), float.Head, float.Labels, float.SeqLen())
	}
	res, err := tr.Evaluate(train.EvalOptions{Data: "../../testdata/tiny-tag-val.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	want, err := float.Evaluate(train.EvalOptions{Data: "../../testdata/tiny-tag-val.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	if want.Report.Accuracy < 0.9 {
		t.Fatalf("the float tagger's accuracy is %.2f; the comparison needs a tagger that learned", want.Report.Accuracy)
	}
	if d := math.Abs(res.Report.Accuracy - want.Report.Accuracy); d > 0.01 {
		t.Errorf("int8 accuracy %.4f, float %.4f", res.Report.Accuracy, want.Report.Accuracy)
	}
	if _, _, err := Open(run, train.OpenOptions{}); err == nil || !strings.Contains(err.Error(), "tutor quantize") {
		t.Errorf("opening a float run as int8: %v, want an error naming tutor quantize", err)
	}
}

// TestTamperedFilesRefused flips one byte of each file in turn: the hash
// check names the file and says what to do.
func TestTamperedFilesRefused(t *testing.T) {
	out := quantizeTiny(t, tinyModel, Options{GroupSize: 32})
	for _, name := range []string{model.ModelFile, model.ConfigFile, TokenizerFile} {
		dir := copyDir(t, out)
		path := filepath.Join(dir, name)
		data, _ := os.ReadFile(path)
		data[len(data)/2] ^= 0x01
		os.WriteFile(path, data, 0o644)
		_, err := model.Load(dir, model.Options{Inference: true})
		if err == nil || !strings.Contains(err.Error(), name+" does not match manifest.json") || !strings.Contains(err.Error(), "re-copy it") {
			t.Errorf("%s with a flipped byte: %v", name, err)
		}
	}
}

// TestBadTensorsRefused rewrites model.safetensors with one thing wrong
// and the manifest's hash updated, so that only the loader's checks can
// catch it; each error names the tensor and says what to do.
func TestBadTensorsRefused(t *testing.T) {
	out := quantizeTiny(t, tinyModel, Options{GroupSize: 32})
	good, md := rawTensors(t, filepath.Join(out, model.ModelFile))
	find := func(ts []safetensors.RawTensor, name string) int {
		return slices.IndexFunc(ts, func(r safetensors.RawTensor) bool { return r.Name == name })
	}
	cases := []struct {
		what string
		edit func(ts []safetensors.RawTensor, md map[string]string) []safetensors.RawTensor
		want string
	}{
		{"scales of the wrong shape", func(ts []safetensors.RawTensor, _ map[string]string) []safetensors.RawTensor {
			i := find(ts, "h.0.mlp.fc.weight.scales") // (128,1) -> (64,2)
			ts[i].Shape = []int{64, 2}
			return ts
		}, `"h.0.mlp.fc.weight.scales" has shape [64 2] but config.json needs [128 1]`},
		{"int8 weights of the wrong shape", func(ts []safetensors.RawTensor, _ map[string]string) []safetensors.RawTensor {
			i := find(ts, "h.1.attn.qkv.weight")
			ts[i].Shape = []int{ts[i].Shape[1], ts[i].Shape[0]}
			return ts
		}, `"h.1.attn.qkv.weight" has shape [32 96] but config.json needs [96 32]`},
		{"float weights where int8 belong", func(ts []safetensors.RawTensor, _ map[string]string) []safetensors.RawTensor {
			i := find(ts, "h.0.attn.proj.weight")
			ts[i].DType, ts[i].Shape = "F32", []int{8, 32} // same bytes, read as float
			return ts
		}, `"h.0.attn.proj.weight" is F32, not I8`},
		{"missing scales", func(ts []safetensors.RawTensor, _ map[string]string) []safetensors.RawTensor {
			return slices.Delete(ts, find(ts, "wte.weight.scales"), find(ts, "wte.weight.scales")+1)
		}, `no tensor "wte.weight.scales"`},
		{"an extra tensor", func(ts []safetensors.RawTensor, _ map[string]string) []safetensors.RawTensor {
			return append(ts, safetensors.RawTensor{Name: "h.9.mlp.fc.weight", DType: "I8", Shape: []int{1}, Data: []byte{1}})
		}, `holds tensor "h.9.mlp.fc.weight"`},
		{"a negative scale", func(ts []safetensors.RawTensor, _ map[string]string) []safetensors.RawTensor {
			i := find(ts, "h.1.mlp.proj.weight.scales")
			ts[i].Data[3] |= 0x80 // the sign bit of the first scale
			return ts
		}, "h.1.mlp.proj.weight: scale 0 is -"},
		{"an int8 of -128", func(ts []safetensors.RawTensor, _ map[string]string) []safetensors.RawTensor {
			ts[find(ts, "h.0.mlp.fc.weight")].Data[5] = 0x80
			return ts
		}, "weight 5 is -128, outside the symmetric range"},
		{"another group size in the metadata", func(ts []safetensors.RawTensor, md map[string]string) []safetensors.RawTensor {
			md["group_size"] = "16"
			return ts
		}, `quantized with group size "16" but config.json says 32`},
		{"a float checkpoint's metadata", func(ts []safetensors.RawTensor, md map[string]string) []safetensors.RawTensor {
			md["format"] = model.CheckpointFormat
			return ts
		}, `format "tutor-checkpoint" in its metadata, not "tutor-int8"`},
	}
	for _, tc := range cases {
		dir := copyDir(t, out)
		ts := slices.Clone(good)
		for i := range ts {
			ts[i].Data = slices.Clone(ts[i].Data)
			ts[i].Shape = slices.Clone(ts[i].Shape)
		}
		m := map[string]string{}
		for k, v := range md {
			m[k] = v
		}
		writeTensors(t, dir, tc.edit(ts, m), m)
		_, err := model.Load(dir, model.Options{Inference: true})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "quantize") {
			t.Errorf("%s: %v\nwant an error containing %q and saying to quantize again", tc.what, err, tc.want)
		}
	}
}

// TestBadConfigRefused edits config.json's quantization settings.
func TestBadConfigRefused(t *testing.T) {
	out := quantizeTiny(t, tinyModel, Options{GroupSize: 32})
	for _, tc := range []struct {
		edit func(s *Settings)
		want string
	}{
		{func(s *Settings) { s.GroupSize = 64 }, "group size 64 does not divide the 32 inputs of wte.weight"},
		{func(s *Settings) { s.Bits = 4 }, "4-bit weights"},
		{func(s *Settings) { s.Activations = "int4" }, `activations "int4"`},
		{func(s *Settings) { s.Tensors = s.Tensors[1:] }, "lists int8 tensors"},
	} {
		dir := copyDir(t, out)
		data, _ := os.ReadFile(filepath.Join(dir, model.ConfigFile))
		var cf configFile
		if err := json.Unmarshal(data, &cf); err != nil {
			t.Fatal(err)
		}
		tc.edit(&cf.Quantization)
		data, _ = json.Marshal(cf)
		os.WriteFile(filepath.Join(dir, model.ConfigFile), data, 0o644)
		rehash(t, dir, model.ConfigFile)
		if _, err := model.Load(dir, model.Options{Inference: true}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v, want an error containing %q", err, tc.want)
		}
	}
}

// TestQuantizeRefuses checks the command's inputs: a group size that does
// not divide the tiny model's 32 channels, an int8 model as the source, an
// output that would overwrite something else, and training from an int8
// model.
func TestQuantizeRefuses(t *testing.T) {
	out := quantizeTiny(t, tinyModel, Options{GroupSize: 32})
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("keep me"), 0o644)
	for _, tc := range []struct {
		src, out string
		opt      Options
		want     string
	}{
		{tinyModel, filepath.Join(t.TempDir(), "x"), Options{GroupSize: 64}, "group size 64 does not divide the 32 inputs of wte.weight; choose a size that divides it (a power of two up to 32)"},
		{out, filepath.Join(t.TempDir(), "x"), Options{}, "already an int8 model"},
		{tinyModel, other, Options{}, "exists and is not an int8 model"},
		{tinyModel, tinyModel, Options{}, "is the float checkpoint itself"},
		{tinyModel, filepath.Join(t.TempDir(), "x"), Options{Activations: "fp16"}, `activations "fp16"`},
		{filepath.Join(t.TempDir(), "nothing"), filepath.Join(t.TempDir(), "x"), Options{}, "does not exist"},
	} {
		if _, err := Quantize(tc.src, tc.out, tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Quantize(%s, %s, %+v): %v, want an error containing %q", tc.src, tc.out, tc.opt, err, tc.want)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(other, "notes.txt")); string(data) != "keep me" {
		t.Error("a refused quantize touched the output directory")
	}
	if _, err := model.Load(out, model.Options{}); err == nil || !strings.Contains(err.Error(), "inference only") {
		t.Errorf("loading an int8 model for training: %v", err)
	}
}
