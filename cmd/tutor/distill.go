package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tutor-dev/tutor/model/train"
)

// distillTasks are the student configs and heads of tutor distill's tasks.
var distillTasks = map[string]struct{ config, head string }{
	"gec":   {"data/train/gec-student.json", train.HeadTagging},
	"grade": {"data/train/grade-student.json", train.HeadClassification},
}

// runDistill trains a student on a teacher's softened outputs and the hard
// labels: tutor distill --teacher DIR --task gec|grade --out DIR.
func runDistill(args []string) error {
	flags := flag.NewFlagSet("tutor distill", flag.ContinueOnError)
	teacher := flags.String("teacher", "", "the fine-tuned teacher: a run or checkpoint directory")
	task := flags.String("task", "", "gec (the grammar-error tagger) or grade (the answer grader)")
	config := flags.String("config", "", "the student's training config (default: data/train/gec-student.json or grade-student.json)")
	out := flags.String("out", "", "run directory of the student")
	temperature := flags.Float64("temperature", 2, "softening temperature T of both models' logits")
	alpha := flags.Float64("alpha", 0.5, "weight of the teacher's soft targets against the hard labels, 0 to 1")
	resume := flags.Bool("resume", false, "continue the run in --out from its latest checkpoint")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tutor distill --teacher DIR --task gec|grade --out DIR [--config FILE]\n\n"+
			"Fine-tunes the student of the task's config on the teacher's softened outputs plus the hard labels\n"+
			"(the config's \"distill\" block, docs/TRAINING.md); the report puts the teacher's validation\n"+
			"metrics beside the student's. Flags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("tutor distill takes no arguments, got %q", flags.Args())
	}
	t, ok := distillTasks[*task]
	if !ok {
		return fmt.Errorf("--task %q: use gec or grade", *task)
	}
	if *teacher == "" || *out == "" {
		return errors.New("tutor distill needs --teacher DIR and --out DIR (see tutor distill --help)")
	}
	if *config == "" {
		*config = t.config
	}
	cfg, err := distillConfig(*config, *teacher, *temperature, *alpha)
	if err != nil {
		return err
	}
	if cfg.Head != t.head {
		return fmt.Errorf("%s trains a %q head, but --task %s needs %q; pass the task's config", *config, cfg.Head, *task, t.head)
	}
	return trainAndReport(cfg, *out, *resume)
}

// distillConfig reads a training config and sets its "distill" block, so
// that the config's own checks judge the result.
func distillConfig(path, teacher string, temperature, alpha float64) (*train.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("training config: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("training config %s: %v", path, err)
	}
	abs, err := filepath.Abs(teacher)
	if err != nil {
		return nil, err
	}
	raw["distill"], _ = json.Marshal(train.DistillConfig{Teacher: abs, Temperature: temperature, Alpha: &alpha})
	data, _ = json.Marshal(raw)
	cfg, err := train.ParseConfig(data, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("training config %s with --teacher: %w", path, err)
	}
	return cfg, nil
}
