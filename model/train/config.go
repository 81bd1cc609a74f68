package train

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/tutor-dev/tutor/model"
)

// Config is a training config file (JSON). docs/TRAINING.md describes every
// key; the comments here say what each means to the loop.
type Config struct {
	// Comment is free text for the people who read the file.
	Comment string `json:"comment,omitempty"`

	// Model is the shape to train from scratch: a preset name ("student",
	// "teacher", "gpt2s", "tiny") or an inline object with config.json's
	// fields. Leave it out when Init names a checkpoint.
	Model json.RawMessage `json:"model,omitempty"`
	// Init is a checkpoint (or a run directory, whose best/ is used) to
	// start from.
	Init string `json:"init,omitempty"`

	// Objective is what pre-training optimises: "causal" (next token),
	// "masked" (BERT's masked tokens, bidirectional attention) or "both",
	// alternating step by step. Used when Head is empty.
	Objective string `json:"objective,omitempty"`
	// Head is what fine-tuning trains: "classification" (one label per
	// text) or "tagging" (one tag per word) on labelled JSONL.
	Head string `json:"head,omitempty"`
	// Labels are the head's classes in order; empty means the sorted
	// labels found in the training data.
	Labels []string `json:"labels,omitempty"`
	// LoRA, when set, trains low-rank adapters (and the head) instead of
	// the whole body.
	LoRA *model.LoRAConfig `json:"lora,omitempty"`
	// Distill, when set, trains the head on a fine-tuned teacher's
	// softened outputs as well as the labels.
	Distill *DistillConfig `json:"distill,omitempty"`

	Data DataConfig `json:"data"`

	BatchSize int `json:"batch_size,omitempty"` // sequences per step (default 8)
	SeqLen    int `json:"seq_len,omitempty"`    // positions per sequence (default: the model's max_seq_len)
	// Exactly one of Steps and Epochs says how long to train.
	Steps  int     `json:"steps,omitempty"`
	Epochs float64 `json:"epochs,omitempty"`

	LR          float64  `json:"lr"`                     // peak learning rate
	MinLR       *float64 `json:"min_lr,omitempty"`       // end of the cosine (default lr/10)
	Warmup      int      `json:"warmup,omitempty"`       // steps of linear warmup
	WeightDecay *float64 `json:"weight_decay,omitempty"` // AdamW's, on matrices (default 0.1)
	Beta1       *float64 `json:"beta1,omitempty"`        // default 0.9
	Beta2       *float64 `json:"beta2,omitempty"`        // default 0.95
	Clip        *float64 `json:"clip,omitempty"`         // global gradient norm limit (default 1; 0 turns it off)
	Dropout     float64  `json:"dropout,omitempty"`
	MaskRate    float64  `json:"mask_rate,omitempty"` // masked objective: share of tokens chosen (default 0.15)

	EvalEvery   int     `json:"eval_every,omitempty"`   // steps between validations (default: a tenth of the run)
	EvalBatches int     `json:"eval_batches,omitempty"` // validation batches each time (default: all the validation data)
	Patience    int     `json:"patience,omitempty"`     // validations without improvement before stopping (0: never stop early)
	MinDelta    float64 `json:"min_delta,omitempty"`    // how much lower a validation loss must be to count as better
	Seed        uint64  `json:"seed,omitempty"`

	// dir is the directory of the config file; relative paths are
	// relative to it.
	dir string
}

// DataConfig says where the examples come from. Pre-training reads Corpus
// (token shards) or TrainText and ValText (plain text); fine-tuning reads
// Train and Val (JSONL).
type DataConfig struct {
	Corpus    string `json:"corpus,omitempty"`     // directory with train-000.bin, val-000.bin (tutor data corpus)
	TrainText string `json:"train_text,omitempty"` // UTF-8 text: paragraphs one a line, documents between blank lines
	ValText   string `json:"val_text,omitempty"`
	Train     string `json:"train,omitempty"` // labelled JSONL (docs/TRAINING.md gives the schema)
	Val       string `json:"val,omitempty"`
	// Tokenizer is the tokenizer.json; default: the corpus's, or the init
	// checkpoint's run's.
	Tokenizer string `json:"tokenizer,omitempty"`
	// MaxTrainTokens and MaxValTokens use only the first N tokens of a
	// split (0: all), for quick runs on a slice of the corpus.
	MaxTrainTokens int64 `json:"max_train_tokens,omitempty"`
	MaxValTokens   int64 `json:"max_val_tokens,omitempty"`
}

// DistillConfig is knowledge distillation from a teacher fine-tuned for
// the same head, labels and tokenizer. Each step's loss is, at every
// labelled position, alpha·T²·KL(softmax(teacher/T) ‖ softmax(student/T))
// + (1-alpha)·cross-entropy with the label, the teacher's logits computed
// on the same batch (ref.DistillForward).
type DistillConfig struct {
	Teacher     string   `json:"teacher"`               // checkpoint or run directory of the teacher
	Temperature float64  `json:"temperature,omitempty"` // T (default 2)
	Alpha       *float64 `json:"alpha,omitempty"`       // the soft term's weight in [0,1] (default 0.5)
}

// The objectives and heads, as written in configs.
const (
	ObjectiveCausal = "causal"
	ObjectiveMasked = "masked"
	ObjectiveBoth   = "both"

	HeadClassification = "classification"
	HeadTagging        = "tagging"
)

// LoadConfig reads and checks a config file. Relative paths in it are
// relative to the file's directory.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("training config: %w", err)
	}
	cfg, err := ParseConfig(data, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("training config %s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig decodes a config whose relative paths are relative to dir,
// fills in the defaults and checks it.
func ParseConfig(data []byte, dir string) (*Config, error) {
	if err := checkKeys(data, reflect.TypeFor[Config](), ""); err != nil {
		return nil, err
	}
	cfg := &Config{dir: dir}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(cfg); err != nil {
		return nil, fmt.Errorf("%v; the file must be one JSON object (docs/TRAINING.md lists the keys)", err)
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value; the file must be one object")
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// checkKeys rejects a key that typ (a struct with json tags) does not
// have, naming it and listing the ones it does, at any depth of nested
// objects. encoding/json would only say "unknown field".
func checkKeys(data []byte, typ reflect.Type, where string) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil // not an object: Decode reports it with its position
	}
	fields := map[string]reflect.Type{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		ft, ok := fields[key]
		if !ok {
			return fmt.Errorf("unknown key %q%s; the keys are %s", key, where, strings.Join(slices.Sorted(maps.Keys(fields)), ", "))
		}
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			if err := checkKeys(raw[key], ft, fmt.Sprintf(" in %q", key)); err != nil {
				return err
			}
		}
	}
	return nil
}

// FineTuning says whether the config trains a head on labelled data.
func (c *Config) FineTuning() bool { return c.Head != "" }

// check fills the defaults and says what is wrong, one problem at a time,
// in words that point at the key.
func (c *Config) check() error {
	if err := c.checkWhat(); err != nil {
		return err
	}
	if err := c.checkData(); err != nil {
		return err
	}
	return c.checkNumbers()
}

// checkWhat checks the model, the objective or head, and LoRA.
func (c *Config) checkWhat() error {
	switch {
	case len(c.Model) == 0 && c.Init == "":
		return errors.New(`neither "model" (a preset name or a shape) nor "init" (a checkpoint) is given; say what to train`)
	case len(c.Model) > 0 && c.Init != "":
		return errors.New(`both "model" and "init" are given; the shape comes from the init checkpoint, so drop "model"`)
	}
	if c.FineTuning() {
		if c.Head != HeadClassification && c.Head != HeadTagging {
			return fmt.Errorf(`"head" is %q; use %q or %q`, c.Head, HeadClassification, HeadTagging)
		}
		if c.Objective != "" {
			return errors.New(`"objective" is for pre-training and "head" for fine-tuning; give one of them`)
		}
	} else {
		if c.Objective == "" {
			c.Objective = ObjectiveCausal
		}
		if c.Objective != ObjectiveCausal && c.Objective != ObjectiveMasked && c.Objective != ObjectiveBoth {
			return fmt.Errorf(`"objective" is %q; use %q, %q or %q`, c.Objective, ObjectiveCausal, ObjectiveMasked, ObjectiveBoth)
		}
		if len(c.Labels) > 0 {
			return errors.New(`"labels" only make sense with a "head"`)
		}
		if c.LoRA != nil {
			return errors.New(`"lora" trains adapters for a head; pre-training trains the whole model, so drop "lora" or add a "head"`)
		}
	}
	if c.LoRA != nil {
		if err := c.LoRA.Validate(); err != nil {
			return fmt.Errorf(`"lora": %w`, err)
		}
	}
	if err := c.checkDistill(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, l := range c.Labels {
		if l == "" || seen[l] {
			return fmt.Errorf(`"labels" has an empty or repeated label %q; list each label once`, l)
		}
		seen[l] = true
	}
	return nil
}

// checkDistill checks the distillation block and fills its defaults.
func (c *Config) checkDistill() error {
	d := c.Distill
	if d == nil {
		return nil
	}
	if !c.FineTuning() {
		return errors.New(`"distill" trains a head from a teacher's outputs; add a "head" (tagging or classification)`)
	}
	if d.Teacher == "" {
		return errors.New(`"distill" needs "teacher": the checkpoint or run directory of a model fine-tuned for the same head`)
	}
	if d.Temperature == 0 {
		d.Temperature = 2
	}
	if d.Alpha == nil {
		half := 0.5
		d.Alpha = &half
	}
	if math.IsNaN(d.Temperature) || d.Temperature <= 0 || d.Temperature > 100 {
		return fmt.Errorf(`"distill": "temperature" is %v; it must be > 0 and ≤ 100 (1 to 4 is usual)`, d.Temperature)
	}
	if a := *d.Alpha; math.IsNaN(a) || a < 0 || a > 1 {
		return fmt.Errorf(`"distill": "alpha" is %v; it must be between 0 (labels only) and 1 (teacher only)`, a)
	}
	return nil
}

// checkData checks that the data keys fit the kind of training.
func (c *Config) checkData() error {
	d := &c.Data
	if c.FineTuning() {
		if d.Train == "" || d.Val == "" {
			return errors.New(`fine-tuning needs "data": {"train": FILE.jsonl, "val": FILE.jsonl}`)
		}
		if d.Corpus != "" || d.TrainText != "" || d.ValText != "" {
			return errors.New(`"data" has pre-training text ("corpus", "train_text" or "val_text") in a fine-tuning config; fine-tuning reads "train" and "val"`)
		}
	} else {
		text := d.TrainText != "" || d.ValText != ""
		switch {
		case d.Train != "" || d.Val != "":
			return errors.New(`"data" has labelled JSONL ("train", "val") but no "head"; add a "head" or use "corpus" or "train_text" and "val_text"`)
		case d.Corpus != "" && text:
			return errors.New(`"data" names both a "corpus" and text files; use one`)
		case d.Corpus == "" && !text:
			return errors.New(`pre-training needs "data": {"corpus": DIR} (token shards built by tutor data corpus) or "train_text" and "val_text"`)
		case text && (d.TrainText == "" || d.ValText == ""):
			return errors.New(`"data" needs both "train_text" and "val_text"`)
		}
	}
	if d.MaxTrainTokens < 0 || d.MaxValTokens < 0 {
		return errors.New(`"max_train_tokens" and "max_val_tokens" must be ≥ 0 (0 means all)`)
	}
	return nil
}

// checkNumbers checks the numeric settings and fills their defaults.
func (c *Config) checkNumbers() error {
	if c.BatchSize == 0 {
		c.BatchSize = 8
	}
	def := func(p **float64, v float64) {
		if *p == nil {
			*p = &v
		}
	}
	def(&c.MinLR, c.LR/10)
	def(&c.WeightDecay, 0.1)
	def(&c.Beta1, 0.9)
	def(&c.Beta2, 0.95)
	def(&c.Clip, 1)
	if c.MaskRate == 0 {
		c.MaskRate = 0.15
	}
	for _, r := range []struct {
		key      string
		v        float64
		min, max float64
		open     bool // the upper bound is excluded
	}{
		{"batch_size", float64(c.BatchSize), 1, 1 << 16, false},
		{"seq_len", float64(c.SeqLen), 0, 1 << 16, false},
		{"steps", float64(c.Steps), 0, 1 << 31, false},
		{"epochs", c.Epochs, 0, 1e6, false},
		{"lr", c.LR, 0, 10, false},
		{"min_lr", *c.MinLR, 0, 10, false},
		{"warmup", float64(c.Warmup), 0, 1 << 31, false},
		{"weight_decay", *c.WeightDecay, 0, 10, false},
		{"beta1", *c.Beta1, 0, 1, true},
		{"beta2", *c.Beta2, 0, 1, true},
		{"clip", *c.Clip, 0, 1e9, false},
		{"dropout", c.Dropout, 0, 1, true},
		{"mask_rate", c.MaskRate, 0, 1, false},
		{"eval_every", float64(c.EvalEvery), 0, 1 << 31, false},
		{"eval_batches", float64(c.EvalBatches), 0, 1 << 31, false},
		{"patience", float64(c.Patience), 0, 1 << 20, false},
		{"min_delta", c.MinDelta, 0, 1e9, false},
	} {
		if math.IsNaN(r.v) || r.v < r.min || r.v > r.max || (r.open && r.v == r.max) {
			hi := "≤"
			if r.open {
				hi = "<"
			}
			return fmt.Errorf("%q is %v; it must be ≥ %v and %s %v", r.key, r.v, r.min, hi, r.max)
		}
	}
	switch {
	case c.LR <= 0:
		return errors.New(`"lr" must be given and > 0 (e.g. 3e-4 for the student, 1e-3 for tiny models)`)
	case (c.Steps > 0) == (c.Epochs > 0):
		return errors.New(`give exactly one of "steps" and "epochs" to say how long to train`)
	case *c.MinLR > c.LR:
		return fmt.Errorf(`"min_lr" %v is above "lr" %v; the schedule decays from lr to min_lr`, *c.MinLR, c.LR)
	}
	return nil
}

// path resolves a path of the config file.
func (c *Config) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

// fingerprint is the SHA-256 of the config as checked (defaults filled
// in, paths as written, the comment left out): --resume refuses a run whose config changed,
// because its numbers would no longer be those of one run.
func (c *Config) fingerprint() string {
	k := *c
	k.Comment = ""
	data, _ := json.Marshal(k)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// modelConfig is the shape named by Model: a preset or an inline object.
func (c *Config) modelConfig() (model.Config, error) {
	var name string
	if err := json.Unmarshal(c.Model, &name); err == nil {
		mc, err := model.Preset(name)
		if err != nil {
			return mc, fmt.Errorf(`"model": %w`, err)
		}
		return mc, nil
	}
	mc, err := model.ParseConfig(c.Model)
	if err != nil {
		return mc, fmt.Errorf(`"model" is neither a preset name nor a shape: %w`, err)
	}
	return mc, nil
}

// withResolvedPaths is the config with every data path made absolute, as
// the checkpoint records it for `tutor eval`'s default data.
func (c *Config) withResolvedPaths() Config {
	r := *c
	abs := func(p string) string {
		if p == "" {
			return ""
		}
		a, err := filepath.Abs(c.path(p))
		if err != nil {
			return c.path(p)
		}
		return a
	}
	d := &r.Data
	d.Corpus, d.TrainText, d.ValText = abs(d.Corpus), abs(d.TrainText), abs(d.ValText)
	d.Train, d.Val, d.Tokenizer = abs(d.Train), abs(d.Val), abs(d.Tokenizer)
	r.Init = abs(r.Init)
	if r.Distill != nil {
		d := *r.Distill
		d.Teacher = abs(d.Teacher)
		r.Distill = &d
	}
	r.dir = ""
	return r
}
