package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/tokenizer"
)

// Trained is a checkpoint ready to use: the model, the tokenizer its ids
// mean and, for a fine-tuned model, its head's labels.
type Trained struct {
	Dir       string // the checkpoint directory
	Model     *model.Model
	Tokenizer *tokenizer.Tokenizer
	Kind      string   // "pretrain" or "finetune" ("" for a checkpoint not written by tutor train)
	Objective string   // pre-training's objective
	Head      string   // fine-tuning's head
	Labels    []string // the head's labels, in output order
	vocab     *vocabFile
	config    *Config // the training config the checkpoint records, if any
}

// OpenOptions are the choices made when a trained model is opened.
type OpenOptions struct {
	// Tokenizer overrides where tokenizer.json is looked for (by default
	// in the checkpoint directory, then in its run directory).
	Tokenizer string
	// MaxB is the largest batch the model will see (default 1).
	MaxB int
	// Ops computes the model (nil: model.FastOps); the browser's engine
	// passes its SIMD128 kernels.
	Ops *model.Ops
}

// Open loads a checkpoint for inference. dir is a checkpoint directory or
// a run directory, whose best/ (or else latest/) is used.
func Open(dir string, opt OpenOptions) (*Trained, error) {
	ckDir, err := checkpointDir(dir)
	if err != nil {
		return nil, err
	}
	ck, err := model.Load(ckDir, opt.modelOptions())
	if err != nil {
		return nil, err
	}
	tokPath := opt.Tokenizer
	if tokPath == "" {
		if tokPath, err = findTokenizer(ckDir); err != nil {
			return nil, fmt.Errorf("%w; or pass --tokenizer", err)
		}
	}
	vocab, err := readTokenizer(tokPath)
	if err != nil {
		return nil, err
	}
	return newTrained(ck, vocab, ckDir, tokPath)
}

// OpenFS loads a checkpoint for inference from a file system holding its
// files and its tokenizer.json side by side, as the browser holds a
// verified model bundle in memory. name says what it is in messages.
func OpenFS(fsys fs.FS, name string, opt OpenOptions) (*Trained, error) {
	ck, err := model.LoadFS(fsys, opt.modelOptions())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	data, err := fs.ReadFile(fsys, TokenizerFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	vocab, err := parseTokenizer(data, name+"/"+TokenizerFile)
	if err != nil {
		return nil, err
	}
	return newTrained(ck, vocab, name, vocab.path)
}

func (opt OpenOptions) modelOptions() model.Options {
	return model.Options{Inference: true, MaxB: max(opt.MaxB, 1), Ops: opt.Ops}
}

// newTrained checks that vocab is the tokenizer ck was trained with and
// reads the training state ck's manifest records.
func newTrained(ck *model.Checkpoint, vocab *vocabFile, ckDir, tokPath string) (*Trained, error) {
	if sha := ck.State[stateTokenizer]; sha != "" && sha != vocab.sha {
		return nil, fmt.Errorf("%s is not the tokenizer %s was trained with (sha256 %s…, not %s…); pass the run's tokenizer.json", tokPath, ckDir, sha[:12], vocab.sha[:12])
	}
	if ck.Model.Config.V < vocab.tok.VocabSize() {
		return nil, fmt.Errorf("%s has %d tokens but the model only %d; pass the tokenizer the model was trained with", tokPath, vocab.tok.VocabSize(), ck.Model.Config.V)
	}
	t := &Trained{Dir: ckDir, Model: ck.Model, Tokenizer: vocab.tok, vocab: vocab,
		Kind: ck.State[stateKind], Objective: ck.State[stateObjective], Head: ck.State[stateHead]}
	if s := ck.State[stateLabels]; s != "" {
		if err := json.Unmarshal([]byte(s), &t.Labels); err != nil {
			return nil, fmt.Errorf("%s: the labels in its manifest are damaged: %v", ckDir, err)
		}
	}
	if s := ck.State[stateConfig]; s != "" {
		var c Config
		if json.Unmarshal([]byte(s), &c) == nil {
			t.config = &c
		}
	}
	return t, nil
}

// SeqLen is the sequence length the model was trained at (the run's
// seq_len), which may be shorter than the positions it has: positions past
// it were never trained. Without a recorded config it is the model's T.
func (t *Trained) SeqLen() int {
	if t.config != nil && t.config.SeqLen > 0 && t.config.SeqLen <= t.Model.Config.T {
		return t.config.SeqLen
	}
	return t.Model.Config.T
}

// checkpointDir finds the checkpoint a path names: the path itself, or a
// run directory's best/ or latest/.
func checkpointDir(dir string) (string, error) {
	for _, d := range []string{dir, filepath.Join(dir, BestDir), filepath.Join(dir, LatestDir)} {
		if _, err := os.Stat(filepath.Join(d, model.ManifestFile)); err == nil {
			return d, nil
		}
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no checkpoint at %s: the directory does not exist", dir)
	}
	return "", fmt.Errorf("no checkpoint at %s: it has no %s, and no %s/ or %s/ run checkpoint; train one with `tutor train`", dir, model.ManifestFile, BestDir, LatestDir)
}

// CheckpointDir is the checkpoint a path names, as Open finds it: the
// path itself, or a run directory's best/ (or else latest/).
func CheckpointDir(dir string) (string, error) { return checkpointDir(dir) }

// FindTokenizer is the tokenizer.json Open uses for the checkpoint
// directory ckDir: the one in it, or else the one in its run directory.
func FindTokenizer(ckDir string) (string, error) { return findTokenizer(ckDir) }

// findTokenizer looks for tokenizer.json in a checkpoint directory and
// then in the run directory above it.
func findTokenizer(ckDir string) (string, error) {
	for _, d := range []string{ckDir, filepath.Dir(ckDir)} {
		p := filepath.Join(d, TokenizerFile)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no %s in %s or its parent directory", TokenizerFile, ckDir)
}

// GenerateOptions say how to continue a prompt.
type GenerateOptions struct {
	MaxTokens   int     // at most this many new tokens (default 64)
	Temperature float32 // 0: greedy; otherwise sample from softmax(logits/Temperature)
	TopK        int     // sample among the K most likely (0: all)
	Seed        uint64  // the sampler's seed
}

// Generate continues prompt (after the end-of-text token that begins every
// document) until MaxTokens or an end-of-text token. emit, if set,
// receives the new text as it grows, in whole UTF-8 characters. It returns
// the continuation.
func (t *Trained) Generate(prompt string, o GenerateOptions, emit func(string)) (string, error) {
	if o.MaxTokens == 0 {
		o.MaxTokens = 64
	}
	if o.MaxTokens < 0 {
		return "", fmt.Errorf("max tokens %d must be positive", o.MaxTokens)
	}
	sampler, err := model.NewSampler(t.Model.Config.V, o.Temperature, o.TopK, o.Seed)
	if err != nil {
		return "", err
	}
	ids := []int32{tokenizer.EndOfText}
	for _, id := range t.Tokenizer.Encode(prompt) {
		ids = append(ids, int32(id))
	}
	g := t.Model.NewGenerator()
	logits, err := g.Feed(ids...)
	if err != nil {
		return "", err
	}
	var out []int
	shown := 0
	for range o.MaxTokens {
		tok := sampler.Next(logits)
		if tok == tokenizer.EndOfText {
			break
		}
		out = append(out, int(tok))
		text := t.Tokenizer.DecodeText(out)
		if end := validPrefix(text); emit != nil && end > shown {
			emit(strings.ToValidUTF8(text[shown:end], "\uFFFD"))
			shown = end
		}
		if logits, err = g.Feed(tok); err != nil {
			return "", err
		}
	}
	text := t.Tokenizer.DecodeText(out)
	if emit != nil && shown < len(text) {
		emit(strings.ToValidUTF8(text[shown:], "\uFFFD"))
	}
	return text, nil
}

// validPrefix is the length of s without a last character that is not
// complete yet (a token may hold part of one).
func validPrefix(s string) int {
	for i := len(s) - 1; i >= 0 && i >= len(s)-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			if utf8.FullRuneInString(s[i:]) {
				return len(s)
			}
			return i
		}
	}
	return len(s)
}

// EvalOptions say what to evaluate a trained model on.
type EvalOptions struct {
	// Data is a corpus build directory (its val shards), a text file, or a
	// labelled JSONL file; empty means the validation data of the
	// training run, as its checkpoint records it.
	Data string
	// Task is causal, masked, classification or tagging; empty means the
	// model's head, or else its pre-training objective.
	Task      string
	BatchSize int // default 8, at most OpenOptions.MaxB
	SeqLen    int // default the model's max_seq_len
	// MaxTokens uses only the first N tokens of the text data (0: all).
	MaxTokens int64
}

// EvalResult is what Evaluate measured.
type EvalResult struct {
	Data       string  `json:"data"`
	Task       string  `json:"task"`
	Loss       float64 `json:"loss"`                 // mean cross-entropy, nats per target
	Perplexity float64 `json:"perplexity,omitempty"` // exp(loss), language modelling
	// UnigramLoss is the baseline of report.json's unigram_val_loss on the
	// same targets, when the data is a corpus build (whose training split
	// gives the frequencies).
	UnigramLoss float64      `json:"unigram_loss,omitempty"`
	Targets     int          `json:"targets"` // tokens or labels scored
	Report      *ClassReport `json:"classification_report,omitempty"`
}

// Evaluate scores the model on validation data.
func (t *Trained) Evaluate(o EvalOptions) (*EvalResult, error) {
	task := o.Task
	if task == "" {
		task = t.Head
	}
	if task == "" {
		task = ObjectiveCausal
		if t.Objective == ObjectiveMasked {
			task = ObjectiveMasked
		}
	}
	if o.BatchSize == 0 {
		o.BatchSize = min(8, t.Model.MaxB)
	}
	if o.BatchSize > t.Model.MaxB {
		return nil, fmt.Errorf("batch size %d is more than the model was opened for (%d)", o.BatchSize, t.Model.MaxB)
	}
	if o.SeqLen == 0 {
		o.SeqLen = t.Model.Config.T
	}
	if o.SeqLen > t.Model.Config.T {
		return nil, fmt.Errorf("sequence length %d is longer than the model's %d", o.SeqLen, t.Model.Config.T)
	}
	data, err := t.defaultData(o.Data, task)
	if err != nil {
		return nil, err
	}
	cfg := &Config{BatchSize: o.BatchSize, SeqLen: o.SeqLen, MaskRate: 0.15, Objective: task, Head: task}
	var ds dataset
	switch task {
	case ObjectiveCausal, ObjectiveMasked:
		ds, err = t.streamData(data, cfg, o.MaxTokens)
	case HeadClassification, HeadTagging:
		ds, err = t.labelledData(data, cfg)
	default:
		return nil, fmt.Errorf("unknown task %q: use causal, masked, classification or tagging", task)
	}
	if err != nil {
		return nil, err
	}
	ev, err := ds.evaluate(t.Model)
	if err != nil {
		return nil, err
	}
	res := &EvalResult{Data: data, Task: task, Loss: ev.Loss, Targets: ev.Targets, Report: ev.Report, UnigramLoss: ev.Baseline}
	if ev.Report == nil {
		res.Perplexity = math.Exp(ev.Loss)
	}
	return res, nil
}

// defaultData is the data to evaluate on: the given path, or the training
// run's validation data.
func (t *Trained) defaultData(data, task string) (string, error) {
	if data != "" {
		return data, nil
	}
	c := t.config
	switch {
	case c == nil:
	case task == HeadClassification || task == HeadTagging:
		data = c.Data.Val
	case c.Data.Corpus != "":
		data = c.Data.Corpus
	default:
		data = c.Data.ValText
	}
	if data == "" {
		return "", errors.New("no validation data recorded in the checkpoint for this task; pass --data")
	}
	if _, err := os.Stat(data); err != nil {
		return "", fmt.Errorf("the run's validation data %s is not here (%v); pass --data", data, err)
	}
	return data, nil
}

// streamData is language-modelling validation data: a corpus build's val
// split or a text file.
func (t *Trained) streamData(path string, cfg *Config, maxTokens int64) (dataset, error) {
	var train, val []uint16
	var err error
	if st, serr := os.Stat(path); serr == nil && st.IsDir() {
		// The training split gives the unigram baseline; it is read only
		// for that.
		if train, err = readSplit(path, "train", t.vocab); err == nil {
			val, err = readSplit(path, "val", t.vocab)
		}
	} else if strings.HasSuffix(path, ".jsonl") {
		return nil, fmt.Errorf("%s is labelled data; language modelling is evaluated on a corpus directory or a text file (or pass --task)", path)
	} else {
		val, err = readText(path, t.Tokenizer)
	}
	if err != nil {
		return nil, err
	}
	d, err := newLMData(nil, firstN(val, maxTokens), cfg, t.Model.Config.V, t.Tokenizer.VocabSize())
	if err == nil && train != nil {
		d.base = tokenUnigram(train, t.Model.Config.V)
	}
	return d, err
}

// labelledData is a head's validation data.
func (t *Trained) labelledData(path string, cfg *Config) (dataset, error) {
	if len(t.Labels) == 0 {
		return nil, fmt.Errorf("%s has no %s head's labels; evaluate a model fine-tuned with tutor train", t.Dir, cfg.Head)
	}
	if (cfg.Head == HeadClassification) != (t.Model.Config.NumClasses > 0) || (cfg.Head == HeadTagging) != (t.Model.Config.NumTags > 0) {
		return nil, fmt.Errorf("%s has no %s head", t.Dir, cfg.Head)
	}
	exs, err := readExamples(path, cfg.Head)
	if err != nil {
		return nil, err
	}
	enc, _, err := encodeExamples(exs, cfg.Head, t.Labels, t.Tokenizer, cfg.SeqLen, path)
	if err != nil {
		return nil, err
	}
	return newLabelledData(nil, enc, cfg.Head, t.Labels, cfg.BatchSize, cfg.SeqLen, 0, 0), nil
}
