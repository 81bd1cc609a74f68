package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/tutor-dev/tutor/model/train"
)

// runEval measures a trained model on validation data:
// tutor eval --model DIR [--data PATH].
func runEval(args []string) error {
	flags := flag.NewFlagSet("tutor eval", flag.ContinueOnError)
	dir := flags.String("model", "", "checkpoint directory, or a run directory (its best/ is used)")
	data := flags.String("data", "", "corpus build directory (val shards), text file, or labelled JSONL (default: the run's validation data)")
	task := flags.String("task", "", "causal, masked, classification or tagging (default: the model's head or objective)")
	batch := flags.Int("batch", 8, "sequences per forward pass")
	maxTokens := flags.Int64("max-tokens", 0, "use only the first N tokens of the data (0: all)")
	tok := flags.String("tokenizer", "", "tokenizer.json (default: the one in the checkpoint's or run's directory)")
	asJSON := flags.Bool("json", false, "print the result as JSON")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tutor eval --model DIR [--data PATH] [--task T] [--json]\n\n"+
			"Prints the validation loss and perplexity of a language model, or the classification report\n"+
			"(precision, recall, F1 per class) of a fine-tuned head. Flags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("tutor eval takes no arguments, got %q", flags.Args())
	}
	if *dir == "" {
		return errors.New("tutor eval needs --model DIR (see tutor eval --help)")
	}
	if *batch < 1 {
		return fmt.Errorf("--batch %d must be at least 1", *batch)
	}
	m, err := train.Open(*dir, train.OpenOptions{Tokenizer: *tok, MaxB: *batch})
	if err != nil {
		return err
	}
	res, err := m.Evaluate(train.EvalOptions{Data: *data, Task: *task, BatchSize: *batch, MaxTokens: *maxTokens})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Printf("%s on %s (%s): loss %.4f over %d targets", m.Dir, res.Data, res.Task, res.Loss, res.Targets)
	if res.Report == nil {
		fmt.Printf(", perplexity %.2f", res.Perplexity)
		if res.UnigramLoss > 0 {
			fmt.Printf(" (unigram baseline %.4f)", res.UnigramLoss)
		}
		fmt.Println()
		return nil
	}
	fmt.Printf("\n\n%s", res.Report)
	return nil
}
