package model

import (
	"io/fs"
	"sync"
)

// FormatLoader builds a model from a checkpoint of another format than this
// package's: a directory with the same manifest.json (its "format" names
// the loader), config.json and model.safetensors, whose files Load has
// already checked against the manifest's hashes. Package model/quant
// registers one for its int8 models, so that everything that loads a
// checkpoint (tutor eval, tutor check, the server) also loads a quantized
// one.
type FormatLoader func(fsys fs.FS, man Manifest, opt Options) (*Model, error)

var (
	formatsMu sync.RWMutex
	formats   = map[string]FormatLoader{}
)

// RegisterFormat makes Load read checkpoints whose manifest says format
// with load. It is meant for a package's init; registering a format twice,
// or this package's own, panics, as a programming error.
func RegisterFormat(format string, load FormatLoader) {
	formatsMu.Lock()
	defer formatsMu.Unlock()
	if format == CheckpointFormat || formats[format] != nil || load == nil {
		panic("model: RegisterFormat of " + format + " twice, of the float format, or without a loader")
	}
	formats[format] = load
}

// formatLoader is the loader registered for format, or nil.
func formatLoader(format string) FormatLoader {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	return formats[format]
}
