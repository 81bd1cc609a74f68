package train

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress is the one status line of a run on stderr: on a terminal it is
// rewritten in place (at most ten times a second); into a file or pipe it
// is written as a whole line at each validation and every half minute, so
// that a log stays readable.
type progress struct {
	w     io.Writer
	tty   bool
	now   func() time.Time
	last  time.Time // when the line was last written
	every time.Duration
	width int // length of the line on screen, to blank what a shorter one leaves
}

func newProgress(w io.Writer, now func() time.Time) *progress {
	p := &progress{w: w, now: now, every: 30 * time.Second}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty, p.every = true, 100*time.Millisecond
		}
	}
	return p
}

// status is what the line shows.
type status struct {
	Step, Total int
	Loss        float64 // recent training loss
	ValLoss     float64 // latest validation loss, 0 before the first
	BestValLoss float64
	TokensPerS  float64
	ETA         time.Duration
}

// line formats a status: step/total with a bar, losses, speed and ETA, in
// about 80 columns so that a terminal does not wrap it.
func (s status) line() string {
	const barWidth = 10
	frac := 0.0
	if s.Total > 0 {
		frac = min(1, float64(s.Step)/float64(s.Total))
	}
	filled := int(frac * barWidth)
	var b strings.Builder
	fmt.Fprintf(&b, "step %d/%d [%s%s] %.0f%%  loss %.3f", s.Step, s.Total,
		strings.Repeat("=", filled), strings.Repeat(" ", barWidth-filled), 100*frac, s.Loss)
	if s.ValLoss > 0 {
		fmt.Fprintf(&b, "  val %.3f", s.ValLoss)
	}
	fmt.Fprintf(&b, "  %s tok/s  ETA %s", thousands(s.TokensPerS), roundDuration(s.ETA))
	return b.String()
}

// update shows s if enough time has passed since the last line, or now
// when force is set (a validation, the last step).
func (p *progress) update(s status, force bool) {
	if p.w == nil {
		return
	}
	t := p.now()
	if !force && t.Sub(p.last) < p.every {
		return
	}
	p.last = t
	line := s.line()
	if !p.tty {
		fmt.Fprintln(p.w, line)
		return
	}
	pad := max(0, p.width-len(line))
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
	p.width = len(line)
}

// note prints a line of its own (a message during the run), keeping the
// status line intact below it on a terminal.
func (p *progress) note(format string, args ...any) {
	if p.w == nil {
		return
	}
	if p.tty && p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
		p.last = time.Time{}
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}

// done ends the status line and prints the summary.
func (p *progress) done(summary string) {
	if p.w == nil {
		return
	}
	if p.tty && p.width > 0 {
		fmt.Fprintln(p.w)
		p.width = 0
	}
	fmt.Fprintln(p.w, summary)
}

// thousands writes a rate with a thin separator every three digits.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// roundDuration keeps a duration readable: seconds under an hour, minutes
// above.
func roundDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}
