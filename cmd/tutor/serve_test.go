package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeLifecycle runs the real binary: it creates the database with the
// starter courses, prints the one-time setup link, answers /healthz, and
// on SIGTERM finishes and exits cleanly; a second start keeps the courses
// and still offers setup (no account yet) with a new token.
func TestServeLifecycle(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "tutor")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "data", "tutor.db")

	first := startServe(t, bin, db)
	if !strings.Contains(first.log, "starter course imported") {
		t.Errorf("first start imported no starter course:\n%s", first.log)
	}
	var courses []map[string]any
	getJSON(t, first.url+"/healthz", nil)
	first.stop(t)

	second := startServe(t, bin, db)
	if strings.Contains(second.log, "starter course imported") {
		t.Errorf("second start imported the starter courses again:\n%s", second.log)
	}
	if second.token == first.token {
		t.Error("the setup token was not renewed at restart")
	}
	// The setup link creates the admin, who then sees both starter courses.
	c := &http.Client{Timeout: 10 * time.Second}
	body := `{"token":"` + second.token + `","username":"admin","password":"admin-password"}`
	res, err := c.Post(second.url+"/api/v1/setup", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ck := res.Cookies()
	res.Body.Close()
	if res.StatusCode != 201 || len(ck) == 0 {
		t.Fatalf("setup answered %d", res.StatusCode)
	}
	getJSON(t, second.url+"/api/v1/courses", ck, &courses)
	if len(courses) != 2 {
		t.Fatalf("%d starter courses, want 2: %v", len(courses), courses)
	}
	second.stop(t)
}

type served struct {
	cmd   *exec.Cmd
	url   string
	token string
	log   string
	lines chan string
}

var setupLink = regexp.MustCompile(`(http://127\.0\.0\.1:\d+)/setup\?token=(\S+)`)

// startServe starts "tutor serve" on a free port and reads its log until it
// has printed the setup link.
func startServe(t *testing.T, bin, db string) *served {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	s := &served{cmd: cmd, lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	deadline := time.After(30 * time.Second)
	for s.token == "" {
		select {
		case line, ok := <-s.lines:
			if !ok {
				t.Fatalf("tutor serve exited before printing the setup link:\n%s", s.log)
			}
			s.log += line + "\n"
			if m := setupLink.FindStringSubmatch(line); m != nil {
				s.url, s.token = m[1], m[2]
			}
		case <-deadline:
			t.Fatalf("no setup link within 30 s:\n%s", s.log)
		}
	}
	return s
}

// stop sends SIGTERM and expects a clean exit with the shutdown logged.
func (s *served) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for line := range s.lines {
		s.log += line + "\n"
	}
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("tutor serve did not exit cleanly on SIGTERM: %v\n%s", err, s.log)
	}
	if !strings.Contains(s.log, "msg=stopped") {
		t.Errorf("no shutdown message in the log:\n%s", s.log)
	}
}

func getJSON(t *testing.T, url string, cookies []*http.Cookie, out ...any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, data)
	}
	for _, o := range out {
		if err := json.Unmarshal(data, o); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
}
