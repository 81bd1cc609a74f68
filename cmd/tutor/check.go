package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tutor-dev/tutor/model/checker"
)

// The standard streams of `tutor check`, replaced in tests.
var (
	stdin  io.Reader = os.Stdin
	stdout io.Writer = os.Stdout
)

// checkModelEnv names the grammar-error model when --model is not given.
const checkModelEnv = "TUTOR_CHECK_MODEL"

// maxCheckLine bounds the bytes of one input line kept in memory; a
// longer line is answered too_long without being read whole.
const maxCheckLine = 1 << 20

// checkerFlags are the flags that say which checker to load, shared by
// tutor check and tutor eval gec.
type checkerFlags struct {
	model, lexicon, explanations *string
	threshold                    *float64
	passes                       *int
}

func addCheckerFlags(flags *flag.FlagSet) checkerFlags {
	return checkerFlags{
		model:        flags.String("model", "", "the grammar-error tagger: a checkpoint or a run directory (default $"+checkModelEnv+")"),
		lexicon:      flags.String("lexicon", "data/errors", "the word tables the tags use"),
		explanations: flags.String("explanations", "data/explain/en-for-zh.json", "the explanation file"),
		threshold:    flags.Float64("threshold", checker.DefaultThreshold, "least probability of a tag to apply it (higher: fewer, surer marks)"),
		passes:       flags.Int("passes", checker.DefaultPasses, "most tagging passes over a sentence"),
	}
}

// open loads the checker the flags name.
func (f checkerFlags) open(command string) (*checker.Checker, error) {
	dir := *f.model
	if dir == "" {
		dir = os.Getenv(checkModelEnv)
	}
	if dir == "" {
		return nil, fmt.Errorf("%s needs --model DIR (a grammar-error tagger trained with `tutor train --config data/train/gec-student.json`), or $%s set to one", command, checkModelEnv)
	}
	return checker.Open(dir, *f.lexicon, *f.explanations, checker.Options{Threshold: *f.threshold, Passes: *f.passes})
}

// runCheck marks the grammar errors of sentences read one a line on
// stdin, writing one JSON object a line on stdout:
// tutor check [--model DIR] [--threshold F] [--passes N].
func runCheck(args []string) error {
	flags := flag.NewFlagSet("tutor check", flag.ContinueOnError)
	cf := addCheckerFlags(flags)
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tutor check [--model DIR] [--threshold F] [--passes N] < sentences.txt\n\n"+
			"Reads text one line at a time and writes, for each line, one JSON object:\n"+
			`  {"text", "corrected", "edits": [{"start", "end", "replacement", "type", "explanation_zh", "explanation_en", "example", "confidence"}]}`+"\n"+
			"with start and end in characters of text; a line the checker does not take (too long, not English)\n"+
			`gets {"text", "error": {"code", "message"}}, and an empty line an empty result. Flags:`)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("tutor check reads stdin and takes no arguments, got %q (pipe the sentences in)", flags.Args())
	}
	c, err := cf.open("tutor check")
	if err != nil {
		return err
	}
	return checkLines(c, *cf.threshold, stdin, stdout)
}

// lineError is the answer for a line the checker refused.
type lineError struct {
	Text  string              `json:"text"`
	Error *checker.InputError `json:"error"`
}

// checkLines answers each line of in with one line of out, so that line N
// of the answer is about line N of the input.
func checkLines(c *checker.Checker, threshold float64, in io.Reader, out io.Writer) error {
	r := bufio.NewReader(in)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		line, cut, err := readLine(r)
		if errors.Is(err, io.EOF) && line == "" && !cut {
			return w.Flush()
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading line %d: %w", n, err)
		}
		var answer any
		switch {
		case cut:
			answer = lineError{Text: line, Error: &checker.InputError{Code: checker.CodeTooLong,
				Message: fmt.Sprintf("the line is longer than %d bytes; send a few sentences at a time", maxCheckLine)}}
		case strings.TrimSpace(line) == "":
			answer = checker.Result{Text: line, Corrected: line, Edits: []checker.Edit{}}
		default:
			res, cerr := c.CheckWith(line, threshold)
			if ie, ok := checker.IsInputError(cerr); ok {
				answer = lineError{Text: line, Error: ie}
			} else if cerr != nil {
				return fmt.Errorf("line %d: %w", n, cerr)
			} else {
				answer = res
			}
		}
		if err := enc.Encode(answer); err != nil {
			return err
		}
		// One answer a line as it comes, for a program that talks to the
		// checker line by line.
		if err := w.Flush(); err != nil {
			return err
		}
	}
}

// readLine reads one line without its line ending. A line longer than
// maxCheckLine is read to its end but only its start kept (cut).
func readLine(r *bufio.Reader) (line string, cut bool, err error) {
	var b []byte
	for {
		part, err := r.ReadSlice('\n')
		if len(b)+len(part) <= maxCheckLine {
			b = append(b, part...)
		} else {
			cut = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
		return s, cut, err
	}
}
