// Command tutor is the classroom server and its tools, in one binary:
//
//	tutor serve [--addr HOST:PORT] [--db PATH]   run the server and the PWA
//	tutor data content [--out DIR]               rebuild the starter content packs
//	tutor data corpus [--out DIR]                build the pre-training corpus and token shards
//	tutor data gec [--out DIR]                   build the grammar-error datasets
//	tutor data grade [--out DIR]                 build the answer-grading datasets
//	tutor data difficulty                        rebuild the word-rarity table of the difficulty levels
//	tutor train --config FILE --out DIR          pre-train or fine-tune a model
//	tutor distill --teacher DIR --task gec|grade distil a teacher into the student
//	tutor quantize --model DIR --out DIR         int8 weights with per-group scales
//	tutor generate --model DIR [--prompt TEXT]   continue a prompt with a trained model
//	tutor eval --model DIR [--data PATH]         validation loss or classification report of a model
//	tutor eval gec --model DIR --data PATH       grammar checking scored per error type
//	tutor check --model DIR                      mark grammar errors in sentences read on stdin
//	tutor publish --class ID --model DIR         sign a model for a class (docs/BUNDLES.md)
//	tutor version                                print the build version
//
// This package only wires the other packages together.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

// version is set at build time (-ldflags "-X main.version=...") to the hash
// of the embedded app, so that browsers fetch a new app exactly when it changed.
var version = "dev"

const usage = `tutor: an AI language teacher's classroom server.

Usage:
  tutor serve [--addr HOST:PORT] [--db PATH] [--check-model DIR] [--grade-model DIR]
                                               run the server (default 127.0.0.1:8080, data/tutor.db); the
                                               models serve POST /api/v1/check and /api/v1/grade
  tutor data content [--out DIR]               rebuild the starter content packs from their data packages
  tutor data corpus [--out DIR]                build the pre-training corpus, tokenizer and token shards
  tutor data gec [--out DIR]                   build the grammar-error datasets (synthetic learner errors, tags)
  tutor data grade [--out DIR]                 build the answer-grading datasets from the course
  tutor data difficulty                        rebuild data/difficulty/words.tsv (difficulty levels)
  tutor train --config FILE --out DIR [--resume] [--device cpu]
                                               pre-train or fine-tune a model (docs/TRAINING.md)
  tutor distill --teacher DIR --task gec|grade --out DIR
                                               train the student on a teacher's soft outputs and the labels
  tutor generate --model DIR [--prompt TEXT]   continue a prompt (greedy, or sampled with --temperature)
  tutor eval --model DIR [--data PATH]         validation loss and perplexity, or a head's classification report
  tutor eval gec --model DIR --data PATH[,PATH...] [--threshold F] [--baseline | --sweep]
                                               grammar checking: span P, R, F0.5 per error type, on each gold set
  tutor check [--model DIR] [--threshold F]    mark and explain grammar errors, one JSON line per stdin line
  tutor quantize --model DIR --out DIR [--group N]
                                               int8 weights with per-group float scales (docs/QUANTIZATION.md)
  tutor publish --class ID --model DIR [--db PATH]
                                               sign a model into a bundle and make it the class's current model (docs/BUNDLES.md)
  tutor version                                print the version

Run "tutor COMMAND --help" for a command's flags.
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "tutor:", err)
		os.Exit(1)
	}
}

// dataCommands are the subcommands of tutor data.
var dataCommands = map[string]func([]string) error{
	"content": runDataContent, "corpus": runDataCorpus, "gec": runDataGEC,
	"grade": runDataGrade, "difficulty": runDataDifficulty,
}

func runData(args []string) error {
	if len(args) > 0 {
		if cmd, ok := dataCommands[args[0]]; ok {
			return cmd(args[1:])
		}
	}
	return errors.New(`"tutor data" needs a subcommand: content, corpus, gec, grade or difficulty`)
}

func run(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return runServe(args[1:])
	case "data":
		return runData(args[1:])
	case "train":
		return runTrain(args[1:])
	case "distill":
		return runDistill(args[1:])
	case "generate":
		return runGenerate(args[1:])
	case "eval":
		if len(args) > 1 && args[1] == "gec" {
			return runEvalGEC(args[2:])
		}
		return runEval(args[1:])
	case "check":
		return runCheck(args[1:])
	case "quantize":
		return runQuantize(args[1:])
	case "publish":
		return runPublish(args[1:])
	case "version":
		fmt.Println(version)
		return nil
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
