package gec

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// only is a mix that makes exactly one error, of one type.
func only(typ string) Mix {
	return Mix{Errors: [3]float64{1, 0, 0}, Types: map[string]float64{typ: 1}}
}

// allTypes weighs every type alike.
func allTypes() Mix {
	m := Mix{Errors: [3]float64{1, 1, 1}, Types: map[string]float64{}}
	for _, t := range Types {
		m.Types[t] = 1
	}
	return m
}

// TestArticleKindsFollowLearners: in a sentence with one "a" and two
// "the", a dropped "a" (weight 4) comes far more often than a dropped
// "the" (each offered with chance keepDropThe, weight 1), and "an" before a
// consonant (weight 0.2) seldom.
func TestArticleKindsFollowLearners(t *testing.T) {
	g := testGenerator(t)
	counts := map[string]int{}
	const n = 4000
	for seed := range uint64(n) {
		ex, ok := g.Corrupt("The boy gave a book to the girl.", seeded(seed), only(Article))
		if !ok || len(ex.Edits) != 1 {
			t.Fatalf("seed %d: %+v, %v", seed, ex, ok)
		}
		e := ex.Edits[0]
		counts[e.Span(ex.Corrupted)+"->"+strings.TrimSpace(e.Replacement)]++
	}
	// k of the two "the" are offered with chance C(2,k) p^k (1-p)^(2-k);
	// then the draw is among weights k×1 (the), 4 (a) and 0.2 (an book).
	p := keepDropThe
	var wantA, wantThe float64
	for k, pk := range []float64{(1 - p) * (1 - p), 2 * p * (1 - p), p * p} {
		sum := float64(k) + weightDropA + weightAnForA
		wantA += pk * weightDropA / sum * n
		wantThe += pk * float64(k) / sum * n
	}
	dropA, dropThe, anBook := counts["->a"], counts["Boy->The boy"]+counts["->the"], counts["an->a"]
	if math.Abs(float64(dropA)-wantA) > 0.03*n {
		t.Errorf("dropped a %d times of %d, want about %.0f (%v)", dropA, n, wantA, counts)
	}
	if math.Abs(float64(dropThe)-wantThe) > 0.03*n {
		t.Errorf("dropped the %d times of %d, want about %.0f (%v)", dropThe, n, wantThe, counts)
	}
	if anBook == 0 || float64(anBook) > 0.06*n {
		t.Errorf(`"an book" %d times of %d, want a few percent (%v)`, anBook, n, counts)
	}
}

// TestTenseSpreads: a present tense for a past one is made on both verbs
// of a story about half the time (spreadChance), on one verb otherwise.
func TestTenseSpreads(t *testing.T) {
	g := testGenerator(t)
	edits := map[int]int{}
	const n = 1000
	for seed := range uint64(n) {
		ex, ok := g.Corrupt("Yesterday I went to the park and played football.", seeded(seed), only(Tense))
		if !ok {
			t.Fatalf("seed %d: no tense error", seed)
		}
		edits[len(ex.Edits)]++
		if len(ex.Edits) == 2 && ex.Corrupted != "Yesterday I go to the park and play football." {
			t.Errorf("seed %d: %q", seed, ex.Corrupted)
		}
	}
	if both := float64(edits[2]) / n; math.Abs(both-spreadChance) > 0.05 || edits[1]+edits[2] != n {
		t.Errorf("edits per example %v, want about %.0f%% with two", edits, 100*spreadChance)
	}
}

// TestCorruptHandChecked: for each error type, a sentence with one error of
// that type can come out as exactly these learner's sentences, every one of
// which was checked by hand, and each of them does come out for some seed.
func TestCorruptHandChecked(t *testing.T) {
	g := testGenerator(t)
	tests := []struct {
		typ, sentence string
		want          []string
	}{
		{Article, "I ate an apple in the park.", []string{"I ate a apple in the park.", "I ate an apple in park.", "I ate apple in the park."}},
		{Article, "He plays football after school.", []string{"He plays the football after school."}},
		{Article, "The sun is hot.", []string{"A sun is hot.", "Sun is hot."}},
		{Article, "My mother is a doctor.", []string{"My mother is an doctor.", "My mother is doctor."}},
		{Article, "We went to Hangzhou by bus.", []string{"We went to Hangzhou by the bus.", "We went to the Hangzhou by bus."}},
		{Article, "We should protect nature.", []string{"We should protect the nature."}},
		{NounNumber, "I have three books.", []string{"I have three book."}},
		{NounNumber, "She gave me some advice.", []string{"She gave me some advices."}},
		{NounNumber, "The children are happy.", []string{"The childrens are happy.", "The childs are happy."}},
		{Agreement, "She goes to school every day.", []string{"She go to school every day."}},
		{Agreement, "They are my friends.", []string{"They is my friends."}},
		{Agreement, "There are two cats.", []string{"There is two cats."}},
		{Tense, "Yesterday I went to the park.", []string{"Yesterday I go to the park."}},
		{Tense, "I have lived here since 2010.", []string{"I live here since 2010."}},
		{Tense, "Tomorrow I will visit my aunt.", []string{"Tomorrow I visit my aunt."}},
		{VerbForm, "He has gone home.", []string{"He has goed home.", "He has went home."}},
		{VerbForm, "She didn't come.", []string{"She didn't came."}},
		{VerbForm, "I can swim.", []string{"I can swam.", "I can swimming.", "I can swims."}},
		{VerbForm, "He is reading a book.", []string{"He is read a book."}},
		{VerbForm, "I enjoy swimming.", []string{"I enjoy to swim."}},
		{Preposition, "We met on Monday.", []string{"We met at Monday.", "We met in Monday."}},
		{Preposition, "I listen to music.", []string{"I listen at music.", "I listen music."}},
		{Preposition, "We discussed the plan.", []string{"We discussed about the plan."}},
		{Preposition, "I am interested in art.", []string{"I am interested about art.", "I am interested for art.", "I am interested on art."}},
		{WordOrder, "I always walk to school.", []string{"I walk always to school."}},
		{WordOrder, "What are you doing?", []string{"What you are doing?"}},
		{WordOrder, "I don't know where he is.", []string{"I don't know where is he."}},
		{WordOrder, "I like it very much.", []string{"I very like it."}},
		{WordOrder, "I went to the park yesterday.", []string{"I yesterday went to the park."}},
		{MissingWord, "He is very happy.", []string{"He very happy."}},
		{MissingWord, "I want to go home.", []string{"I want go home."}},
		{MissingWord, "Do you like tea?", []string{"You like tea?"}},
		{MissingWord, "It is raining.", []string{"Is raining.", "It raining."}},
		{ExtraWord, "Although it rained, we went out.", []string{"Although Although it rained, we went out.", "Although it it rained, we went out.", "Although it rained, but we went out.", "Although it rained, we we went out."}},
		{ExtraWord, "I can swim.", []string{"I I can swim.", "I can can swim.", "I can to swim."}},
		{ExtraWord, "My mother is a teacher.", []string{"My My mother is a teacher.", "My mother is a a teacher.", "My mother is is a teacher.", "My mother she is a teacher."}},
		{ExtraWord, "This box is bigger than that one.", []string{"This This box is bigger than that one.", "This box is bigger than than that one.", "This box is bigger than that that one.", "This box is is bigger than that one.", "This box is more bigger than that one."}},
		{WordChoice, "I do my homework.", []string{"I make my homework."}},
		{WordChoice, "Please turn on the light.", []string{"Please open the light."}},
		{WordChoice, "Can you lend me a pen?", []string{"Can you borrow me a pen?"}},
		{WordChoice, "I like Chinese food.", []string{"I like China food."}},
		{Capitalization, "I live in China.", []string{"I live in china.", "i live in China."}},
		{Capitalization, "We met on Monday.", []string{"We met on monday.", "we met on Monday."}},
		{Punctuation, "It is late, so we should go.", []string{"It is late, so we should go", "It is late, so we should go。", "It is late, we should go.", "It is late， so we should go.", "It is late，so we should go."}},
		{Punctuation, "Where do you live?", []string{"Where do you live.", "Where do you live？"}},
		{Punctuation, "I don't know.", []string{"I don't know", "I don't know。", "I dont know."}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		got := map[string]bool{}
		for seed := uint64(0); seed < 300; seed++ {
			ex, ok := g.Corrupt(tt.sentence, seeded(seed), only(tt.typ))
			if !ok {
				t.Fatalf("%s: %q gave no example", tt.typ, tt.sentence)
			}
			if len(ex.Edits) != 1 || ex.Edits[0].Type != tt.typ || ex.Check() != nil {
				t.Fatalf("%s: %q gave %+v", tt.typ, tt.sentence, ex)
			}
			got[ex.Corrupted] = true
		}
		if gotList := slices.Sorted(maps.Keys(got)); !reflect.DeepEqual(gotList, tt.want) {
			t.Errorf("%s: %q became\n%q\nwant\n%q", tt.typ, tt.sentence, gotList, tt.want)
		}
		covered[tt.typ] = true
	}
	for _, typ := range Types {
		if !covered[typ] && typ != Spelling {
			t.Errorf("no hand-checked example of %s", typ)
		}
	}
}

// TestSpellingErrors: a misspelling changes one word into a word the
// lexicon does not know, and the spelling corrector undoes it.
func TestSpellingErrors(t *testing.T) {
	g := testGenerator(t)
	lx := g.Lexicon()
	kinds := map[string]bool{}
	for seed := uint64(0); seed < 600; seed++ {
		sentence := []string{"I believe you because you are my friend.", "The purple giraffe jumped over seven fences."}[seed%2]
		ex, ok := g.Corrupt(sentence, seeded(seed), only(Spelling))
		if !ok || len(ex.Edits) != 1 {
			t.Fatalf("seed %d: %+v", seed, ex)
		}
		e := ex.Edits[0]
		wrong, right := e.Span(ex.Corrupted), e.Replacement
		if len(Tokenize(wrong)) != 1 || lx.Known(wrong) || !strings.Contains(sentence, right) {
			t.Errorf("seed %d: %q for %q", seed, wrong, right)
		}
		if back, ok := lx.Spell(wrong); !ok || back != right {
			t.Errorf("seed %d: Spell(%q) = %q, not %q", seed, wrong, back, right)
		}
		kinds[fmt.Sprint(contains(lx.misspell[strings.ToLower(right)], strings.ToLower(wrong)))] = true
	}
	if !kinds["true"] || !kinds["false"] {
		t.Errorf("want both listed misspellings and made ones, got %v", kinds)
	}
}

// TestLearnerSlip: the spellings by ear a learner writes come out, and
// nothing else: every option drops one letter (or adds an l to -ful).
func TestLearnerSlip(t *testing.T) {
	for word, want := range map[string][]string{
		"interesting": {"intresting"},
		"library":     {"libary"},
		"teacher":     {"techer"},
		"delicious":   {"delicous"},
		"environment": {"enviroment"},
		"beginning":   {"begining"},
		"beautiful":   {"beatiful", "beautifull"},
	} {
		seen := map[string]bool{}
		for seed := range uint64(300) {
			got, ok := learnerSlip(word, seeded(seed))
			if !ok {
				t.Fatalf("%s: no slip", word)
			}
			if len(got) != len(word)-1 && got != word+"l" {
				t.Errorf("%s: %q is not one letter less", word, got)
			}
			seen[got] = true
		}
		for _, w := range want {
			if !seen[w] {
				t.Errorf("%s: never %q in %v", word, w, slices.Sorted(maps.Keys(seen)))
			}
		}
	}
	if got, ok := learnerSlip("cat", seeded(1)); ok {
		t.Errorf("cat: %q, want no slip for a short word", got)
	}
}

// TestEditsGiveTheSentence: over thousands of examples made from the
// course sentences, the edits turn every learner's sentence back into the
// sentence it came from, and there are 0 to 3 of them.
func TestEditsGiveTheSentence(t *testing.T) {
	g := testGenerator(t)
	sentences := courseSentences(t)
	for _, mix := range []Mix{DefaultMix(), allTypes()} {
		exs := g.GenerateDataset(sentences, 3*len(sentences), 11, mix)
		if len(exs) != 3*len(sentences) {
			t.Fatalf("got %d examples, want %d", len(exs), 3*len(sentences))
		}
		inputs := map[string]bool{}
		for _, s := range sentences {
			inputs[strings.TrimSpace(s)] = true
		}
		for _, ex := range exs {
			if err := ex.Check(); err != nil {
				t.Fatalf("%+v: %v", ex, err)
			}
			if !inputs[ex.Correct] {
				t.Fatalf("correct text %q is not an input sentence", ex.Correct)
			}
			if len(ex.Edits) > 3 || (len(ex.Edits) == 0) != (ex.Corrupted == ex.Correct) {
				t.Fatalf("%d edits in %+v", len(ex.Edits), ex)
			}
		}
	}
}

// TestEveryTypeIsMade: the default mix makes every error type from the
// course sentences.
func TestEveryTypeIsMade(t *testing.T) {
	g := testGenerator(t)
	counts := map[string]int{}
	for _, ex := range g.GenerateDataset(courseSentences(t), 4000, 3, DefaultMix()) {
		for _, e := range ex.Edits {
			counts[e.Type]++
		}
	}
	for _, typ := range Types {
		if counts[typ] == 0 {
			t.Errorf("no %s error in 4000 examples (%v)", typ, counts)
		}
	}
	t.Logf("edits per type in 4000 default-mix examples: %v", counts)
}

func TestDeterministicBySeed(t *testing.T) {
	g := testGenerator(t)
	sentences := courseSentences(t)[:300]
	dump := func(seed int64) string {
		var b bytes.Buffer
		if err := WriteExamples(&b, g.GenerateDataset(sentences, 500, seed, DefaultMix())); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	a, b, c := dump(42), dump(42), dump(43)
	if a != b {
		t.Error("one seed gave two datasets")
	}
	if a == c {
		t.Error("two seeds gave one dataset")
	}
	// Corrupt alone: the same generator state gives the same example.
	x, _ := g.Corrupt("She goes to school every day.", seeded(9), allTypes())
	y, _ := g.Corrupt("She goes to school every day.", seeded(9), allTypes())
	if !reflect.DeepEqual(x, y) {
		t.Errorf("%+v != %+v", x, y)
	}
}

// rich sentences offer an article, a punctuation and a capitalisation
// error, and several of each other kind.
var rich = []string{
	"The children are playing football in the park on Sunday.",
	"Yesterday I went to the cinema with my friends after dinner.",
	"She always drinks a cup of tea in the morning before work.",
	"There are three books and a pen on the desk in my room.",
	"My father is a doctor and he works in a big hospital in Beijing.",
	"I don't know where he is, but I think he went home an hour ago.",
}

// within says whether a share drawn n times is p within four standard
// errors.
func within(got, p float64, n int) bool {
	return math.Abs(got-p) <= 4*math.Sqrt(p*(1-p)/float64(n))+1e-9
}

// TestMixWeightsHonoured: where every weighed type is possible, each
// error's type follows the weights; the clean share and the number of
// errors follow the mix.
func TestMixWeightsHonoured(t *testing.T) {
	g := testGenerator(t)
	mix := Mix{Errors: [3]float64{1, 0, 0}, Types: map[string]float64{Article: 3, Punctuation: 2, Capitalization: 1}}
	counts := map[string]int{}
	const n = 3000
	rng := seeded(1)
	for i := 0; i < n; i++ {
		ex, ok := g.Corrupt(rich[i%len(rich)], rng, mix)
		if !ok || len(ex.Edits) != 1 {
			t.Fatalf("%+v", ex)
		}
		counts[ex.Edits[0].Type]++
	}
	for typ, w := range mix.Types {
		if got, p := float64(counts[typ])/n, w/6; !within(got, p, n) {
			t.Errorf("%s: share %.3f, want %.3f", typ, got, p)
		}
	}

	mix = Mix{Clean: 0.3, Errors: [3]float64{0.5, 0.3, 0.2}, Types: DefaultMix().Types}
	perCount := make([]int, 4)
	for i := 0; i < n; i++ {
		ex, ok := g.Corrupt(rich[i%len(rich)], rng, mix)
		if !ok {
			t.Fatal("a rich sentence gave no example")
		}
		perCount[len(ex.Edits)]++
	}
	if got := float64(perCount[0]) / n; !within(got, 0.3, n) {
		t.Errorf("clean share %.3f, want 0.3", got)
	}
	dirty := n - perCount[0]
	for k := 1; k <= 3; k++ {
		if got, p := float64(perCount[k])/float64(dirty), mix.Errors[k-1]; !within(got, p, dirty) {
			t.Errorf("share with %d errors %.3f, want %.2f (counts %v)", k, got, p, perCount)
		}
	}
}

// TestGenerateDatasetFollowsMix: a dataset's error types follow the mix
// over all types, though sentences offer some types far more often.
func TestGenerateDatasetFollowsMix(t *testing.T) {
	g := testGenerator(t)
	mix := DefaultMix()
	mix.Clean, mix.Errors = 0, [3]float64{1, 0, 0}
	const n = 4000
	counts := map[string]int{}
	for _, ex := range g.GenerateDataset(append(courseSentences(t), rich...), n, 2, mix) {
		counts[ex.Edits[0].Type]++
	}
	for _, typ := range Types {
		if got, p := float64(counts[typ])/n, mix.Types[typ]; !within(got, p, n) {
			t.Errorf("%s: share %.3f, want %.2f", typ, got, p)
		}
	}
}

func TestCorruptRefuses(t *testing.T) {
	g := testGenerator(t)
	for _, s := range []string{"", "   ", "Hello.", "two\nlines here", strings.Repeat("word ", 100)} {
		if ex, ok := g.Corrupt(s, seeded(1), DefaultMix()); ok {
			t.Errorf("%q gave %+v", s, ex)
		}
	}
	// A sentence with nothing of the only type asked for gives nothing.
	if ex, ok := g.Corrupt("Go home.", seeded(1), only(Tense)); ok {
		t.Errorf("no tense error possible, got %+v", ex)
	}
	if exs := g.GenerateDataset([]string{"Go.", ""}, 10, 1, DefaultMix()); len(exs) != 0 {
		t.Errorf("unusable sentences gave %d examples", len(exs))
	}
}

func TestMixCheck(t *testing.T) {
	tests := []struct{ json, want string }{
		{`{"clean": 1.5, "errors": [1,0,0], "types": {"article": 1}}`, `"clean"`},
		{`{"clean": 0, "errors": [0,0,0], "types": {"article": 1}}`, `"errors"`},
		{`{"clean": 0, "errors": [1,-1,0], "types": {"article": 1}}`, `"errors"[1]`},
		{`{"clean": 0, "errors": [1,0,0], "types": {"artikel": 1}}`, `"artikel"`},
		{`{"clean": 0, "errors": [1,0,0], "types": {"article": 0}}`, `no error type`},
		{`{"clean": 0, "errors": [1,0,0], "types": {"article": -2}}`, `negative`},
		{`{"clean": 0, "errors": [1,0,0], "types": {"article": 1}, "seed": 3}`, `unknown field`},
	}
	for _, tt := range tests {
		if _, err := ReadMix(strings.NewReader(tt.json)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one naming %s", tt.json, err, tt.want)
		}
	}
	var b bytes.Buffer
	b.WriteString(`{"clean":0.2,"errors":[0.5,0.3,0.2],"types":{`)
	var parts []string
	for _, typ := range Types {
		parts = append(parts, fmt.Sprintf("%q:%v", typ, DefaultMix().Types[typ]))
	}
	sort.Strings(parts)
	b.WriteString(strings.Join(parts, ",") + "}}")
	m, err := ReadMix(&b)
	if err != nil || !reflect.DeepEqual(m, DefaultMix()) {
		t.Errorf("the default mix does not round-trip: %+v %v", m, err)
	}
	if err := DefaultMix().Check(); err != nil {
		t.Error(err)
	}
	sum := 0.0
	for _, w := range DefaultMix().Types {
		sum += w
	}
	if math.Abs(sum-1) > 1e-9 || len(DefaultMix().Types) != len(Types) {
		t.Errorf("default type weights sum to %v over %d types", sum, len(DefaultMix().Types))
	}
}
