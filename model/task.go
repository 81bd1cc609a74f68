package model

import (
	"errors"
	"fmt"
	"math"
)

// Task is what a forward pass computes: which head reads the body's output,
// what the targets mean, and whether attention is causal.
type Task int

const (
	// TaskLM is language modelling: causal attention, the tied LM head,
	// Targets (B,T) holds each position's next token.
	TaskLM Task = iota
	// TaskMLM is the masked objective: bidirectional attention, the tied LM
	// head, Targets (B,T) holds the original token at masked positions and
	// IgnoreIndex elsewhere (see MaskTokens).
	TaskMLM
	// TaskTag is token tagging: bidirectional attention, the tagging head,
	// Targets (B,T) holds each position's tag or IgnoreIndex.
	TaskTag
	// TaskClassify is sequence classification: bidirectional attention, the
	// classification head over the mean of the valid positions, Targets (B)
	// holds each sequence's class.
	TaskClassify
)

// IgnoreIndex is the target that contributes nothing to the loss.
const IgnoreIndex = -1

var taskNames = [...]string{TaskLM: "lm", TaskMLM: "mlm", TaskTag: "tag", TaskClassify: "classify"}

func (t Task) String() string {
	if t < 0 || int(t) >= len(taskNames) {
		return fmt.Sprintf("Task(%d)", int(t))
	}
	return taskNames[t]
}

// ParseTask reads a task name as written in training configs: lm, mlm, tag
// or classify.
func ParseTask(s string) (Task, error) {
	for i, n := range taskNames {
		if n == s {
			return Task(i), nil
		}
	}
	return 0, fmt.Errorf("unknown task %q: use lm, mlm, tag or classify", s)
}

// Causal says whether the task's attention only looks back.
func (t Task) Causal() bool { return t == TaskLM }

// Batch is one forward pass's input.
type Batch struct {
	Task Task
	B, T int
	// Tokens is (B,T).
	Tokens []int32
	// Targets is (B,T) for TaskLM, TaskMLM and TaskTag and (B) for
	// TaskClassify; nil computes the head's logits without a loss.
	// Targets at padding positions are ignored whatever they hold.
	Targets []int32
	// Valid is (B): sequence b's real tokens are its first Valid[b]
	// positions, the rest is padding that nothing attends to and no loss
	// reads. nil means every position is real.
	Valid []int
	// Soft, with Targets on a tagging or classification batch, makes the
	// loss knowledge distillation's (ref.DistillForward): the teacher's
	// softened logits and the hard labels, at the positions that have a
	// label.
	Soft *SoftTargets
}

// SoftTargets are a teacher's outputs for a batch and how much they count.
type SoftTargets struct {
	// Logits are the teacher's head logits for the batch's tokens, shaped
	// as the student's Output: (B,T,NumTags) or (B,NumClasses).
	Logits []float32
	// Temperature softens both distributions (> 0; 1 leaves them be).
	Temperature float32
	// Alpha is the soft term's weight in [0,1]; the hard labels get 1-Alpha.
	Alpha float32
}

// check says what is wrong with a batch for model cfg with room for maxB
// sequences, in words that point at the data.
func (b *Batch) check(cfg Config, maxB int) error {
	if b.Task < TaskLM || b.Task > TaskClassify {
		return fmt.Errorf("batch: unknown task %d", int(b.Task))
	}
	if b.B < 1 || b.B > maxB {
		return fmt.Errorf("batch: B=%d sequences, but the model was built for 1 to %d (Options.MaxB)", b.B, maxB)
	}
	if b.T < 1 || b.T > cfg.T {
		return fmt.Errorf("batch: T=%d positions, but the model has %d (max_seq_len); cut the sequences", b.T, cfg.T)
	}
	if b.Task == TaskTag && cfg.NumTags == 0 {
		return fmt.Errorf("batch: a tagging batch for a model without a tagging head; set num_tags in the config")
	}
	if b.Task == TaskClassify && cfg.NumClasses == 0 {
		return fmt.Errorf("batch: a classification batch for a model without a classification head; set num_classes in the config")
	}
	if len(b.Tokens) != b.B*b.T {
		return fmt.Errorf("batch: %d tokens for B=%d, T=%d; want %d", len(b.Tokens), b.B, b.T, b.B*b.T)
	}
	for i, tok := range b.Tokens {
		if tok < 0 || int(tok) >= cfg.V {
			return fmt.Errorf("batch: token %d at sequence %d position %d is outside the vocabulary [0,%d); tokenize the data with this model's tokenizer",
				tok, i/b.T, i%b.T, cfg.V)
		}
	}
	if err := b.checkValid(); err != nil {
		return err
	}
	if err := b.checkTargets(cfg); err != nil {
		return err
	}
	return b.checkSoft(cfg)
}

func (b *Batch) checkSoft(cfg Config) error {
	s := b.Soft
	if s == nil {
		return nil
	}
	want := b.B * b.T * cfg.NumTags
	switch {
	case b.Task != TaskTag && b.Task != TaskClassify:
		return fmt.Errorf("batch: soft targets for a %s batch; distillation is for the tagging and classification heads", b.Task)
	case b.Targets == nil:
		return errors.New("batch: soft targets without Targets; distillation scores the positions that have a label")
	case b.Task == TaskClassify:
		want = b.B * cfg.NumClasses
	}
	if len(s.Logits) != want {
		return fmt.Errorf("batch: %d teacher logits for a %s batch with B=%d, T=%d; want %d (the teacher's head must have the student's labels)", len(s.Logits), b.Task, b.B, b.T, want)
	}
	if !(s.Temperature > 0) || math.IsInf(float64(s.Temperature), 0) {
		return fmt.Errorf("batch: distillation temperature %v must be a number > 0", s.Temperature)
	}
	if !(s.Alpha >= 0 && s.Alpha <= 1) {
		return fmt.Errorf("batch: distillation alpha %v must be in [0,1]", s.Alpha)
	}
	return nil
}

func (b *Batch) checkValid() error {
	if b.Valid == nil {
		return nil
	}
	if len(b.Valid) != b.B {
		return fmt.Errorf("batch: %d valid lengths for B=%d sequences", len(b.Valid), b.B)
	}
	for i, n := range b.Valid {
		if n < 1 || n > b.T {
			return fmt.Errorf("batch: sequence %d has valid length %d; it must be between 1 and T=%d (drop empty sequences)", i, n, b.T)
		}
	}
	return nil
}

func (b *Batch) checkTargets(cfg Config) error {
	if b.Targets == nil {
		return nil
	}
	want, classes, what := b.B*b.T, cfg.V, "token"
	switch b.Task {
	case TaskTag:
		classes, what = cfg.NumTags, "tag"
	case TaskClassify:
		want, classes, what = b.B, cfg.NumClasses, "class"
	}
	if len(b.Targets) != want {
		return fmt.Errorf("batch: %d targets for a %s batch with B=%d, T=%d; want %d", len(b.Targets), b.Task, b.B, b.T, want)
	}
	for i, y := range b.Targets {
		if y == IgnoreIndex && b.Task != TaskClassify {
			continue
		}
		if y < 0 || int(y) >= classes {
			return fmt.Errorf("batch: target %d at index %d is not a %s in [0,%d)%s", y, i, what, classes, ignoreHint(b.Task))
		}
	}
	return nil
}

func ignoreHint(t Task) string {
	if t == TaskClassify {
		return "; every sequence needs a class"
	}
	return " nor -1 (ignore)"
}

// validLen is sequence b's number of real positions.
func (b *Batch) validLen(i int) int {
	if b.Valid == nil {
		return b.T
	}
	return b.Valid[i]
}
