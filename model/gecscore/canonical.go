package gecscore

// canonical is an edit reduced to its smallest form, so that two edits with
// the same effect compare equal however their spans were drawn: a gold
// insertion of "a " before "dog" and a predicted insertion of " a" after
// "have" both become the insertion of " a" after "have", and a replacement of
// "a apple" by "an apple" becomes the insertion of "n" after "a", as does a
// replacement of "a" by "an".
type canonical struct {
	start, end  int
	replacement string
	typ         string
}

// canonicalize trims the characters that an edit's original text and its
// replacement share at both ends, then slides a pure insertion or deletion as
// far left as it goes without changing its effect. The result is unique for
// a given effect on the sentence. text is the sentence as runes; e must fit
// it (CheckEdits).
func canonicalize(text []rune, e Edit) canonical {
	old := text[e.Start:e.End]
	repl := []rune(e.Replacement)
	start, end := e.Start, e.End
	for len(old) > 0 && len(repl) > 0 && old[len(old)-1] == repl[len(repl)-1] {
		old, repl = old[:len(old)-1], repl[:len(repl)-1]
		end--
	}
	for len(old) > 0 && len(repl) > 0 && old[0] == repl[0] {
		old, repl = old[1:], repl[1:]
		start++
	}
	if len(old) == 0 {
		start, repl = slideInsertion(text, start, repl)
		end = start
	} else if len(repl) == 0 {
		start, end = slideDeletion(text, start, end)
	}
	return canonical{start: start, end: end, replacement: string(repl), typ: e.Type}
}

// slideInsertion moves an insertion of ins at i left while the character
// before i equals the last inserted one: inserting "a " before "dog" in
// "have dog" is inserting " a" before the space.
func slideInsertion(text []rune, i int, ins []rune) (int, []rune) {
	ins = append([]rune(nil), ins...)
	for i > 0 && len(ins) > 0 && text[i-1] == ins[len(ins)-1] {
		last := ins[len(ins)-1]
		copy(ins[1:], ins[:len(ins)-1])
		ins[0] = last
		i--
	}
	return i, ins
}

// slideDeletion moves a deletion of [start, end) left while the character
// before it equals its last character: deleting "about " is deleting
// " about".
func slideDeletion(text []rune, start, end int) (int, int) {
	for start > 0 && text[start-1] == text[end-1] {
		start--
		end--
	}
	return start, end
}

// touches reports whether two canonical edits concern the same place: their
// spans share a character, or one is an insertion at a point inside or at
// either end of the other's span.
func touches(a, b canonical) bool {
	if a.start == a.end || b.start == b.end {
		return a.start <= b.end && b.start <= a.end
	}
	return a.start < b.end && b.start < a.end
}
