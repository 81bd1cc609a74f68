package tokenizer

import (
	"fmt"
	"strings"
)

// The special tokens, at fixed ids (see the package comment).
const (
	EndOfText = 0 // "<|endoftext|>": between documents, and to start a sequence
	Pad       = 1 // "<pad>": fills a batch row; the loss ignores it
	Mask      = 2 // "<mask>": hides a token for the masked objective
	Cls       = 3 // "<cls>": the position a classification head reads
	Sep       = 4 // "<sep>": between the two texts of a pair

	// NumSpecial is the number of special tokens; the byte tokens follow.
	NumSpecial = 5
	// FirstByte is the id of the token for byte 0; byte b is FirstByte+b.
	FirstByte = NumSpecial
	// FirstMerge is the id of the first learned (merged) token.
	FirstMerge = FirstByte + 256
	// DefaultVocabSize is V for the project's models (DESIGN.md).
	DefaultVocabSize = 8192
)

// specialNames are the special tokens' texts, indexed by id.
var specialNames = [NumSpecial]string{"<|endoftext|>", "<pad>", "<mask>", "<cls>", "<sep>"}

// SpecialName returns the text of special token id, or "" if id is not one.
func SpecialName(id int) string {
	if id < 0 || id >= NumSpecial {
		return ""
	}
	return specialNames[id]
}

// Merge is one learned merge: the tokens Left and Right, next to each other
// in a word, become token Result. Merges apply lowest rank first.
type Merge struct {
	Left, Right, Result int32
}

// Tokenizer is a trained byte-level BPE vocabulary. It is immutable, and safe
// for concurrent use.
type Tokenizer struct {
	// pieces[id] is the raw bytes of token id; for a special token, its text.
	pieces [][]byte
	// merges in rank order; merges[r].Result == FirstMerge+r.
	merges []Merge
	// ranks finds a merge by its pair, for the encoder.
	ranks pairTable
}

// newTokenizer builds a Tokenizer from merges over the fixed layout of
// specials and bytes, checking that every merge refers to earlier tokens.
func newTokenizer(merges []Merge) (*Tokenizer, error) {
	t := &Tokenizer{
		pieces: make([][]byte, FirstMerge, FirstMerge+len(merges)),
		merges: merges,
		ranks:  newPairTable(len(merges)),
	}
	for id := range NumSpecial {
		t.pieces[id] = []byte(specialNames[id])
	}
	for b := range 256 {
		t.pieces[FirstByte+b] = []byte{byte(b)}
	}
	for rank, m := range merges {
		id := int32(FirstMerge + rank)
		if m.Result != id || m.Left < FirstByte || m.Right < FirstByte || m.Left >= id || m.Right >= id {
			return nil, fmt.Errorf("tokenizer: merge %d (%d %d -> %d) does not join two earlier non-special tokens into token %d; retrain the tokenizer", rank, m.Left, m.Right, m.Result, id)
		}
		piece := append(append([]byte{}, t.pieces[m.Left]...), t.pieces[m.Right]...)
		t.pieces = append(t.pieces, piece)
		if !t.ranks.insert(m.Left, m.Right, int32(rank), id) {
			return nil, fmt.Errorf("tokenizer: merge %d repeats the pair %q %q; retrain the tokenizer", rank, spell(t.pieces[m.Left]), spell(t.pieces[m.Right]))
		}
	}
	if err := t.checkUnique(); err != nil {
		return nil, err
	}
	return t, nil
}

// checkUnique rejects two tokens with the same bytes: tokenizer.json maps
// token strings to ids, so such a vocabulary cannot be written.
func (t *Tokenizer) checkUnique() error {
	seen := make(map[string]int, len(t.pieces))
	for id := range t.pieces {
		key := t.spelling(id)
		if other, dup := seen[key]; dup {
			return fmt.Errorf("tokenizer: tokens %d and %d are both %q; retrain the tokenizer", other, id, key)
		}
		seen[key] = id
	}
	return nil
}

// spelling is token id as tokenizer.json writes it: special tokens as their
// text, the others in the byte-level alphabet.
func (t *Tokenizer) spelling(id int) string {
	if id < NumSpecial {
		return specialNames[id]
	}
	return spell(t.pieces[id])
}

// VocabSize is the number of tokens, specials included.
func (t *Tokenizer) VocabSize() int { return len(t.pieces) }

// Merges returns the learned merges in rank order.
func (t *Tokenizer) Merges() []Merge { return append([]Merge(nil), t.merges...) }

// Piece returns the bytes token id stands for (a special token's text), or
// nil for an id outside the vocabulary.
func (t *Tokenizer) Piece(id int) []byte {
	if id < 0 || id >= len(t.pieces) {
		return nil
	}
	return append([]byte(nil), t.pieces[id]...)
}

// Decode returns the text of ids. Special tokens come out as their text, as
// sugarme's Decode(ids, false) gives them; ids outside the vocabulary are
// skipped, as sugarme skips them. Decode(Encode(s)) == s for every s. A
// token may hold part of a character, so the text of a prefix of ids (while
// generating) may end in invalid UTF-8: show it through strings.ToValidUTF8.
func (t *Tokenizer) Decode(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		if id >= 0 && id < len(t.pieces) {
			b.Write(t.pieces[id])
		}
	}
	return b.String()
}

// DecodeText is Decode without the special tokens: what a learner should see
// of generated ids.
func (t *Tokenizer) DecodeText(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		if id >= NumSpecial && id < len(t.pieces) {
			b.Write(t.pieces[id])
		}
	}
	return b.String()
}
