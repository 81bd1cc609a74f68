package contentbuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tutor-dev/tutor/app/course"
	"github.com/tutor-dev/tutor/model/difficulty"
)

// DefaultDifficultyDir is where the difficulty estimator's word table is
// read from when Options.Difficulty is empty.
const DefaultDifficultyDir = "data/difficulty"

// grader estimates the difficulty of English items; tableSHA names the word
// table in the provenance file, as the packs depend on it.
type grader struct {
	est      *difficulty.Estimator
	tableSHA string
}

func loadGrader(dir string) (*grader, error) {
	if dir == "" {
		dir = DefaultDifficultyDir
	}
	raw, err := os.ReadFile(filepath.Join(dir, difficulty.TableFile))
	if err != nil {
		return nil, fmt.Errorf("difficulty word table: %w (run from the repository root, or rebuild it with `tutor data difficulty`)", err)
	}
	t, err := difficulty.ReadTable(strings.NewReader(string(raw)))
	if err != nil {
		return nil, err
	}
	est, err := difficulty.New(t)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	return &grader{est: est, tableSHA: hex.EncodeToString(sum[:])}, nil
}

// ItemText is the English a learner reads or writes in an item of the
// English pack: the word of a card, the gap-fill sentence with its answer in
// the gap, the expected English of a translation.
func ItemText(it course.Item) string {
	if it.Kind == course.KindCloze && len(it.Answers) > 0 {
		return strings.Replace(it.Prompt, course.Gap, it.Answers[0], 1)
	}
	if len(it.Answers) > 0 {
		return it.Answers[0]
	}
	return it.Prompt
}

// stage is an item kind's place in a lesson: cards teach the words, the
// gap-fills use them, the phrases combine them. Ordering by difficulty
// happens within a stage, so no word is asked in a sentence before its card
// was shown.
func stage(kind string) int {
	switch kind {
	case course.KindVocab:
		return 0
	case course.KindCloze:
		return 1
	}
	return 2
}

// gradeLesson records each item's estimated level and orders the items
// from easy to hard within each stage; equal scores keep their order.
func (g *grader) gradeLesson(items []course.Item) error {
	scores := make(map[string]float64, len(items))
	for i := range items {
		est, err := g.est.Level(ItemText(items[i]))
		if err != nil {
			return fmt.Errorf("item %s: %w", items[i].ID, err)
		}
		items[i].EstimatedLevel = est.Level
		scores[items[i].ID] = est.Score
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if stage(a.Kind) != stage(b.Kind) {
			return stage(a.Kind) < stage(b.Kind)
		}
		return scores[a.ID] < scores[b.ID]
	})
	return nil
}

// levelCounts is a note for the provenance file: how many items of each
// kind got each estimated level.
func levelCounts(c course.Course, tableSHA string) string {
	counts := map[string]map[string]int{}
	var kinds []string
	for _, u := range c.Units {
		for _, l := range u.Lessons {
			for _, it := range l.Items {
				if counts[it.Kind] == nil {
					counts[it.Kind] = map[string]int{}
					kinds = append(kinds, it.Kind)
				}
				counts[it.Kind][it.EstimatedLevel]++
			}
		}
	}
	sort.Slice(kinds, func(i, j int) bool { return stage(kinds[i]) < stage(kinds[j]) })
	var parts []string
	for _, k := range kinds {
		var ls []string
		for _, lv := range difficulty.Levels {
			ls = append(ls, fmt.Sprintf("%s %d", lv, counts[k][lv]))
		}
		parts = append(parts, k+": "+strings.Join(ls, ", "))
	}
	return fmt.Sprintf("Estimated levels (model/difficulty with data/difficulty/words.tsv, SHA-256 `%s`): %s.",
		tableSHA, strings.Join(parts, "; "))
}
