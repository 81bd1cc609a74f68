package train

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tutor-dev/tutor/model"
)

// loadTeacher opens the distillation teacher the config names and checks
// that it reads the student's tokens and was fine-tuned for its head. The
// labels are checked once the student's are known (checkTeacher).
func (r *runner) loadTeacher() error {
	d := r.cfg.Distill
	if d == nil {
		return nil
	}
	dir := r.cfg.path(d.Teacher)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs // the report and the manifest say where the teacher is from anywhere
	}
	t, err := Open(dir, OpenOptions{MaxB: r.cfg.BatchSize})
	if err != nil {
		return fmt.Errorf(`"distill": teacher: %w`, err)
	}
	if t.vocab.sha != r.vocab.sha {
		return fmt.Errorf(`"distill": the teacher %s reads another tokenizer (sha256 %s…) than the student's %s (%s…); teacher and student must share one tokenizer`,
			t.Dir, t.vocab.sha[:12], r.vocab.path, r.vocab.sha[:12])
	}
	if t.Head != r.cfg.Head {
		return fmt.Errorf(`"distill": the teacher %s has head %q, not %q; distil from a teacher fine-tuned for the same head`, t.Dir, t.Head, r.cfg.Head)
	}
	if t.Model.LoRA != nil {
		if err := t.Model.Merge(); err != nil {
			return err
		}
	}
	r.teacher = t
	return nil
}

// checkTeacher checks that the teacher's head speaks the student's labels
// in the same order and reaches as far as the student's sequences, then
// scores it on the validation data for the report.
func (r *runner) checkTeacher() error {
	t := r.teacher
	if t == nil {
		return nil
	}
	if !slices.Equal(t.Labels, r.labels) {
		return fmt.Errorf(`"distill": the teacher %s has labels [%s] but the student [%s]; teacher and student must have the same labels in the same order (drop "labels" to take the teacher's)`,
			t.Dir, strings.Join(t.Labels, ", "), strings.Join(r.labels, ", "))
	}
	if t.Model.Config.T < r.cfg.SeqLen {
		return fmt.Errorf(`"distill": the teacher %s reads at most %d positions but "seq_len" is %d; lower "seq_len"`, t.Dir, t.Model.Config.T, r.cfg.SeqLen)
	}
	ev, err := r.data.evaluate(t.Model)
	if err != nil {
		return fmt.Errorf(`"distill": scoring the teacher: %w`, err)
	}
	r.teacherEv = ev
	r.prog.note("distilling from %s (%s): validation loss %.4f, accuracy %.3f; temperature %v, alpha %v",
		t.Dir, t.Model.Config, ev.Loss, ev.Report.Accuracy, r.cfg.Distill.Temperature, *r.cfg.Distill.Alpha)
	return nil
}

// teach gives a training batch the teacher's logits for its tokens
// (inference: no dropout), which make the student's loss distillation's.
func (r *runner) teach(b *model.Batch) error {
	if r.teacher == nil {
		return nil
	}
	_, err := r.teacher.Model.Forward(model.Batch{Task: b.Task, B: b.B, T: b.T, Tokens: b.Tokens, Valid: b.Valid})
	if err != nil {
		return fmt.Errorf("teacher: %w", err)
	}
	d := r.cfg.Distill
	b.Soft = &model.SoftTargets{Logits: r.teacher.Model.Output(), Temperature: float32(d.Temperature), Alpha: float32(*d.Alpha)}
	return nil
}
