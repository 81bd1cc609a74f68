package gec

import "testing"

// BenchmarkCorrupt: examples made per second from course sentences with the
// default mix.
func BenchmarkCorrupt(b *testing.B) {
	g := testGenerator(b)
	sentences := courseSentences(b)
	rng := seeded(1)
	mix := DefaultMix()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Corrupt(sentences[i%len(sentences)], rng, mix)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "examples/s")
}

// BenchmarkToTagging: examples turned into tagging passes per second.
func BenchmarkToTagging(b *testing.B) {
	g := testGenerator(b)
	tg := NewTagger(g.Lexicon())
	exs := g.GenerateDataset(courseSentences(b), 2000, 1, DefaultMix())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tg.ToTagging(exs[i%len(exs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "examples/s")
}

// BenchmarkExplain: explanations picked per second.
func BenchmarkExplain(b *testing.B) {
	g := testGenerator(b)
	x := testExplainer(b)
	var edits []Edit
	var texts []string
	for _, ex := range g.GenerateDataset(courseSentences(b), 2000, 1, allTypes()) {
		for _, e := range ex.Edits {
			edits = append(edits, e)
			texts = append(texts, ex.Corrupted)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Explain(edits[i%len(edits)], texts[i%len(edits)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "edits/s")
}
