package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"github.com/tutor-dev/tutor/model/quant"
)

// runQuantize writes the int8 model of a float checkpoint:
// tutor quantize --model DIR --out DIR [--group N] [--activations float32|int8].
func runQuantize(args []string) error {
	flags := flag.NewFlagSet("tutor quantize", flag.ContinueOnError)
	dir := flags.String("model", "", "the float model: a checkpoint directory, or a run directory (its best/ is used)")
	out := flags.String("out", "", "directory for the int8 model (new, or an int8 model to replace)")
	group := flags.Int("group", quant.DefaultGroupSize, "weights per float32 scale, along each matrix's input dimension")
	acts := flags.String("activations", quant.ActivationsFloat32, "how engines compute it: float32 (dequantized weights) or int8 (inputs quantized per row, int32 sums)")
	tok := flags.String("tokenizer", "", "tokenizer.json (default: the one in the checkpoint's or run's directory)")
	asJSON := flags.Bool("json", false, "print the summary as JSON")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tutor quantize --model DIR --out DIR [--group N] [--activations float32|int8]\n\n"+
			"Quantizes the attention, MLP and token-embedding matrices to int8 with one float32 scale per\n"+
			"group of N weights (docs/QUANTIZATION.md) and writes model.safetensors, config.json, the\n"+
			"tokenizer and a manifest with each file's sha256 into --out, which then opens like a run:\n"+
			"tutor eval, tutor eval gec, tutor check and tutor serve take it as --model. Flags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	switch {
	case flags.NArg() > 0:
		return fmt.Errorf("tutor quantize takes no arguments, got %q", flags.Args())
	case *dir == "" || *out == "":
		return errors.New("tutor quantize needs --model DIR and --out DIR (see tutor quantize --help)")
	}
	sum, err := quant.Quantize(*dir, *out, quant.Options{GroupSize: *group, Activations: *acts, Tokenizer: *tok})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	fmt.Fprintf(stdout, "%s -> %s: %d of %d parameters in int8, groups of %d, activations %s\n",
		sum.Source, sum.Out, sum.Int8Params, sum.Params, sum.GroupSize, sum.Activations)
	fmt.Fprintf(stdout, "files on disk: %.2f MB float, %.2f MB int8 (%.0f%%)\n",
		float64(sum.FloatBytes)/1e6, float64(sum.Int8Bytes)/1e6, 100*float64(sum.Int8Bytes)/float64(sum.FloatBytes))
	fmt.Fprintf(stdout, "%-24s %-12s %10s %14s\n", "tensor", "shape", "rel. RMS", "max |err|/scale")
	for _, t := range sum.Tensors {
		fmt.Fprintf(stdout, "%-24s %-12s %9.4f%% %14.3f\n", t.Name, fmt.Sprint(t.Shape), 100*t.RelRMS, t.MaxErrScales)
	}
	return nil
}
