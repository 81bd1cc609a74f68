package checker

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/tutor-dev/tutor/model/gec"
	_ "github.com/tutor-dev/tutor/model/quant" // int8 models (tutor quantize) open like float ones
	"github.com/tutor-dev/tutor/model/train"
)

// Options are the checker's choices.
type Options struct {
	// Threshold is the least probability a tag other than KEEP needs to be
	// applied (default DefaultThreshold): higher marks fewer errors, more
	// surely.
	Threshold float64
	// Passes is how many times the text is tagged at most (default 3): a
	// word takes one tag a pass, so a word that needs two changes takes
	// two passes.
	Passes int
	// MaxChars is the longest text accepted, in characters (default 2000).
	MaxChars int
}

// The defaults of Options. DefaultThreshold is the one the released
// student tagger's threshold sweep chose on the development set of real
// learners' sentences (`tutor eval gec --sweep --data
// testdata/learner/handwritten.jsonl`, BENCHMARKS.md): F0.5 65.1 there,
// 64.8 at 0.8, 61.1 at 0.5. The blind set (handwritten2) was not used.
// A learner is better served by fewer, surer marks.
const (
	DefaultThreshold = 0.7
	DefaultPasses    = 3
	DefaultMaxChars  = 2000
)

// withDefaults fills in the defaults and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.Passes == 0 {
		o.Passes = DefaultPasses
	}
	if o.MaxChars == 0 {
		o.MaxChars = DefaultMaxChars
	}
	if err := checkThreshold(o.Threshold); err != nil {
		return o, err
	}
	if o.Passes < 1 || o.Passes > 10 {
		return o, fmt.Errorf("checker: %d passes; use 1 to 10 (3 is usual)", o.Passes)
	}
	if o.MaxChars < 1 {
		return o, fmt.Errorf("checker: the longest text is %d characters; it must be at least 1", o.MaxChars)
	}
	return o, nil
}

func checkThreshold(t float64) error {
	if math.IsNaN(t) || t < 0 {
		return fmt.Errorf("checker: threshold %v must be a probability, 0 to 1 (above 1 marks nothing)", t)
	}
	return nil
}

// Edit is one marked error: the characters [Start, End) of the text are
// replaced by Replacement. Offsets count Unicode characters, as
// model/gecscore and gec.Edit do.
type Edit struct {
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Replacement string `json:"replacement"`
	Type        string `json:"type"` // one of gec.Types
	// ExplanationZH and ExplanationEN are the rule of the explanation file
	// that fits the edit best; Example is that rule's example.
	ExplanationZH string      `json:"explanation_zh"`
	ExplanationEN string      `json:"explanation_en"`
	Example       *gec.Sample `json:"example,omitempty"`
	// Confidence is the model's probability of the tag that made the edit
	// (the smallest, when several tags made it).
	Confidence float64 `json:"confidence"`
}

// Result is a checked text: Corrected is Text with Edits applied.
type Result struct {
	Text      string `json:"text"`
	Corrected string `json:"corrected"`
	Edits     []Edit `json:"edits"`
}

// InputError is a text the checker does not take. Code is "empty",
// "too_long" or "not_english"; Message says what to do instead.
type InputError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *InputError) Error() string { return e.Message }

// The codes of InputError.
const (
	CodeEmpty      = "empty"
	CodeTooLong    = "too_long"
	CodeNotEnglish = "not_english"
)

// Checker marks and explains the errors of English texts. It is safe for
// concurrent use; checks run one at a time, since the model's buffers are
// shared.
type Checker struct {
	mu      sync.Mutex
	model   *train.Trained
	tagger  *gec.Tagger
	explain *gec.Explainer
	opt     Options
	keep    int // the index of KEEP among the labels
	seqLen  int // the most tokens the model reads at once
	start   int // the tokens of gec.Start
}

// Open loads a checker: the tagging model in modelDir (a checkpoint or a
// run directory), the word tables in lexiconDir (data/errors) and the
// explanation file at explanationsPath (data/explain/en-for-zh.json).
func Open(modelDir, lexiconDir, explanationsPath string, opt Options) (*Checker, error) {
	t, err := train.Open(modelDir, train.OpenOptions{})
	if err != nil {
		return nil, err
	}
	lx, err := gec.LoadLexicon(os.DirFS(lexiconDir))
	if err != nil {
		return nil, fmt.Errorf("word tables %s: %w", lexiconDir, err)
	}
	f, err := os.Open(explanationsPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x, err := gec.LoadExplanations(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", explanationsPath, err)
	}
	return New(t, lx, x, opt)
}

// New makes a checker of a trained tagging model. It refuses a model
// whose head is not a tagging head of grammar-error tags.
func New(t *train.Trained, lx *gec.Lexicon, x *gec.Explainer, opt Options) (*Checker, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if t.Head != train.HeadTagging || t.Model.Config.NumTags == 0 {
		return nil, fmt.Errorf("%s is not a tagging model (head %q); fine-tune a grammar-error tagger with `tutor train --config data/train/gec-student.json`", t.Dir, t.Head)
	}
	if len(t.Labels) != t.Model.Config.NumTags {
		return nil, fmt.Errorf("%s has %d labels for %d tags; the checkpoint is damaged, export it again", t.Dir, len(t.Labels), t.Model.Config.NumTags)
	}
	keep := -1
	for i, l := range t.Labels {
		if err := checkTag(l); err != nil {
			return nil, fmt.Errorf("%s: label %d: %w; the model was not trained on grammar-error tags (tutor data gec makes them)", t.Dir, i, err)
		}
		if l == gec.Keep {
			keep = i
		}
	}
	if keep < 0 {
		return nil, fmt.Errorf("%s has no %s label; the model was not trained on grammar-error tags (tutor data gec makes them)", t.Dir, gec.Keep)
	}
	start, _ := train.EncodeWords(t.Tokenizer, []string{gec.Start})
	return &Checker{model: t, tagger: gec.NewTagger(lx), explain: x, opt: opt, keep: keep,
		seqLen: t.SeqLen(), start: len(start)}, nil
}

// checkTag says whether a label is a tag of package gec: an operation and,
// except for KEEP, its error type.
func checkTag(label string) error {
	op, typ := gec.ParseTag(label)
	if op == gec.Keep {
		if typ != "" {
			return fmt.Errorf("%q: KEEP has no error type", label)
		}
		return nil
	}
	if !gec.IsType(typ) {
		return fmt.Errorf("%q has no error type after \"|\" (one of %s)", label, strings.Join(gec.Types, ", "))
	}
	switch {
	case op == gec.Delete, op == gec.CaseUpper, op == gec.CaseLower, op == gec.NounSg, op == gec.NounPl, op == gec.Spell:
		return nil
	case strings.HasPrefix(op, gec.VerbTo):
		form := strings.TrimPrefix(op, gec.VerbTo)
		for _, f := range gec.VerbForms {
			if f == form {
				return nil
			}
		}
	case strings.HasPrefix(op, gec.Replace) && len(op) > len(gec.Replace),
		strings.HasPrefix(op, gec.Append) && len(op) > len(gec.Append):
		return nil
	}
	return fmt.Errorf("%q is not a tag operation", label)
}

// Options returns the checker's options, defaults filled in.
func (c *Checker) Options() Options { return c.opt }

// Check marks the errors of text with the checker's threshold.
func (c *Checker) Check(text string) (Result, error) {
	return c.check(context.Background(), text, c.opt.Threshold, nil)
}

// CheckContext is Check that gives up, with ctx's error, when ctx is done
// before the text is checked (checks wait for one another).
func (c *Checker) CheckContext(ctx context.Context, text string) (Result, error) {
	return c.check(ctx, text, c.opt.Threshold, nil)
}

// CheckWith is Check with another threshold, so that one loaded model can
// be tried at several.
func (c *Checker) CheckWith(text string, threshold float64) (Result, error) {
	if err := checkThreshold(threshold); err != nil {
		return Result{}, err
	}
	return c.check(context.Background(), text, threshold, nil)
}

// validate refuses what the checker cannot mark: nothing, too much, or a
// text that is not English (a learner who wrote Chinese by mistake should
// be told so, not shown a page of spelling errors).
func (c *Checker) validate(text string) error {
	if strings.TrimSpace(text) == "" {
		return &InputError{CodeEmpty, "the text is empty; write a sentence in English"}
	}
	if n := utf8.RuneCountInString(text); n > c.opt.MaxChars {
		return &InputError{CodeTooLong, fmt.Sprintf("the text has %d characters; the checker takes at most %d, so send a few sentences at a time", n, c.opt.MaxChars)}
	}
	latin, letters := 0, 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Latin, r) {
				latin++
			}
		}
	}
	if letters == 0 {
		return &InputError{CodeNotEnglish, "the text has no words; write a sentence in English"}
	}
	if 2*latin < letters {
		return &InputError{CodeNotEnglish, fmt.Sprintf("the text does not look like English (%d of its %d letters are not Latin letters); the checker marks English sentences", letters-latin, letters)}
	}
	return nil
}

// IsInputError says whether err is an InputError, and returns it.
func IsInputError(err error) (*InputError, bool) {
	var ie *InputError
	ok := errors.As(err, &ie)
	return ie, ok
}
