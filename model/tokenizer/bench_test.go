package tokenizer

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// benchParagraphs cuts text at blank lines (or lines, for Chinese): the
// units a data pipeline or a learner's answer hands the encoder.
func benchParagraphs(text string, sep string) []string {
	var out []string
	for _, p := range strings.Split(text, sep) {
		if p != "" {
			out = append(out, p+sep)
		}
	}
	return out
}

// benchTexts is text the tokenizer was not trained on (heldOutTexts), so
// that merges apply as they do to new text: about 28 KB of English licences
// and 1.5 KB of Chinese.
func benchTexts(b *testing.B) map[string][]string {
	texts := heldOutTexts(b)
	return map[string][]string{"en": benchParagraphs(texts["en"], "\n\n"), "zh": benchParagraphs(texts["zh"], "\n")}
}

// BenchmarkEncode reports tokens/s and MB/s of text for this package's
// encoder and for sugarme loading the same tokenizer.json (V=4096, trained on
// testCorpus).
func BenchmarkEncode(b *testing.B) {
	tok := testTokenizer(b)
	st := sugarmeTokenizer(b)
	texts := benchTexts(b)
	// Each pass over the text encodes with a fresh copy of the tokenizer,
	// whose word caches start empty: the figures count the cache only as far
	// as the text itself repeats words, not the repeats of the benchmark loop.
	var fresh *Tokenizer
	encoders := []struct {
		name   string
		start  func()
		encode func(string) int
	}{
		{"own", func() { copy := *tok; fresh = &copy }, func(s string) int { return len(fresh.Encode(s)) }},
		{"sugarme", func() {}, func(s string) int { return len(sugarmeEncode(b, st, s)) }},
	}
	for _, enc := range encoders {
		for _, lang := range []string{"en", "zh"} {
			paragraphs := texts[lang]
			size := 0
			for _, p := range paragraphs {
				size += len(p)
			}
			b.Run(enc.name+"/"+lang, func(b *testing.B) {
				b.SetBytes(int64(size))
				tokens := 0
				cpu := cpuSeconds()
				for b.Loop() {
					enc.start()
					for _, p := range paragraphs {
						tokens += enc.encode(p)
					}
				}
				b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tokens/s")
				reportPerCPUSecond(b, cpu, float64(tokens), "tokens/cpu-s")
			})
		}
	}
}

// BenchmarkTrain trains the default V=8192 on about 1.7 MB: testCorpus and
// the starter content packs.
func BenchmarkTrain(b *testing.B) {
	var text bytes.Buffer
	text.Write(testCorpus(b))
	for _, pack := range []string{"../../data/content/zh-hsk1-3.json", "../../data/content/en-for-zh.json"} {
		pb, err := os.ReadFile(pack)
		if err != nil {
			b.Fatal(err)
		}
		text.Write(pb)
	}
	b.SetBytes(int64(text.Len()))
	var tok *Tokenizer
	cpu := cpuSeconds()
	for b.Loop() {
		var err error
		tok, err = Train(bytes.NewReader(text.Bytes()), TrainOptions{})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(tok.VocabSize()), "V")
	reportPerCPUSecond(b, cpu, float64(b.N*text.Len())/1e6, "MB/cpu-s")
}

// reportPerCPUSecond reports amount per CPU-second used since start, when
// the CPU clock is known. The benchmark loop runs on one goroutine, so on
// an idle machine this is close to the wall-clock rate; on a busy one it
// leaves out the time other processes took.
func reportPerCPUSecond(b *testing.B, start, amount float64, unit string) {
	if start < 0 {
		return
	}
	if used := cpuSeconds() - start; used > 0 {
		b.ReportMetric(amount/used, unit)
	}
}
