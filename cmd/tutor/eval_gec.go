package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/tutor-dev/tutor/model/baseline"
	"github.com/tutor-dev/tutor/model/checker"
	"github.com/tutor-dev/tutor/model/gecscore"
)

// gecEval is what tutor eval gec measured on one gold set, as --json
// prints it.
type gecEval struct {
	Data      string               `json:"data"`
	Sentences int                  `json:"sentences"`
	Threshold float64              `json:"threshold,omitempty"`
	Model     *checker.Scores      `json:"model,omitempty"`
	Refused   int                  `json:"refused,omitempty"` // sentences the checker did not take
	Seconds   float64              `json:"seconds,omitempty"` // the model's time on the set
	Baseline  *checker.Scores      `json:"baseline,omitempty"`
	Sweep     []checker.SweepPoint `json:"sweep,omitempty"`
	reports   []gecscore.Report
}

// sweepThresholds are the thresholds --sweep tries.
var sweepThresholds = []float64{0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}

// runEvalGEC scores the grammar checker on gold sets:
// tutor eval gec --model DIR --data PATH[,PATH...] [--threshold F] [--baseline | --sweep] [--json].
func runEvalGEC(args []string) error {
	flags := flag.NewFlagSet("tutor eval gec", flag.ContinueOnError)
	cf := addCheckerFlags(flags)
	data := flags.String("data", "", "gold sets, comma-separated: gecscore sentences (testdata/learner/handwritten.jsonl) or gec examples (testdata/gec/synthetic-test.jsonl)")
	withBaseline := flags.Bool("baseline", false, "also run the rule-based baseline (hunspell + link-grammar) on the same sentences")
	sweep := flags.Bool("sweep", false, "print overall P, R and F0.5 at thresholds 0.3 to 0.9 instead (choose on data/gec/build/val.jsonl or the development set testdata/learner/handwritten.jsonl, never on the blind set handwritten2)")
	limit := flags.Int("limit", 0, "use only the first N sentences of each set (0: all)")
	asJSON := flags.Bool("json", false, "print the results as JSON")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tutor eval gec --model DIR --data PATH[,PATH...] [--threshold F] [--baseline | --sweep] [--json]\n\n"+
			"Checks every sentence of each gold set and prints span-level precision, recall and F0.5 per error\n"+
			"type (model/gecscore), each set on its own; --baseline adds the rule-based baseline side by side. Flags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	switch {
	case flags.NArg() > 0:
		return fmt.Errorf("tutor eval gec takes no arguments, got %q", flags.Args())
	case *data == "":
		return errors.New("tutor eval gec needs --data PATH[,PATH...] (see tutor eval gec --help)")
	case *sweep && *withBaseline:
		return errors.New("--sweep chooses the model's threshold; run --baseline without it")
	case *limit < 0:
		return fmt.Errorf("--limit %d must be 0 (all) or more", *limit)
	}
	c, err := cf.open("tutor eval gec")
	if err != nil {
		return err
	}
	var results []*gecEval
	for _, path := range strings.Split(*data, ",") {
		gold, err := checker.ReadGold(strings.TrimSpace(path))
		if err != nil {
			return err
		}
		if *limit > 0 && len(gold) > *limit {
			gold = gold[:*limit]
		}
		res := &gecEval{Data: path, Sentences: len(gold)}
		results = append(results, res)
		if *sweep {
			if res.Sweep, err = c.Sweep(gold, sweepThresholds); err != nil {
				return err
			}
			if !*asJSON {
				fmt.Fprintf(stdout, "%s (%d sentences): the model at each threshold\n%s\n", path, len(gold), checker.SweepTable(res.Sweep))
			}
			continue
		}
		began := time.Now()
		ev, err := c.Evaluate(gold, *cf.threshold)
		if err != nil {
			return err
		}
		res.Seconds, res.Threshold, res.Refused = time.Since(began).Seconds(), *cf.threshold, ev.Refused
		scores := checker.ScoresOf(ev.Report)
		res.Model, res.reports = &scores, []gecscore.Report{ev.Report}
		if *withBaseline {
			edits, err := baseline.Check(checker.Texts(gold))
			if err != nil {
				return err
			}
			preds, err := checker.Predictions(gold, edits)
			if err != nil {
				return err
			}
			rep := gecscore.Score(gold, preds)
			bs := checker.ScoresOf(rep)
			res.Baseline, res.reports = &bs, append(res.reports, rep)
		}
		if !*asJSON {
			fmt.Fprintf(stdout, "%s (%d sentences): model at threshold %.2f, %.1f s, %d refused\n%s\n", path, len(gold), *cf.threshold, res.Seconds, res.Refused, ev.Report.Table())
			if *withBaseline {
				fmt.Fprintf(stdout, "baseline (hunspell + link-grammar)\n%s\n", res.reports[1].Table())
				fmt.Fprintf(stdout, "side by side\n%s\n", checker.CompareTable([]string{"model", "baseline"}, res.reports))
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	return nil
}
