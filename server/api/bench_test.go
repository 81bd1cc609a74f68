package api_test

// Benchmarks of the review upload, POST /api/v1/sync/reviews, through the
// whole stack: real HTTP on 127.0.0.1, Echo, the session and CSRF checks,
// and the SQLite store on a real file. They measure and never judge speed.
// Every round ends by counting what the database holds for each student, so
// a server that loses or duplicates events cannot produce a number.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server/api"
)

// The grid that BENCHMARKS.md reports: students uploading at once, and
// events per upload (1 is a student syncing after every answer, 100 a
// device that was offline for a long lesson).
var (
	uploadClients = []int{1, 8, 32}
	uploadBatches = []int{1, 20, 100}
)

// resendPool is how many acknowledged batches each student keeps to send
// again in the resend case, as a client does whose acks were lost.
const resendPool = 4

// BenchmarkSyncReviews runs BenchmarkSyncReviews/clients=N/batch=M: N
// students, each with its own session, CSRF token and connection, upload b.N
// requests of M fresh events in total.
// BenchmarkSyncReviews/clients=8/resend-batch=20 uploads only batches of 20
// that the server has already acknowledged: the path of a lost ack.
//
// The server and its students are made once per client count (sign-up
// hashes a password with argon2id, which is slow by design) and shared by
// the batch sizes, so the database grows from one case to the next.
func BenchmarkSyncReviews(b *testing.B) {
	for _, n := range uploadClients {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			room := newClassroom(b, n)
			for _, m := range uploadBatches {
				b.Run(fmt.Sprintf("batch=%d", m), func(b *testing.B) { room.uploadFresh(b, m) })
			}
			if n == 8 {
				b.Run("resend-batch=20", func(b *testing.B) { room.uploadAgain(b, 20) })
			}
		})
	}
}

// classroom is one server with one class whose students each use their own
// browser.
type classroom struct {
	e        *env
	students []*student
}

// student is a signed-up learner's browser and what the server should hold
// for them.
type student struct {
	*client
	stored int      // events acknowledged so far
	acked  [][]byte // request bodies already acknowledged, for the resend case
}

func newClassroom(b *testing.B, n int) *classroom {
	b.Helper()
	// All students sign up from 127.0.0.1; the per-address limit guards
	// against password guessing and would otherwise stop the class at ten.
	e := newEnv(b, func(o *api.Options) { o.LoginRate = n + 10 })
	_, first, class := e.classWithStudent("teacher", "student-0")
	room := &classroom{e: e}
	room.seat(b, first)
	for i := 1; i < n; i++ {
		room.seat(b, signUp(e, class, fmt.Sprintf("student-%d", i)))
	}
	return room
}

// signUp makes a student who joins class with its code.
func signUp(e *env, class wire.Class, name string) *client {
	e.t.Helper()
	c := e.newClient()
	var resp wire.SessionResponse
	c.mustDo("POST", "/api/v1/auth/signup", wire.SignupRequest{JoinCode: class.JoinCode, Username: name,
		Password: "password-" + name}, &resp, 201)
	return c
}

// seat gives a student a connection of their own: the clients of newClient
// share http.DefaultTransport, which keeps only two idle connections per
// host, so 32 students would keep reconnecting, which no classroom of
// separate devices does.
func (room *classroom) seat(b *testing.B, c *client) {
	transport := &http.Transport{MaxIdleConnsPerHost: 1}
	c.http.Transport = transport
	b.Cleanup(transport.CloseIdleConnections)
	room.students = append(room.students, &student{client: c})
}

// uploadFresh times b.N uploads of batch new events each.
func (room *classroom) uploadFresh(b *testing.B, batch int) {
	bodies := freshBodies(b, b.N, batch)
	room.round(b, batch, func(i int) []byte { return bodies[i] })
	for i := range b.N {
		room.students[i%len(room.students)].stored += batch
	}
	room.checkStored(b)
}

// uploadAgain times b.N uploads of batches the server has acknowledged
// before: the server must acknowledge them again and store nothing new.
func (room *classroom) uploadAgain(b *testing.B, batch int) {
	room.ackPools(b, batch)
	n := len(room.students)
	room.round(b, batch, func(i int) []byte {
		pool := room.students[i%n].acked
		return pool[(i/n)%len(pool)]
	})
	room.checkStored(b)
}

// ackPools has each student upload resendPool fresh batches once, untimed.
func (room *classroom) ackPools(b *testing.B, batch int) {
	for _, s := range room.students {
		if len(s.acked) > 0 {
			continue
		}
		for _, body := range freshBodies(b, resendPool, batch) {
			if err := s.upload(body, batch); err != nil {
				b.Fatalf("%s: first upload of a batch to send again: %v", s.user.Username, err)
			}
			s.stored += batch
			s.acked = append(s.acked, body)
		}
	}
}

// round sends b.N prepared requests, request i by student i mod N, all
// students at once, and reports throughput and per-request latency. Bodies
// are encoded before the timer starts so that the students, who share the
// machine's cores with the server, spend as little of them as they can.
func (room *classroom) round(b *testing.B, batch int, body func(i int) []byte) {
	n := len(room.students)
	latency := make([]time.Duration, b.N)
	errs := make([]error, n)
	var wg sync.WaitGroup
	b.ResetTimer()
	for k, s := range room.students {
		wg.Go(func() {
			for i := k; i < b.N; i += n {
				start := time.Now()
				if err := s.upload(body(i), batch); err != nil {
					errs[k] = fmt.Errorf("%s, request %d: %w", s.user.Username, i, err)
					return
				}
				latency[i] = time.Since(start)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	reportUpload(b, batch, latency)
}

// upload sends one sync request and checks that the server acknowledged
// every event in it and rejected none. It returns errors rather than
// failing, because it runs outside the benchmark's goroutine.
func (s *student) upload(body []byte, events int) error {
	req, err := http.NewRequest(http.MethodPost, s.e.url+"/api/v1/sync/reviews", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", s.csrf)
	res, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", res.StatusCode, data)
	}
	var resp wire.SyncResponse
	if err := json.Unmarshal(data, &resp); err != nil {
		return fmt.Errorf("decoding %s: %w", data, err)
	}
	if len(resp.Acked) != events || len(resp.Rejected) != 0 {
		return fmt.Errorf("%d of %d events acknowledged, %d rejected: %+v", len(resp.Acked), events, len(resp.Rejected), resp.Rejected)
	}
	return nil
}

// checkStored counts each student's reviews in the database itself.
func (room *classroom) checkStored(b *testing.B) {
	b.Helper()
	for _, s := range room.students {
		n, err := room.e.store.CountReviews(context.Background(), s.user.ID)
		if err != nil {
			b.Fatal(err)
		}
		if n != s.stored {
			b.Fatalf("%s: the server holds %d reviews; it acknowledged %d", s.user.Username, n, s.stored)
		}
	}
}

// reviewItems are the items of testdata/small-pack.json.
var reviewItems = []string{"w-house", "w-water", "c-cat", "m-go", "o-sent"}

// freshBodies encodes requests sync requests of batch events never sent
// before, answered an hour ago, a second apart.
func freshBodies(b *testing.B, requests, batch int) [][]byte {
	b.Helper()
	answered := time.Now().Add(-time.Hour)
	bodies := make([][]byte, requests)
	for i := range bodies {
		events := make([]wire.ReviewEvent, batch)
		for j := range events {
			events[j] = event(reviewItems[j%len(reviewItems)], answered.Add(time.Duration(j)*time.Second))
		}
		data, err := json.Marshal(wire.SyncRequest{Events: events})
		if err != nil {
			b.Fatal(err)
		}
		bodies[i] = data
	}
	return bodies
}

// reportUpload reports reviews per second of wall time over all students,
// and the median and 99th percentile of one request's latency.
func reportUpload(b *testing.B, batch int, latency []time.Duration) {
	slices.Sort(latency)
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "reviews/s")
	b.ReportMetric(milliseconds(percentile(latency, 0.50)), "p50-ms")
	b.ReportMetric(milliseconds(percentile(latency, 0.99)), "p99-ms")
}

// percentile is the nearest-rank percentile of sorted durations: the
// smallest one that at least the fraction p of them do not exceed.
func percentile(sorted []time.Duration, p float64) time.Duration {
	k := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(k, 0)]
}

func milliseconds(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
