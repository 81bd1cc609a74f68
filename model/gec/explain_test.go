package gec

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var (
	explainerOnce sync.Once
	explainerVal  *Explainer
	explainerErr  error
)

// testExplainer loads the committed en-for-zh explanations.
func testExplainer(t testing.TB) *Explainer {
	t.Helper()
	explainerOnce.Do(func() {
		f, err := os.Open(filepath.Join(dataDir, "explain", "en-for-zh.json"))
		if err != nil {
			explainerErr = err
			return
		}
		defer f.Close()
		explainerVal, explainerErr = LoadExplanations(f)
	})
	if explainerErr != nil {
		t.Fatal(explainerErr)
	}
	return explainerVal
}

// TestEveryGeneratedEditIsExplained: the committed file covers every type,
// and every edit the generator makes gets both explanations, with an
// example, and placeholders filled.
func TestEveryGeneratedEditIsExplained(t *testing.T) {
	x := testExplainer(t)
	g := testGenerator(t)
	seen := map[string]bool{}
	for _, ex := range g.GenerateDataset(append(courseSentences(t), rich...), 3000, 8, allTypes()) {
		for _, e := range ex.Edits {
			zh, en := x.Explain(e, ex.Corrupted)
			if !hasHan(zh) || hasHan(en) || !strings.Contains(zh, "例：") || !strings.Contains(en, "Example: ") || strings.ContainsAny(zh+en, "{}") {
				t.Fatalf("%q %+v: %q / %q", ex.Corrupted, e, zh, en)
			}
			seen[e.Type] = true
		}
	}
	for _, typ := range Types {
		if !seen[typ] {
			t.Errorf("no %s edit was explained", typ)
		}
	}
}

// TestExplainPicksTheSpecificRule: hand-picked edits get the rule written
// for them, not their type's fallback.
func TestExplainPicksTheSpecificRule(t *testing.T) {
	x := testExplainer(t)
	tests := []struct {
		corrupted, correct, typ string
		wantZh                  string
	}{
		{"I ate a apple.", "I ate an apple.", Article, "以元音音素开头的词前用 an"},
		{"She is an university student.", "She is a university student.", Article, "辅音音素开头的词前用 a"},
		{"He is best student.", "He is the best student.", Article, "最高级"},
		{"We play the basketball.", "We play basketball.", Article, "球类运动"},
		{"I have dog.", "I have a dog.", Article, "泛指“一个”时用 a"},
		{"I have three book.", "I have three books.", NounNumber, "数词"},
		{"He gave me advices.", "He gave me advice.", NounNumber, "advice 是不可数名词"},
		{"She go to school.", "She goes to school.", Agreement, "要加 -s 或 -es：goes"},
		{"There is three cats.", "There are three cats.", Agreement, "there be 句型"},
		{"Yesterday I go home.", "Yesterday I went home.", Tense, "过去时：went"},
		{"I live here since 2010.", "I have lived here since 2010.", Tense, "现在完成时"},
		{"He has went home.", "He has gone home.", VerbForm, "过去分词 gone"},
		{"He didn't went.", "He didn't go.", VerbForm, "do/does/did"},
		{"I buyed it.", "I bought it.", VerbForm, "不规则动词"},
		{"We met in Monday.", "We met on Monday.", Preposition, "星期几"},
		{"I was born on 2005.", "I was born in 2005.", Preposition, "年份"},
		{"I listen music.", "I listen to music.", Preposition, "listen to"},
		{"I am interested about art.", "I am interested in art.", Preposition, "interested in"},
		{"I go always to school.", "I always go to school.", WordOrder, "频度副词"},
		{"I don't know where is he.", "I don't know where he is.", WordOrder, "陈述语序"},
		{"He very happy.", "He is very happy.", MissingWord, "be 动词 is"},
		{"I want go.", "I want to go.", MissingWord, "to do"},
		{"Although it rained, but we went.", "Although it rained, we went.", ExtraWord, "although"},
		{"I want to to go.", "I want to go.", ExtraWord, "to 重复了"},
		{"I recieved it.", "I received it.", Spelling, "ie 和 ei"},
		{"I like becuase.", "I like because.", Spelling, "应为 because"},
		{"Please open the light.", "Please turn on the light.", WordChoice, "turn on"},
		{"I like China food.", "I like Chinese food.", WordChoice, "Chinese food"},
		{"Yesterday i went.", "Yesterday I went.", Capitalization, "代词 I"},
		{"she went.", "She went.", Capitalization, "第一个字母"},
		{"I like tea，she likes coffee.", "I like tea, she likes coffee.", Punctuation, "全角"},
		{"I like English", "I like English.", Punctuation, "句子末尾"},
		{"It was late, we went home.", "It was late, so we went home.", Punctuation, "逗号连接"},
	}
	for _, tt := range tests {
		ex := exampleOf(t, tt.corrupted, tt.correct, tt.typ)
		zh, en := x.Explain(ex.Edits[0], ex.Corrupted)
		if !strings.Contains(zh, tt.wantZh) {
			t.Errorf("%q -> %q: %q (%s), want the rule saying %q", tt.corrupted, tt.correct, zh, en, tt.wantZh)
		}
	}
}

func TestExplainUnknownType(t *testing.T) {
	zh, en := testExplainer(t).Explain(Edit{Start: 0, End: 1, Type: "style"}, "x")
	if zh == "" || en == "" {
		t.Error("an unknown type has no explanation")
	}
}

// minimalFile is a valid file: one fallback per type.
func minimalFile() ExplanationFile {
	f := ExplanationFile{Version: 1}
	for _, typ := range Types {
		f.Rules = append(f.Rules, Rule{Type: typ, Zh: "有错误。", En: "An error.", Example: Sample{Wrong: "a", Right: "b"}})
	}
	return f
}

func load(f ExplanationFile) error {
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = LoadExplanations(strings.NewReader(string(data)))
	return err
}

func TestLoadExplanationsErrors(t *testing.T) {
	if err := load(minimalFile()); err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	tests := []struct {
		name   string
		change func(*ExplanationFile)
		want   string
	}{
		{"version", func(f *ExplanationFile) { f.Version = 2 }, `"version" is 2`},
		{"type", func(f *ExplanationFile) { f.Rules[3].Type = "grammer" }, `rule 3, "type": "grammer" is not an error type`},
		{"no fallback", func(f *ExplanationFile) { f.Rules = f.Rules[1:] }, `no fallback rule for "article"`},
		{"two fallbacks", func(f *ExplanationFile) { f.Rules = append(f.Rules, f.Rules[0]) }, `rule 13 is a second fallback (no matchers) for "article"; rule 0 already is`},
		{"pattern", func(f *ExplanationFile) { f.Rules[2].FromPattern = "(a" }, `rule 2, "from_pattern": not a regular expression`},
		{"empty zh", func(f *ExplanationFile) { f.Rules[1].Zh = " " }, `rule 1, "zh": the explanation is empty`},
		{"english in zh", func(f *ExplanationFile) { f.Rules[1].Zh = "Use an." }, `rule 1, "zh": has no Chinese characters`},
		{"chinese in en", func(f *ExplanationFile) { f.Rules[1].En = "用 an。" }, `rule 1, "en": has Chinese characters`},
		{"unpinned placeholder", func(f *ExplanationFile) { f.Rules[0].Zh = "应为 {to}。" }, `rule 0, "zh": says {to}, but the rule sets neither`},
		{"empty placeholder", func(f *ExplanationFile) {
			f.Rules = append(f.Rules, Rule{Type: Article, From: str(""), To: str("the"), Zh: "删掉 {from}。", En: "x", Example: Sample{"a", "b"}})
		}, `rule 13, "zh": says {from}, but "from" is "" (nothing)`},
		{"unknown placeholder", func(f *ExplanationFile) {
			f.Rules = append(f.Rules, Rule{Type: Article, To: str("the"), Zh: "用 {word}。", En: "x", Example: Sample{"a", "b"}})
		}, `rule 13, "zh": {word} is not a placeholder`},
		{"example", func(f *ExplanationFile) { f.Rules[4].Example.Right = "" }, `rule 4, "example": needs both`},
		{"same example", func(f *ExplanationFile) { f.Rules[4].Example.Right = "a" }, `rule 4, "example": "wrong" and "right" are the same`},
		{"duplicate", func(f *ExplanationFile) {
			r := Rule{Type: Article, From: str("a"), To: str("an"), Zh: "用 an。", En: "x", Example: Sample{"a", "b"}}
			f.Rules = append(f.Rules, r, r)
		}, `rule 14 matches exactly what rule 13 matches`},
	}
	for _, tt := range tests {
		f := minimalFile()
		tt.change(&f)
		if err := load(f); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one saying %s", tt.name, err, tt.want)
		}
	}
	for _, bad := range []string{``, `[]`, `{"version": 1, "rules": [], "extra": 1}`, `{"version": 1} {}`} {
		if _, err := LoadExplanations(strings.NewReader(bad)); err == nil {
			t.Errorf("%q loaded", bad)
		}
	}
	if _, err := LoadExplanations(strings.NewReader(strings.Repeat(" ", maxExplanationsFile+1))); err == nil || !strings.Contains(err.Error(), "over") {
		t.Errorf("an oversized file: %v", err)
	}
}

// FuzzLoadExplanations: no input makes the loader or a loaded explainer
// panic, and what loads explains every type in both languages.
func FuzzLoadExplanations(f *testing.F) {
	f.Add([]byte(`{"version":1,"rules":[]}`))
	if data, err := json.Marshal(minimalFile()); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := LoadExplanations(strings.NewReader(string(data)))
		if err != nil {
			if x != nil {
				t.Fatal("an explainer and an error")
			}
			return
		}
		for _, typ := range Types {
			for _, e := range []Edit{{Start: 0, End: 3, Replacement: "an", Type: typ}, {Start: 2, End: 2, Replacement: "the ", Type: typ}, {Start: 5, End: 99, Type: typ}} {
				zh, en := x.Explain(e, "a apple，好")
				if zh == "" || en == "" {
					t.Fatalf("%s: empty explanation", typ)
				}
			}
		}
	})
}

func TestPlaceholders(t *testing.T) {
	re := regexp.MustCompile(`\{[^{}]*\}`)
	for _, s := range []string{"", "{from}", "用 {to} 不用 {from}。", "{{to}}", "{a{b}c}", "}{", "{", "}", "{}", "a{b", "{x}{y}", "{ {from} }", "{中}"} {
		if got, want := placeholders(s), re.FindAllString(s, -1); strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("placeholders(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestFillAgreesWithReplacer(t *testing.T) {
	v := editView{from: "{to}", to: "an"}
	r := strings.NewReplacer("{from}", v.from, "{to}", v.to)
	for _, s := range []string{"", "用 {to} 不用 {from}。", "{{from}}", "{fro{to}", "{from", "{to}{to}{from}", "{", "}{}", "{{{", "x{from}y{to}z"} {
		if got, want := fill(s, v), r.Replace(s); got != want {
			t.Errorf("fill(%q) = %q, want %q", s, got, want)
		}
	}
}
