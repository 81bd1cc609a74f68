package course

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func smallPack(t *testing.T) Pack {
	t.Helper()
	f, err := os.Open("testdata/small.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := Decode(f)
	if err != nil {
		t.Fatalf("the small test pack must decode: %v", err)
	}
	return p
}

func TestDecodeValidPack(t *testing.T) {
	p := smallPack(t)
	s := p.Course.Summarize()
	if s.Units != 2 || s.Items != 6 {
		t.Fatalf("summary = %+v, want 2 units and 6 items", s)
	}
}

// problems validates p and returns its problems as text, one per line.
func problems(t *testing.T, p Pack) []string {
	t.Helper()
	err := p.Validate()
	if err == nil {
		return nil
	}
	var ve ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("Validate returned %T, want ValidationErrors", err)
	}
	out := make([]string, len(ve))
	for i, e := range ve {
		out[i] = e.Error()
	}
	return out
}

func TestValidateNamesItemAndField(t *testing.T) {
	p := smallPack(t)
	items := p.Course.Units[0].Lessons[0].Items
	items[1].Answers = nil                               // cloze without answers
	items[1].Prompt = "He has a house."                  // and without a gap
	items[3].Answers = []string{"cow"}                   // choice answer not among the choices
	items[4].Tokens = []string{"the", "cat", "sat"}      // tokens missing a word
	items[0].Level = "Z9"                                // unknown level
	items[2].Kind = "essay"                              // unknown kind
	p.Course.Units[1].Lessons[0].Items[0].ID = "v-house" // duplicate id
	got := problems(t, p)
	want := []string{
		`unit "u1" / lesson "u1.l1" / item "c-house": field "answers": a cloze item needs at least one answer`,
		`unit "u1" / lesson "u1.l1" / item "c-house": field "prompt": a cloze prompt must mark the gap with "___"`,
		`unit "u1" / lesson "u1.l1" / item "ch-cat": field "answers": the first answer "cow" must be one of the choices`,
		`unit "u1" / lesson "u1.l1" / item "o-cat": field "tokens": the tokens must be exactly the words of the first answer`,
		`unit "u1" / lesson "u1.l1" / item "v-house": field "level": is "Z9"`,
		`unit "u1" / lesson "u1.l1" / item "t-home": field "kind": is "essay"`,
		`unit "u2" / lesson "u2.l1" / item "v-house": field "id": id "v-house" is already used by unit "u1" / lesson "u1.l1" / item "v-house"`,
	}
	for _, w := range want {
		if !anyHasPrefix(got, w) {
			t.Errorf("missing problem\n  %s\ngot:\n  %s", w, strings.Join(got, "\n  "))
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n  %s", len(got), len(want), strings.Join(got, "\n  "))
	}
}

func anyHasPrefix(xs []string, prefix string) bool {
	for _, x := range xs {
		if strings.HasPrefix(x, prefix) {
			return true
		}
	}
	return false
}

func TestValidateCourseLevelProblems(t *testing.T) {
	p := smallPack(t)
	p.Schema = "tutor.content/v0"
	p.Course.ID = "bad id!"
	p.Course.Title = " "
	p.Course.TargetLang = "english language"
	p.Course.Units[0].Lessons[0].Items[0].Skills = nil
	p.Course.Units[0].Lessons[0].Items[0].Prompt = strings.Repeat("x", MaxStringRunes+1)
	got := strings.Join(problems(t, p), "\n")
	for _, w := range []string{
		`field "schema": is "tutor.content/v0"`,
		`course "bad id!": field "id": id "bad id!" must be 1 to 64 characters`,
		`field "title": must not be empty`,
		`field "target_lang": is "english language"`,
		`item "v-house": field "skills": an item needs at least one skill tag`,
		`item "v-house": field "prompt": is 2001 characters long; at most 2000 are allowed`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
}

func TestValidateChineseOrderItem(t *testing.T) {
	p := smallPack(t)
	it := &p.Course.Units[1].Lessons[0].Items[0]
	it.Kind, it.Skills = KindOrder, []string{"word order"}
	it.Answers = []string{"我喜欢猫"}
	it.Tokens = []string{"猫", "我", "喜欢"}
	if err := p.Validate(); err != nil {
		t.Fatalf("multi-character Chinese tokens that compose the answer must validate: %v", err)
	}
	it.Tokens = []string{"猫", "我", "喜"}
	if err := p.Validate(); err == nil {
		t.Fatal("tokens missing a character must not validate")
	}
}

func TestValidateLimits(t *testing.T) {
	p := smallPack(t)
	l := &p.Course.Units[0].Lessons[0]
	for i := 0; i < MaxItems+5; i++ {
		it := l.Items[0]
		it.ID = "x" + strings.Repeat("0", 1) + itoa(i)
		l.Items = append(l.Items, it)
	}
	got := problems(t, p)
	if !anyContains(got, "more than 20000 items") {
		t.Fatalf("want an item-limit problem, got %d problems, first %q", len(got), got[0])
	}
	if len(got) > MaxReported+1 {
		t.Fatalf("reported %d problems; the list must stop at %d plus a count", len(got), MaxReported)
	}
}

func TestValidateReportsEveryProblemUpToACap(t *testing.T) {
	p := smallPack(t)
	l := &p.Course.Units[0].Lessons[0]
	for i := 0; i < 2*MaxReported; i++ {
		l.Items = append(l.Items, Item{ID: "bad" + itoa(i), Kind: KindVocab, Level: "A1", Skills: []string{"vocabulary"}, Prompt: "p"})
	}
	got := problems(t, p)
	if len(got) != MaxReported+1 || !strings.Contains(got[len(got)-1], "and 500 more problem(s)") {
		t.Fatalf("got %d problems ending %q", len(got), got[len(got)-1])
	}
}

func anyContains(xs []string, sub string) bool {
	for _, x := range xs {
		if strings.Contains(x, sub) {
			return true
		}
	}
	return false
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func TestDecodeRejectsBadJSON(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"empty":         {"", "empty or cut short"},
		"syntax":        {"{\n  \"schema\": ,\n}", "not valid JSON at line 2, column 13"},
		"unknown field": {`{"schema":"tutor.content/v1","cours":{}}`, `unknown field "cours"`},
		"wrong type":    {`{"schema":"tutor.content/v1","course":{"units":"none"}}`, `field "course.units"`},
		"trailing":      {`{"schema":"tutor.content/v1","course":{}} {}`, "data after its closing brace"},
		"invalid pack":  {`{"schema":"tutor.content/v1","course":{}}`, "a course needs at least one unit"},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Decode(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if p.Course.ID != "" || p.Course.Units != nil {
				t.Fatalf("a rejected pack must come back empty, got %+v", p.Course)
			}
		})
	}
}

func TestDecodeRejectsHugePack(t *testing.T) {
	huge := strings.NewReader(`{"schema":"` + strings.Repeat("x", MaxPackBytes) + `"}`)
	if _, err := Decode(huge); err == nil || !strings.Contains(err.Error(), "larger than 32 MiB") {
		t.Fatalf("err = %v", err)
	}
}

func TestEstimatedLevelIsOptionalAndCEFR(t *testing.T) {
	p := smallPack(t)
	items := p.Course.Units[0].Lessons[0].Items
	items[0].EstimatedLevel = "B2" // a CEFR level: fine
	items[1].EstimatedLevel = ""   // absent: fine
	if got := problems(t, p); len(got) != 0 {
		t.Fatalf("valid estimated levels refused: %q", got)
	}
	items[2].EstimatedLevel = "HSK2" // a course level, not an estimate
	got := problems(t, p)
	if len(got) != 1 || !strings.Contains(got[0], `field "estimated_level": is "HSK2"; use one of A1, A2, B1, B2, C1, C2`) {
		t.Fatalf("problems = %q", got)
	}
	items[2].EstimatedLevel = "C1"
	var buf strings.Builder
	if err := json.NewEncoder(&buf).Encode(p); err != nil {
		t.Fatal(err)
	}
	back, err := Decode(strings.NewReader(buf.String()))
	if err != nil || back.Course.Units[0].Lessons[0].Items[2].EstimatedLevel != "C1" ||
		back.Course.Units[0].Lessons[0].Items[1].EstimatedLevel != "" {
		t.Fatalf("round trip lost the estimated level: %v", err)
	}
	if strings.Contains(buf.String(), `"estimated_level":""`) {
		t.Fatal("an absent estimated level must be left out of the JSON")
	}
}
