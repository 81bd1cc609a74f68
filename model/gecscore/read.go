package gecscore

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// ReadSentences reads one JSON Sentence per line; blank lines are skipped and
// fields other than Sentence's (a system's explanations, say) are ignored.
// It does not check the edits; ReadGold does.
func ReadSentences(r io.Reader) ([]Sentence, error) {
	var out []Sentence
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var s Sentence
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, fmt.Errorf("line %d: %w (want one JSON object per line: id, text, corrected, edits)", line, err)
		}
		out = append(out, s)
	}
	return out, sc.Err()
}

// ReadGold reads a gold set from a JSON-lines file and checks every sentence
// (Sentence.Check) and that ids are present and unique.
func ReadGold(path string) ([]Sentence, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gold, err := ReadSentences(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := CheckGold(gold); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return gold, nil
}

// CheckGold checks every sentence of a gold set and that ids are present and
// unique.
func CheckGold(gold []Sentence) error {
	seen := make(map[string]bool, len(gold))
	for i, s := range gold {
		if s.ID == "" {
			return fmt.Errorf("sentence %d has no id", i+1)
		}
		if seen[s.ID] {
			return fmt.Errorf("id %q is used twice", s.ID)
		}
		seen[s.ID] = true
		if err := s.Check(); err != nil {
			return err
		}
	}
	return nil
}

// WriteSentences writes one JSON object per line.
func WriteSentences(w io.Writer, sentences []Sentence) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, s := range sentences {
		if s.Edits == nil {
			s.Edits = []Edit{}
		}
		if err := enc.Encode(s); err != nil {
			return err
		}
	}
	return nil
}
