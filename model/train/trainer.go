package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/atomicfile"
)

// Options are the choices of one invocation; the run itself is described
// by the config file.
type Options struct {
	Out    string // the run directory
	Resume bool   // continue the run in Out from its latest checkpoint
	// Progress receives the status line and messages (stderr); nil is
	// silent.
	Progress io.Writer
	// OnStep, if set, is called after every step with its training loss.
	OnStep func(step int, loss float64)
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	ops *model.Ops // tests: the kernels (nil: the model's default)
}

// ErrInterrupted is returned (wrapped) when the context ends a run early;
// latest/ then holds the step it stopped at.
var ErrInterrupted = errors.New("training interrupted")

// The names inside a run directory.
const (
	LatestDir = "latest"
	BestDir   = "best"
)

// dataset is the training and validation data of one kind of run.
type dataset interface {
	// batch is the training batch of step (1-based). Its buffers belong to
	// the dataset and are reused by the next call.
	batch(step int) (model.Batch, error)
	// evaluate scores the validation data with m (dropout off).
	evaluate(m *model.Model) (evaluation, error)
	examplesPerEpoch() int
	tokensIn(b model.Batch) int
}

// runState is the trainer's bookkeeping, kept in each checkpoint's
// manifest so that --resume picks up exactly where the run stopped.
type runState struct {
	Fingerprint  string              `json:"config_sha256"`
	Step         int                 `json:"step"`
	TokensSeen   int64               `json:"tokens_seen"`
	TrainSeconds float64             `json:"train_s"` // time in training steps (for tokens/s)
	WallSeconds  float64             `json:"wall_s"`
	LossSum      float64             `json:"loss_sum"` // training losses since the last validation
	LossSteps    int                 `json:"loss_steps"`
	Skipped      int                 `json:"skipped_steps"`
	Stopper      model.EarlyStopping `json:"early_stopping"`
	StoppedEarly bool                `json:"stopped_early"`
	ValLoss      float64             `json:"val_loss"`
	TrainLoss    float64             `json:"train_loss"`
	Baseline     float64             `json:"unigram_val_loss"`
	Curve        []CurvePoint        `json:"curve"`
	BestReport   *ClassReport        `json:"best_report,omitempty"`
}

// Keys of a checkpoint's manifest state written by this package.
const (
	stateTrainer   = "trainer"
	stateTokenizer = "tokenizer_sha256"
	stateKind      = "kind"
	stateHead      = "head"
	stateLabels    = "labels"
	stateObjective = "objective"
	stateConfig    = "train_config"
	stateTeacher   = "distilled_from"
)

// runner is one training run in progress.
type runner struct {
	cfg       *Config
	opt       Options
	now       func() time.Time
	vocab     *vocabFile
	labels    []string
	m         *model.Model
	adam      model.AdamW
	sched     model.Schedule
	data      dataset
	teacher   *Trained // distillation's teacher, or nil
	teacherEv evaluation
	total     int
	every     int
	st        runState
	prog      *progress
	start     time.Time // this invocation's start
	startStep int       // the step it started after
	wall0     float64   // WallSeconds at this invocation's start
}

// Run trains as cfg says, writing checkpoints and report.json into
// opt.Out, and returns the final report. When ctx ends first it saves the
// latest checkpoint and returns an error wrapping ErrInterrupted.
func Run(ctx context.Context, cfg *Config, opt Options) (*Report, error) {
	c := *cfg // the run fills in defaults (seq_len) without touching the caller's config
	r := &runner{cfg: &c, opt: opt, now: opt.Now}
	if r.now == nil {
		r.now = time.Now
	}
	r.start = r.now()
	r.prog = newProgress(opt.Progress, r.now)
	if err := r.prepare(); err != nil {
		return nil, err
	}
	if err := r.loop(ctx); err != nil {
		return nil, err
	}
	rep := r.report()
	r.prog.done(r.summary(rep))
	return rep, nil
}

// prepare checks the run directory, then loads the tokenizer, the model
// (fresh or resumed) and the data, and fixes the schedule.
func (r *runner) prepare() error {
	if r.opt.Out == "" {
		return errors.New("no output directory; pass --out DIR")
	}
	latest := filepath.Join(r.opt.Out, LatestDir)
	_, statErr := os.Stat(filepath.Join(latest, model.ManifestFile))
	switch {
	case r.opt.Resume && statErr != nil:
		return fmt.Errorf("nothing to resume in %s (no %s/ checkpoint); start the run without --resume", r.opt.Out, LatestDir)
	case !r.opt.Resume && statErr == nil:
		return fmt.Errorf("%s already holds a training run; pass --resume to continue it, or choose another --out", r.opt.Out)
	}
	if err := r.checkDataExists(); err != nil {
		return err
	}
	if err := os.MkdirAll(r.opt.Out, 0o755); err != nil {
		return err
	}
	if err := r.loadVocab(); err != nil {
		return err
	}
	if err := r.loadTeacher(); err != nil {
		return err
	}
	var err error
	if r.opt.Resume {
		err = r.resume(latest)
	} else {
		err = r.fresh()
	}
	if err != nil {
		return err
	}
	return r.plan()
}

// checkDataExists fails fast, before a large model is built, when a data
// file or directory of the config is missing.
func (r *runner) checkDataExists() error {
	d := r.cfg.Data
	if d.Corpus != "" {
		dir := r.cfg.path(d.Corpus)
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("no corpus at %s: build it with `tutor data corpus` (it writes data/corpus/build), or point \"data\": {\"corpus\": ...} at a build", dir)
		}
	}
	for _, f := range []struct{ key, path string }{{"train_text", d.TrainText}, {"val_text", d.ValText}, {"train", d.Train}, {"val", d.Val}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(r.cfg.path(f.path)); err != nil {
			return fmt.Errorf("\"data\": {\"%s\": ...}: %w", f.key, err)
		}
	}
	return nil
}

// loadVocab loads the run's tokenizer: the one named in the config, or
// the corpus's, or the init checkpoint's run's; a resumed run uses the
// copy in its directory.
func (r *runner) loadVocab() error {
	path := r.cfg.path(r.cfg.Data.Tokenizer)
	switch {
	case r.opt.Resume:
		path = filepath.Join(r.opt.Out, TokenizerFile)
	case path != "":
	case r.cfg.Data.Corpus != "":
		path = filepath.Join(r.cfg.path(r.cfg.Data.Corpus), TokenizerFile)
	case r.cfg.Init != "":
		ck, err := checkpointDir(r.cfg.path(r.cfg.Init))
		if err != nil {
			return fmt.Errorf(`"init": %w`, err)
		}
		if path, err = findTokenizer(ck); err != nil {
			return fmt.Errorf(`"init": %w; or set "data": {"tokenizer": ...}`, err)
		}
	default:
		return errors.New(`no tokenizer: set "data": {"tokenizer": "path/to/tokenizer.json"} (the shared one is data/tokenizer/tokenizer.json)`)
	}
	v, err := readTokenizer(path)
	if err != nil {
		return err
	}
	r.vocab = v
	return nil
}

// fresh builds the model for a new run and its optimizer and state.
func (r *runner) fresh() error {
	if r.cfg.FineTuning() {
		if err := r.chooseLabels(); err != nil {
			return err
		}
	}
	m, err := r.buildModel()
	if err != nil {
		return err
	}
	r.m = m
	r.adam = model.AdamW{Beta1: float32(*r.cfg.Beta1), Beta2: float32(*r.cfg.Beta2), Eps: 1e-8, WeightDecay: float32(*r.cfg.WeightDecay)}
	r.st = runState{Fingerprint: r.cfg.fingerprint(),
		Stopper: model.EarlyStopping{Patience: r.cfg.Patience, MinDelta: r.cfg.MinDelta}}
	return atomicfile.Write(filepath.Join(r.opt.Out, TokenizerFile), r.vocab.data)
}

// chooseLabels fixes the head's labels: the config's, or those of the
// training data.
func (r *runner) chooseLabels() error {
	if len(r.cfg.Labels) > 0 {
		r.labels = r.cfg.Labels
		return nil
	}
	if r.teacher != nil {
		r.labels = r.teacher.Labels
		return nil
	}
	exs, err := readExamples(r.cfg.path(r.cfg.Data.Train), r.cfg.Head)
	if err != nil {
		return err
	}
	r.labels = labelsOf(exs)
	if len(r.labels) < 2 {
		return fmt.Errorf("the training data has %d label(s), %v; a head needs at least two", len(r.labels), r.labels)
	}
	return nil
}

// resume reloads the latest checkpoint of the run and its state.
func (r *runner) resume(dir string) error {
	ck, err := model.Load(dir, model.Options{MaxB: r.cfg.BatchSize, Ops: r.opt.ops})
	if err != nil {
		return fmt.Errorf("resuming: %w", err)
	}
	if ck.Optimizer == nil {
		return fmt.Errorf("resuming: %s has no optimizer state; it cannot be resumed exactly (start a new run with \"init\": %q)", dir, dir)
	}
	if err := json.Unmarshal([]byte(ck.State[stateTrainer]), &r.st); err != nil {
		return fmt.Errorf("resuming: %s has no trainer state (%v); it was not written by tutor train", dir, err)
	}
	if r.st.Fingerprint != r.cfg.fingerprint() {
		return fmt.Errorf("resuming: the config differs from the one %s was trained with; restore it, or start a new run with \"init\": %q", r.opt.Out, filepath.Join(r.opt.Out, BestDir))
	}
	if sha := ck.State[stateTokenizer]; sha != r.vocab.sha {
		return fmt.Errorf("resuming: %s/%s is not the tokenizer the run started with; restore it", r.opt.Out, TokenizerFile)
	}
	if r.cfg.FineTuning() {
		if err := json.Unmarshal([]byte(ck.State[stateLabels]), &r.labels); err != nil {
			return fmt.Errorf("resuming: %s has no labels in its state: %v", dir, err)
		}
	}
	r.m, r.adam = ck.Model, *ck.Optimizer
	r.m.Dropout = float32(r.cfg.Dropout)
	r.prog.note("resuming %s at step %d", r.opt.Out, r.st.Step)
	return nil
}

// buildModel makes the model of a new run: the init checkpoint's weights
// or fresh ones, the head the config asks for, and LoRA adapters.
func (r *runner) buildModel() (*model.Model, error) {
	cfg := r.cfg
	var init *model.Checkpoint
	var mc model.Config
	if cfg.Init != "" {
		dir, err := checkpointDir(cfg.path(cfg.Init))
		if err != nil {
			return nil, fmt.Errorf(`"init": %w`, err)
		}
		if init, err = model.Load(dir, model.Options{Inference: true}); err != nil {
			return nil, fmt.Errorf(`"init": %w`, err)
		}
		if sha := init.State[stateTokenizer]; sha != "" && sha != r.vocab.sha {
			return nil, fmt.Errorf(`"init": %s was trained with another tokenizer (sha256 %s…) than %s; use that run's tokenizer.json`, dir, sha[:12], r.vocab.path)
		}
		if init.Model.LoRA != nil {
			if err := init.Model.Merge(); err != nil {
				return nil, err
			}
		}
		mc = init.Model.Config
	} else {
		var err error
		if mc, err = cfg.modelConfig(); err != nil {
			return nil, err
		}
	}
	mc.NumTags, mc.NumClasses = 0, 0
	switch cfg.Head {
	case HeadClassification:
		mc.NumClasses = len(r.labels)
	case HeadTagging:
		mc.NumTags = len(r.labels)
	}
	if mc.V < r.vocab.tok.VocabSize() {
		return nil, fmt.Errorf("the model has vocab_size %d but the tokenizer %s has %d tokens; use a model with vocab_size ≥ %d",
			mc.V, r.vocab.path, r.vocab.tok.VocabSize(), r.vocab.tok.VocabSize())
	}
	m, err := model.New(mc, model.Options{MaxB: cfg.BatchSize, Ops: r.opt.ops})
	if err != nil {
		return nil, fmt.Errorf(`"model": %w`, err)
	}
	m.InitWeights(cfg.Seed)
	if init != nil {
		if err := r.copyWeights(m, init); err != nil {
			return nil, err
		}
	}
	if cfg.LoRA != nil {
		if err := m.AttachLoRA(*cfg.LoRA, cfg.Seed); err != nil {
			return nil, err
		}
	}
	m.SeedDropout(cfg.Seed)
	m.Dropout = float32(cfg.Dropout)
	return m, nil
}

// copyWeights copies the init checkpoint's tensors into m by name. A head
// is kept only when the init was fine-tuned for the same head and labels;
// otherwise the new head starts from its fresh weights.
func (r *runner) copyWeights(m *model.Model, init *model.Checkpoint) error {
	keepHead := init.State[stateHead] == r.cfg.Head && init.State[stateLabels] == mustJSON(r.labels)
	src := &init.Model.Params
	for _, t := range m.Params.Tensors {
		isHead := hasPrefix(t.Name, "tag_head.") || hasPrefix(t.Name, "cls_head.")
		if isHead && !keepHead {
			continue
		}
		from, ok := src.Find(t.Name)
		if !ok {
			if isHead {
				continue
			}
			return fmt.Errorf(`"init" has no tensor %q; it is not a checkpoint of this model family`, t.Name)
		}
		if from.Size != t.Size {
			return fmt.Errorf(`"init": tensor %q has %d numbers, the model needs %d`, t.Name, from.Size, t.Size)
		}
		copy(t.Of(m.Params.Data), from.Of(src.Data))
	}
	return nil
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

func mustJSON(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}

// plan loads the data and fixes the run's length, schedule and
// validation interval.
func (r *runner) plan() error {
	cfg := r.cfg
	if cfg.SeqLen == 0 {
		cfg.SeqLen = r.m.Config.T
	}
	if cfg.SeqLen > r.m.Config.T {
		return fmt.Errorf(`"seq_len" %d is longer than the model's max_seq_len %d; lower it`, cfg.SeqLen, r.m.Config.T)
	}
	var err error
	if cfg.FineTuning() {
		r.data, err = r.loadLabelled()
	} else {
		r.data, err = r.loadStreams()
	}
	if err != nil {
		return err
	}
	if err := r.checkTeacher(); err != nil {
		return err
	}
	n := r.data.examplesPerEpoch()
	r.total = cfg.Steps
	if cfg.Epochs > 0 {
		r.total = max(1, int(math.Ceil(cfg.Epochs*float64(n)/float64(cfg.BatchSize))))
	}
	r.every = cfg.EvalEvery
	if r.every == 0 {
		r.every = max(1, r.total/10)
	}
	r.sched = model.Schedule{MaxLR: float32(cfg.LR), MinLR: float32(*cfg.MinLR), Warmup: cfg.Warmup, Total: r.total}
	r.wall0, r.startStep = r.st.WallSeconds, r.st.Step
	r.prog.note("training %s on %d examples of %d tokens an epoch: %d steps of %d (%.2f epochs), validation every %d steps",
		r.m.Config, n, cfg.SeqLen, r.total, cfg.BatchSize, float64(r.total*cfg.BatchSize)/float64(n), r.every)
	return nil
}

func (r *runner) loadStreams() (dataset, error) {
	d := r.cfg.Data
	var train, val []uint16
	var err error
	if d.Corpus != "" {
		train, val, err = readCorpus(r.cfg.path(d.Corpus), r.vocab)
	} else {
		if train, err = readText(r.cfg.path(d.TrainText), r.vocab.tok); err == nil {
			val, err = readText(r.cfg.path(d.ValText), r.vocab.tok)
		}
	}
	if err != nil {
		return nil, err
	}
	train, val = firstN(train, d.MaxTrainTokens), firstN(val, d.MaxValTokens)
	return newLMData(train, val, r.cfg, r.m.Config.V, r.vocab.tok.VocabSize())
}

func (r *runner) loadLabelled() (dataset, error) {
	cfg := r.cfg
	var sets [2][]example
	for i, path := range []string{cfg.path(cfg.Data.Train), cfg.path(cfg.Data.Val)} {
		exs, err := readExamples(path, cfg.Head)
		if err != nil {
			return nil, err
		}
		enc, cut, err := encodeExamples(exs, cfg.Head, r.labels, r.vocab.tok, cfg.SeqLen, path)
		if err != nil {
			return nil, err
		}
		if cut > 0 {
			r.prog.note("%s: %d of %d examples are longer than seq_len %d tokens and were cut", path, cut, len(exs), cfg.SeqLen)
		}
		sets[i] = enc
	}
	return newLabelledData(sets[0], sets[1], cfg.Head, r.labels, cfg.BatchSize, cfg.SeqLen, cfg.EvalBatches, cfg.Seed), nil
}

// maxBadSteps is how many steps in a row may have a non-finite loss or
// gradient before the run gives up.
const maxBadSteps = 5

// loop runs the steps, validating, saving and stopping as the config
// says.
func (r *runner) loop(ctx context.Context) error {
	if r.st.Step >= r.total || r.st.StoppedEarly {
		r.prog.note("the run in %s is already complete (step %d of %d)", r.opt.Out, r.st.Step, r.total)
		return nil
	}
	bad := 0
	for r.st.Step < r.total {
		if ctx.Err() != nil {
			if err := r.saveLatest(); err != nil {
				return err
			}
			r.prog.done(fmt.Sprintf("interrupted at step %d; %s/%s holds it: continue with --resume", r.st.Step, r.opt.Out, LatestDir))
			return fmt.Errorf("%w at step %d", ErrInterrupted, r.st.Step)
		}
		loss, err := r.step(r.st.Step + 1)
		if err != nil {
			return err
		}
		if finite(loss) {
			bad = 0
		} else if bad++; bad >= maxBadSteps {
			return fmt.Errorf("the loss or gradient was not finite for %d steps in a row up to step %d: training diverged; lower \"lr\" or raise \"warmup\", and resume from %s with a new run (\"init\")", bad, r.st.Step, filepath.Join(r.opt.Out, BestDir))
		}
		if r.opt.OnStep != nil {
			r.opt.OnStep(r.st.Step, loss)
		}
		if r.st.Step%r.every == 0 || r.st.Step == r.total {
			stop, err := r.validate()
			if err != nil {
				return err
			}
			if stop {
				r.st.StoppedEarly = true
				r.prog.note("stopping early at step %d: validation loss has not improved for %d validations (best %.4f at step %d)",
					r.st.Step, r.cfg.Patience, r.st.Stopper.Best, r.st.Stopper.BestStep)
				return r.saveLatest()
			}
		} else {
			r.showStatus(false)
		}
	}
	return nil
}

// step trains on the batch of step and returns its loss. A step whose
// loss or gradient norm is not finite is not applied (it would poison the
// weights) and is counted as skipped.
func (r *runner) step(step int) (float64, error) {
	t0 := r.now()
	b, err := r.data.batch(step)
	if err != nil {
		return 0, err
	}
	if err := r.teach(&b); err != nil {
		return 0, err
	}
	m := r.m
	m.Training = true
	m.ZeroGrad()
	loss32, err := m.Forward(b)
	if err != nil {
		return 0, err
	}
	if err := m.Backward(); err != nil {
		return 0, err
	}
	loss := float64(loss32)
	norm := m.ClipGradNorm(*r.cfg.Clip)
	if finite(loss) && finite(norm) {
		if err := m.Update(&r.adam, r.sched.LR(step)); err != nil {
			return 0, err
		}
		r.st.LossSum += loss
		r.st.LossSteps++
	} else {
		r.st.Skipped++
		loss = math.NaN()
	}
	r.st.Step = step
	r.st.TokensSeen += int64(r.data.tokensIn(b))
	r.st.TrainSeconds += r.now().Sub(t0).Seconds()
	r.st.WallSeconds = r.wall0 + r.now().Sub(r.start).Seconds()
	return loss, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// validate scores the validation data, records the point of the curve,
// saves the best and latest checkpoints and the report, and says whether
// early stopping calls the run off.
func (r *runner) validate() (bool, error) {
	r.m.Training = false
	ev, err := r.data.evaluate(r.m)
	if err != nil {
		return false, fmt.Errorf("validation at step %d: %w", r.st.Step, err)
	}
	if !finite(ev.Loss) {
		return false, fmt.Errorf("the validation loss at step %d is %v: training diverged; lower \"lr\" or raise \"warmup\"", r.st.Step, ev.Loss)
	}
	st := &r.st
	st.TrainLoss = math.NaN()
	if st.LossSteps > 0 {
		st.TrainLoss = st.LossSum / float64(st.LossSteps)
	}
	st.ValLoss, st.Baseline = ev.Loss, ev.Baseline
	st.LossSum, st.LossSteps = 0, 0
	st.WallSeconds = r.wall0 + r.now().Sub(r.start).Seconds()
	p := CurvePoint{Step: st.Step, Tokens: st.TokensSeen, LR: r.sched.LR(st.Step), TrainLoss: st.TrainLoss,
		ValLoss: ev.Loss, ValMasked: ev.MaskedLoss, WallS: st.WallSeconds}
	if ev.Report != nil {
		p.Accuracy, p.MacroF1 = &ev.Report.Accuracy, &ev.Report.MacroAvg.F1
	}
	if !finite(p.TrainLoss) {
		p.TrainLoss = 0 // every step since the last point was skipped; JSON has no NaN
	}
	st.Curve = append(st.Curve, p)
	if st.Stopper.Observe(st.Step, ev.Loss) {
		st.BestReport = ev.Report
		if err := r.saveBest(); err != nil {
			return false, err
		}
	}
	if err := r.saveLatest(); err != nil {
		return false, err
	}
	r.showStatus(true)
	return st.Stopper.Stop(), nil
}

func (r *runner) showStatus(force bool) {
	st := &r.st
	done := st.Step - r.startStep
	var eta time.Duration
	if done > 0 {
		per := r.now().Sub(r.start) / time.Duration(done)
		eta = per * time.Duration(r.total-st.Step)
	}
	recent := st.TrainLoss
	if st.LossSteps > 0 {
		recent = st.LossSum / float64(st.LossSteps)
	}
	r.prog.update(status{Step: st.Step, Total: r.total, Loss: recent, ValLoss: st.ValLoss,
		TokensPerS: r.tokensPerS(), ETA: eta}, force)
}

func (r *runner) tokensPerS() float64 {
	if r.st.TrainSeconds <= 0 {
		return 0
	}
	return float64(r.st.TokensSeen) / r.st.TrainSeconds
}

// state is what a checkpoint of this run records in its manifest.
func (r *runner) state() map[string]string {
	s := map[string]string{
		stateTrainer:   mustJSON(r.st),
		stateTokenizer: r.vocab.sha,
		stateKind:      r.kind(),
		stateConfig:    mustJSON(r.cfg.withResolvedPaths()),
	}
	if r.cfg.FineTuning() {
		s[stateHead], s[stateLabels] = r.cfg.Head, mustJSON(r.labels)
		if r.teacher != nil {
			s[stateTeacher] = r.teacher.Dir
		}
	} else {
		s[stateObjective] = r.cfg.Objective
	}
	return s
}

func (r *runner) kind() string {
	if r.cfg.FineTuning() {
		return "finetune"
	}
	return "pretrain"
}

// saveLatest writes the resumable checkpoint and the report.
func (r *runner) saveLatest() error {
	err := r.m.Save(filepath.Join(r.opt.Out, LatestDir), model.SaveOptions{Optimizer: &r.adam, State: r.state()})
	if err != nil {
		return err
	}
	return writeJSONFile(filepath.Join(r.opt.Out, ReportFile), r.report())
}

// saveBest writes the weights as they are now into best/, without the
// optimizer, and with LoRA adapters merged into a plain model for export.
func (r *runner) saveBest() error {
	m := r.m
	if m.LoRA != nil {
		var err error
		if m, err = mergedCopy(r.m); err != nil {
			return err
		}
	}
	return m.Save(filepath.Join(r.opt.Out, BestDir), model.SaveOptions{State: r.state()})
}

// mergedCopy is an inference copy of m with its adapters merged in.
func mergedCopy(m *model.Model) (*model.Model, error) {
	c, err := model.New(m.Config, model.Options{Inference: true, Ops: m.Ops})
	if err != nil {
		return nil, err
	}
	copy(c.Params.Data, m.Params.Data)
	if err := c.AttachLoRA(m.LoRA.Config, 0); err != nil {
		return nil, err
	}
	copy(c.LoRA.Params.Data, m.LoRA.Params.Data)
	return c, c.Merge()
}

// report is the run as report.json describes it.
func (r *runner) report() *Report {
	st := &r.st
	rep := &Report{Kind: r.kind(), Model: r.m.Config, Params: r.m.Config.NumParams(), Trainable: r.trainable(),
		Steps: st.Step, TotalSteps: r.total, TokensSeen: st.TokensSeen, StoppedEarly: st.StoppedEarly,
		TrainLoss: zeroNaN(st.TrainLoss), ValLoss: st.ValLoss, BestValLoss: st.Stopper.Best, BestStep: st.Stopper.BestStep,
		UnigramValLoss: st.Baseline, TokensPerS: r.tokensPerS(), WallS: st.WallSeconds, SkippedSteps: st.Skipped,
		Curve: st.Curve, ClassificationReport: st.BestReport, LoRA: r.cfg.LoRA}
	if n := r.data.examplesPerEpoch(); n > 0 {
		rep.Epochs = float64(st.Step*r.cfg.BatchSize) / float64(n)
	}
	if r.cfg.FineTuning() {
		rep.Head = r.cfg.Head
	} else {
		rep.Objective = r.cfg.Objective
	}
	if rep.Curve == nil {
		rep.Curve = []CurvePoint{}
	}
	if t := r.teacher; t != nil {
		d := r.cfg.Distill
		rep.Teacher = &TeacherReport{Dir: t.Dir, Temperature: d.Temperature, Alpha: *d.Alpha, Params: t.Model.Config.NumParams(),
			ValLoss: r.teacherEv.Loss, ClassificationReport: r.teacherEv.Report}
	}
	return rep
}

func zeroNaN(x float64) float64 {
	if !finite(x) {
		return 0
	}
	return x
}

// trainable counts the parameters Update changes.
func (r *runner) trainable() int64 {
	var n int64
	for _, t := range r.m.Params.Tensors {
		if t.Trainable {
			n += int64(t.Size)
		}
	}
	if r.m.LoRA != nil {
		n += int64(r.m.LoRA.Params.Len())
	}
	return n
}

// summary is the last line of a run.
func (r *runner) summary(rep *Report) string {
	s := fmt.Sprintf("trained %d steps (%s tokens) in %s at %s tok/s: train loss %.4f, val loss %.4f, best %.4f at step %d (unigram baseline %.4f)",
		rep.Steps, thousands(float64(rep.TokensSeen)), roundDuration(time.Duration(rep.WallS*float64(time.Second))), thousands(rep.TokensPerS),
		rep.TrainLoss, rep.ValLoss, rep.BestValLoss, rep.BestStep, rep.UnigramValLoss)
	if rep.ClassificationReport != nil {
		s += fmt.Sprintf(", accuracy %.3f, macro F1 %.3f", rep.ClassificationReport.Accuracy, rep.ClassificationReport.MacroAvg.F1)
	}
	if t := rep.Teacher; t != nil && t.ClassificationReport != nil {
		s += fmt.Sprintf(" (teacher: val loss %.4f, accuracy %.3f, macro F1 %.3f)", t.ValLoss, t.ClassificationReport.Accuracy, t.ClassificationReport.MacroAvg.F1)
	}
	if rep.StoppedEarly {
		s += ", stopped early"
	}
	return s + "; wrote " + r.opt.Out
}
