package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
)

// The writer child is this test binary run again with these variables set.
const (
	envCrashDB    = "TUTOR_SQLITE_CRASH_DB"
	envCrashUser  = "TUTOR_SQLITE_CRASH_USER"
	envCrashRound = "TUTOR_SQLITE_CRASH_ROUND"
	crashBatch    = 50
)

// TestHelperWriterProcess is the child of TestWriterKilledMidTransaction: it
// uploads batches of crashBatch reviews forever, printing "committed N" after
// each commit, until it is killed. Run directly, it does nothing.
func TestHelperWriterProcess(t *testing.T) {
	path := os.Getenv(envCrashDB)
	if path == "" {
		t.Skip("runs only as the child of TestWriterKilledMidTransaction")
	}
	userID, _ := strconv.ParseInt(os.Getenv(envCrashUser), 10, 64)
	round := os.Getenv(envCrashRound)
	db, err := Open(path)
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	batch := make([]api.ReviewEvent, crashBatch)
	for n := 1; ; n++ {
		for i := range batch {
			batch[i] = review(fmt.Sprintf("r%s-b%d-e%d", round, n, i), start.Add(time.Duration(n)*time.Minute))
		}
		if _, err := db.AppendReviews(ctx, userID, batch); err != nil {
			fmt.Println("append failed:", err)
			os.Exit(2)
		}
		fmt.Println("committed", n)
	}
}

// TestWriterKilledMidTransaction kills a process that is writing reviews
// with SIGKILL, several times, and checks after each kill that the database
// opens intact and holds exactly the batches that committed: every batch the
// child reported, plus at most the one whose commit it did not live to
// report, and never part of a batch.
func TestWriterKilledMidTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "tutor.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mei := mustCreateUser(t, db, "mei", server.RoleStudent)
	db.Close()

	stored := 0
	for round := range 3 {
		reported := runAndKillWriter(t, path, mei.ID, round, 3+round*2)
		db, err := Open(path)
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		checkIntegrity(t, db)
		n, err := db.CountReviews(context.Background(), mei.ID)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		added := n - stored
		if added%crashBatch != 0 {
			t.Errorf("round %d: %d reviews added, not a multiple of the batch size %d: a transaction was half-written", round, added, crashBatch)
		}
		if added != reported*crashBatch && added != (reported+1)*crashBatch {
			t.Errorf("round %d: %d reviews added; the child reported %d commits of %d", round, added, reported, crashBatch)
		}
		t.Logf("round %d: killed after %d reported commits; %d reviews added", round, reported, added)
		stored = n
	}
}

// runAndKillWriter starts the writer child, kills it with SIGKILL once it
// has reported atLeast commits, and returns the number of commits it
// reported in all.
func runAndKillWriter(t *testing.T, path string, userID int64, round, atLeast int) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriterProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashDB+"="+path,
		envCrashUser+"="+strconv.FormatInt(userID, 10), envCrashRound+"="+strconv.Itoa(round))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	reported := 0
	timeout := time.AfterFunc(10*time.Second, func() { cmd.Process.Kill() })
	defer timeout.Stop()
	var first time.Time
	for reported < atLeast && lines.Scan() {
		reported = max(reported, commitNumber(t, lines.Text()))
		if reported == 1 {
			first = time.Now()
		}
	}
	if reported < atLeast {
		cmd.Wait()
		t.Fatalf("round %d: the writer stopped after %d commits without being killed", round, reported)
	}
	// The child is inside its next transaction now. Kill it at a random
	// point of that transaction: a kill at once would mostly land before its
	// first write.
	perBatch := time.Since(first) / time.Duration(max(1, reported-1))
	time.Sleep(rand.N(perBatch + 1))
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// Lines printed before the kill but not read yet still count.
	for lines.Scan() {
		reported = max(reported, commitNumber(t, lines.Text()))
	}
	io.Copy(io.Discard, out)
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("round %d: writer exited with %v; want killed", round, err)
	}
	return reported
}

// commitNumber reads N from "committed N"; other lines fail the test.
func commitNumber(t *testing.T, line string) int {
	t.Helper()
	s, ok := strings.CutPrefix(line, "committed ")
	n, err := strconv.Atoi(s)
	if !ok || err != nil {
		t.Errorf("writer said %q", line)
		return 0
	}
	return n
}

// checkIntegrity fails the test unless PRAGMA integrity_check says ok.
func checkIntegrity(t *testing.T, db *DB) {
	t.Helper()
	var result string
	if err := db.read.QueryRow("PRAGMA integrity_check").Scan(&result); err != nil {
		t.Fatal(err)
	}
	if result != "ok" {
		t.Fatalf("integrity_check after a kill: %s", result)
	}
}
