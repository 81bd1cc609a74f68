package gec

import (
	"math/rand/v2"
	"strings"
)

// timePhrases end a sentence in English and come right after the subject
// in Chinese word order ("I yesterday went ...").
var timePhrases = []string{
	"yesterday", "today", "tomorrow", "tonight", "now", "every day", "every week", "every morning",
	"every night", "every year", "last night", "last week", "last year", "last month", "last weekend",
	"this morning", "this afternoon", "this evening", "next week", "next year", "at night",
	"in the morning", "in the evening", "on weekends", "at the weekend",
}

var (
	knowVerbs    = &wordSet{words: "know knows knew wonder wondered remember remembers understand understood sure idea"}
	askVerbs     = &wordSet{words: "tell told ask asked show showed"}
	likeVerbs    = &wordSet{words: "like likes liked love loves loved enjoy enjoys enjoyed want wants wanted hate hates"}
	someoneWords = set("something anything nothing someone somebody anyone anybody everything everyone nobody")
)

// wordOrderErrors: adverbs after the verb ("I go always"), time phrases
// before it ("I yesterday went"), statement order in questions ("What you
// are doing?") and question order in reported questions ("where is he"),
// "very like", "interesting something", "enough big".
func wordOrderErrors(s *sentence, rng *rand.Rand) []change {
	var out []change
	for i := range s.toks {
		w := s.at(i)
		switch {
		case freqAdverbs[w] && s.subjectBefore(i+1) >= 0 && len(s.verbAt(i+1)) > 0 && !closedClass[s.at(i+1)]:
			out = append(out, s.swap(i, i+1, WordOrder)) // "I go always"
		case beForms[w] && freqAdverbs[s.at(i+1)] && s.subjectBefore(i) >= 0:
			out = append(out, s.swap(i, i+1, WordOrder)) // "she always is late"
		case whWords[w] && (knowVerbs.has(s.at(i-1)) || askVerbs.has(s.at(i-2)) && objectPronouns[s.at(i-1)]):
			if subjectPronouns[s.at(i+1)] && (beForms[s.at(i+2)] || modals[s.at(i+2)]) {
				out = append(out, s.swap(i+1, i+2, WordOrder)) // "I don't know where is he"
			}
		case whWords[w] && s.sentenceStart(i) && s.endsWith("?"):
			if c, ok := questionOrder(s, i); ok {
				out = append(out, c)
			}
		case likeVerbs.has(w) && objectPronouns[s.at(i+1)] && s.at(i+2) == "very" && s.at(i+3) == "much" && s.subjectBefore(i) >= 0:
			out = append(out, s.replaceSpan(i, i+3, "very "+s.toks[i].Text+" "+s.toks[i+1].Text, WordOrder)) // "I very like it"
		case someoneWords[w] && s.isWord(i+1) && s.lex.isAdjective(s.at(i+1)) && !closedClass[s.at(i+1)] && s.at(i+1) != "else":
			out = append(out, s.swap(i, i+1, WordOrder)) // "interesting something"
		case w == "enough" && s.isWord(i-1) && s.lex.isAdjective(s.at(i-1)) && !closedClass[s.at(i-1)]:
			out = append(out, s.swap(i-1, i, WordOrder)) // "enough big"
		}
	}
	if c, ok := timeBeforeVerb(s); ok {
		out = append(out, c)
	}
	return out
}

// questionOrder undoes the inversion of a wh-question: "What are you
// doing?" -> "What you are doing?", "Where is the station?" -> "Where the
// station is?".
func questionOrder(s *sentence, i int) (change, bool) {
	aux := s.at(i + 1)
	if !beForms[aux] && !modals[aux] && aux != "have" && aux != "has" {
		return change{}, false
	}
	if subjectPronouns[s.at(i+2)] && s.at(i+2) != "it" || s.at(i+2) == "it" && s.isWord(i+3) {
		return s.swap(i+1, i+2, WordOrder), true
	}
	if beForms[aux] && (articles[s.at(i+2)] || possessives[s.at(i+2)]) && s.isWord(i+3) && s.at(i+4) == "?" {
		np := s.between(i+2, i+3)
		return s.replaceSpan(i+1, i+3, np+" "+s.toks[i+1].Text, WordOrder), true
	}
	return change{}, false
}

// endsWith says whether the last token is mark.
func (s *sentence) endsWith(mark string) bool {
	return len(s.toks) > 0 && s.toks[len(s.toks)-1].Text == mark
}

// timeBeforeVerb moves a sentence-final time phrase between the subject and
// the verb: "I went to the park yesterday." -> "I yesterday went to the
// park."
func timeBeforeVerb(s *sentence) (change, bool) {
	n := len(s.toks)
	end := n
	if end > 0 && endsSentence(s.toks[end-1].Text) {
		end--
	}
	verbNext := beForms[s.at(1)] || len(s.verbAt(1)) > 0 && !closedClass[s.at(1)]
	if end < 4 || !subjectPronouns[s.at(0)] || !verbNext {
		return change{}, false
	}
	for i := 0; i < end; i++ {
		if endsSentence(s.toks[i].Text) || s.toks[i].Text == "," {
			return change{}, false // one clause only
		}
	}
	for _, phrase := range timePhrases {
		words := strings.Fields(phrase)
		k := end - len(words)
		if k <= 2 || strings.Join(s.low[k:end], " ") != phrase {
			continue
		}
		moved := s.between(k, end-1)
		rest := s.between(1, k-1)
		return s.replaceSpan(1, end-1, moved+" "+rest, WordOrder), true
	}
	return change{}, false
}
