package train

import (
	"errors"
	"fmt"
	"io"
)

// Device checks the --device flag. This build trains on the CPU only:
// "cpu" is that, "auto" falls back to it and says so, and "cuda" is an
// error rather than a silent CPU run, so that a script asking for a GPU
// learns it did not get one.
func Device(name string, log io.Writer) error {
	switch name {
	case "cpu":
		return nil
	case "auto", "":
		if log != nil {
			fmt.Fprintln(log, "no GPU found, training on CPU")
		}
		return nil
	case "cuda", "gpu":
		return errors.New("this build has no CUDA backend yet; use --device cpu")
	}
	return fmt.Errorf("unknown device %q; use cpu, auto or cuda", name)
}
