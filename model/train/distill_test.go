package train

import (
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model"
)

// trainTagTeacher fine-tunes the committed tiny model as a tagger for
// steps steps and returns its run directory.
func trainTagTeacher(t *testing.T, steps int) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "teacher")
	cfg := fineTuneConfig(t, HeadTagging, "")
	cfg.Epochs, cfg.Steps, cfg.EvalEvery = 0, steps, steps
	runTraining(t, cfg, out, false)
	return out
}

// studentConfig is a tagger smaller than the tiny model, trained from
// scratch on the same tokenizer and data; distil is its "distill" block,
// or "" for none.
func studentConfig(t *testing.T, steps int, distil string) *Config {
	t.Helper()
	if distil != "" {
		distil = `"distill": ` + distil + `,`
	}
	n := strconv.Itoa(steps)
	return configFrom(t, `{
		"model": {"vocab_size": 512, "max_seq_len": 64, "n_layer": 1, "n_embd": 16, "n_head": 2},
		"head": "tagging", `+distil+`
		"data": {"train": "tiny-tag-train.jsonl", "val": "tiny-tag-val.jsonl", "tokenizer": "tiny-tokenizer.json"},
		"batch_size": 16, "steps": `+n+`, "lr": 0.01, "warmup": 5, "eval_every": `+n+`, "seed": 5}`)
}

// agreement compares two taggers on the validation words: the share of
// words where their argmax tags agree, and the mean KL divergence of the
// second's tag distribution from the first's.
func agreement(t *testing.T, teacherDir, studentDir string) (agree, kl float64) {
	t.Helper()
	teacher, err := Open(teacherDir, OpenOptions{MaxB: 16})
	if err != nil {
		t.Fatal(err)
	}
	student, err := Open(studentDir, OpenOptions{MaxB: 16})
	if err != nil {
		t.Fatal(err)
	}
	exs, err := readExamples(testdata("tiny-tag-val.jsonl"), HeadTagging)
	if err != nil {
		t.Fatal(err)
	}
	enc, _, err := encodeExamples(exs, HeadTagging, teacher.Labels, teacher.Tokenizer, 64, "val")
	if err != nil {
		t.Fatal(err)
	}
	K := len(teacher.Labels)
	d := newLabelledData(nil, enc, HeadTagging, teacher.Labels, 16, 64, 0, 0)
	words := 0
	for first := 0; first < len(enc); first += 16 {
		b := d.pack(enc[first:min(first+16, len(enc))])
		mustForward(t, teacher.Model, b)
		want := slices.Clone(teacher.Model.Output())
		mustForward(t, student.Model, b)
		got := student.Model.Output()
		for i, y := range b.Targets {
			if y == model.IgnoreIndex {
				continue
			}
			w, g := want[i*K:(i+1)*K], got[i*K:(i+1)*K]
			if argmax(w) == argmax(g) {
				agree++
			}
			kl += klDivergence(w, g)
			words++
		}
	}
	return agree / float64(words), kl / float64(words)
}

func mustForward(t *testing.T, m *model.Model, b model.Batch) {
	t.Helper()
	if _, err := m.Forward(b); err != nil {
		t.Fatal(err)
	}
}

// klDivergence is KL(softmax(p) ‖ softmax(q)) of two logit rows.
func klDivergence(p, q []float32) float64 {
	lp, lq := logSoftmax(p), logSoftmax(q)
	var kl float64
	for i := range lp {
		kl += math.Exp(lp[i]) * (lp[i] - lq[i])
	}
	return kl
}

func logSoftmax(z []float32) []float64 {
	top := float64(z[argmax(z)])
	var sum float64
	for _, v := range z {
		sum += math.Exp(float64(v) - top)
	}
	out := make([]float64, len(z))
	for i, v := range z {
		out[i] = float64(v) - top - math.Log(sum)
	}
	return out
}

// TestDistillAgreesWithTeacher distils a small tagger from a fine-tuned
// tiny teacher and checks that it follows the teacher more closely than
// the same student trained for as long on the labels alone; the report
// puts the teacher beside it.
func TestDistillAgreesWithTeacher(t *testing.T) {
	teacher := trainTagTeacher(t, 12)
	const steps = 40
	plain, distilled := t.TempDir(), t.TempDir()
	runTraining(t, studentConfig(t, steps, ""), plain, false)
	rep, _ := runTraining(t, studentConfig(t, steps, `{"teacher": "`+teacher+`", "temperature": 2, "alpha": 0.9}`), distilled, false)

	agreePlain, klPlain := agreement(t, teacher, plain)
	agreeDistilled, klDistilled := agreement(t, teacher, distilled)
	t.Logf("agreement with the teacher: labels only %.3f (KL %.4f), distilled %.3f (KL %.4f)", agreePlain, klPlain, agreeDistilled, klDistilled)
	if agreeDistilled <= agreePlain || klDistilled >= klPlain {
		t.Errorf("the distilled student agrees with the teacher on %.3f of the words (KL %.4f), the student trained on labels only on %.3f (KL %.4f): distillation did not pull the student towards the teacher",
			agreeDistilled, klDistilled, agreePlain, klPlain)
	}

	tr := rep.Teacher
	if tr == nil || tr.ClassificationReport == nil {
		t.Fatalf("report has no teacher block: %+v", rep.Teacher)
	}
	if tr.Alpha != 0.9 || tr.Temperature != 2 || tr.ClassificationReport.Support != rep.ClassificationReport.Support || tr.ValLoss <= 0 {
		t.Errorf("teacher block %+v; want alpha 0.9, temperature 2 and the student's %d validation words", tr, rep.ClassificationReport.Support)
	}
	res, err := mustOpen(t, teacher).Evaluate(EvalOptions{BatchSize: 16, Data: testdata("tiny-tag-val.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Loss-tr.ValLoss) > 1e-4 || res.Report.Accuracy != tr.ClassificationReport.Accuracy {
		t.Errorf("the report says the teacher scores loss %.5f accuracy %.3f; evaluating it gives %.5f and %.3f", tr.ValLoss, tr.ClassificationReport.Accuracy, res.Loss, res.Report.Accuracy)
	}
	saved, err := ReadReport(filepath.Join(distilled, ReportFile))
	if err != nil || saved.Teacher == nil {
		t.Errorf("report.json has no teacher block (%v)", err)
	}
}

func mustOpen(t *testing.T, dir string) *Trained {
	t.Helper()
	m, err := Open(dir, OpenOptions{MaxB: 16})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDistillAlphaZeroIsFineTuning: with alpha = 0 the teacher's outputs
// count for nothing, and every step's loss and the validation are exactly
// those of ordinary fine-tuning.
func TestDistillAlphaZeroIsFineTuning(t *testing.T) {
	teacher := trainTagTeacher(t, 4)
	const steps = 8
	plainRep, plain := runTrainingWith(t, studentConfig(t, steps, ""), t.TempDir(), false, model.RefOps)
	distRep, dist := runTrainingWith(t, studentConfig(t, steps, `{"teacher": "`+teacher+`", "alpha": 0}`), t.TempDir(), false, model.RefOps)
	for step := 1; step <= steps; step++ {
		if plain[step] != dist[step] {
			t.Errorf("step %d: loss %v with alpha = 0, %v fine-tuning on the labels; they must be equal", step, dist[step], plain[step])
		}
	}
	if plainRep.ValLoss != distRep.ValLoss || plainRep.ClassificationReport.Accuracy != distRep.ClassificationReport.Accuracy {
		t.Errorf("validation: loss %v accuracy %v with alpha = 0, %v and %v fine-tuning", distRep.ValLoss, distRep.ClassificationReport.Accuracy, plainRep.ValLoss, plainRep.ClassificationReport.Accuracy)
	}
	if distRep.Teacher == nil {
		t.Error("no teacher block in the report")
	}
}

// TestDistillRefusesMismatchedTeacher: a teacher with other labels, another
// tokenizer or another head is refused before training, saying why.
func TestDistillRefusesMismatchedTeacher(t *testing.T) {
	teacher := trainTagTeacher(t, 2)
	otherTok := filepath.Join(t.TempDir(), "tokenizer.json")
	// The same vocabulary in a file of its own: a tokenizer is identified by
	// its file, so that nothing subtly different slips through.
	if err := os.WriteFile(otherTok, append(readFile(t, testdata("tiny-tokenizer.json")), '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	block := `{"teacher": "` + teacher + `"}`
	cases := []struct {
		name, want string
		edit       func(c *Config)
	}{
		{"labels", "same labels", func(c *Config) { c.Labels = []string{"O", "NAME", "FEELING"} }},
		{"tokenizer", "share one tokenizer", func(c *Config) { c.Data.Tokenizer = otherTok }},
		{"head", `has head "tagging", not "classification"`, func(c *Config) {
			c.Head, c.Data.Train, c.Data.Val = HeadClassification, "tiny-classify-train.jsonl", "tiny-classify-val.jsonl"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := studentConfig(t, 2, block)
			tc.edit(cfg)
			out := filepath.Join(t.TempDir(), "run")
			_, err := Run(context.Background(), cfg, Options{Out: out, Progress: io.Discard})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v; want one saying %q", err, tc.want)
			}
			if _, serr := os.Stat(filepath.Join(out, LatestDir)); serr == nil {
				t.Error("a refused run wrote a checkpoint")
			}
		})
	}
}

// TestDistillConfig: the "distill" block's defaults and its bad values.
func TestDistillConfig(t *testing.T) {
	cfg := studentConfig(t, 2, `{"teacher": "x"}`)
	if d := cfg.Distill; d.Temperature != 2 || *d.Alpha != 0.5 {
		t.Errorf("defaults: temperature %v alpha %v; want 2 and 0.5", d.Temperature, *d.Alpha)
	}
	for _, bad := range []struct{ block, want string }{
		{`{"teacher": "x", "alpha": 1.5}`, `"alpha" is 1.5`},
		{`{"teacher": "x", "temperature": -1}`, `"temperature" is -1`},
		{`{"alpha": 0.5}`, `needs "teacher"`},
		{`{"teacher": "x", "beta": 1}`, `unknown key "beta" in "distill"`},
	} {
		text := `{"model": "tiny", "head": "tagging", "distill": ` + bad.block + `, "data": {"train": "a", "val": "b"}, "steps": 1, "lr": 0.1}`
		if _, err := ParseConfig([]byte(text), "."); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: error %v; want one saying %q", bad.block, err, bad.want)
		}
	}
	text := `{"model": "tiny", "objective": "causal", "distill": {"teacher": "x"}, "data": {"train_text": "a", "val_text": "b"}, "steps": 1, "lr": 0.1}`
	if _, err := ParseConfig([]byte(text), "."); err == nil || !strings.Contains(err.Error(), `add a "head"`) {
		t.Errorf("distill without a head: error %v", err)
	}
}
