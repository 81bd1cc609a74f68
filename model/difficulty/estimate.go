package difficulty

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Levels are the CEFR-like levels an Estimate takes, easiest first. Level i
// covers scores from i to i+1 (C2 from 5 up).
var Levels = []string{"A1", "A2", "B1", "B2", "C1", "C2"}

// MaxScore is the top of the score scale: a sentence of very rare words.
const MaxScore = 6.0

// MaxRunes is the longest text Level accepts: a sentence or a short
// paragraph, not a book.
const MaxRunes = 2000

// Estimate is how hard a sentence is.
type Estimate struct {
	Level    string   `json:"level"` // A1 … C2
	Score    float64  `json:"score"` // 0 … MaxScore; Level is Levels[floor(Score)]
	Features Features `json:"features"`
}

// Features are what the score was computed from.
type Features struct {
	Words        int `json:"words"`         // all words, function words included
	ContentWords int `json:"content_words"` // words other than function words and names
	Names        int `json:"names"`         // capitalised words taken for names, left out
	Unknown      int `json:"unknown"`       // content words the table does not have (rarest)
	// Rarity of the content words: the natural log of their family's rank
	// in the table (ln 1000 ≈ 6.9); an unknown word counts as one past the
	// end of the table.
	MeanRarity float64 `json:"mean_rarity"`
	MaxRarity  float64 `json:"max_rarity"`
	// Shares of the content words outside the 1,000, 2,000 and 5,000
	// commonest families.
	Beyond1k float64 `json:"beyond_1k"`
	Beyond2k float64 `json:"beyond_2k"`
	Beyond5k float64 `json:"beyond_5k"`
	// ClauseMarkers counts subordinators, relative pronouns and ; or :.
	ClauseMarkers int `json:"clause_markers"`
	// Lexical and Syntactic are the two parts of the frequency score:
	// vocabulary load (a soft maximum of the words' levels) and structure
	// (length and clauses).
	Lexical   float64 `json:"lexical"`
	Syntactic float64 `json:"syntactic"`
	// Surprisal is the language model's mean surprisal per token (nats) and
	// ModelScore that surprisal on the score scale; both 0 without a model.
	Surprisal  float64 `json:"surprisal,omitempty"`
	ModelScore float64 `json:"model_score,omitempty"`
}

// Estimator scores sentences against a word table.
type Estimator struct {
	table *Table
}

// New makes an estimator from a word table.
func New(t *Table) (*Estimator, error) {
	if t == nil || t.Len() == 0 {
		return nil, errors.New("difficulty: no word table; load data/difficulty/words.tsv with LoadTable")
	}
	return &Estimator{table: t}, nil
}

// Table is the estimator's word table.
func (e *Estimator) Table() *Table { return e.table }

// The shape of the score. These are choices, explained in
// docs/DIFFICULTY.md, not fitted values.
const (
	// softness of the soft maximum over word levels: one rare word among
	// seven easy ones raises a sentence about two thirds of the way to its
	// own level.
	softness = 0.75
	// shortSentence words carry no length load; each word beyond adds
	// perWord, and each clause marker perClause; together at most
	// maxSyntactic.
	shortSentence = 10
	perWord       = 0.06
	perClause     = 0.3
	maxSyntactic  = 2.0
)

// rankAnchors map a word family's rank to a level on the score scale,
// linearly in log rank between anchors: rounded, rule-of-thumb vocabulary
// sizes at the end of each CEFR level (about 1,000 families for A1, 2,000
// for A2, 3,500 for B1, 6,000 for B2, 10,000 for C1); see
// docs/DIFFICULTY.md.
var rankAnchors = []struct{ rank, level float64 }{
	{1, 0}, {500, 0.5}, {1000, 1}, {2000, 2}, {3500, 3}, {6000, 4}, {10000, 5}, {20000, 6},
}

// WordLevel is the level (0 … MaxScore) of a word family of the given
// rank; ranks past the last anchor are MaxScore.
func WordLevel(rank int) float64 {
	r := float64(max(rank, 1))
	for i := 1; i < len(rankAnchors); i++ {
		lo, hi := rankAnchors[i-1], rankAnchors[i]
		if r <= hi.rank {
			f := (math.Log(r) - math.Log(lo.rank)) / (math.Log(hi.rank) - math.Log(lo.rank))
			return lo.level + f*(hi.level-lo.level)
		}
	}
	return MaxScore
}

// LevelOf is the level name of a score.
func LevelOf(score float64) string {
	i := int(math.Floor(score))
	return Levels[min(max(i, 0), len(Levels)-1)]
}

// Level estimates a sentence's level from word rarity and structure. A
// single word is scored as a one-word sentence (its own level). It fails on
// text with no English words, on invalid UTF-8 and on text over MaxRunes.
func (e *Estimator) Level(sentence string) (Estimate, error) {
	f, levels, err := e.features(sentence)
	if err != nil {
		return Estimate{}, err
	}
	f.Lexical = softMax(levels)
	f.Syntactic = math.Min(maxSyntactic,
		perWord*float64(max(f.Words-shortSentence, 0))+perClause*float64(f.ClauseMarkers))
	score := clampScore(f.Lexical + f.Syntactic)
	return Estimate{Level: LevelOf(score), Score: score, Features: f}, nil
}

// features reads a sentence and returns its features without the scores,
// and the level of each content word.
func (e *Estimator) features(sentence string) (Features, []float64, error) {
	var f Features
	if !utf8.ValidString(sentence) {
		return f, nil, errors.New("difficulty: the text is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(sentence); n > MaxRunes {
		return f, nil, fmt.Errorf("difficulty: the text is %d characters long; give one sentence or a short paragraph of at most %d", n, MaxRunes)
	}
	words, breaks := tokenize(sentence)
	if len(words) == 0 {
		return f, nil, fmt.Errorf("difficulty: no English words in %q; give a sentence in English", clip(strings.TrimSpace(sentence)))
	}
	f.Words, f.ClauseMarkers = len(words), breaks
	var levels []float64
	var beyond [3]int
	unknownRank := e.table.Len() + 1
	for _, w := range words {
		if clauseMarkers[w.lower] && !(w.initial && questionWords[w.lower]) {
			f.ClauseMarkers++ // "Where is it?" asks; "the town where I live" subordinates
		}
		rank, known := e.table.Rank(w.lower)
		if w.name(known) {
			f.Names++
			continue
		}
		if functionWords[w.lower] {
			continue
		}
		if !known {
			rank = unknownRank
			f.Unknown++
		}
		f.ContentWords++
		lr := math.Log(float64(rank))
		f.MeanRarity += lr
		f.MaxRarity = math.Max(f.MaxRarity, lr)
		for i, limit := range []int{1000, 2000, 5000} {
			if rank > limit {
				beyond[i]++
			}
		}
		levels = append(levels, WordLevel(rank))
	}
	if n := float64(f.ContentWords); n > 0 {
		f.MeanRarity /= n
		f.Beyond1k, f.Beyond2k, f.Beyond5k = float64(beyond[0])/n, float64(beyond[1])/n, float64(beyond[2])/n
	}
	return f, levels, nil
}

// softMax is softness·ln(mean(exp(level/softness))): the largest level
// when there is one word, pulled down by easy words around a rare one and
// up by several rare ones. A sentence of function words only is 0.
func softMax(levels []float64) float64 {
	if len(levels) == 0 {
		return 0
	}
	top := levels[0]
	for _, l := range levels {
		top = math.Max(top, l)
	}
	var sum float64
	for _, l := range levels {
		sum += math.Exp((l - top) / softness) // shifted by the top: no overflow
	}
	return top + softness*math.Log(sum/float64(len(levels)))
}

func clampScore(s float64) float64 {
	return math.Min(math.Max(s, 0), MaxScore)
}
