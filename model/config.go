package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Config is the shape of a model. It is what config.json holds.
type Config struct {
	V  int `json:"vocab_size"`  // vocabulary size
	T  int `json:"max_seq_len"` // longest sequence (number of learned positions)
	L  int `json:"n_layer"`     // transformer blocks
	C  int `json:"n_embd"`      // channels
	NH int `json:"n_head"`      // attention heads; C must be a multiple of NH

	// NumTags is the output size of the token tagging head (C → NumTags),
	// 0 for a model without one.
	NumTags int `json:"num_tags"`
	// NumClasses is the output size of the sequence classification head
	// (C → NumClasses over the mean of the valid positions' final hidden
	// states), 0 for a model without one.
	NumClasses int `json:"num_classes"`
}

// The presets of DESIGN.md, and a tiny one for tests.
var presets = map[string]Config{
	"student": {V: 8192, T: 128, L: 4, C: 256, NH: 4},    // ~5.3M parameters
	"teacher": {V: 8192, T: 256, L: 8, C: 512, NH: 8},    // ~29.5M
	"gpt2s":   {V: 32768, T: 256, L: 12, C: 768, NH: 12}, // ~110M
	// tiny trains in seconds on one core; tests and smoke runs use it.
	"tiny": {V: 512, T: 64, L: 2, C: 64, NH: 4, NumTags: 5, NumClasses: 3},
}

// Preset returns the named configuration: student, teacher, gpt2s or tiny.
func Preset(name string) (Config, error) {
	cfg, ok := presets[name]
	if !ok {
		return Config{}, fmt.Errorf("model: no preset %q; choose one of %s", name, strings.Join(PresetNames(), ", "))
	}
	return cfg, nil
}

// PresetNames lists the presets in alphabetical order.
func PresetNames() []string {
	names := make([]string, 0, len(presets))
	for n := range presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Student, Teacher, GPT2S and Tiny are the presets by name.
func Student() Config { return presets["student"] }
func Teacher() Config { return presets["teacher"] }
func GPT2S() Config   { return presets["gpt2s"] }
func Tiny() Config    { return presets["tiny"] }

// Validate says what is wrong with a configuration, if anything.
func (c Config) Validate() error {
	// The upper bounds are far beyond any model this project trains; they
	// stop a damaged or hostile config.json from asking for absurd memory
	// before anything else is checked.
	for _, d := range []struct {
		name     string
		v        int
		min, max int
	}{{"vocab_size", c.V, 1, 1 << 22}, {"max_seq_len", c.T, 1, 1 << 16}, {"n_layer", c.L, 1, 1 << 10},
		{"n_embd", c.C, 1, 1 << 16}, {"n_head", c.NH, 1, 1 << 12},
		{"num_tags", c.NumTags, 0, 1 << 20}, {"num_classes", c.NumClasses, 0, 1 << 20}} {
		if d.v < d.min || d.v > d.max {
			return fmt.Errorf("model config: %s is %d; it must be between %d and %d", d.name, d.v, d.min, d.max)
		}
	}
	if c.C%c.NH != 0 {
		return fmt.Errorf("model config: n_embd %d is not a multiple of n_head %d; pick n_head dividing n_embd", c.C, c.NH)
	}
	if n := c.NumParams(); n > 1<<31-1 {
		return fmt.Errorf("model config: %d parameters is more than one buffer can hold; make the model smaller", n)
	}
	return nil
}

// NumParams is the number of trainable numbers in the body and heads (the
// LM head is tied to the token embeddings and adds nothing). LoRA adapters
// are counted separately (LoRAConfig.NumParams).
func (c Config) NumParams() int64 {
	n := int64(0)
	for _, t := range c.layout() {
		n += int64(t.Size)
	}
	return n
}

// String is a one-line description for logs.
func (c Config) String() string {
	return fmt.Sprintf("V=%d T=%d L=%d C=%d NH=%d tags=%d classes=%d (%.2fM parameters)",
		c.V, c.T, c.L, c.C, c.NH, c.NumTags, c.NumClasses, float64(c.NumParams())/1e6)
}

// ParseConfig decodes config.json, rejecting unknown fields, and validates it.
func ParseConfig(data []byte) (Config, error) {
	f, err := parseConfigFile(data)
	return f.Config, err
}

func parseConfigFile(data []byte) (configFile, error) {
	var f configFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("config.json: %v; it must be the object written by the model package", err)
	}
	if err := f.Config.Validate(); err != nil {
		return f, fmt.Errorf("config.json: %w", err)
	}
	if f.LoRA != nil {
		if err := f.LoRA.Validate(); err != nil {
			return f, fmt.Errorf("config.json: %w", err)
		}
	}
	return f, nil
}

// configFile is config.json: the shape, and the LoRA adapters' settings
// when the checkpoint carries adapters.
type configFile struct {
	Config
	LoRA *LoRAConfig `json:"lora,omitempty"`
}
