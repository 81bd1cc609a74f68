package quant

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/atomicfile"
	"github.com/tutor-dev/tutor/model/safetensors"
	"github.com/tutor-dev/tutor/model/train"
)

// DefaultGroupSize is the group size tutor quantize uses unless told
// otherwise: on the student tagger and grader it kept accuracy within
// measurement noise of the float model where 64 did not always
// (docs/QUANTIZATION.md), for 0.3 MB more scales.
const DefaultGroupSize = 32

// TokenizerFile is the tokenizer that travels with a quantized model.
const TokenizerFile = "tokenizer.json"

// Options say how to quantize.
type Options struct {
	GroupSize   int    // weights per scale along the input dimension (default DefaultGroupSize)
	Activations string // ActivationsFloat32 (default) or ActivationsInt8
	// Tokenizer overrides where tokenizer.json is read (by default the
	// checkpoint's directory, then its run directory).
	Tokenizer string
}

// Summary is what Quantize wrote.
type Summary struct {
	Source      string        `json:"source"` // the float checkpoint directory
	Out         string        `json:"out"`
	GroupSize   int           `json:"group_size"`
	Activations string        `json:"activations"`
	Params      int           `json:"params"`      // all parameters
	Int8Params  int           `json:"int8_params"` // of which int8
	FloatBytes  int64         `json:"float_bytes"` // the float checkpoint's files and its tokenizer on disk
	Int8Bytes   int64         `json:"int8_bytes"`  // the quantized directory's files on disk
	Tensors     []TensorError `json:"tensors"`
}

// TensorError is how far one quantized matrix is from its float weights.
type TensorError struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
	// RelRMS is sqrt(Σ(w-ŵ)² / Σw²), the error's size relative to the
	// weights'.
	RelRMS float64 `json:"rel_rms"`
	// MaxErrScales is the largest |w-ŵ| in units of its group's scale;
	// rounding keeps it at most 0.5.
	MaxErrScales float64 `json:"max_err_in_scales"`
}

// Quantize writes the int8 model of the float checkpoint src (a
// checkpoint or run directory) into the directory out, replacing a
// quantized model there atomically.
func Quantize(src, out string, opt Options) (*Summary, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	ckDir, man, err := floatCheckpoint(src)
	if err != nil {
		return nil, err
	}
	if err := checkOut(out, ckDir); err != nil {
		return nil, err
	}
	t, err := train.Open(ckDir, train.OpenOptions{Tokenizer: opt.Tokenizer})
	if err != nil {
		return nil, err
	}
	m := t.Model
	if m.LoRA != nil {
		return nil, fmt.Errorf("%s carries LoRA adapters that are not merged; quantize the run's best/ checkpoint, where they are", ckDir)
	}
	tokPath := opt.Tokenizer
	if tokPath == "" {
		if tokPath, err = train.FindTokenizer(ckDir); err != nil {
			return nil, err
		}
	}
	tok, err := os.ReadFile(tokPath)
	if err != nil {
		return nil, err
	}
	set := Settings{Bits: 8, Scheme: "symmetric", GroupSize: opt.GroupSize, Activations: opt.Activations,
		Tensors: quantizedNames(m.Params.Tensors)}
	if err := set.check(m.Params.Tensors); err != nil {
		return nil, err
	}
	weights, sum, err := encodeWeights(m, opt.GroupSize)
	if err != nil {
		return nil, err
	}
	config, err := json.MarshalIndent(configFile{Config: m.Config, Quantization: set}, "", "  ")
	if err != nil {
		return nil, err
	}
	files := []namedFile{{model.ConfigFile, append(config, '\n')}, {model.ModelFile, weights}, {TokenizerFile, tok}}
	state := map[string]string{}
	for k, v := range man.State {
		state[k] = v
	}
	state["quantized_from_sha256"] = man.Files[model.ModelFile].SHA256
	written, err := writeDir(out, files, state)
	if err != nil {
		return nil, err
	}
	sum.Source, sum.Out, sum.GroupSize, sum.Activations = ckDir, out, opt.GroupSize, opt.Activations
	sum.Int8Bytes = written
	sum.FloatBytes = floatBytes(ckDir, man, int64(len(tok)))
	return sum, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.GroupSize == 0 {
		o.GroupSize = DefaultGroupSize
	}
	if o.Activations == "" {
		o.Activations = ActivationsFloat32
	}
	if o.GroupSize < 1 {
		return o, fmt.Errorf("group size %d: use a positive size such as 32 or 64", o.GroupSize)
	}
	if o.Activations != ActivationsFloat32 && o.Activations != ActivationsInt8 {
		return o, fmt.Errorf("activations %q: use %q or %q", o.Activations, ActivationsFloat32, ActivationsInt8)
	}
	return o, nil
}

// floatCheckpoint finds the float checkpoint src names and reads its
// manifest.
func floatCheckpoint(src string) (string, model.Manifest, error) {
	var man model.Manifest
	ckDir, err := train.CheckpointDir(src)
	if err != nil {
		return "", man, err
	}
	data, err := os.ReadFile(filepath.Join(ckDir, model.ManifestFile))
	if err != nil {
		return "", man, err
	}
	if err := json.Unmarshal(data, &man); err != nil {
		return "", man, fmt.Errorf("%s/%s is not valid JSON (%v): the checkpoint is damaged; re-copy it", ckDir, model.ManifestFile, err)
	}
	switch man.Format {
	case model.CheckpointFormat:
		return ckDir, man, nil
	case Format:
		return "", man, fmt.Errorf("%s is already an int8 model; quantize the float checkpoint it was made from", ckDir)
	}
	return "", man, fmt.Errorf("%s has format %q: not a tutor float checkpoint; quantize a checkpoint written by tutor train", ckDir, man.Format)
}

// checkOut refuses an output directory that holds something other than a
// quantized model, so that quantizing never destroys a checkpoint or
// unrelated files.
func checkOut(out, src string) error {
	if out == "" {
		return errors.New("no output directory; name one for the int8 model")
	}
	abs, _ := filepath.Abs(out)
	if absSrc, _ := filepath.Abs(src); abs == absSrc {
		return fmt.Errorf("the output %s is the float checkpoint itself; write the int8 model to another directory", out)
	}
	entries, err := os.ReadDir(out)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(out, model.ManifestFile))
	var man model.Manifest
	if err == nil && json.Unmarshal(data, &man) == nil && man.Format == Format {
		return nil
	}
	return fmt.Errorf("%s exists and is not an int8 model; choose a new directory for --out, or remove it", out)
}

// encodeWeights quantizes m's matrices and writes every tensor, in buffer
// order, as model.safetensors.
func encodeWeights(m *model.Model, group int) ([]byte, *Summary, error) {
	sum := &Summary{Params: m.Params.Len()}
	var ts []safetensors.RawTensor
	for _, t := range m.Params.Tensors {
		w := t.Of(m.Params.Data)
		if !IsQuantized(t.Name) {
			ts = append(ts, safetensors.RawTensor{Name: t.Name, DType: "F32", Shape: t.Shape, Data: float32Bytes(w)})
			continue
		}
		q, err := QuantizeMatrix(w, t.Shape[0], t.Shape[1], group)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", t.Name, err)
		}
		sum.Int8Params += len(q.Q)
		sum.Tensors = append(sum.Tensors, measure(t, w, q))
		ts = append(ts,
			safetensors.RawTensor{Name: t.Name, DType: "I8", Shape: t.Shape, Data: int8Bytes(q.Q)},
			safetensors.RawTensor{Name: ScalesName(t.Name), DType: "F32", Shape: []int{q.Rows, q.Groups()}, Data: float32Bytes(q.Scales)})
	}
	md := map[string]string{"format": Format, "format_version": strconv.Itoa(FormatVersion), "group_size": strconv.Itoa(group)}
	var buf bytes.Buffer
	if err := safetensors.WriteRaw(&buf, ts, md); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), sum, nil
}

// measure compares a matrix's float weights with their dequantized
// values.
func measure(t model.Tensor, w []float32, q *Matrix) TensorError {
	deq := make([]float32, len(w))
	q.Dequantize(deq)
	var se, sw, worst float64
	for i, v := range w {
		d := float64(v) - float64(deq[i])
		se += d * d
		sw += float64(v) * float64(v)
		if s := float64(q.Scales[i/q.Group]); s > 0 {
			worst = math.Max(worst, math.Abs(d)/s)
		}
	}
	rel := 0.0
	if sw > 0 {
		rel = math.Sqrt(se / sw)
	}
	return TensorError{Name: t.Name, Shape: t.Shape, RelRMS: rel, MaxErrScales: worst}
}

func float32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func int8Bytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

// floatBytes is the size on disk of what a float model ships: its
// config, weights and manifest (not the optimizer state) and its
// tokenizer.
func floatBytes(ckDir string, man model.Manifest, tokenizer int64) int64 {
	n := man.Files[model.ConfigFile].Bytes + man.Files[model.ModelFile].Bytes + tokenizer
	if st, err := os.Stat(filepath.Join(ckDir, model.ManifestFile)); err == nil {
		n += st.Size()
	}
	return n
}

type namedFile struct {
	name string
	data []byte
}

// writeDir writes files and a manifest listing them, with state, into a
// new directory beside out and renames it into place; it returns the
// bytes written. An existing out is moved aside first and removed only
// once the new one is in place, so a crash leaves the old model or the
// new one.
func writeDir(out string, files []namedFile, state map[string]string) (int64, error) {
	out = filepath.Clean(out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return 0, err
	}
	// A bundle is meant to be read by others (a server, a copy step), and
	// MkdirTemp makes a private directory.
	err = os.Chmod(tmp, 0o755)
	var n int64
	if err == nil {
		n, err = writeFiles(tmp, files, state)
	}
	if err == nil {
		err = atomicfile.ReplaceDir(tmp, out)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return 0, fmt.Errorf("writing %s: %w", out, err)
	}
	return n, nil
}

func writeFiles(dir string, files []namedFile, state map[string]string) (int64, error) {
	man := model.Manifest{Format: Format, FormatVersion: FormatVersion, Files: map[string]model.FileDigest{}, State: state}
	var total int64
	for _, f := range files {
		if err := writeSynced(filepath.Join(dir, f.name), f.data); err != nil {
			return 0, err
		}
		h := sha256.Sum256(f.data)
		man.Files[f.name] = model.FileDigest{SHA256: hex.EncodeToString(h[:]), Bytes: int64(len(f.data))}
		total += int64(len(f.data))
	}
	data, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return 0, err
	}
	data = append(data, '\n')
	return total + int64(len(data)), writeSynced(filepath.Join(dir, model.ManifestFile), data)
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
