package tokenizer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// byteLevelPart is the pre_tokenizer and decoder of tokenizer.json. Hugging
// Face writes "use_regex"; sugarme ignores it (package comment).
const byteLevelPart = `{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}`

// WriteJSON writes t as a Hugging Face tokenizer.json that sugarme v0.3.0
// loads. The output depends only on t: one vocabulary entry and one merge
// per line, in id order, so that two files diff well.
func (t *Tokenizer) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	// The special tokens are in the vocab only, not in added_tokens: sugarme
	// deletes added-token text from its input (package comment).
	bw.WriteString("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [],\n")
	bw.WriteString("  \"normalizer\": null,\n")
	bw.WriteString("  \"pre_tokenizer\": " + byteLevelPart + ",\n")
	bw.WriteString("  \"post_processor\": null,\n")
	bw.WriteString("  \"decoder\": " + byteLevelPart + ",\n")
	bw.WriteString("  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n" +
		"    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n" +
		"    \"fuse_unk\": false,\n    \"byte_fallback\": false,\n    \"ignore_merges\": false,\n    \"vocab\": {\n")
	for id := range t.pieces {
		fmt.Fprintf(bw, "      %s: %d%s\n", jsonString(t.spelling(id)), id, comma(id, len(t.pieces)))
	}
	bw.WriteString("    },\n    \"merges\": [\n")
	for r, m := range t.merges {
		pair := t.spelling(int(m.Left)) + " " + t.spelling(int(m.Right))
		fmt.Fprintf(bw, "      %s%s\n", jsonString(pair), comma(r, len(t.merges)))
	}
	bw.WriteString("    ]\n  }\n}\n")
	return bw.Flush()
}

func comma(i, n int) string {
	if i == n-1 {
		return ""
	}
	return ","
}

// jsonString quotes s for JSON without escaping <, > and & (which
// encoding/json does for HTML, and which would make the file hard to read).
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// Save writes t to path as tokenizer.json. It writes a temporary file next
// to path and renames it, so a failure never leaves half a file at path.
func (t *Tokenizer) Save(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tokenizer-*.json")
	if err != nil {
		return fmt.Errorf("tokenizer: saving %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := t.WriteJSON(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("tokenizer: saving %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("tokenizer: saving %s: %w", path, err)
	}
	// CreateTemp makes the file private; this one ships with the model.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("tokenizer: saving %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("tokenizer: saving %s: %w", path, err)
	}
	return nil
}

// Load reads a tokenizer.json that WriteJSON wrote (or one of the same
// shape) and checks it: a file it cannot encode exactly as sugarme would is
// rejected with a message that says what to do.
func Load(path string) (*Tokenizer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	defer f.Close()
	t, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// fileFormat is the part of tokenizer.json that ReadJSON reads.
type fileFormat struct {
	AddedTokens []struct {
		Content string `json:"content"`
	} `json:"added_tokens"`
	Normalizer    json.RawMessage `json:"normalizer"`
	PreTokenizer  *byteLevelJSON  `json:"pre_tokenizer"`
	PostProcessor json.RawMessage `json:"post_processor"`
	Decoder       *byteLevelJSON  `json:"decoder"`
	Model         struct {
		Type                    string            `json:"type"`
		Dropout                 json.RawMessage   `json:"dropout"`
		UnkToken                json.RawMessage   `json:"unk_token"`
		ContinuingSubwordPrefix json.RawMessage   `json:"continuing_subword_prefix"`
		EndOfWordSuffix         json.RawMessage   `json:"end_of_word_suffix"`
		Vocab                   map[string]int    `json:"vocab"`
		Merges                  []json.RawMessage `json:"merges"`
	} `json:"model"`
}

type byteLevelJSON struct {
	Type           string `json:"type"`
	AddPrefixSpace bool   `json:"add_prefix_space"`
}

// ReadJSON reads a tokenizer.json from r; see Load.
func ReadJSON(r io.Reader) (*Tokenizer, error) {
	var f fileFormat
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		return nil, fmt.Errorf("tokenizer.json is not valid JSON (%w); write it again with Tokenizer.Save", err)
	}
	if err := f.checkPipeline(); err != nil {
		return nil, err
	}
	if err := f.checkFixedTokens(); err != nil {
		return nil, err
	}
	merges, err := f.readMerges()
	if err != nil {
		return nil, err
	}
	t, err := newTokenizer(merges)
	if err != nil {
		return nil, err
	}
	if len(f.Model.Vocab) != t.VocabSize() {
		return nil, fmt.Errorf("tokenizer.json: the vocab has %d tokens but the merges make %d; the file is damaged: train and save the tokenizer again", len(f.Model.Vocab), t.VocabSize())
	}
	return t, nil
}

// checkPipeline accepts only the parts this package's encoder reproduces.
func (f *fileFormat) checkPipeline() error {
	const fix = "; this package reads only byte-level BPE files as Tokenizer.Save writes them"
	if f.Model.Type != "BPE" {
		return fmt.Errorf("tokenizer.json: model type %q is not \"BPE\"%s", f.Model.Type, fix)
	}
	if f.PreTokenizer == nil || f.PreTokenizer.Type != "ByteLevel" || f.PreTokenizer.AddPrefixSpace {
		return fmt.Errorf("tokenizer.json: pre_tokenizer must be ByteLevel with add_prefix_space false%s", fix)
	}
	if f.Decoder == nil || f.Decoder.Type != "ByteLevel" {
		return fmt.Errorf("tokenizer.json: decoder must be ByteLevel%s", fix)
	}
	for name, raw := range map[string]json.RawMessage{
		"normalizer": f.Normalizer, "model.dropout": f.Model.Dropout, "model.unk_token": f.Model.UnkToken,
		"model.continuing_subword_prefix": f.Model.ContinuingSubwordPrefix, "model.end_of_word_suffix": f.Model.EndOfWordSuffix,
	} {
		if len(raw) > 0 && string(raw) != "null" {
			return fmt.Errorf("tokenizer.json: %s must be null%s", name, fix)
		}
	}
	return nil
}

// checkFixedTokens checks the special and byte tokens are at their ids.
func (f *fileFormat) checkFixedTokens() error {
	const fix = "; the layout is fixed (see package tokenizer): train and save the tokenizer again"
	vocab := f.Model.Vocab
	for id, name := range specialNames {
		if got, ok := vocab[name]; !ok || got != id {
			return fmt.Errorf("tokenizer.json: special token %q must have id %d in model.vocab%s", name, id, fix)
		}
	}
	// sugarme cuts added tokens out of the text, which Encode does not do.
	if len(f.AddedTokens) > 0 {
		return fmt.Errorf("tokenizer.json: added_tokens lists %q; sugarme would cut it out of the text, which Encode does not do: empty added_tokens (the special tokens belong in model.vocab only)", f.AddedTokens[0].Content)
	}
	for b := range 256 {
		name := string(byteRune[b])
		if got, ok := vocab[name]; !ok || got != FirstByte+b {
			return fmt.Errorf("tokenizer.json: byte token %q (byte %d) must have id %d%s", name, b, FirstByte+b, fix)
		}
	}
	return nil
}

// readMerges reads the merges, as "a b" strings or ["a", "b"] pairs, and
// checks that merge r makes the token with id FirstMerge+r.
func (f *fileFormat) readMerges() ([]Merge, error) {
	vocab := f.Model.Vocab
	merges := make([]Merge, 0, len(f.Model.Merges))
	for r, raw := range f.Model.Merges {
		left, right, err := mergeParts(raw)
		if err != nil {
			return nil, fmt.Errorf("tokenizer.json: merge %d: %w", r, err)
		}
		l, okL := vocab[left]
		rt, okR := vocab[right]
		result, okM := vocab[left+right]
		if !okL || !okR || !okM {
			return nil, fmt.Errorf("tokenizer.json: merge %d (%q %q) names a token missing from model.vocab (sugarme would skip or reject it); train and save the tokenizer again", r, left, right)
		}
		if result != FirstMerge+r {
			return nil, fmt.Errorf("tokenizer.json: merge %d makes %q, whose id is %d, not %d; merged tokens must follow the merges in order: train and save the tokenizer again", r, left+right, result, FirstMerge+r)
		}
		merges = append(merges, Merge{Left: int32(l), Right: int32(rt), Result: int32(result)})
	}
	return merges, nil
}

func mergeParts(raw json.RawMessage) (left, right string, err error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		parts := strings.Split(s, " ")
		if len(parts) != 2 {
			return "", "", fmt.Errorf("%q is not two tokens separated by one space", s)
		}
		return parts[0], parts[1], nil
	}
	var pair []string
	if json.Unmarshal(raw, &pair) == nil && len(pair) == 2 {
		return pair[0], pair[1], nil
	}
	return "", "", fmt.Errorf("%s is neither \"a b\" nor [\"a\", \"b\"]", raw)
}
