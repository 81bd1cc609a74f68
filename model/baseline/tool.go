package baseline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
	"unicode"
)

// Packages are the Debian packages the baseline needs.
const Packages = "hunspell hunspell-en-us link-grammar link-grammar-dictionaries-en"

// installHint says how to get the tools; every "missing" error ends with it.
const installHint = "install them with: apt-get install -y " + Packages

// tool is one external program, fed all its input on stdin at once.
type tool struct {
	name string
	args []string
}

// run feeds input to the tool and returns its standard output. It fails with
// the install hint when the program is missing, and with the tool's own
// complaint (standard error) when it exits with an error or misses its time.
func (t tool) run(ctx context.Context, input string, limit time.Duration) (string, error) {
	path, err := exec.LookPath(t.name)
	if err != nil {
		return "", fmt.Errorf("baseline: %s is not installed (%v); %s", t.name, err, installHint)
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, t.args...)
	// The tools decode their input by locale; a UTF-8 one keeps "，" or "é"
	// one character, as the offsets assume.
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	cmd.Stdin = strings.NewReader(input)
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		return "", fmt.Errorf("baseline: %s was stopped before it finished (its limit is %v): %w", t.name, limit, ctx.Err())
	}
	if err != nil {
		complaint := lastLine(stderr.String())
		if strings.Contains(strings.ToLower(complaint), "dictionar") {
			return "", fmt.Errorf("baseline: %s cannot open its English dictionary (%s); %s", t.name, complaint, installHint)
		}
		return "", fmt.Errorf("baseline: %s failed: %v: %s", t.name, err, complaint)
	}
	return stdout.String(), nil
}

// limitFor gives a tool a minute to start and load its dictionary plus a
// generous time per line, so that a slow shared machine does not fail a run
// that is merely slow, while a hung tool is still stopped.
func limitFor(lines int) time.Duration {
	return time.Minute + time.Duration(lines)*200*time.Millisecond
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// oneLine makes a sentence safe to send as one line: every control or space
// character becomes a plain space, one for one, so character offsets into
// the result are offsets into the sentence.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
