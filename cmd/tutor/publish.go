package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"github.com/tutor-dev/tutor/model/engine"
	"github.com/tutor-dev/tutor/server/registry"
	"github.com/tutor-dev/tutor/server/sqlite"
)

func runPublish(args []string) error {
	flags := flag.NewFlagSet("publish", flag.ContinueOnError)
	dbPath := flags.String("db", "data/tutor.db", "the server's database; the bundle goes to models/VERSION beside it, signed with the key there")
	classID := flags.Int64("class", 0, "the class to publish the model for (its id, as GET /api/v1/classes shows)")
	modelDir := flags.String("model", "", "the model: a checkpoint folder, or a training run (its best/ is used)")
	task := flags.String("task", "", `what the model does: "gec" (grammar checking) or "grade" (answer grading)`)
	kind := flags.String("kind", "", `which model it is: "student" (the browser's) or "teacher"`)
	metricsFile := flags.String("metrics", "", `a JSON file of evaluation results, {"name": number, ...}, shown to teachers`)
	dataFile := flags.String("data", "", `a JSON file of the training data's provenance, {"name": "text", ...}`)
	lexicon := flags.String("lexicon", "data/errors", `for --task gec: the word tables the checker reads, carried in the bundle`)
	explanations := flags.String("explanations", "data/explain/en-for-zh.json", `for --task gec: the explanation file, carried in the bundle`)
	flags.Usage = func() {
		fmt.Fprint(flags.Output(), "Usage: tutor publish --class ID --model DIR [--db PATH] [--task gec|grade] [--kind student|teacher] [--metrics FILE] [--data FILE]\n\n"+
			"Signs the model (for --task gec with the checker's word tables and explanations) into a bundle with the server's key (made next to the database on first use), records it as\n"+
			"the class's current model and keeps the previous one for rollback. Learners' browsers fetch it at their next sync.\n\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *classID <= 0 || *modelDir == "" {
		flags.Usage()
		return errors.New("publish needs --class ID and --model DIR")
	}
	release := registry.Release{ClassID: *classID, Task: *task, Kind: *kind}
	if err := readJSONFlag(*metricsFile, "--metrics", &release.Metrics); err != nil {
		return err
	}
	if err := readJSONFlag(*dataFile, "--data", &release.Data); err != nil {
		return err
	}
	folder, files, err := registry.ModelFiles(*modelDir)
	if err != nil {
		return fmt.Errorf("--model: %w", err)
	}
	if *task == engine.TaskGEC {
		// The browser's checker needs the word tables and the explanations
		// the server's checker reads from data/.
		extra, err := engine.CheckerFiles(*lexicon, *explanations)
		if err != nil {
			return err
		}
		maps.Copy(files, extra)
	}
	release.Files = files
	release.Data = withSource(release.Data, folder)
	return publish(*dbPath, release)
}

// publish opens the store and the key, publishes and says what it did.
func publish(dbPath string, release registry.Release) error {
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("--db %s: %w; publish to the database of a server that has run (tutor serve --db ...)", dbPath, err)
	}
	store, err := sqlite.Open(dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	key, created, err := registry.EnsureKey(store.Path())
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(os.Stderr, "made the server's signing key %s (back it up: learners' browsers trust only bundles it signs)\n", registry.KeyPath(store.Path()))
	}
	ctx := context.Background()
	class, err := store.ClassByID(ctx, release.ClassID)
	if err != nil {
		return fmt.Errorf("--class %d: %w", release.ClassID, err)
	}
	b, man, err := registry.Publish(ctx, store, key, store.Path(), release)
	if err != nil {
		return err
	}
	fmt.Printf("published model version %d for class %d (%s): %d files, %.1f MB in %s, parent version %d\n",
		b.Version, class.ID, class.Name, len(man.Files), float64(man.TotalSize())/1e6, b.Dir, b.Parent)
	if b.Parent > 0 {
		fmt.Printf("to undo: POST /api/v1/classes/%d/models/%d/current\n", class.ID, b.Parent)
	}
	return nil
}

// readJSONFlag decodes the JSON file a flag names into v; an unset flag
// leaves v alone.
func readJSONFlag(path, flagName string, v any) error {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", flagName, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s %s: %v; give a JSON object (see tutor publish --help)", flagName, path, err)
	}
	return nil
}

// withSource records where on the server the model came from, unless the
// provenance already says.
func withSource(data map[string]string, folder string) map[string]string {
	if data == nil {
		data = map[string]string{}
	}
	if _, ok := data["source"]; !ok {
		if abs, err := filepath.Abs(folder); err == nil {
			folder = abs
		}
		data["source"] = folder
	}
	return data
}
