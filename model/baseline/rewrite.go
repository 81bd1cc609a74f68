package baseline

import (
	"strings"
	"unicode"
)

// word is one run of letters (and apostrophes) of a sentence, with its
// character span.
type word struct {
	text       string
	start, end int
}

func words(text []rune) []word {
	var out []word
	for i := 0; i < len(text); {
		if !unicode.IsLetter(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && (unicode.IsLetter(text[j]) || text[j] == '\'' || text[j] == '’') {
			j++
		}
		out = append(out, word{text: string(text[i:j]), start: i, end: j})
		i = j
	}
	return out
}

// swaps are the auxiliaries whose number a learner most often gets wrong;
// each is tried as its counterpart wherever it occurs.
var swaps = map[string]string{
	"is": "are", "are": "is", "was": "were", "were": "was",
	"has": "have", "have": "has", "does": "do", "do": "does",
	"doesn't": "don't", "don't": "doesn't", "am": "are",
}

// thirdPerson and otherPersons are the subjects whose verb the baseline
// inflects; adverbs that may sit between subject and verb are skipped. Noun
// subjects ("my father go") are not tried: without knowing which word is the
// verb, the rewrites put -s on nouns and prepositions, and link-grammar
// accepted many of those ("my English teachers give").
var (
	thirdPerson  = set("he", "she", "it", "everyone", "everybody", "someone", "somebody", "nobody")
	otherPersons = set("i", "you", "we", "they", "people")
	midAdverbs   = set("always", "usually", "often", "sometimes", "never", "also", "really", "still", "just")
	// notVerbs follow a pronoun but are not verbs to inflect: modals and
	// the auxiliaries that swaps already covers.
	notVerbs = set("can", "could", "will", "would", "shall", "should", "may", "might", "must",
		"is", "are", "was", "were", "am", "has", "have", "had", "does", "do", "did",
		"doesn't", "don't", "didn't", "not", "and", "or", "but", "to", "too", "very")
)

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// rewrites lists the single-word agreement rewrites of a sentence for
// link-grammar to judge (see the package comment): auxiliary swaps and the
// verb's -s after a subject.
func rewrites(text []rune) []Edit {
	ws := words(text)
	var out []Edit
	for i, w := range ws {
		lower := strings.ToLower(w.text)
		if to, ok := swaps[lower]; ok {
			out = append(out, replaceWord(w, to, "agreement"))
		}
		if thirdPerson[lower] || otherPersons[lower] {
			if e, ok := verbAfter(ws, i, thirdPerson[lower]); ok {
				out = append(out, e)
			}
		}
	}
	return out
}

// replaceWord keeps the word's initial capital.
func replaceWord(w word, to, typ string) Edit {
	if r := []rune(w.text); unicode.IsUpper(r[0]) {
		t := []rune(to)
		t[0] = unicode.ToUpper(t[0])
		to = string(t)
	}
	return Edit{Start: w.start, End: w.end, Replacement: to, Type: typ}
}

// articleFixes lists the a/an corrections of a sentence. They are made by
// rule, not offered to link-grammar, because the parser accepts "a exam" and
// "a English teacher" in longer sentences.
func articleFixes(text []rune) []Edit {
	ws := words(text)
	var out []Edit
	for i, w := range ws {
		if lower := strings.ToLower(w.text); lower == "a" || lower == "an" {
			if e, ok := article(ws, i); ok {
				out = append(out, e)
			}
		}
	}
	return out
}

// article proposes "an" for "a" before a vowel sound and "a" for "an"
// before a consonant sound, judged by spelling.
func article(ws []word, i int) (Edit, bool) {
	if i+1 == len(ws) {
		return Edit{}, false
	}
	want := "a"
	if vowelSound(ws[i+1].text) {
		want = "an"
	}
	if strings.EqualFold(ws[i].text, want) {
		return Edit{}, false
	}
	return replaceWord(ws[i], want, "article"), true
}

// vowelSound guesses from spelling whether a word starts with a vowel sound:
// a vowel letter, except the "you" and "w" sounds of uni-, use-, eu-, one-,
// and a silent h in hour, honest, honour, heir.
func vowelSound(w string) bool {
	w = strings.ToLower(w)
	for _, p := range []string{"uni", "use", "usu", "uti", "eu", "one", "once", "ewe"} {
		if strings.HasPrefix(w, p) {
			return false
		}
	}
	for _, p := range []string{"hour", "honest", "honor", "honour", "heir"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return w != "" && strings.ContainsRune("aeiou", rune(w[0]))
}

// verbAfter inflects the first word after pronoun ws[i], past the
// mid-sentence adverbs, for the pronoun's person: he go → goes, we goes → go.
func verbAfter(ws []word, i int, third bool) (Edit, bool) {
	j := i + 1
	for j < len(ws) && midAdverbs[strings.ToLower(ws[j].text)] {
		j++
	}
	if j == len(ws) {
		return Edit{}, false
	}
	v := ws[j].text
	if v != strings.ToLower(v) || notVerbs[v] || strings.ContainsAny(v, "'’") {
		return Edit{}, false
	}
	to := baseForm(v)
	if third {
		to = thirdPersonForm(v)
	}
	if to == "" || to == v {
		return Edit{}, false
	}
	return replaceWord(ws[j], to, "agreement"), true
}

// thirdPersonForm is go → goes, study → studies, like → likes; "" for a word
// that already ends in s.
func thirdPersonForm(v string) string {
	switch {
	case strings.HasSuffix(v, "s"):
		return ""
	case strings.HasSuffix(v, "y") && len(v) > 1 && !strings.ContainsRune("aeiou", rune(v[len(v)-2])):
		return v[:len(v)-1] + "ies"
	case strings.HasSuffix(v, "sh"), strings.HasSuffix(v, "ch"), strings.HasSuffix(v, "x"),
		strings.HasSuffix(v, "z"), strings.HasSuffix(v, "o"):
		return v + "es"
	}
	return v + "s"
}

// baseForm undoes thirdPersonForm; "" for a word without the ending.
func baseForm(v string) string {
	switch {
	case strings.HasSuffix(v, "ss") || !strings.HasSuffix(v, "s"):
		return ""
	case strings.HasSuffix(v, "ies") && len(v) > 3:
		return v[:len(v)-3] + "y"
	case strings.HasSuffix(v, "shes"), strings.HasSuffix(v, "ches"), strings.HasSuffix(v, "xes"),
		strings.HasSuffix(v, "zes"), strings.HasSuffix(v, "oes"):
		return v[:len(v)-2]
	}
	return v[:len(v)-1]
}
