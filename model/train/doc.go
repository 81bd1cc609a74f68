// Package train is what `tutor train`, `tutor eval` and `tutor generate`
// run: it reads a training config file, loads the data (token shards of the
// pre-training corpus, plain text, or labelled JSONL for fine-tuning),
// builds the model (from a preset, an inline shape or a checkpoint, with a
// new head and optionally LoRA adapters), and runs the loop — batches,
// AdamW on a warmup + cosine schedule, clipping, validation every N steps,
// early stopping, the latest and best checkpoints, a progress line and
// report.json — so that a run can stop at any step and resume to exactly
// the numbers an uninterrupted run gives.
//
// Everything random in a run is a function of the config's seed and the
// step number (which windows or examples a step reads, which tokens the
// masked objective hides), except dropout, whose generator the model
// checkpoints itself. That is what makes --resume exact without saving a
// data cursor.
//
// A run directory (--out) holds:
//
//	latest/         the checkpoint to resume from (weights, AdamW state, trainer state)
//	best/           the weights with the lowest validation loss (LoRA merged in)
//	tokenizer.json  the tokenizer the run's token ids mean
//	report.json     the losses, the curve, the baseline and, for heads, the classification report
//
// The package is the orchestration only: the numerics are package model's
// and the tokens package tokenizer's and package corpus's. It runs on the
// server and the command line; it must not import server, app or net/http,
// and the browser build does not need it.
package train
