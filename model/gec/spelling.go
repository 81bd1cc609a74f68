package gec

import (
	"math/rand/v2"
	"strings"
)

// spellingErrors misspells words in four ways: a common misspelling of
// it (misspell's list, inverted), a learner's spelling by ear (a vowel or
// an "r" left out, a double letter made single), a sound-alike spelling
// from hunspell's REP table (ph -> f, ough -> uff), or a typing slip on
// the keyboard (a neighbouring key, a lost, doubled or swapped letter). Names
// and short words are left alone; a misspelling that is itself a word
// ("form" for "from") would teach the model to flag correct text, so none
// is made.
//
// Only misspellings that Lexicon.Spell corrects back are made: a tagger
// marks a misspelt word SPELL and the spelling corrector supplies the
// word, so an error the corrector cannot undo could be found but never
// fixed. Three words of the sentence, drawn at random, are tried (finding
// a misspelling costs a spelling correction).
func spellingErrors(s *sentence, rng *rand.Rand) []change {
	var words []int
	for i, t := range s.toks {
		if isLetters(t.Text) && len(t.Text) >= 3 && !(s.properCase(i) && !s.sentenceStart(i)) && !isAllCaps(t.Text) {
			words = append(words, i)
		}
	}
	rng.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
	var out []change
	for _, i := range words[:min(3, len(words))] {
		if wrong, ok := misspell(s.lex, s.at(i), rng); ok {
			out = append(out, s.replace(i, likeCase(wrong, s.toks[i].Text), Spelling))
		}
	}
	return out
}

// misspell returns a misspelling of the lower-case word w.
func misspell(lx *Lexicon, w string, rng *rand.Rand) (string, bool) {
	// A misspelling people were seen to make comes first; then, in an
	// order drawn each time, a learner's spelling by sound (half the
	// time first), a typing slip or a sound-alike REP spelling.
	tries := []func() (string, bool){
		func() (string, bool) { return listedMisspelling(lx, w, rng) },
		func() (string, bool) { return learnerSlip(w, rng) },
		func() (string, bool) { return typingSlip(w, rng) },
		func() (string, bool) { return repMisspelling(lx, w, rng) },
	}
	switch rng.IntN(4) {
	case 2:
		tries[1], tries[2] = tries[2], tries[1]
	case 3:
		tries[1], tries[3] = tries[3], tries[1]
	}
	for _, try := range tries {
		wrong, ok := try()
		if !ok || wrong == w || lx.Known(wrong) {
			continue
		}
		if back, ok := lx.Spell(wrong); ok && back == w {
			return wrong, true
		}
	}
	return "", false
}

// learnerSlip spells a word of six letters or more the way a learner who
// writes it by ear does: an inner vowel left out (intresting, techer,
// delicous), an "r" or "n" next to another consonant left out (libary,
// enviroment), a double letter made single (begining), or a final -ful
// given two l's (beautifull).
func learnerSlip(w string, rng *rand.Rand) (string, bool) {
	if len(w) < 6 || !isLetters(w) {
		return "", false
	}
	var options []string
	for at := 2; at < len(w)-2; at++ {
		c := w[at]
		nextToConsonant := !isVowel(w[at-1]) || !isVowel(w[at+1])
		if isVowel(c) || (c == 'r' || c == 'n') && nextToConsonant || c == w[at+1] {
			options = append(options, w[:at]+w[at+1:])
		}
	}
	if strings.HasSuffix(w, "ful") {
		options = append(options, w+"l")
	}
	if len(options) == 0 {
		return "", false
	}
	return options[rng.IntN(len(options))], true
}

func listedMisspelling(lx *Lexicon, w string, rng *rand.Rand) (string, bool) {
	list := lx.misspell[w]
	if len(list) == 0 {
		return "", false
	}
	return list[rng.IntN(len(list))], true
}

// repMisspelling applies one REP rule backwards: where w has the correct
// part, a learner who spells by sound writes the misspelt part.
func repMisspelling(lx *Lexicon, w string, rng *rand.Rand) (string, bool) {
	var options []string
	for _, r := range lx.rep {
		wrongPart, rightPart := r[0], r[1]
		// Learners who spell by sound simplify (ph -> f, ough -> uff,
		// tion -> shun); the rules that go the other way make
		// misspellings nobody writes ("cold" -> "cewld").
		if strings.Contains(rightPart, " ") || strings.Contains(wrongPart, " ") || len(rightPart) <= len(wrongPart) {
			continue
		}
		// Only inside the word: a changed first letter is a different word
		// to a reader, not a misspelling.
		if at := strings.Index(w[1:], rightPart); at >= 0 {
			at++
			options = append(options, w[:at]+wrongPart+w[at+len(rightPart):])
		}
	}
	if len(options) == 0 {
		return "", false
	}
	return options[rng.IntN(len(options))], true
}

// typingSlip makes one keyboard mistake after the first letter.
func typingSlip(w string, rng *rand.Rand) (string, bool) {
	if len(w) < 4 {
		return "", false
	}
	at := 1 + rng.IntN(len(w)-1)
	switch rng.IntN(4) {
	case 0: // a neighbouring key
		near := keyboardNeighbours(w[at])
		if near == "" {
			return "", false
		}
		return w[:at] + string(near[rng.IntN(len(near))]) + w[at+1:], true
	case 1: // a lost letter
		return w[:at] + w[at+1:], true
	case 2: // a doubled letter
		return w[:at] + w[at:at+1] + w[at:], true
	default: // two letters swapped
		if at+1 >= len(w) || w[at] == w[at+1] {
			return "", false
		}
		return w[:at] + w[at+1:at+2] + w[at:at+1] + w[at+2:], true
	}
}
