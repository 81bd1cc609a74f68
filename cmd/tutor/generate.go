package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/tutor-dev/tutor/model/train"
)

// runGenerate continues a prompt with a trained model:
// tutor generate --model DIR [--prompt TEXT].
func runGenerate(args []string) error {
	flags := flag.NewFlagSet("tutor generate", flag.ContinueOnError)
	dir := flags.String("model", "", "checkpoint directory, or a run directory (its best/ is used)")
	prompt := flags.String("prompt", "", "text to continue (default: start a new document)")
	maxTokens := flags.Int("max", 64, "most new tokens to generate (stops earlier at an end-of-text token)")
	temperature := flags.Float64("temperature", 0, "0: greedy (always the most likely token); above 0: sample, higher is more random")
	topK := flags.Int("top-k", 0, "sample only among the K most likely tokens (0: all)")
	seed := flags.Uint64("seed", 1, "random seed of the sampler")
	tok := flags.String("tokenizer", "", "tokenizer.json (default: the one in the checkpoint's or run's directory)")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tutor generate --model DIR [--prompt TEXT] [--max N] [--temperature T --top-k K --seed S]\n\n"+
			"Prints the prompt and its continuation as it is generated. Flags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("tutor generate takes no arguments, got %q (quote the prompt: --prompt \"...\")", flags.Args())
	}
	if *dir == "" {
		return errors.New("tutor generate needs --model DIR (see tutor generate --help)")
	}
	if *maxTokens < 1 {
		return fmt.Errorf("--max %d must be at least 1", *maxTokens)
	}
	m, err := train.Open(*dir, train.OpenOptions{Tokenizer: *tok})
	if err != nil {
		return err
	}
	fmt.Print(*prompt)
	_, err = m.Generate(*prompt, train.GenerateOptions{MaxTokens: *maxTokens, Temperature: float32(*temperature), TopK: *topK, Seed: *seed},
		func(s string) { os.Stdout.WriteString(s) })
	fmt.Println()
	return err
}
