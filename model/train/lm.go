package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/tokenizer"
)

// Salts that keep the random streams of one seed apart.
const (
	saltOrder   = 0x6f72646572 // "order": which windows or examples an epoch visits, in which order
	saltMask    = 0x6d61736b   // "mask": which tokens a masked step hides
	saltValMask = 0x76616c     // "val": the masks of validation, the same at every evaluation
)

// lmData is pre-training data: a training and a validation token stream,
// cut into windows of T+1 tokens (T inputs and their T next tokens; the
// masked objective uses the first T). An epoch visits every training
// window once in an order drawn from the seed and the epoch number.
type lmData struct {
	train, val []uint16
	B, T       int
	objective  string
	seed       uint64
	mask       model.MaskPolicy
	evalWin    int      // validation windows scored at each evaluation, spread evenly over the stream
	base       *unigram // from the training stream; nil when there is none

	order      []int // the current epoch's order of training windows
	orderEpoch int
	tokens     []int32 // (B,T) batch buffers, reused
	targets    []int32 // (B,T)
}

func newLMData(train, val []uint16, cfg *Config, V, vocab int) (*lmData, error) {
	d := &lmData{train: train, val: val, B: cfg.BatchSize, T: cfg.SeqLen, objective: cfg.Objective, seed: cfg.Seed,
		mask:       model.MaskPolicy{Rate: cfg.MaskRate, MaskID: tokenizer.Mask, NumSpecial: tokenizer.NumSpecial, V: int32(vocab)},
		orderEpoch: -1, tokens: make([]int32, cfg.BatchSize*cfg.SeqLen), targets: make([]int32, cfg.BatchSize*cfg.SeqLen)}
	if train != nil {
		if d.windows(train) < 1 {
			return nil, fmt.Errorf("the training data has %d tokens, fewer than one window of seq_len+1 = %d; add data or lower seq_len", len(train), d.T+1)
		}
		d.base = tokenUnigram(train, V)
	}
	if d.windows(val) < 1 {
		return nil, fmt.Errorf("the validation data has %d tokens, fewer than one window of seq_len+1 = %d; add data or lower seq_len", len(val), d.T+1)
	}
	d.evalWin = d.windows(val)
	if cfg.EvalBatches > 0 {
		d.evalWin = min(d.evalWin, cfg.EvalBatches*d.B)
	}
	return d, nil
}

// windows is how many windows of T+1 tokens a stream holds (consecutive
// windows share one token: the last target of one is the first input of
// the next).
func (d *lmData) windows(s []uint16) int { return (len(s) - 1) / d.T }

func (d *lmData) examplesPerEpoch() int { return d.windows(d.train) }

// task is the objective of a training step: "both" alternates, causal on
// odd steps.
func (d *lmData) task(step int) model.Task {
	if d.objective == ObjectiveMasked || (d.objective == ObjectiveBoth && step%2 == 0) {
		return model.TaskMLM
	}
	return model.TaskLM
}

// window returns the training window at position p of the whole run (p
// counts windows over all epochs).
func (d *lmData) window(p int) int {
	n := d.windows(d.train)
	epoch := p / n
	if epoch != d.orderEpoch {
		rng := rand.New(rand.NewPCG(d.seed^saltOrder, uint64(epoch)))
		d.order, d.orderEpoch = rng.Perm(n), epoch
	}
	return d.order[p%n]
}

// batch is the training batch of step (1-based): B windows, then masked or
// shifted into targets by the step's task.
func (d *lmData) batch(step int) (model.Batch, error) {
	b := model.Batch{Task: d.task(step), B: d.B, T: d.T, Tokens: d.tokens, Targets: d.targets}
	for s := range d.B {
		w := d.window((step-1)*d.B + s)
		d.fill(d.train, w, s)
	}
	if b.Task == model.TaskMLM {
		rng := rand.New(rand.NewPCG(d.seed^saltMask, uint64(step)))
		if err := model.MaskTokens(rng, d.mask, b.Tokens, b.Targets, nil, d.B, d.T); err != nil {
			return b, err
		}
	}
	return b, nil
}

// fill copies window w of stream into row s of the batch buffers, with
// next-token targets.
func (d *lmData) fill(stream []uint16, w, s int) {
	T := d.T
	win := stream[w*T : w*T+T+1]
	for t := range T {
		d.tokens[s*T+t] = int32(win[t])
		d.targets[s*T+t] = int32(win[t+1])
	}
}

// tokensIn is the number of positions a batch trains on.
func (d *lmData) tokensIn(b model.Batch) int { return b.B * b.T }

// evaluate scores evalWin validation windows with the causal
// objective (and, when training uses it, the masked one, with masks that
// are the same at every evaluation).
func (d *lmData) evaluate(m *model.Model) (evaluation, error) {
	var ev evaluation
	primary := model.TaskLM
	if d.objective == ObjectiveMasked {
		primary = model.TaskMLM
	}
	loss, base, n, err := d.score(m, primary)
	if err != nil {
		return ev, err
	}
	ev.Loss, ev.Targets = loss, n
	if d.base != nil {
		ev.Baseline = base
	}
	if d.objective == ObjectiveBoth {
		masked, _, _, err := d.score(m, model.TaskMLM)
		if err != nil {
			return ev, err
		}
		ev.MaskedLoss = &masked
	}
	return ev, nil
}

// evalWindow is the k-th validation window scored: evenly spaced, so
// that a partial validation samples every part of the stream (a corpus's
// validation split runs source after source) and not only its beginning.
func (d *lmData) evalWindow(k int) int {
	return int(int64(k) * int64(d.windows(d.val)) / int64(d.evalWin))
}

// score is the mean loss of task over the validation windows, the
// unigram baseline's mean cost of the same targets, and their number.
func (d *lmData) score(m *model.Model, task model.Task) (loss, base float64, n int, err error) {
	var sum, baseSum float64
	for first, k := 0, 0; first < d.evalWin; first, k = first+d.B, k+1 {
		B := min(d.B, d.evalWin-first)
		for s := range B {
			d.fill(d.val, d.evalWindow(first+s), s)
		}
		b := model.Batch{Task: task, B: B, T: d.T, Tokens: d.tokens[:B*d.T], Targets: d.targets[:B*d.T]}
		if task == model.TaskMLM {
			rng := rand.New(rand.NewPCG(d.seed^saltValMask, uint64(k)))
			if err := model.MaskTokens(rng, d.mask, b.Tokens, b.Targets, nil, B, d.T); err != nil {
				return 0, 0, 0, err
			}
		}
		l, err := m.Forward(b)
		if err != nil {
			return 0, 0, 0, err
		}
		scored := 0
		for _, y := range b.Targets {
			if y != model.IgnoreIndex {
				scored++
				baseSum += d.base.cost(y)
			}
		}
		sum += float64(l) * float64(scored)
		n += scored
	}
	if n == 0 {
		return 0, 0, 0, fmt.Errorf("validation scored no tokens; add validation data")
	}
	return sum / float64(n), baseSum / float64(n), n, nil
}
