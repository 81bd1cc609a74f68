package app

import (
	"fmt"

	"github.com/tutor-dev/tutor/app/api"
)

// The pure part of the writing page: turning the checker's edits, whose
// offsets count Unicode characters (runes), into pieces of text to draw, and
// applying one fix. Go strings are indexed by bytes and the browser's by
// UTF-16 units, so every offset goes through a []rune here and nowhere else.

// segment is a piece of the learner's text as the writing page draws it:
// plain text, or the span of one edit (Edit is its index in the result's
// edits, -1 for plain text). An edit that inserts has an empty Text; the page
// draws a caret for it.
type segment struct {
	Text string
	Edit int
}

// marked reports whether the segment is an edit's span (or insertion point).
func (s segment) marked() bool { return s.Edit >= 0 }

// splitMarked cuts text into plain and marked segments in reading order.
// Edits that do not fit the text (out of range, reversed, overlapping an
// earlier one: an answer for another text, or a server fault) are left out
// rather than drawn in the wrong place; the rest are still shown.
func splitMarked(text string, edits []api.CheckEdit) []segment {
	runes := []rune(text)
	var segs []segment
	at := 0 // runes of text already in segs
	for i, e := range edits {
		if e.Start < at || e.End < e.Start || e.End > len(runes) {
			continue
		}
		if e.Start > at {
			segs = append(segs, segment{Text: string(runes[at:e.Start]), Edit: -1})
		}
		segs = append(segs, segment{Text: string(runes[e.Start:e.End]), Edit: i})
		at = e.End
	}
	if at < len(runes) {
		segs = append(segs, segment{Text: string(runes[at:]), Edit: -1})
	}
	return segs
}

// applyFix replaces the edit's span of text with its replacement. It refuses
// an edit that does not fit text, which happens when the learner typed on
// after the check: the page then checks again instead of corrupting the text.
func applyFix(text string, e api.CheckEdit) (string, error) {
	runes := []rune(text)
	if e.Start < 0 || e.End < e.Start || e.End > len(runes) {
		return text, fmt.Errorf("the suggestion (characters %d to %d) does not fit a text of %d characters; the text changed since it was checked", e.Start, e.End, len(runes))
	}
	return string(runes[:e.Start]) + e.Replacement + string(runes[e.End:]), nil
}

// spanText is the text an edit replaces, for showing "wrong → right".
func spanText(text string, e api.CheckEdit) string {
	runes := []rune(text)
	if e.Start < 0 || e.End < e.Start || e.End > len(runes) {
		return ""
	}
	return string(runes[e.Start:e.End])
}
