package api_test

// Benchmark of the grammar check, POST /api/v1/check, through the whole
// stack: real HTTP on 127.0.0.1, Echo, the session and CSRF checks, and a
// real checker model (tagging, decoding passes, explanations). It measures
// and never judges speed; every answer is decoded and must echo the text
// sent, so a server that answers nonsense cannot produce a number.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/model/checker"
	"github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/api"
	"github.com/tutor-dev/tutor/server/teaching"
)

// benchCheckModelEnv names the checker model directory the benchmark
// serves; models are trained, not committed, so it has no default.
const benchCheckModelEnv = "TUTOR_BENCH_CHECK_MODEL"

// checkClients are the learners asking at once.
var checkClients = []int{1, 4}

// learnerSentences are 20-word sentences with the errors Chinese-speaking
// learners make (articles, agreement, tense, prepositions, spelling), the
// length of one sentence in a short written answer.
var learnerSentences = []string{
	"Yesterday I go to the park with my freind and we play football there until it was very dark outside.",
	"My mother she is a teacher in a middle school and she teach english to all the students every days.",
	"I am very like reading books because they can help me to learn many new knowledges about the whole world.",
	"Last summer my family travel to Beijing by a train and we visit the Great Wall on second day together.",
	"He have lived in this city since 2010 but he still don't know where is the best Chinese restaurant here.",
	"Although it was raining heavily, but we still went out to buy some foods for the birthday party in evening.",
	"There is many students in our class who want to study abroad after they will graduate from university next year.",
	"She is very interested on music and she can plays the piano very well since she was a little girl.",
}

// BenchmarkCheck runs BenchmarkCheck/clients=N: N students, each with its
// own session, CSRF token and connection, send b.N checks of 20-word
// sentences in total, all at once.
func BenchmarkCheck(b *testing.B) {
	dir := os.Getenv(benchCheckModelEnv)
	if dir == "" {
		b.Skipf("set %s to a trained checker model directory (a copy of runs/gec-student/best, say) to measure POST /api/v1/check", benchCheckModelEnv)
	}
	checkSentenceLengths(b)
	chk, err := teaching.OpenChecker(dir, filepath.Join("..", "..", "data", "errors"), filepath.Join("..", "..", "data", "explain", "en-for-zh.json"), checker.Options{})
	if err != nil {
		b.Fatal(err)
	}
	e := newEnv(b, func(o *api.Options) { o.Checker = chk })
	students := make([]*client, slices.Max(checkClients))
	for i := range students {
		students[i] = e.createUser(fmt.Sprintf("student-%d", i), server.RoleStudent)
		transport := &http.Transport{MaxIdleConnsPerHost: 1}
		students[i].http.Transport = transport
		b.Cleanup(transport.CloseIdleConnections)
		if _, err := askCheck(students[i], learnerSentences[i%len(learnerSentences)]); err != nil {
			b.Fatalf("warm-up check: %v", err)
		}
	}
	for _, n := range checkClients {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) { checkRound(b, students[:n]) })
	}
}

// checkSentenceLengths keeps the sentences at the 20 words the figures
// claim.
func checkSentenceLengths(b *testing.B) {
	for _, s := range learnerSentences {
		if n := len(strings.Fields(s)); n != 20 {
			b.Fatalf("a benchmark sentence has %d words, want 20: %q", n, s)
		}
	}
}

// checkRound sends b.N checks, request i by student i mod N, and reports
// throughput, per-request latency and edits found per sentence.
func checkRound(b *testing.B, students []*client) {
	n := len(students)
	latency := make([]time.Duration, b.N)
	edits := make([]int, b.N)
	errs := make([]error, n)
	var wg sync.WaitGroup
	b.ResetTimer()
	for k, s := range students {
		wg.Go(func() {
			for i := k; i < b.N; i += n {
				start := time.Now()
				found, err := askCheck(s, learnerSentences[i%len(learnerSentences)])
				if err != nil {
					errs[k] = fmt.Errorf("%s, request %d: %w", s.user.Username, i, err)
					return
				}
				latency[i], edits[i] = time.Since(start), found
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	slices.Sort(latency)
	total := 0
	for _, k := range edits {
		total += k
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
	b.ReportMetric(milliseconds(percentile(latency, 0.50)), "p50-ms")
	b.ReportMetric(milliseconds(percentile(latency, 0.99)), "p99-ms")
	b.ReportMetric(float64(total)/float64(b.N), "edits/check")
}

// askCheck sends one check and returns how many edits came back. It
// returns errors rather than failing, because it runs outside the
// benchmark's goroutine.
func askCheck(s *client, text string) (int, error) {
	body, err := json.Marshal(wire.CheckRequest{Text: text})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, s.e.url+"/api/v1/check", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", s.csrf)
	res, err := s.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d: %s", res.StatusCode, data)
	}
	var out wire.CheckResult
	if err := json.Unmarshal(data, &out); err != nil {
		return 0, fmt.Errorf("decoding %s: %w", data, err)
	}
	if out.Text != text || out.Corrected == "" {
		return 0, fmt.Errorf("the answer is not about the text sent: %s", data)
	}
	return len(out.Edits), nil
}
