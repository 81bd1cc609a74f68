package quant

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/train"
)

// Info describes an int8 model directory.
type Info struct {
	Dir      string   // the directory
	Settings Settings // config.json's "quantization"
}

// ReadInfo reads the quantization settings of the model dir names (an
// int8 directory, or a run directory whose best/ is one). A float
// checkpoint is an error that says to quantize it.
func ReadInfo(dir string) (*Info, error) {
	ckDir, err := train.CheckpointDir(dir)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(ckDir, model.ManifestFile))
	if err != nil {
		return nil, err
	}
	var man model.Manifest
	if err := json.Unmarshal(data, &man); err != nil {
		return nil, fmt.Errorf("%s/%s is not valid JSON (%v): the model is damaged; quantize it again", ckDir, model.ManifestFile, err)
	}
	if man.Format != Format {
		return nil, fmt.Errorf("%s is a %q model, not an int8 one; make one with `tutor quantize --model %s --out DIR`", ckDir, man.Format, dir)
	}
	if data, err = os.ReadFile(filepath.Join(ckDir, model.ConfigFile)); err != nil {
		return nil, err
	}
	cf, err := parseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ckDir, err)
	}
	return &Info{Dir: ckDir, Settings: cf.Quantization}, nil
}

// Open loads an int8 model as a trained model whose weights are the
// dequantized int8 weights and whose matrix products are computed as its
// settings say, so that package checker, package grader and train's
// Evaluate measure exactly what the browser will run. It checks every
// file's hash, dtype and shape first.
func Open(dir string, opt train.OpenOptions) (*train.Trained, *Info, error) {
	info, err := ReadInfo(dir)
	if err != nil {
		return nil, nil, err
	}
	t, err := train.Open(info.Dir, opt)
	if err != nil {
		return nil, nil, err
	}
	return t, info, nil
}
