package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/tutor-dev/tutor/model/train"
)

// runTrain trains or fine-tunes a model: tutor train --config FILE --out DIR.
func runTrain(args []string) error {
	flags := flag.NewFlagSet("tutor train", flag.ContinueOnError)
	config := flags.String("config", "", "training config file (JSON; docs/TRAINING.md lists its keys)")
	out := flags.String("out", "", "run directory for the checkpoints (latest/, best/), tokenizer.json and report.json")
	resume := flags.Bool("resume", false, "continue the run in --out from its latest checkpoint")
	device := flags.String("device", "cpu", "where to train: cpu, or auto (the CPU when no GPU is found)")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tutor train --config FILE --out DIR [--resume] [--device cpu]\n\n"+
			"Pre-trains a model on token shards or text (objective causal, masked or both), or fine-tunes a\n"+
			"classification or tagging head on labelled JSONL (full or LoRA, optionally distilling a\n"+
			"teacher: a \"distill\" block), as the config file says. Shows\n"+
			"progress on stderr, validates every eval_every steps, stops early after patience validations\n"+
			"without improvement, and writes latest/, best/, tokenizer.json and report.json into --out.\n"+
			"Ctrl-C saves latest/ and stops; --resume continues exactly where it stopped. Flags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("tutor train takes no arguments, got %q", flags.Args())
	}
	if *config == "" || *out == "" {
		return errors.New("tutor train needs --config FILE and --out DIR (see tutor train --help)")
	}
	if err := train.Device(*device, os.Stderr); err != nil {
		return err
	}
	cfg, err := train.LoadConfig(*config)
	if err != nil {
		return err
	}
	return trainAndReport(cfg, *out, *resume)
}

// trainAndReport runs a training config into out (tutor train and tutor
// distill) and prints the classification reports of a fine-tuned head.
func trainAndReport(cfg *train.Config, out string, resume bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := train.Run(ctx, cfg, train.Options{Out: out, Resume: resume, Progress: os.Stderr})
	if err != nil {
		return err
	}
	if rep.ClassificationReport != nil {
		fmt.Printf("validation at the best step (%d):\n\n%s", rep.BestStep, rep.ClassificationReport)
	}
	if t := rep.Teacher; t != nil && t.ClassificationReport != nil {
		fmt.Printf("\nthe teacher %s on the same data (val loss %.4f; the student's best %.4f):\n\n%s", t.Dir, t.ValLoss, rep.BestValLoss, t.ClassificationReport)
	}
	return nil
}
