package contentbuild

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/tutor-dev/tutor/app/course"
)

// Shape of the English pack.
const (
	englishWords   = 720 // words taught, most frequent first
	wordsPerUnit   = 60
	wordsPerLesson = 10
	minZhCount     = 30 // SUBTLEX-CH count (of 33.5 M words) a Chinese gloss needs to be "common"
	minPhraseCount = 40 // the same for a Chinese phrase used as a translation exercise
)

// englishLevel assigns a CEFR-like level by frequency rank among the taught
// words: no CEFR list is available in any package, and frequency is the
// usual proxy (the most frequent 120 words cover most of A1 vocabulary).
func englishLevel(rank int) string {
	switch {
	case rank < 120:
		return "A1"
	case rank < 300:
		return "A2"
	case rank < 540:
		return "B1"
	default:
		return "B2"
	}
}

// functionWords are frequent words with no useful one-word Chinese gloss
// (pronouns, determiners, prepositions, conjunctions, auxiliaries, fillers
// and contraction pieces); they are taught by grammar exercises, not cards.
var functionWords = setOf(`a about above after again against all am an and any are as at be because been
before being below between both but by can could d did do does doing don down during each either else
ever every few for from further had has have having he her here hers herself him himself his how i if in
into is it its itself just let ll m may me might mine more most must my myself neither no nor not now o
of off on once one only or other ought our ours ourselves out over own re s same shall she should so
some such t than that the their theirs them themselves then there these they this those through to too
under until up upon us ve very was we were what when where which while who whom whose why will with
would yet you your yours yourself yourselves oh yeah hey uh um okay ok yes hello hi huh wow gonna wanna
gotta ain whoa ah ha hmm mm mr mrs ms sir also another haven doesn didn isn wasn couldn wouldn shouldn
aren weren hasn hadn mustn needn even really maybe still though anyway got get gets getting
something anything nothing everything someone anyone everyone somebody anybody nobody everybody`)

// offensiveWords are left out of a classroom pack.
var offensiveWords = setOf(`fuck fucking fucked fucker shit shitty damn damned goddamn bitch bastard ass asshole
crap dick cock piss pissed slut whore pussy cunt nigger fag faggot retard bloody bullshit sexy`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// zhGloss is a Chinese word offered as the meaning of an English word.
type zhGloss struct {
	Simp, Pinyin string
	Count        int     // SUBTLEX-CH count
	Score        float64 // higher is better
	Verb         bool    // matched as "to <word>"
}

// example is a usage example and whether its part of speech agrees with
// the Chinese prompt's (a verb gloss "to ..." or not).
type example struct {
	Text    string
	SamePOS bool
}

// enWord is one English word chosen for the pack.
type enWord struct {
	Word   string
	Zh     []zhGloss // best first; Zh[0] is the prompt
	Ex     []example // example sentences containing the word, best first
	rank   int
	lesson int // index of the lesson that teaches it
}

// glossWeight discounts a match on a later sense of an entry: CC-CEDICT
// lists the main sense first, and a very common Chinese word whose fifth
// sense happens to be the English word is a poor translation of it.
// Synonyms within one sense ("big; large; great") are discounted a little
// by position too.
var glossWeight = []float64{1, 0.3, 0.12, 0.06, 0.03}

func synonymWeight(i int) float64 { return 1 / (1 + 0.25*float64(i)) }

// senses splits an entry's glosses (one per "/" field) into the synonyms
// of each sense (CC-CEDICT separates them with "; ").
func senses(glosses []string) [][]string {
	out := make([][]string, len(glosses))
	for i, g := range glosses {
		out[i] = strings.Split(g, "; ")
	}
	return out
}

// invertCedict maps a cleaned English gloss ("house", "go home") to the
// common Chinese words that have it, best first.
func invertCedict(entries []cedictEntry, zhFreq, pinlu map[string]int) map[string][]zhGloss {
	inv := map[string][]zhGloss{}
	share := readingShares(entries, pinlu)
	for i, e := range entries {
		n := zhFreq[e.Simp]
		if e.properNoun() || n < minZhCount || !allHan(e.Simp) {
			continue
		}
		// A frequency list counts characters, not readings: a rare reading
		// of a common character ("那" nuó, "beautiful") gets only its share.
		// Single characters are often bound morphemes with broad senses, so
		// a two-character word of the same frequency is preferred.
		weight := share[i]
		if len([]rune(e.Simp)) == 1 {
			weight *= 0.5
		}
		for si, syns := range senses(e.Glosses) {
			if si >= len(glossWeight) {
				break
			}
			for yi, g := range syns {
				key, verb, ok := glossKey(g)
				if !ok {
					continue
				}
				score := float64(n) * weight * glossWeight[si] * synonymWeight(yi)
				if score < minZhCount {
					continue
				}
				inv[key] = append(inv[key], zhGloss{Simp: e.Simp, Pinyin: e.Pinyin, Count: n, Score: score, Verb: verb})
			}
		}
	}
	for k, cands := range inv {
		sort.Slice(cands, func(i, j int) bool {
			if cands[i].Score != cands[j].Score {
				return cands[i].Score > cands[j].Score
			}
			return cands[i].Simp+cands[i].Pinyin < cands[j].Simp+cands[j].Pinyin
		})
		inv[k] = dedupeZh(cands)
	}
	return inv
}

// readingShares gives each entry the share of its characters' frequency
// that its reading has, from kHanyuPinlu counts (keyed traditional
// character + marked pinyin) for single characters with several readings;
// 1 for everything else.
func readingShares(entries []cedictEntry, pinlu map[string]int) []float64 {
	total := map[string]int{}
	key := func(e cedictEntry) string { return e.Trad + strings.ToLower(course.NumberedToMarks(e.Pinyin)) }
	for _, e := range entries {
		if len([]rune(e.Simp)) == 1 && !e.properNoun() {
			total[e.Simp] += pinlu[key(e)]
		}
	}
	out := make([]float64, len(entries))
	for i, e := range entries {
		out[i] = 1
		if t := total[e.Simp]; len([]rune(e.Simp)) == 1 && t > 0 {
			out[i] = float64(pinlu[key(e)]) / float64(t)
		}
	}
	return out
}

func dedupeZh(cands []zhGloss) []zhGloss {
	seen := map[string]bool{}
	out := cands[:0]
	for _, c := range cands {
		if !seen[c.Simp] {
			seen[c.Simp] = true
			out = append(out, c)
		}
	}
	return out
}

var parenthetical = regexp.MustCompile(`\s*\(([^()]*)\)\s*`)

// restricted are the labels of senses a learner should not be taught as
// the plain meaning of a word: regional, literary, technical, grammatical.
var restricted = regexp.MustCompile(`^(dialect|literary|tw|taiwan|bound form|old|archaic|classical|slang|vulgar|` +
	`cantonese|onom|loanword|buddhism|taoism|internet|derog|euphemism|honorific|polite|humble|fig|hong kong|japan|` +
	`math|chemistry|physics|medicine|medical|biology|zoology|botany|music|computing|linguistics|sports|military|` +
	`law|finance|economics|geology|astronomy|philosophy|religion|grammar|abbr|idiom|nonstandard|used|` +
	`printing|chess|weiqi|mahjong|tcm|chinese medicine|history|ancient|feudal|old-fashioned|coll\. and derog)`)

// glossKey cleans a CC-CEDICT gloss into the plain English it means, or
// reports !ok for glosses that are not a plain translation (cross
// references, classifiers, names, restricted senses).
func glossKey(g string) (key string, verb, ok bool) {
	g = strings.TrimSpace(g)
	lower := strings.ToLower(g)
	for _, bad := range []string{"variant of", "used in", "see ", "cl:", "abbr.", "surname", "also written",
		"also pr.", "old name", "pr. ", "[", "|", "\"", "...", "sb", "sth"} {
		if strings.Contains(lower, bad) {
			return "", false, false
		}
	}
	for _, m := range parenthetical.FindAllStringSubmatch(lower, -1) {
		if restricted.MatchString(strings.TrimSpace(m[1])) {
			return "", false, false
		}
	}
	g = parenthetical.ReplaceAllString(g, " ")
	g = strings.Join(strings.Fields(strings.ToLower(g)), " ")
	if rest, cut := strings.CutPrefix(g, "to "); cut {
		g, verb = rest, true
	}
	for _, art := range []string{"a ", "an ", "the "} {
		g = strings.TrimPrefix(g, art)
	}
	if g == "" || strings.ContainsAny(g, "()") {
		return "", false, false
	}
	for _, r := range g {
		if !(r >= 'a' && r <= 'z' || r == ' ' || r == '\'' || r == '-') {
			return "", false, false
		}
	}
	return g, verb, true
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// chooseEnglishWords takes words in SUBTLEX-US frequency order that are
// lower-case content words (not names, function words or offensive words),
// have WordNet entries and a common Chinese gloss not already used as
// another word's prompt.
func chooseEnglishWords(src *sources, inv map[string][]zhGloss) []*enWord {
	lower, capital := map[string]int{}, map[string]int{}
	for _, wc := range src.english {
		l := strings.ToLower(wc.Word)
		if l == wc.Word {
			lower[l] += wc.Count
		} else {
			capital[l] += wc.Count
		}
	}
	var chosen []string
	for _, wc := range src.english {
		w := wc.Word
		if len(chosen) == englishWords+englishWords/4 {
			break // enough candidates: some lose their only gloss to a better-matching word below
		}
		if !plainWord(w) || functionWords[w] || offensiveWords[w] || capital[w] > 2*lower[w] ||
			irregularPast[w] || inflectionOfMoreFrequent(w, lower) {
			continue
		}
		if !src.wordnet.lemma(w) || len(inv[w]) == 0 {
			continue
		}
		chosen = append(chosen, w)
	}
	owner := glossOwners(chosen, inv)
	usedPrompt := map[string]bool{}
	var out []*enWord
	for _, w := range chosen {
		if len(out) == englishWords {
			break
		}
		zh := promptFor(w, inv[w], owner, usedPrompt)
		if len(zh) == 0 {
			continue
		}
		usedPrompt[zh[0].Simp] = true
		out = append(out, &enWord{Word: w, Zh: zh, rank: len(out), lesson: len(out) / wordsPerLesson})
	}
	for _, w := range out {
		w.Ex = examplesFor(src.wordnet, w.Word, w.Zh[0].Verb)
	}
	return out
}

// irregularPast are past forms that are also WordNet lemmas with another,
// rarer meaning ("saw" the tool, "found" to establish): a learner meeting
// them expects the verb, so they are not taught as words of their own.
var irregularPast = setOf(`saw found felt fell spoke led sat ran lay tore struck bore meant told went came took
gave kept held stood met won paid sold knew wore drove broke rode hid bit lit slid swung sang rang sank shook woke`)

// inflectionOfMoreFrequent reports whether w looks like a regular plural,
// past or -ing form ("years", "trying", "coming") of a more frequent word,
// which is taught instead.
func inflectionOfMoreFrequent(w string, count map[string]int) bool {
	var bases []string
	add := func(suffix string, f func(stem string) []string) {
		if stem, ok := strings.CutSuffix(w, suffix); ok && len(stem) >= 2 {
			bases = append(bases, f(stem)...)
		}
	}
	undouble := func(stem string) string {
		if n := len(stem); n >= 2 && stem[n-1] == stem[n-2] {
			return stem[:n-1]
		}
		return stem
	}
	add("s", func(st string) []string { return []string{st} })
	add("es", func(st string) []string { return []string{st} })
	add("ies", func(st string) []string { return []string{st + "y"} })
	add("ed", func(st string) []string { return []string{st, st + "e", undouble(st)} })
	add("ied", func(st string) []string { return []string{st + "y"} })
	add("ing", func(st string) []string { return []string{st, st + "e", undouble(st)} })
	for _, b := range bases {
		if b != w && count[b] > count[w] {
			return true
		}
	}
	return false
}

// glossOwners gives each Chinese word the English word it translates best
// (highest score), so 大 goes to "big" (its first gloss) rather than to the
// more frequent "great" (its third synonym).
func glossOwners(words []string, inv map[string][]zhGloss) map[string]string {
	best := map[string]float64{}
	owner := map[string]string{}
	for _, w := range words {
		for _, c := range inv[w] {
			if c.Score > best[c.Simp] {
				best[c.Simp], owner[c.Simp] = c.Score, w
			}
		}
	}
	return owner
}

// promptFor picks the Chinese prompt of w (the best gloss w owns, else the
// best gloss no earlier word took) and a second gloss to show with it.
func promptFor(w string, cands []zhGloss, owner map[string]string, used map[string]bool) []zhGloss {
	pick := -1
	for i, c := range cands {
		if owner[c.Simp] == w && !used[c.Simp] {
			pick = i
			break
		}
	}
	for i, c := range cands {
		if pick < 0 && !used[c.Simp] {
			pick = i
		}
	}
	if pick < 0 {
		return nil
	}
	zh := []zhGloss{cands[pick]}
	for i, c := range cands {
		if i != pick && len(zh) < 2 {
			zh = append(zh, c)
		}
	}
	return zh
}

func plainWord(w string) bool {
	if len(w) < 3 && w != "go" {
		return false
	}
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// maxSense is the last WordNet sense (0-based, most frequent first) whose
// examples are used: rarer senses ("die" as a tool) confuse a learner.
const maxSense = 2

// examplesFor picks WordNet usage examples of the word's three most
// frequent senses in each part of speech that contain the word itself (not
// an inflected form) exactly once and are 4 to 16 words long, preferring
// the part of speech the Chinese gloss suggests, then the more frequent
// senses.
func examplesFor(wn *wordNet, word string, verb bool) []example {
	type cand struct {
		text      string
		pos, rank int
	}
	var cands []cand
	seen := map[string]bool{}
	for _, ex := range wn.examples[word] {
		n := len(strings.Fields(ex.Text))
		if ex.Sense > maxSense || n < 4 || n > 16 || countWord(ex.Text, word) != 1 || seen[ex.Text] ||
			strings.ContainsAny(ex.Text, "[]{}<>|_") {
			continue
		}
		seen[ex.Text] = true
		pos := 1
		if (ex.POS == "v") == verb {
			pos = 0
		}
		cands = append(cands, cand{ex.Text, pos, ex.Sense})
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.pos != b.pos {
			return a.pos < b.pos
		}
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		return a.text < b.text
	})
	out := make([]example, 0, len(cands))
	for _, c := range cands {
		out = append(out, example{Text: sentence(c.text), SamePOS: c.pos == 0})
	}
	return out
}

// wordPattern matches a whole word, case-insensitively.
func wordPattern(word string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(word) + `\b`)
}

func countWord(text, word string) int {
	n := 0
	for _, m := range wordPattern(word).FindAllStringIndex(text, -1) {
		// "house" in "house-proud" or "the house's" is not the word alone.
		if m[1] < len(text) && (text[m[1]] == '-' || text[m[1]] == '\'') || m[0] > 0 && text[m[0]-1] == '-' {
			return 0
		}
		n++
	}
	return n
}

// sentence capitalises an example and ends it with a full stop, as WordNet
// writes its examples in lower case without final punctuation.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	s = string(r)
	if !strings.ContainsAny(s[len(s)-1:], ".!?") {
		s += "."
	}
	return s
}

// clozeOf blanks the word in an example sentence.
func clozeOf(example, word string) string {
	return wordPattern(word).ReplaceAllString(example, course.Gap)
}

// phrase is a Chinese word or phrase whose English gloss uses only taught
// words (and a few grammar words): a translation exercise.
type phrase struct {
	Simp    string
	Answers []string
	lesson  int
	count   int // SUBTLEX-CH count of Simp
}

// phrasesPerLesson caps the translation exercises of a lesson; the most
// frequent Chinese phrases are kept.
const phrasesPerLesson = 4

// phraseGlue may appear in a phrase answer besides taught words.
var phraseGlue = setOf(`a an the to of in on at for with up out off down one's oneself my your me it you not no
some all and very too much many someone something`)

// choosePhrases finds CC-CEDICT entries of 2–4 Chinese characters, common
// in SUBTLEX-CH, whose main sense is a 2–4 word English phrase
// made of taught words; the exercise belongs to the lesson that teaches
// the last of its words.
func choosePhrases(src *sources, words []*enWord) []phrase {
	taught := map[string]*enWord{}
	prompts := map[string]bool{}
	for _, w := range words {
		taught[w.Word] = w
		prompts[w.Zh[0].Simp] = true
	}
	byZh := map[string]*phrase{}
	usedAnswer := map[string]bool{}
	for _, e := range src.cedict {
		n := len([]rune(e.Simp))
		if e.properNoun() || n < 2 || n > 4 || !allHan(e.Simp) || src.zhFreq[e.Simp] < minPhraseCount || prompts[e.Simp] {
			continue
		}
		// only the main sense: a phrase in a later sense ("close friend" for
		// 友好, mainly "friendly") would teach the wrong meaning
		mainSense := senses(e.Glosses[:1])[0]
		matched := false
		for _, g := range mainSense {
			key, verb, ok := glossKey(g)
			if !ok || usedAnswer[key] {
				continue
			}
			lesson, ok := phraseLesson(key, taught)
			if !ok {
				continue
			}
			p := byZh[e.Simp]
			if p == nil {
				p = &phrase{Simp: e.Simp, lesson: lesson, count: src.zhFreq[e.Simp]}
				byZh[e.Simp] = p
			}
			usedAnswer[key] = true
			matched = true
			p.lesson = max(p.lesson, lesson)
			p.Answers = appendAnswer(p.Answers, key, verb)
		}
		if matched {
			// the other synonyms of the sense are right answers too
			// (目前: "at the present time", also "currently")
			for _, g := range mainSense {
				if key, verb, ok := glossKey(g); ok {
					byZh[e.Simp].Answers = appendAnswer(byZh[e.Simp].Answers, key, verb)
				}
			}
		}
	}
	out := make([]phrase, 0, len(byZh))
	for _, p := range byZh {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].lesson != out[j].lesson {
			return out[i].lesson < out[j].lesson
		}
		if out[i].count != out[j].count {
			return out[i].count > out[j].count
		}
		return out[i].Simp < out[j].Simp
	})
	kept := out[:0]
	perLesson := map[int]int{}
	for _, p := range out {
		if perLesson[p.lesson] < phrasesPerLesson {
			perLesson[p.lesson]++
			kept = append(kept, p)
		}
	}
	return kept
}

// appendAnswer adds an English answer, and for a verb also the form with
// "to", unless already there.
func appendAnswer(answers []string, key string, verb bool) []string {
	forms := []string{key}
	if verb {
		forms = append(forms, "to "+key)
	}
	for _, f := range forms {
		if !slices.Contains(answers, f) {
			answers = append(answers, f)
		}
	}
	return answers
}

// phraseLesson reports the lesson that teaches the last word of an English
// phrase of 2–4 words, all taught or glue, at least two of them taught.
func phraseLesson(key string, taught map[string]*enWord) (int, bool) {
	ws := strings.Fields(key)
	if len(ws) < 2 || len(ws) > 4 {
		return 0, false
	}
	lesson, content := 0, 0
	for _, w := range ws {
		if t, ok := taught[w]; ok {
			lesson = max(lesson, t.lesson)
			content++
		} else if !phraseGlue[w] {
			return 0, false
		}
	}
	return lesson, content >= 2
}

// buildEnglish makes the English for Chinese speakers pack; g estimates
// each item's level and orders the items of a lesson from easy to hard.
func buildEnglish(src *sources, g *grader) (*course.Pack, []string, error) {
	inv := invertCedict(src.cedict, src.zhFreq, src.pinlu)
	words := chooseEnglishWords(src, inv)
	phrases := choosePhrases(src, words)
	c := course.Course{
		ID:         "en-for-zh",
		Title:      "English for Chinese speakers · 英语（中文母语）",
		TargetLang: "en",
		SourceLang: "zh-CN",
		Description: fmt.Sprintf("The %d most frequent English content words of film subtitles, taught from "+
			"their Chinese meaning, with example sentences, gap-fill and phrase translation. "+
			"按词频排列的 %d 个常用英语单词：看中文写英文、例句填空、短语翻译。", len(words), len(words)),
	}
	lessons := make([][]course.Item, (len(words)+wordsPerLesson-1)/wordsPerLesson)
	var clozes []course.Item
	for _, w := range words {
		lessons[w.lesson] = append(lessons[w.lesson], vocabItem(w))
		if cl, ok := clozeItem(w); ok {
			clozes = append(clozes, cl)
		}
	}
	// gap-fills follow the cards of their lesson, then the phrases
	for _, cl := range clozes {
		l := wordLesson(words, cl.Word)
		lessons[l] = append(lessons[l], cl)
	}
	nTrans := 0
	for _, p := range phrases {
		lessons[p.lesson] = append(lessons[p.lesson], translateItem(p, englishLevel(p.lesson*wordsPerLesson)))
		nTrans++
	}
	for li, items := range lessons {
		unit := li * wordsPerLesson / wordsPerUnit
		if unit == len(c.Units) {
			first := unit*wordsPerUnit + 1
			last := min(first+wordsPerUnit-1, len(words))
			c.Units = append(c.Units, course.Unit{
				ID:    fmt.Sprintf("en-u%02d", unit+1),
				Title: fmt.Sprintf("Unit %d · 第%d单元: words %d–%d (%s)", unit+1, unit+1, first, last, englishLevel(first-1)),
			})
		}
		var names []string // the lesson's first three words, in frequency order
		for _, it := range items[:min(3, len(items))] {
			names = append(names, it.Word)
		}
		if err := g.gradeLesson(items); err != nil {
			return nil, nil, err
		}
		c.Units[unit].Lessons = append(c.Units[unit].Lessons, course.Lesson{
			ID:    fmt.Sprintf("en-u%02d-l%02d", unit+1, li%(wordsPerUnit/wordsPerLesson)+1),
			Title: fmt.Sprintf("Lesson %d · 第%d课: %s …", li+1, li+1, strings.Join(names, ", ")),
			Items: items,
		})
	}
	notes := []string{
		fmt.Sprintf("%d vocabulary cards, %d gap-fill (cloze) exercises, %d phrase translations, %d units of %d words, lessons of %d words.",
			len(words), len(clozes), nTrans, len(c.Units), wordsPerUnit, wordsPerLesson),
	}
	return &course.Pack{Schema: course.SchemaVersion, Course: c}, notes, nil
}

func wordLesson(words []*enWord, word string) int {
	for _, w := range words {
		if w.Word == word {
			return w.lesson
		}
	}
	return 0
}

// vocabItem: the Chinese meaning is shown, the learner types the English
// word; the hint gives its first letter and length.
func vocabItem(w *enWord) course.Item {
	it := course.Item{
		ID:      "en-v-" + w.Word,
		Kind:    course.KindVocab,
		Level:   englishLevel(w.rank),
		Skills:  []string{"vocabulary", "spelling"},
		Prompt:  w.Zh[0].Simp,
		Answers: []string{w.Word},
		Hint:    letterHint(w.Word),
		Word:    w.Word,
		Gloss:   zhGlossText(w.Zh),
	}
	if len(w.Ex) > 0 {
		it.Example = w.Ex[0].Text
	}
	return it
}

// letterHint gives a word's first letter and length: "h… (5 个字母)".
func letterHint(word string) string {
	return fmt.Sprintf("%c… (%d 个字母)", word[0], len(word))
}

func zhGlossText(zh []zhGloss) string {
	var s []string
	for _, z := range zh {
		s = append(s, z.Simp)
	}
	return strings.Join(s, "；")
}

// clozeItem blanks the word in an example sentence: the second example when
// there is one, so the card's own example does not give the answer away.
// The hint is the Chinese gloss when the example uses the word in the
// gloss's part of speech, else the first letter and length.
func clozeItem(w *enWord) (course.Item, bool) {
	if len(w.Ex) == 0 {
		return course.Item{}, false
	}
	ex := w.Ex[0]
	if len(w.Ex) > 1 {
		ex = w.Ex[1]
	}
	hint := w.Zh[0].Simp
	if !ex.SamePOS {
		hint = letterHint(w.Word)
	}
	return course.Item{
		ID:      "en-c-" + w.Word,
		Kind:    course.KindCloze,
		Level:   englishLevel(w.rank),
		Skills:  []string{"cloze", "vocabulary"},
		Prompt:  clozeOf(ex.Text, w.Word),
		Answers: []string{w.Word},
		Hint:    hint,
		Word:    w.Word,
		Gloss:   zhGlossText(w.Zh),
	}, true
}

// translateItem: a Chinese word or phrase, the learner types the English.
func translateItem(p phrase, level string) course.Item {
	return course.Item{
		ID:      "en-t-" + slug(p.Answers[0]),
		Kind:    course.KindTranslate,
		Level:   level,
		Skills:  []string{"translation", "vocabulary"},
		Prompt:  p.Simp,
		Answers: p.Answers,
		Hint:    fmt.Sprintf("%d 个词", len(strings.Fields(p.Answers[0]))),
	}
}

// slug makes an id part from an English phrase: letters and digits, words
// joined by hyphens.
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if len(out) > 55 {
		out = out[:55]
	}
	return out
}
