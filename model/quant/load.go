package quant

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strconv"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/safetensors"
)

func init() { model.RegisterFormat(Format, load) }

// load builds the float model a quantized directory describes, its
// quantized matrices dequantized (model.FormatLoader). model.LoadFS has
// already checked every file's hash against the manifest.
func load(fsys fs.FS, man model.Manifest, opt model.Options) (*model.Model, error) {
	switch {
	case man.FormatVersion > FormatVersion:
		return nil, fmt.Errorf("%s has %s format_version %d but this build reads version %d: upgrade tutor to load it", model.ManifestFile, Format, man.FormatVersion, FormatVersion)
	case man.FormatVersion < 1:
		return nil, fmt.Errorf("%s has format_version %d, which never existed: the model is damaged; quantize it again", model.ManifestFile, man.FormatVersion)
	case !opt.Inference:
		return nil, errors.New("an int8 model is for inference only: train or resume from the float checkpoint it was quantized from")
	}
	data, err := fs.ReadFile(fsys, model.ConfigFile)
	if err != nil {
		return nil, err
	}
	cf, err := parseConfig(data)
	if err != nil {
		return nil, err
	}
	m, err := model.New(cf.Config, opt)
	if err != nil {
		return nil, err
	}
	if err := cf.Quantization.check(m.Params.Tensors); err != nil {
		return nil, err
	}
	mats, err := readWeights(fsys, m, cf.Quantization.GroupSize)
	if err != nil {
		return nil, err
	}
	if cf.Quantization.Activations == ActivationsInt8 {
		m.Ops = Int8Ops(m.Ops, m, mats)
	}
	return m, nil
}

// readWeights fills m's parameters from model.safetensors, dequantizing
// the int8 tensors, and returns the quantized matrices by name.
func readWeights(fsys fs.FS, m *model.Model, group int) (map[string]*Matrix, error) {
	raw, err := fs.ReadFile(fsys, model.ModelFile)
	if err != nil {
		return nil, err
	}
	st, err := safetensors.Parse(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model.ModelFile, err)
	}
	if err := checkMetadata(st.Metadata, group); err != nil {
		return nil, err
	}
	known := map[string]bool{}
	mats := map[string]*Matrix{}
	for _, t := range m.Params.Tensors {
		dst := t.Of(m.Params.Data)
		known[t.Name] = true
		if !IsQuantized(t.Name) {
			if err := readFloat(st, t.Name, t.Shape, dst); err != nil {
				return nil, err
			}
			continue
		}
		known[ScalesName(t.Name)] = true
		q, err := readMatrix(st, t, group)
		if err != nil {
			return nil, err
		}
		q.Dequantize(dst)
		mats[t.Name] = q
	}
	for _, t := range st.Tensors {
		if !known[t.Name] {
			return nil, fmt.Errorf("%s holds tensor %q, which config.json's model does not have: the weights and config.json come from different models; quantize the model again", model.ModelFile, t.Name)
		}
	}
	return mats, nil
}

// checkMetadata checks model.safetensors' format, version and group size.
func checkMetadata(md map[string]string, group int) error {
	if md["format"] != Format {
		return fmt.Errorf("%s has format %q in its metadata, not %q: it is not an int8 model written by tutor quantize; quantize the model again", model.ModelFile, md["format"], Format)
	}
	if v, err := strconv.Atoi(md["format_version"]); err != nil || v != FormatVersion {
		return fmt.Errorf("%s has format_version %q; this build reads %d: quantize the model again with this build", model.ModelFile, md["format_version"], FormatVersion)
	}
	if md["group_size"] != strconv.Itoa(group) {
		return fmt.Errorf("%s was quantized with group size %q but config.json says %d: the files come from different runs of tutor quantize; quantize the model again", model.ModelFile, md["group_size"], group)
	}
	return nil
}

// readFloat reads a float32 tensor after checking its dtype and shape, and
// rejects numbers that are not finite.
func readFloat(st *safetensors.File, name string, shape []int, dst []float32) error {
	if err := checkEntry(st, name, "F32", shape); err != nil {
		return err
	}
	if err := st.ReadFloat32(name, dst); err != nil {
		return fmt.Errorf("%s: %w", model.ModelFile, err)
	}
	for i, v := range dst {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%s: tensor %q holds %v at index %d: the float model it was quantized from diverged; quantize an earlier checkpoint", model.ModelFile, name, v, i)
		}
	}
	return nil
}

// readMatrix reads the int8 weights and the scales of the float tensor t.
func readMatrix(st *safetensors.File, t model.Tensor, group int) (*Matrix, error) {
	rows, cols := t.Shape[0], t.Shape[1]
	q := &Matrix{Rows: rows, Cols: cols, Group: group, Q: make([]int8, rows*cols), Scales: make([]float32, rows*cols/group)}
	if err := checkEntry(st, t.Name, "I8", t.Shape); err != nil {
		return nil, err
	}
	if err := st.ReadInt8(t.Name, q.Q); err != nil {
		return nil, fmt.Errorf("%s: %w", model.ModelFile, err)
	}
	sn := ScalesName(t.Name)
	if err := checkEntry(st, sn, "F32", []int{rows, cols / group}); err != nil {
		return nil, err
	}
	if err := st.ReadFloat32(sn, q.Scales); err != nil {
		return nil, fmt.Errorf("%s: %w", model.ModelFile, err)
	}
	if err := q.check(t.Name); err != nil {
		return nil, fmt.Errorf("%s: %w", model.ModelFile, err)
	}
	return q, nil
}

// checkEntry says what is wrong with a tensor's presence, dtype or shape.
func checkEntry(st *safetensors.File, name, dtype string, shape []int) error {
	got, ok := st.Find(name)
	if !ok {
		return fmt.Errorf("%s has no tensor %q, which config.json's model needs: the weights and config.json come from different models; quantize the model again", model.ModelFile, name)
	}
	if got.DType != dtype {
		return fmt.Errorf("%s: tensor %q is %s, not %s: the file was not written by tutor quantize; quantize the model again", model.ModelFile, name, got.DType, dtype)
	}
	if !slices.Equal(got.Shape, shape) {
		return fmt.Errorf("%s: tensor %q has shape %v but config.json needs %v: the weights and config.json come from different models; quantize the model again", model.ModelFile, name, got.Shape, shape)
	}
	return nil
}
