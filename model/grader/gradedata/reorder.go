package gradedata

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tutor-dev/tutor/model/gec"
)

// timePhrase is a time adverbial that may stand at either end of a simple
// statement without changing its meaning: "I went home yesterday" and
// "Yesterday I went home".
var timePhrase = `(?:yesterday|today|tomorrow|tonight|recently|sometimes|usually|later|` +
	`(?:last|next|this|every) (?:night|morning|afternoon|evening|week|weekend|month|year|summer|winter|spring|autumn|time|` +
	`monday|tuesday|wednesday|thursday|friday|saturday|sunday)|` +
	`(?:in|during) the (?:morning|afternoon|evening)|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|` +
	`on weekends|at night|at noon|at the weekend|in \d{4}|` +
	`(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|many|\d+) (?:minutes?|hours?|days?|weeks?|months?|years?) ago)`

var (
	// leadingTime: "Yesterday, I went home." (the rest has no comma).
	leadingTime = regexp.MustCompile(`(?i)^(` + timePhrase + `),? ([^,;:?]+?)([.!]?)$`)
	// trailingTime: "I went home yesterday."
	trailingTime = regexp.MustCompile(`(?i)^([^,;:?]+?),? (` + timePhrase + `)([.!]?)$`)
)

// moveTimePhrase moves a time phrase at one end of a statement to the
// other: "I went home yesterday." -> "Yesterday I went home.". The rest
// must be at least two words without a comma (a clause, not a list).
func moveTimePhrase(s string, lx *gec.Lexicon) (string, bool) {
	if m := trailingTime.FindStringSubmatch(s); m != nil && len(strings.Fields(m[1])) >= 2 {
		return capitalise(m[2]) + " " + lowerStart(m[1], lx) + m[3], true
	}
	if m := leadingTime.FindStringSubmatch(s); m != nil && len(strings.Fields(m[2])) >= 2 {
		return capitalise(m[2]) + " " + lowerStart(m[1], lx) + m[3], true
	}
	return "", false
}

// lowerStart lower-cases the first word of a clause that moves inside a
// sentence, unless it is "I" or a word the lexicon does not know in lower
// case (a name).
func lowerStart(s string, lx *gec.Lexicon) string {
	first, rest, _ := strings.Cut(s, " ")
	lower := strings.ToLower(first)
	if first == "I" || strings.HasPrefix(first, "I'") || !lx.Known(lower) {
		return s
	}
	if rest == "" {
		return lower
	}
	return lower + " " + rest
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// contractions are full forms and their contractions, either of which a
// learner may write for the other.
var contractions = [][2]string{
	{"do not", "don't"}, {"does not", "doesn't"}, {"did not", "didn't"}, {"is not", "isn't"}, {"are not", "aren't"},
	{"was not", "wasn't"}, {"were not", "weren't"}, {"cannot", "can't"}, {"could not", "couldn't"},
	{"would not", "wouldn't"}, {"should not", "shouldn't"}, {"will not", "won't"}, {"have not", "haven't"},
	{"has not", "hasn't"}, {"had not", "hadn't"}, {"I am", "I'm"}, {"it is", "it's"}, {"that is", "that's"},
	{"there is", "there's"}, {"you are", "you're"}, {"we are", "we're"}, {"they are", "they're"},
	{"he is", "he's"}, {"she is", "she's"}, {"I will", "I'll"},
}

// thatClause is a "that" a verb or adjective of saying or feeling may drop
// before a clause: "I know that he lied" = "I know he lied".
var thatClause = regexp.MustCompile(`(?i)\b(know|knew|think|thought|say|said|says|believe|believed|hope|hoped|feel|felt|` +
	`realize|realized|hear|heard|mean|meant|guess|suppose|wish|sure|afraid|glad) that (the|a|an|he|she|it|they|we|i|you|` +
	`his|her|their|our|my|your|this|there)\b`)

// contractionRule finds the two forms of a contraction as whole words.
type contractionRule struct {
	full, short     string
	fullRE, shortRE *regexp.Regexp
}

var contractionRules = func() []contractionRule {
	var out []contractionRule
	for _, c := range contractions {
		out = append(out, contractionRule{c[0], c[1],
			regexp.MustCompile(`(?i)\b` + c[0] + `\b`), regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(c[1]) + `\b`)})
	}
	return out
}()

// rewordings are the rewrites of a sentence that keep its meaning and
// grammar: a contraction written out or made, a dropped "that".
func rewordings(s string) []string {
	var out []string
	for _, c := range contractionRules {
		if loc := c.fullRE.FindStringIndex(s); loc != nil && !endsClause(s[loc[1]:]) {
			// "Yes, I am." cannot contract: only a full form with words after it does.
			out = append(out, s[:loc[0]]+matchCase(s[loc[0]:loc[1]], c.short)+s[loc[1]:])
		}
		if loc := c.shortRE.FindStringIndex(s); loc != nil && !strings.HasPrefix(strings.ToLower(s[loc[1]:]), " been") {
			// "it's been" is "it has been", not "it is been".
			out = append(out, s[:loc[0]]+matchCase(s[loc[0]:loc[1]], c.full)+s[loc[1]:])
		}
	}
	if loc := thatClause.FindStringSubmatchIndex(s); loc != nil {
		out = append(out, s[:loc[3]]+s[loc[3]+len(" that"):])
	}
	return out
}

// endsClause says whether what follows a phrase ends the clause.
func endsClause(rest string) bool {
	rest = strings.TrimSpace(rest)
	return rest == "" || strings.ContainsRune(".,;:!?", rune(rest[0]))
}
