package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/tutor-dev/tutor/model/atomicfile"
	"github.com/tutor-dev/tutor/model/safetensors"
)

// A checkpoint is a directory:
//
//	model.safetensors      the parameters (and LoRA adapters), named as in
//	                       Config.specs, e.g. h.0.attn.qkv.weight
//	config.json            the Config (and the LoRAConfig when adapters are attached)
//	optimizer.safetensors  optional: AdamW's moments m.<name>, v.<name> and its
//	                       step and settings, for resuming training
//	manifest.json          format, format version, sha256 and size of each
//	                       file, and the trainer's own state
//
// Save writes the whole directory beside the target and renames it into
// place, so a crash leaves either the old checkpoint or the new one, never
// a mixture; Load checks the format, the version, every file's hash, the
// tensors' names and shapes against config.json, and that the weights are
// finite, and says what to do when something is off.
const (
	CheckpointFormat  = "tutor-checkpoint"
	CheckpointVersion = 1

	ModelFile     = "model.safetensors"
	ConfigFile    = "config.json"
	OptimizerFile = "optimizer.safetensors"
	ManifestFile  = "manifest.json"
)

// Manifest is manifest.json.
type Manifest struct {
	Format        string                `json:"format"`
	FormatVersion int                   `json:"format_version"`
	Files         map[string]FileDigest `json:"files"`
	// State is the trainer's own bookkeeping (epoch, position in the data,
	// early-stopping state, ...), kept with the checkpoint it describes.
	State map[string]string `json:"state,omitempty"`
}

// FileDigest is one file's size and SHA-256, in hex.
type FileDigest struct {
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// SaveOptions say what goes into a checkpoint besides the model.
type SaveOptions struct {
	// Optimizer, when set, also writes optimizer.safetensors (the AdamW
	// moments of the trainable tensors, the step and the settings) and
	// dropout's random state, so that training resumes where it stopped.
	Optimizer *AdamW
	State     map[string]string
}

// Checkpoint is what Load returns.
type Checkpoint struct {
	Model *Model
	// Optimizer is the saved AdamW (its Step and settings); nil when the
	// checkpoint has none or the model was loaded for inference. The
	// moments are already in Model.Params.M and V.
	Optimizer *AdamW
	State     map[string]string
	Manifest  Manifest
}

// Save writes the model (and, per opt, its optimizer state) as a
// checkpoint directory dir, replacing any checkpoint there atomically.
func (m *Model) Save(dir string, opt SaveOptions) error {
	if opt.Optimizer != nil && m.inference {
		return errors.New("checkpoint: an inference model has no optimizer state to save; save without SaveOptions.Optimizer")
	}
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := m.writeFiles(tmp, opt); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := atomicfile.ReplaceDir(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("checkpoint: moving the new checkpoint into place: %w", err)
	}
	return nil
}

// saveFault, when set by a test, fails the save before the named file is
// written, as a full disk or a crash would.
var saveFault func(file string) error

// writeFiles writes the checkpoint's files into dir, the manifest last.
func (m *Model) writeFiles(dir string, opt SaveOptions) error {
	man := Manifest{Format: CheckpointFormat, FormatVersion: CheckpointVersion, Files: map[string]FileDigest{}, State: opt.State}
	add := func(name string, write func(io.Writer) error) error {
		if saveFault != nil {
			if err := saveFault(name); err != nil {
				return err
			}
		}
		d, err := writeFileSynced(filepath.Join(dir, name), write)
		if err != nil {
			return fmt.Errorf("checkpoint: writing %s: %w", name, err)
		}
		man.Files[name] = d
		return nil
	}
	if err := add(ConfigFile, m.writeConfig); err != nil {
		return err
	}
	if err := add(ModelFile, m.writeWeights); err != nil {
		return err
	}
	if opt.Optimizer != nil {
		if err := add(OptimizerFile, func(w io.Writer) error { return m.writeOptimizer(w, opt.Optimizer) }); err != nil {
			return err
		}
	}
	return add(ManifestFile, func(w io.Writer) error { return writeJSON(w, man) })
}

func (m *Model) writeConfig(w io.Writer) error {
	f := configFile{Config: m.Config}
	if m.LoRA != nil {
		f.LoRA = &m.LoRA.Config
	}
	return writeJSON(w, f)
}

func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// formatMetadata marks a tensor file as this package's, with its version.
func formatMetadata() map[string]string {
	return map[string]string{"format": CheckpointFormat, "format_version": strconv.Itoa(CheckpointVersion)}
}

func (m *Model) writeWeights(w io.Writer) error {
	var ts []safetensors.Float32Tensor
	for _, s := range m.paramSets() {
		for _, t := range s.Tensors {
			ts = append(ts, safetensors.Float32Tensor{Name: t.Name, Shape: t.Shape, Data: t.Of(s.Data)})
		}
	}
	return safetensors.Write(w, ts, formatMetadata())
}

// writeOptimizer writes the moments of the trainable tensors (a frozen
// tensor's are zero and are not worth the space) with the step, settings
// and dropout's random state in the metadata.
func (m *Model) writeOptimizer(w io.Writer, opt *AdamW) error {
	var ts []safetensors.Float32Tensor
	for _, s := range m.paramSets() {
		for _, t := range s.Tensors {
			if t.Trainable {
				ts = append(ts,
					safetensors.Float32Tensor{Name: "m." + t.Name, Shape: t.Shape, Data: t.Of(s.M)},
					safetensors.Float32Tensor{Name: "v." + t.Name, Shape: t.Shape, Data: t.Of(s.V)})
			}
		}
	}
	rng, err := m.rng.MarshalBinary()
	if err != nil {
		return err
	}
	md := formatMetadata()
	md["step"] = strconv.Itoa(opt.Step)
	md["beta1"] = fmtFloat(opt.Beta1)
	md["beta2"] = fmtFloat(opt.Beta2)
	md["eps"] = fmtFloat(opt.Eps)
	md["weight_decay"] = fmtFloat(opt.WeightDecay)
	md["dropout_rng"] = hex.EncodeToString(rng)
	return safetensors.Write(w, ts, md)
}

func fmtFloat(f float32) string { return strconv.FormatFloat(float64(f), 'g', -1, 32) }

// writeFileSynced writes a new file through write, flushes it to disk and
// returns its digest.
func writeFileSynced(path string, write func(io.Writer) error) (FileDigest, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return FileDigest{}, err
	}
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(f, h)}
	err = write(cw)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return FileDigest{SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: cw.n}, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Load reads the checkpoint directory dir into a new model built with opt.
func Load(dir string, opt Options) (*Checkpoint, error) {
	if _, err := os.Stat(dir); err != nil {
		if _, oerr := os.Stat(dir + ".old"); oerr == nil {
			return nil, fmt.Errorf("checkpoint %s is missing but %s.old exists: a save was interrupted after moving the previous checkpoint aside; rename %s.old to %s to use it", dir, dir, dir, dir)
		}
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	ck, err := LoadFS(os.DirFS(dir), opt)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	return ck, nil
}

// LoadFS reads a checkpoint from the root of fsys (a directory, an
// embedded or an in-memory file system, e.g. a downloaded bundle in the
// browser).
func LoadFS(fsys fs.FS, opt Options) (*Checkpoint, error) {
	man, err := readManifest(fsys)
	if err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(man.Files)) {
		if err := verifyFile(fsys, name, man.Files[name]); err != nil {
			return nil, err
		}
	}
	if load := formatLoader(man.Format); load != nil {
		m, err := load(fsys, man, opt)
		if err != nil {
			return nil, err
		}
		return &Checkpoint{Model: m, State: man.State, Manifest: man}, nil
	}
	m, err := loadModel(fsys, opt)
	if err != nil {
		return nil, err
	}
	ck := &Checkpoint{Model: m, State: man.State, Manifest: man}
	if _, ok := man.Files[OptimizerFile]; ok && !opt.Inference {
		if ck.Optimizer, err = m.readOptimizer(fsys); err != nil {
			return nil, err
		}
	}
	return ck, nil
}

func readManifest(fsys fs.FS) (Manifest, error) {
	var man Manifest
	data, err := fs.ReadFile(fsys, ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		return man, fmt.Errorf("%s is missing: this is not a checkpoint, or its save did not finish; use another checkpoint or retrain", ManifestFile)
	}
	if err != nil {
		return man, err
	}
	if err := json.Unmarshal(data, &man); err != nil {
		return man, fmt.Errorf("%s is not valid JSON (%v): the checkpoint is damaged; re-copy it", ManifestFile, err)
	}
	switch {
	case man.Format != CheckpointFormat && formatLoader(man.Format) != nil:
		// A registered format checks its own version.
	case man.Format != CheckpointFormat:
		return man, fmt.Errorf("%s says format %q, not %q: this directory is not a tutor checkpoint", ManifestFile, man.Format, CheckpointFormat)
	case man.FormatVersion > CheckpointVersion:
		return man, fmt.Errorf("%s has format_version %d but this build reads version %d: upgrade tutor to load it", ManifestFile, man.FormatVersion, CheckpointVersion)
	case man.FormatVersion < 1:
		return man, fmt.Errorf("%s has format_version %d, which never existed: the checkpoint is damaged; re-copy it", ManifestFile, man.FormatVersion)
	}
	for _, need := range []string{ConfigFile, ModelFile} {
		if _, ok := man.Files[need]; !ok {
			return man, fmt.Errorf("%s does not list %s: the checkpoint is incomplete; use another checkpoint or retrain", ManifestFile, need)
		}
	}
	return man, nil
}

// verifyFile checks a file's size and SHA-256 against the manifest.
func verifyFile(fsys fs.FS, name string, want FileDigest) error {
	if !fs.ValidPath(name) || filepath.Base(name) != name {
		return fmt.Errorf("%s lists %q, which is not a file name in the checkpoint: the manifest is damaged", ManifestFile, name)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("%s is listed in %s but cannot be opened (%v): the checkpoint is incomplete; re-copy it or retrain", name, ManifestFile, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if n != want.Bytes || got != want.SHA256 {
		return fmt.Errorf("%s does not match %s (sha256 %s, %d bytes; the manifest says %s, %d bytes): the checkpoint is damaged or was edited; re-copy it or retrain",
			name, ManifestFile, short(got), n, short(want.SHA256), want.Bytes)
	}
	return nil
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

// loadModel builds the model config.json describes and fills it from
// model.safetensors.
func loadModel(fsys fs.FS, opt Options) (*Model, error) {
	data, err := fs.ReadFile(fsys, ConfigFile)
	if err != nil {
		return nil, err
	}
	cf, err := parseConfigFile(data)
	if err != nil {
		return nil, err
	}
	m, err := New(cf.Config, opt)
	if err != nil {
		return nil, err
	}
	if cf.LoRA != nil {
		m.attachLoRA(*cf.LoRA)
	}
	st, closeFile, err := openTensors(fsys, ModelFile)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	if err := checkFormat(ModelFile, st.Metadata); err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, s := range m.paramSets() {
		for _, t := range s.Tensors {
			want[t.Name] = true
			if err := readTensor(st, ModelFile, t, t.Of(s.Data)); err != nil {
				return nil, err
			}
		}
	}
	for _, t := range st.Tensors {
		if !want[t.Name] {
			return nil, fmt.Errorf("%s holds tensor %q, which config.json's model does not have: the weights and config.json come from different models; re-copy the checkpoint", ModelFile, t.Name)
		}
	}
	return m, nil
}

// readTensor reads tensor t from st into dst after checking its shape,
// and rejects weights that are not finite.
func readTensor(st *safetensors.File, file string, t Tensor, dst []float32) error {
	got, ok := st.Find(t.Name)
	if !ok {
		return fmt.Errorf("%s has no tensor %q, which config.json's model needs: the weights and config.json come from different models; re-copy the checkpoint", file, t.Name)
	}
	if !slices.Equal(got.Shape, t.Shape) {
		return fmt.Errorf("%s: tensor %q has shape %v but config.json needs %v: the weights and config.json come from different models; re-copy the checkpoint", file, t.Name, got.Shape, t.Shape)
	}
	if err := st.ReadFloat32(t.Name, dst); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	for i, v := range dst {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%s: tensor %q holds %v at index %d: the training that wrote it diverged; use an earlier checkpoint", file, t.Name, v, i)
		}
	}
	return nil
}

// checkFormat checks a tensor file's format metadata, the closest thing
// safetensors has to a magic number and version.
func checkFormat(file string, md map[string]string) error {
	if md["format"] != CheckpointFormat {
		return fmt.Errorf("%s has format %q in its metadata, not %q: it was not written by tutor; convert it with the tool that made it", file, md["format"], CheckpointFormat)
	}
	v, err := strconv.Atoi(md["format_version"])
	if err != nil || v < 1 {
		return fmt.Errorf("%s has format_version %q: the file is damaged; re-copy the checkpoint", file, md["format_version"])
	}
	if v > CheckpointVersion {
		return fmt.Errorf("%s has format_version %d but this build reads %d: upgrade tutor to load it", file, v, CheckpointVersion)
	}
	return nil
}

// openTensors parses a safetensors file of fsys, reading it in place when
// the file system allows random access and into memory otherwise.
func openTensors(fsys fs.FS, name string) (*safetensors.File, func(), error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	r, ok := f.(io.ReaderAt)
	if !ok {
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		st, err := safetensors.Parse(byteReaderAt(data), int64(len(data)))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		return st, func() {}, nil
	}
	st, err := safetensors.Parse(r, info.Size())
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return st, func() { f.Close() }, nil
}

type byteReaderAt []byte

func (b byteReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off > int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// readOptimizer fills the moments from optimizer.safetensors and returns
// the saved AdamW. Tensors without saved moments (frozen when saved) start
// from zero.
func (m *Model) readOptimizer(fsys fs.FS) (*AdamW, error) {
	st, closeFile, err := openTensors(fsys, OptimizerFile)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	md := st.Metadata
	if err := checkFormat(OptimizerFile, md); err != nil {
		return nil, err
	}
	opt, err := parseAdamW(md)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, s := range m.paramSets() {
		for _, t := range s.Tensors {
			for _, moment := range []struct {
				prefix string
				buf    []float32
			}{{"m.", s.M}, {"v.", s.V}} {
				name := moment.prefix + t.Name
				known[name] = true
				if _, ok := st.Find(name); !ok {
					continue
				}
				mt := t
				mt.Name = name
				if err := readTensor(st, OptimizerFile, mt, t.Of(moment.buf)); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, t := range st.Tensors {
		if !known[t.Name] {
			return nil, fmt.Errorf("%s holds %q, which matches no parameter: it belongs to another model; re-copy the checkpoint", OptimizerFile, t.Name)
		}
	}
	if rng, err := hex.DecodeString(md["dropout_rng"]); err != nil || m.rng.UnmarshalBinary(rng) != nil {
		return nil, fmt.Errorf("%s: dropout_rng %q is not a saved random state: the file is damaged; re-copy the checkpoint", OptimizerFile, md["dropout_rng"])
	}
	return opt, nil
}

// parseAdamW reads the optimizer's step and settings from metadata.
func parseAdamW(md map[string]string) (*AdamW, error) {
	step, err := strconv.Atoi(md["step"])
	if err != nil || step < 0 {
		return nil, fmt.Errorf("%s: step %q is not a count of updates: the file is damaged; re-copy the checkpoint", OptimizerFile, md["step"])
	}
	opt := &AdamW{Step: step}
	for key, dst := range map[string]*float32{"beta1": &opt.Beta1, "beta2": &opt.Beta2, "eps": &opt.Eps, "weight_decay": &opt.WeightDecay} {
		v, err := strconv.ParseFloat(md[key], 32)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: %s %q is not a number: the file is damaged; re-copy the checkpoint", OptimizerFile, key, md[key])
		}
		*dst = float32(v)
	}
	return opt, nil
}
