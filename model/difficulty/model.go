package difficulty

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// LanguageModel is a causal language model that says how surprising each
// token of a text is. model/difficulty/lm adapts a model trained with
// `tutor train` (*train.Trained) to it.
type LanguageModel interface {
	// Surprisal returns −ln p(token | the tokens before it) for each token
	// of text, in nats.
	Surprisal(text string) ([]float64, error)
}

// ModelScale puts a language model's mean surprisal on the score scale and
// says how much of the blended score it makes up. A surprisal means
// nothing on its own (it depends on the model and its tokenizer), so the
// scale is fitted per model by FitModelScale.
type ModelScale struct {
	Intercept float64 `json:"intercept"` // ModelScore = Intercept + Slope·mean surprisal
	Slope     float64 `json:"slope"`
	Weight    float64 `json:"weight"` // the model score's share of the blended score, 0 … 1
	// What the fit saw: how many sentences, and Pearson's r between mean
	// surprisal and the frequency score over them.
	Sentences   int     `json:"sentences"`
	Correlation float64 `json:"correlation"`
}

// DefaultModelWeight is the model score's share when blending: half, as
// the two measures are on an equal footing (neither is validated against
// labelled levels).
const DefaultModelWeight = 0.5

// minFitSentences is the fewest sentences a scale is fitted on.
const minFitSentences = 20

// FitModelScale fits the linear map from lm's mean surprisal to the
// frequency score by least squares over sentences (a reference set such as
// the course's example sentences), so both measures share one scale. It
// refuses a model whose surprisal does not rise with the frequency score
// (r ≤ 0.1): blending it in would only add noise.
func (e *Estimator) FitModelScale(lm LanguageModel, sentences []string) (ModelScale, error) {
	if len(sentences) < minFitSentences {
		return ModelScale{}, fmt.Errorf("difficulty: %d sentences are too few to fit a model scale; give at least %d", len(sentences), minFitSentences)
	}
	xs := make([]float64, 0, len(sentences))
	ys := make([]float64, 0, len(sentences))
	for _, s := range sentences {
		est, err := e.Level(s)
		if err != nil {
			continue // a reference sentence without English words says nothing
		}
		sur, err := meanSurprisal(lm, s)
		if err != nil {
			return ModelScale{}, err
		}
		xs, ys = append(xs, sur), append(ys, est.Score)
	}
	if len(xs) < minFitSentences {
		return ModelScale{}, fmt.Errorf("difficulty: only %d of the sentences have English words; give at least %d", len(xs), minFitSentences)
	}
	slope, intercept, r := linearFit(xs, ys)
	if !(r > 0.1) {
		return ModelScale{}, fmt.Errorf("difficulty: the model's surprisal does not rise with word rarity on these sentences (r = %.2f); it cannot help estimate difficulty", r)
	}
	return ModelScale{Intercept: intercept, Slope: slope, Weight: DefaultModelWeight, Sentences: len(xs), Correlation: r}, nil
}

// EstimateWithModel is Level with the language model blended in: the
// score is (1−Weight)·frequency score + Weight·model score, where the model
// score is the sentence's mean surprisal put on the score scale by sc.
func (e *Estimator) EstimateWithModel(sentence string, lm LanguageModel, sc ModelScale) (Estimate, error) {
	if !(sc.Weight >= 0 && sc.Weight <= 1) || math.IsNaN(sc.Slope) || math.IsNaN(sc.Intercept) {
		return Estimate{}, fmt.Errorf("difficulty: model scale weight %v must be between 0 and 1 (fit the scale with FitModelScale)", sc.Weight)
	}
	est, err := e.Level(sentence)
	if err != nil {
		return Estimate{}, err
	}
	sur, err := meanSurprisal(lm, sentence)
	if err != nil {
		return Estimate{}, err
	}
	est.Features.Surprisal = sur
	est.Features.ModelScore = clampScore(sc.Intercept + sc.Slope*sur)
	est.Score = clampScore((1-sc.Weight)*est.Score + sc.Weight*est.Features.ModelScore)
	est.Level = LevelOf(est.Score)
	return est, nil
}

// meanSurprisal is the mean of lm's per-token surprisals of text.
func meanSurprisal(lm LanguageModel, text string) (float64, error) {
	if lm == nil {
		return 0, errors.New("difficulty: no language model given")
	}
	s, err := lm.Surprisal(text)
	if err != nil {
		return 0, fmt.Errorf("difficulty: language model: %w", err)
	}
	if len(s) == 0 {
		return 0, fmt.Errorf("difficulty: the language model gave no tokens for %q", clip(text))
	}
	var sum float64
	for _, v := range s {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return 0, fmt.Errorf("difficulty: the language model gave a surprisal of %v; it must be a finite number ≥ 0", v)
		}
		sum += v
	}
	return sum / float64(len(s)), nil
}

// linearFit is the least-squares line y = slope·x + intercept and Pearson's
// r of the points (0 when either coordinate does not vary).
func linearFit(xs, ys []float64) (slope, intercept, r float64) {
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx, my = mx/n, my/n
	var sxx, syy, sxy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxx += dx * dx
		syy += dy * dy
		sxy += dx * dy
	}
	if sxx == 0 || syy == 0 {
		return 0, my, 0
	}
	slope = sxy / sxx
	return slope, my - slope*mx, sxy / math.Sqrt(sxx*syy)
}

// Spearman is Spearman's rank correlation of two equally long series
// (ties get their mean rank), for reports that compare orderings.
func Spearman(a, b []float64) float64 {
	if len(a) != len(b) || len(a) < 2 {
		return 0
	}
	_, _, r := linearFit(ranks(a), ranks(b))
	return r
}

// ranks are the 1-based ranks of xs, ties sharing their mean rank.
func ranks(xs []float64) []float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return xs[idx[i]] < xs[idx[j]] })
	out := make([]float64, len(xs))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && xs[idx[j+1]] == xs[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			out[idx[k]] = mean
		}
		i = j + 1
	}
	return out
}

// ModelComparison is what blending a language model in changes on a set of
// sentences: the fitted scale, the levels with and without the model, and
// how far they agree.
type ModelComparison struct {
	Scale         ModelScale     `json:"scale"`
	Frequency     map[string]int `json:"frequency_levels"` // sentences per level, frequency score only
	Blended       map[string]int `json:"blended_levels"`   // sentences per level, model blended in
	SameLevel     int            `json:"same_level"`       // sentences whose level the model does not change
	WithinOne     int            `json:"within_one"`       // sentences whose score moves by less than 1
	Spearman      float64        `json:"spearman"`         // rank correlation of the two scores
	Sentences     int            `json:"sentences"`
	MeanSurprisal float64        `json:"mean_surprisal"` // nats per token over the sentences
}

// CompareWithModel fits a scale for lm on sentences and reports how the
// blended estimate differs from the frequency-only one on the same
// sentences.
func (e *Estimator) CompareWithModel(lm LanguageModel, sentences []string) (ModelComparison, error) {
	sc, err := e.FitModelScale(lm, sentences)
	if err != nil {
		return ModelComparison{}, err
	}
	c := ModelComparison{Scale: sc, Frequency: map[string]int{}, Blended: map[string]int{}}
	var freq, blend []float64
	for _, s := range sentences {
		f, err := e.Level(s)
		if err != nil {
			continue
		}
		b, err := e.EstimateWithModel(s, lm, sc)
		if err != nil {
			return ModelComparison{}, err
		}
		c.Frequency[f.Level]++
		c.Blended[b.Level]++
		if f.Level == b.Level {
			c.SameLevel++
		}
		if math.Abs(f.Score-b.Score) < 1 {
			c.WithinOne++
		}
		c.MeanSurprisal += b.Features.Surprisal
		freq, blend = append(freq, f.Score), append(blend, b.Score)
	}
	c.Sentences = len(freq)
	c.MeanSurprisal /= float64(c.Sentences)
	c.Spearman = Spearman(freq, blend)
	return c, nil
}
