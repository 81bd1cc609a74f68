package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tutor-dev/tutor/app"
	"github.com/tutor-dev/tutor/data"
	"github.com/tutor-dev/tutor/server"
	"github.com/tutor-dev/tutor/server/api"
	"github.com/tutor-dev/tutor/server/sqlite"
)

func runServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	dbPath := fs.String("db", "data/tutor.db", "SQLite database file (created if missing)")
	certFile := fs.String("tls-cert", "", "TLS certificate file (PEM); serves HTTPS with --tls-key")
	keyFile := fs.String("tls-key", "", "TLS private key file (PEM)")
	debug := fs.Bool("debug", false, "log every request, not only API calls")
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

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (is another tutor running? choose another port with --addr)", *addr, err)
	}
	tls := *certFile != ""
	srv := api.New(api.Options{Store: store, Logger: log, App: app.Handler(version), TLS: tls})
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
