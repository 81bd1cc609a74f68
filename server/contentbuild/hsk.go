package contentbuild

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tutor-dev/tutor/app/course"
)

// hskEntry is one HSK word as the pack teaches it.
type hskEntry struct {
	Level    int
	Simp     string
	Numbered string   // "jue2 de5"
	Reading  string   // "juéde"
	Glosses  []string // English, main sense first
	Count    int      // SUBTLEX-CH count, for ordering
}

// meaning is the short English meaning offered in multiple-choice items.
func (e hskEntry) meaning() string {
	m := e.Glosses[0]
	if utf8.RuneCountInString(m) > 60 {
		m = string([]rune(m)[:59]) + "…"
	}
	return m
}

func (e hskEntry) id(kind string) string {
	p := strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(e.Numbered, "u:", "v"), " ", ""))
	var hex []string
	for _, r := range e.Simp {
		hex = append(hex, fmt.Sprintf("%x", r))
	}
	return fmt.Sprintf("h%d-%s-%s-%s", e.Level, p, strings.Join(hex, "."), kind)
}

// hskEntries joins the HSK list with CC-CEDICT glosses for the same word
// and reading, and orders each level by SUBTLEX-CH frequency.
func hskEntries(src *sources) ([]hskEntry, []string) {
	glosses := map[string][]string{} // simp + "|" + normalised pinyin
	for _, e := range src.cedict {
		k := e.Simp + "|" + pinyinKey(e.Pinyin)
		glosses[k] = append(glosses[k], usableGlosses(e.Glosses)...)
	}
	seen := map[string]int{}
	var out []hskEntry
	fromList := 0
	for _, w := range src.hsk {
		k := w.Simplified + "|" + pinyinKey(w.Pinyin)
		g := dedupe(glosses[k])
		if len(g) == 0 {
			g = usableGlosses(strings.Split(w.Definitions, "; "))
			fromList++
		}
		if i, dup := seen[fmt.Sprint(w.Level, k)]; dup {
			out[i].Glosses = dedupe(append(out[i].Glosses, g...))
			continue
		}
		if len(g) == 0 {
			continue
		}
		seen[fmt.Sprint(w.Level, k)] = len(out)
		out = append(out, hskEntry{Level: w.Level, Simp: w.Simplified, Numbered: w.Pinyin,
			Reading: course.PinyinWord(w.Pinyin), Glosses: g, Count: src.zhFreq[w.Simplified]})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Level != b.Level {
			return a.Level < b.Level
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Numbered+a.Simp < b.Numbered+b.Simp
	})
	notes := []string{fmt.Sprintf("%d HSK 1–3 words; %d have no CC-CEDICT entry with the same reading and use the HSK list's definitions.",
		len(out), fromList)}
	return out, notes
}

// pinyinKey compares readings across sources: lower case, ü written as v.
func pinyinKey(p string) string {
	return strings.ToLower(strings.ReplaceAll(p, "u:", "v"))
}

var classifierNote = regexp.MustCompile(`\s*\(CL:[^)]*\)`)

// withoutClassifiers removes classifier notes ("CL:個|个[ge4]") from a
// gloss, which the learner does not need to answer.
func withoutClassifiers(g string) string {
	g = classifierNote.ReplaceAllString(g, "")
	var keep []string
	for _, part := range strings.Split(g, "; ") {
		if !strings.HasPrefix(part, "CL:") {
			keep = append(keep, part)
		}
	}
	return strings.TrimSpace(strings.Join(keep, "; "))
}

// usableGlosses drops cross references, classifiers and surnames, keeping
// the meanings a learner needs; at most four.
func usableGlosses(gs []string) []string {
	var out []string
	for _, g := range gs {
		g = withoutClassifiers(strings.TrimSpace(g))
		l := strings.ToLower(g)
		if g == "" || strings.HasPrefix(l, "cl:") || strings.Contains(l, "variant of") || strings.HasPrefix(l, "surname") ||
			strings.HasPrefix(l, "see ") || strings.HasPrefix(l, "used in") || strings.HasPrefix(l, "abbr.") ||
			strings.HasPrefix(l, "also written") || strings.HasPrefix(l, "(taiwan pr.") {
			continue
		}
		out = append(out, g)
		if len(out) == 4 {
			break
		}
	}
	return out
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// buildHSK makes the Chinese HSK 1–3 pack. Every word has three items:
//
//   - vocab: the characters are shown (the English meaning as a hint), the
//     learner types the pinyin — tone marks, tone numbers or, with a Hard
//     rating, no tones (see course.Check);
//   - choice: the characters → pick the English meaning of four;
//   - choice: the English meaning → pick the characters of four.
//
// Distractors come from the same level, chosen by a hash of the two words
// so the output is stable.
func buildHSK(src *sources) (*course.Pack, []string) {
	entries, notes := hskEntries(src)
	c := course.Course{
		ID:         "zh-hsk1-3",
		Title:      "Chinese HSK 1–3 for English speakers · 汉语水平考试一至三级",
		TargetLang: "zh-CN",
		SourceLang: "en",
		Description: "The words of HSK 2.0 levels 1–3, most frequent first: read the characters and type the pinyin " +
			"(tone marks or numbers), recognise the meaning, and find the characters for a meaning.",
	}
	byLevel := map[int][]hskEntry{}
	for _, e := range entries {
		byLevel[e.Level] = append(byLevel[e.Level], e)
	}
	for level := 1; level <= 3; level++ {
		words := byLevel[level]
		u := course.Unit{ID: fmt.Sprintf("hsk%d", level), Title: fmt.Sprintf("HSK %d · HSK%s级 (%d words)", level, "一二三"[3*(level-1):3*level], len(words))}
		for start := 0; start < len(words); start += wordsPerLesson {
			lesson := words[start:min(start+wordsPerLesson, len(words))]
			u.Lessons = append(u.Lessons, hskLesson(level, len(u.Lessons)+1, lesson, words))
		}
		c.Units = append(c.Units, u)
	}
	return &course.Pack{Schema: course.SchemaVersion, Course: c}, notes
}

func hskLesson(level, n int, words, pool []hskEntry) course.Lesson {
	var names []string
	for _, w := range words[:min(4, len(words))] {
		names = append(names, w.Simp)
	}
	l := course.Lesson{
		ID:    fmt.Sprintf("hsk%d-l%02d", level, n),
		Title: fmt.Sprintf("Lesson %d · 第%d课: %s …", n, n, strings.Join(names, " ")),
	}
	lv := fmt.Sprintf("HSK%d", level)
	for _, w := range words {
		l.Items = append(l.Items, course.Item{
			ID: w.id("v"), Kind: course.KindVocab, Level: lv, Skills: []string{course.SkillPinyin, "reading"},
			Prompt: w.Simp, Answers: []string{w.Reading}, Hint: strings.Join(w.Glosses, "; "),
			Word: w.Simp, Reading: w.Reading, Gloss: strings.Join(w.Glosses, "; "),
		})
	}
	for _, w := range words {
		others := distractors(w, pool, 3)
		meanings := []string{w.meaning()}
		for _, o := range others {
			meanings = append(meanings, o.meaning())
		}
		l.Items = append(l.Items, course.Item{
			ID: w.id("m"), Kind: course.KindChoice, Level: lv, Skills: []string{"vocabulary", "meaning"},
			Prompt: w.Simp, Answers: []string{w.meaning()}, Choices: shuffled(w.Simp, meanings),
			Word: w.Simp, Reading: w.Reading, Gloss: strings.Join(w.Glosses, "; "),
		})
	}
	for _, w := range words {
		others := distractors(w, pool, 3)
		chars := []string{w.Simp}
		for _, o := range others {
			chars = append(chars, o.Simp)
		}
		l.Items = append(l.Items, course.Item{
			ID: w.id("w"), Kind: course.KindChoice, Level: lv, Skills: []string{"vocabulary", "characters"},
			Prompt: w.meaning(), Answers: []string{w.Simp}, Choices: shuffled(w.Simp+"/w", chars),
			Word: w.Simp, Reading: w.Reading, Gloss: strings.Join(w.Glosses, "; "),
		})
	}
	return l
}

// distractors picks n other words of the pool whose characters and
// meanings differ from w's and from each other.
func distractors(w hskEntry, pool []hskEntry, n int) []hskEntry {
	cands := make([]hskEntry, 0, len(pool))
	for _, o := range pool {
		if o.Simp != w.Simp && o.meaning() != w.meaning() {
			cands = append(cands, o)
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		hi, hj := hash(w.Simp+"|"+cands[i].Simp+cands[i].Numbered), hash(w.Simp+"|"+cands[j].Simp+cands[j].Numbered)
		if hi != hj {
			return hi < hj
		}
		return cands[i].Numbered < cands[j].Numbered
	})
	var out []hskEntry
	used := map[string]bool{w.Simp: true, w.meaning(): true}
	for _, o := range cands {
		if len(out) == n {
			break
		}
		if used[o.Simp] || used[o.meaning()] {
			continue
		}
		used[o.Simp], used[o.meaning()] = true, true
		out = append(out, o)
	}
	return out
}

// shuffled orders choices by a hash of each with a seed, so the right
// answer is not always first and the order is the same on every build.
func shuffled(seed string, choices []string) []string {
	out := append([]string(nil), choices...)
	sort.Slice(out, func(i, j int) bool { return hash(seed+out[i]) < hash(seed+out[j]) })
	return out
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
