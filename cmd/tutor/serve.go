package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tutor-dev/tutor/app"
	"github.com/tutor-dev/tutor/data"
	"github.com/tutor-dev/tutor/model/checker"
	"github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/api"
	"github.com/tutor-dev/tutor/server/registry"
	"github.com/tutor-dev/tutor/server/sqlite"
	"github.com/tutor-dev/tutor/server/teaching"
)

func runServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	dbPath := fs.String("db", "data/tutor.db", "SQLite database file (created if missing)")
	certFile := fs.String("tls-cert", "", "TLS certificate file (PEM); serves HTTPS with --tls-key")
	keyFile := fs.String("tls-key", "", "TLS private key file (PEM)")
	debug := fs.Bool("debug", false, "log every request, not only API calls")
	var models teachingModels
	models.flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*certFile == "") != (*keyFile == "") {
		return errors.New("give both --tls-cert and --tls-key, or neither")
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// Models load before anything is written, so a bad model directory
	// stops the server at once and leaves no trace.
	opts := api.Options{Logger: log, App: app.Handler(version)}
	if err := models.load(&opts, log); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	store, err := sqlite.Open(*dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := importStarterPacks(ctx, store, log); err != nil {
		return err
	}
	key, err := loadModelKey(&opts, store.Path(), log)
	if err != nil {
		return err
	}
	if models.classModels {
		cm, err := newClassModels(models, store, key, log)
		if err != nil {
			return err
		}
		opts.ClassModel = cm.publish
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (is another tutor running? choose another port with --addr)", *addr, err)
	}
	tls := *certFile != ""
	opts.Store, opts.TLS = store, tls
	srv := api.New(opts)
	httpSrv := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}

	scheme := "http"
	if tls {
		scheme = "https"
	}
	base := fmt.Sprintf("%s://%s", scheme, ln.Addr())
	log.Info("tutor is serving", "url", base, "db", *dbPath, "version", version)
	if err := announceSetup(ctx, store, base); err != nil {
		return err
	}

	errc := make(chan error, 1)
	go func() {
		if tls {
			errc <- httpSrv.ServeTLS(ln, *certFile, *keyFile)
		} else {
			errc <- httpSrv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight (up to 10 s)")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// announceSetup prints the one-time admin setup link while the server has
// no accounts.
func announceSetup(ctx context.Context, store server.Store, base string) error {
	token, err := api.EnsureSetupToken(ctx, store)
	if err != nil || token == "" {
		return err
	}
	fmt.Fprintf(os.Stderr, "\n  First run: create the admin account at\n\n    %s/setup?token=%s\n\n  (the link works once; restart the server for a new one)\n\n", base, token)
	return nil
}

// loadModelKey loads the key that signs model bundles, making it next to
// the database on first start, and hands its public half to the API for
// clients to pin.
func loadModelKey(opts *api.Options, dbPath string, log *slog.Logger) (ed25519.PrivateKey, error) {
	key, created, err := registry.EnsureKey(dbPath)
	if err != nil {
		return nil, fmt.Errorf("model signing key: %w", err)
	}
	if created {
		log.Info("made the model signing key; back it up with the database", "path", registry.KeyPath(dbPath))
	}
	opts.ModelKey = key.Public().(ed25519.PublicKey)
	return key, nil
}

// importStarterPacks adds the embedded starter courses that the database
// does not have yet; a course already there (perhaps edited) is left alone.
func importStarterPacks(ctx context.Context, store server.Store, log *slog.Logger) error {
	packs, err := data.StarterPacks()
	if err != nil {
		return fmt.Errorf("reading the embedded starter courses: %w", err)
	}
	for _, p := range packs {
		_, err := store.Course(ctx, p.Course.ID)
		if err == nil {
			continue
		}
		if server.ErrorCode(err) != server.ENOTFOUND {
			return err
		}
		if err := store.ImportCourse(ctx, p); err != nil {
			return fmt.Errorf("importing starter course %s: %w", p.Course.ID, err)
		}
		sum := p.Course.Summarize()
		log.Info("starter course imported", "course", sum.ID, "units", sum.Units, "items", sum.Items)
	}
	return nil
}

// teachingModels are the optional models of POST /api/v1/check and
// /api/v1/grade, as the serve flags name them.
type teachingModels struct {
	checkModel, gradeModel string
	lexicon, explanations  string
	threshold              float64
	classModels            bool
}

func (m *teachingModels) flags(fs *flag.FlagSet) {
	fs.StringVar(&m.checkModel, "check-model", releasedCheckModel, "grammar checker: a tagging model trained by `tutor train` or `tutor quantize` (a checkpoint or run directory); \"off\", or the default when it is missing, makes /api/v1/check answer 503")
	fs.StringVar(&m.gradeModel, "grade-model", releasedGradeModel, "answer grader: a classification model trained by `tutor train` or `tutor quantize`; \"off\", or the default when it is missing, makes /api/v1/grade answer 503")
	fs.BoolVar(&m.classModels, "class-models", true, "publish the grammar checker and the grader (when int8, as `tutor quantize` makes them) for every class that has no model of its own yet, for learners' browsers to run offline")
	fs.StringVar(&m.lexicon, "lexicon", "data/errors", "word tables of the grammar checker")
	fs.StringVar(&m.explanations, "explanations", "data/explain/en-for-zh.json", "explanations of the grammar checker's edits (a file teachers may edit)")
	fs.Float64Var(&m.threshold, "check-threshold", checker.DefaultThreshold, "least probability of an edit the checker marks (higher: fewer, surer)")
}

// The grammar checker and the answer grader released with the tutor
// (data/models/PROVENANCE.md), which serve uses unless told otherwise.
const (
	releasedCheckModel = "data/models/gec-student-int8"
	releasedGradeModel = "data/models/grade-student-int8"
)

// load opens the models that flags name into opts, once for the server's
// life (they are safe for concurrent use), and says in the log what is on.
func (m *teachingModels) load(opts *api.Options, log *slog.Logger) error {
	for _, p := range []*string{&m.checkModel, &m.gradeModel} {
		if *p == releasedCheckModel || *p == releasedGradeModel {
			if _, err := os.Stat(filepath.Join(*p, "manifest.json")); err != nil {
				*p = "" // not run from the repository: no released model here
			}
		}
	}
	if m.checkModel == "" || m.checkModel == "off" {
		log.Info("grammar checking is off (POST /api/v1/check answers 503); turn it on with --check-model DIR")
	} else if err := m.loadChecker(opts, log); err != nil {
		return err
	}
	if m.gradeModel == "" || m.gradeModel == "off" {
		log.Info("answer grading is off (POST /api/v1/grade answers 503); turn it on with --grade-model DIR")
	} else if err := m.loadGrader(opts, log); err != nil {
		return err
	}
	return nil
}

func (m *teachingModels) loadChecker(opts *api.Options, log *slog.Logger) error {
	if err := checkFiles(m.lexicon, "--lexicon", m.explanations, "--explanations"); err != nil {
		return err
	}
	start := time.Now()
	c, err := teaching.OpenChecker(m.checkModel, m.lexicon, m.explanations, checker.Options{Threshold: m.threshold})
	if err != nil {
		return fmt.Errorf("--check-model %s: %w (or start with --check-model off)", m.checkModel, err)
	}
	opt := c.Options()
	log.Info("grammar checker loaded", "model", m.checkModel, "threshold", opt.Threshold, "passes", opt.Passes,
		"max_chars", opt.MaxChars, "ms", time.Since(start).Milliseconds())
	opts.Checker = c
	return nil
}

func (m *teachingModels) loadGrader(opts *api.Options, log *slog.Logger) error {
	start := time.Now()
	g, err := teaching.OpenGrader(m.gradeModel)
	if err != nil {
		return fmt.Errorf("--grade-model %s: %w (or start with --grade-model off)", m.gradeModel, err)
	}
	log.Info("answer grader loaded", "model", g.Dir(), "ms", time.Since(start).Milliseconds())
	opts.Grader = g
	return nil
}

// checkFiles names the flag of a data path that is missing, before a model
// load fails on it with a message that cannot know the flag.
func checkFiles(pathsAndFlags ...string) error {
	for i := 0; i < len(pathsAndFlags); i += 2 {
		path, flagName := pathsAndFlags[i], pathsAndFlags[i+1]
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("%s %s: %w; run tutor from the repository root, or point %s at it", flagName, path, err, flagName)
		}
	}
	return nil
}
