package quant

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/tutor-dev/tutor/model"
)

// The format of a quantized directory, in manifest.json and in
// model.safetensors' metadata.
const (
	Format        = "tutor-int8"
	FormatVersion = 1
)

// The ways of computing a quantized model (Settings.Activations).
const (
	ActivationsFloat32 = "float32"
	ActivationsInt8    = "int8"
)

// Settings is the "quantization" object of config.json.
type Settings struct {
	Bits      int    `json:"bits"`       // 8
	Scheme    string `json:"scheme"`     // "symmetric": scale max|w|/127, no zero point
	GroupSize int    `json:"group_size"` // consecutive weights along the input dimension per scale
	// Activations is how the matrix products are computed: "float32"
	// (dequantized weights, float inputs) or "int8" (inputs quantized per
	// row, int32 sums).
	Activations string `json:"activations"`
	// Tensors are the int8 tensors, in file order.
	Tensors []string `json:"tensors"`
}

// configFile is a quantized model's config.json.
type configFile struct {
	model.Config
	Quantization Settings `json:"quantization"`
}

// parseConfig reads config.json; the settings are checked against the
// model's tensors once it is built (Settings.check).
func parseConfig(data []byte) (configFile, error) {
	var f configFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("%s: %v; it must be the object tutor quantize writes; quantize the model again", model.ConfigFile, err)
	}
	if err := f.Config.Validate(); err != nil {
		return f, fmt.Errorf("%s: %w", model.ConfigFile, err)
	}
	return f, nil
}

// check checks the settings against the tensors of the float model they
// describe.
func (q Settings) check(tensors []model.Tensor) error {
	switch {
	case q.Bits != 8:
		return fmt.Errorf("%s: %d-bit weights; this build reads 8-bit models only; quantize with this build's tutor quantize", model.ConfigFile, q.Bits)
	case q.Scheme != "symmetric":
		return fmt.Errorf("%s: scheme %q; this build reads \"symmetric\" only; quantize with this build's tutor quantize", model.ConfigFile, q.Scheme)
	case q.Activations != ActivationsFloat32 && q.Activations != ActivationsInt8:
		return fmt.Errorf("%s: activations %q; use %q or %q", model.ConfigFile, q.Activations, ActivationsFloat32, ActivationsInt8)
	}
	if want := quantizedNames(tensors); !slices.Equal(q.Tensors, want) {
		return fmt.Errorf("%s lists int8 tensors %v, but this build quantizes %v for this shape: the model was quantized by another version; quantize it again", model.ConfigFile, q.Tensors, want)
	}
	for _, t := range tensors {
		if IsQuantized(t.Name) {
			if err := checkGroup(t.Name, t.Shape[1], q.GroupSize); err != nil {
				return fmt.Errorf("%s: %w", model.ConfigFile, err)
			}
		}
	}
	return nil
}

// quantizedNames are the int8 tensors among a float model's, in buffer
// order.
func quantizedNames(tensors []model.Tensor) []string {
	var names []string
	for _, t := range tensors {
		if IsQuantized(t.Name) {
			names = append(names, t.Name)
		}
	}
	return names
}
