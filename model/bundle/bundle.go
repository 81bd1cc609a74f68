// Package bundle is the signed form in which a trained model travels from
// the classroom server to the learners' browsers: a flat folder of files
// (weights, config.json, tokenizer.json, ...) with manifest.json, which
// gives each file's size and SHA-256 with the model's version, parent,
// metrics and data provenance, and manifest.sig, an ed25519 signature of
// manifest.json's exact bytes by the server's key.
//
// The server makes bundles (Create) with its private key; the browser
// checks them (Verify, or OpenManifest and CheckFile while downloading)
// against the public key it pinned at login, so a model that was altered on
// the way or on the server's disk is refused before it runs.
//
// The browser's inference worker imports this package: it uses the
// standard library only, builds for js/wasm, and must not import net/http,
// database/sql, crypto/x509 (large in wasm) or any tutor package.
package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sort"
	"strings"
	"time"
)

// The bundle's own files and its format.
const (
	ManifestFile  = "manifest.json"
	SignatureFile = "manifest.sig"
	// CheckpointFile is where a checkpoint's own manifest.json goes in a
	// bundle, since the bundle's manifest takes that name (see Create and
	// CheckpointFS).
	CheckpointFile = "checkpoint.json"

	Format        = "tutor-bundle"
	FormatVersion = 1
)

// Limits on what Verify reads before it has checked anything: a manifest
// lists a handful of files, and a signature is 64 bytes in base64.
const (
	maxManifestBytes  = 1 << 20
	maxSignatureBytes = 1 << 10
)

// Manifest is manifest.json. Create fills in Format, FormatVersion, Files
// and (when zero) Created; the caller says the rest.
type Manifest struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
	// Version numbers the server's bundles from 1; Parent is the version
	// this one replaces for its class (0 for the first).
	Version int64     `json:"version"`
	Parent  int64     `json:"parent"`
	Created time.Time `json:"created"`
	// Task is what the model does ("gec", "grade") and Kind which model of
	// the family it is ("student", "teacher").
	Task  string          `json:"task,omitempty"`
	Kind  string          `json:"kind,omitempty"`
	Files map[string]File `json:"files"`
	// Metrics are the model's evaluation results (say "f0.5": 0.41) and
	// Data where its training data came from (files, their hashes, the
	// teacher it was distilled from): what a teacher sees before publishing.
	Metrics map[string]float64 `json:"metrics,omitempty"`
	Data    map[string]string  `json:"data,omitempty"`
}

// File is one file's size in bytes and SHA-256 in lower-case hex.
type File struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Error is a refusal: the file at fault (manifest.json, manifest.sig or a
// model file) and what is wrong with it and what to do.
type Error struct {
	File   string
	Reason string
}

func (e *Error) Error() string { return "bundle: " + e.File + ": " + e.Reason }

func refuse(file, format string, args ...any) *Error {
	return &Error{File: file, Reason: fmt.Sprintf(format, args...)}
}

// advice ends every refusal of a received bundle: a damaged bundle is
// never repaired, only fetched again.
const advice = "do not use this bundle; download it again"

// Verify checks the bundle at the root of fsys against the server's public
// key and returns its manifest: first the signature of manifest.json, then
// that the folder holds exactly the files the manifest lists, then each
// file's size and SHA-256. The first problem found is returned as an
// *Error naming the file.
func Verify(fsys fs.FS, pub ed25519.PublicKey) (Manifest, error) {
	data, err := readLimited(fsys, ManifestFile, maxManifestBytes)
	if err != nil {
		return Manifest{}, err
	}
	sigText, err := readLimited(fsys, SignatureFile, maxSignatureBytes)
	if err != nil {
		return Manifest{}, err
	}
	sig, err := DecodeSignature(sigText)
	if err != nil {
		return Manifest{}, err
	}
	m, err := OpenManifest(data, sig, pub)
	if err != nil {
		return Manifest{}, err
	}
	if err := m.checkListing(fsys); err != nil {
		return Manifest{}, err
	}
	for _, name := range m.Names() {
		if err := m.checkFileIn(fsys, name); err != nil {
			return Manifest{}, err
		}
	}
	return m, nil
}

// OpenManifest checks that sig is the server's signature of the manifest
// bytes data and only then decodes them. A client that downloads a bundle
// file by file calls it on the manifest first and CheckFile on each file.
func OpenManifest(data, sig []byte, pub ed25519.PublicKey) (Manifest, error) {
	if len(pub) != ed25519.PublicKeySize {
		return Manifest{}, refuse(SignatureFile, "the pinned server key has %d bytes, not %d: log in again to pin the server's key", len(pub), ed25519.PublicKeySize)
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, data, sig) {
		return Manifest{}, refuse(SignatureFile, "it is not this server's signature of %s: the manifest or its signature was altered, or another key signed them; %s (if the server's key was replaced, log in again to pin the new one)", ManifestFile, advice)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, refuse(ManifestFile, "it is signed but is not a valid manifest (%v): the server wrote a damaged bundle; ask the teacher to publish the model again", err)
	}
	if err := m.check(); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// check validates a decoded manifest: the format, the version numbers and
// every file's name and digest.
func (m Manifest) check() error {
	switch {
	case m.Format != Format:
		return refuse(ManifestFile, "its format is %q, not %q: this is not a tutor model bundle", m.Format, Format)
	case m.FormatVersion > FormatVersion:
		return refuse(ManifestFile, "its format_version is %d but this app reads version %d: reload the app to update it", m.FormatVersion, FormatVersion)
	case m.FormatVersion < 1:
		return refuse(ManifestFile, "its format_version %d never existed: the bundle is damaged; %s", m.FormatVersion, advice)
	case m.Version < 1:
		return refuse(ManifestFile, "its version is %d; versions start at 1", m.Version)
	case m.Parent < 0 || m.Parent >= m.Version:
		return refuse(ManifestFile, "its parent version %d is not an earlier bundle of version %d", m.Parent, m.Version)
	case len(m.Files) == 0:
		return refuse(ManifestFile, "it lists no files: there is no model in this bundle")
	}
	for _, name := range m.Names() {
		if err := checkName(name); err != nil {
			return refuse(ManifestFile, "it lists %q, %v", name, err)
		}
		f := m.Files[name]
		if f.Size < 0 || !isSHA256Hex(f.SHA256) {
			return refuse(ManifestFile, "the entry of %s needs a size ≥ 0 and a SHA-256 of 64 lower-case hex digits (it has %d and %q)", name, f.Size, f.SHA256)
		}
	}
	for k, v := range m.Metrics {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return refuse(ManifestFile, "metric %q is %v; metrics must be finite numbers", k, v)
		}
	}
	return nil
}

// Names returns the manifest's files in name order.
func (m Manifest) Names() []string {
	names := make([]string, 0, len(m.Files))
	for name := range m.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// TotalSize is the sum of the files' sizes: the download.
func (m Manifest) TotalSize() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// CheckFile reads r to its end and checks that it is the manifest's file
// name: listed, of the listed size and SHA-256. It reads at most one byte
// more than the listed size, so an endless or oversized stream is refused
// without reading it all.
func (m Manifest) CheckFile(name string, r io.Reader) error {
	want, ok := m.Files[name]
	if !ok {
		return refuse(name, "it is not listed in %s, so it is not signed: do not use it", ManifestFile)
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(r, want.Size+1))
	if err != nil {
		return refuse(name, "reading it failed (%v); download it again", err)
	}
	if n != want.Size {
		return refuse(name, "it has %s bytes but %s says %d: the file is incomplete or was altered; %s", sizeText(n, want.Size), ManifestFile, want.Size, advice)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want.SHA256 {
		return refuse(name, "its SHA-256 is %s… but %s says %s…: the file was altered or damaged; %s", got[:12], ManifestFile, want.SHA256[:12], advice)
	}
	return nil
}

// sizeText writes a read size, saying "more than" when the read stopped at
// the limit of one byte past the expected size.
func sizeText(n, want int64) string {
	if n > want {
		return fmt.Sprintf("more than %d", want)
	}
	return fmt.Sprint(n)
}

func (m Manifest) checkFileIn(fsys fs.FS, name string) error {
	f, err := fsys.Open(name)
	if err != nil {
		return refuse(name, "it is listed in %s but cannot be opened (%v); download the bundle again", ManifestFile, err)
	}
	defer f.Close()
	return m.CheckFile(name, f)
}

// checkListing refuses a folder that lacks a listed file or holds one the
// manifest does not list: an unsigned file must never be loaded.
func (m Manifest) checkListing(fsys fs.FS) error {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return refuse(".", "the bundle's folder cannot be listed (%v)", err)
	}
	present := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if name == ManifestFile || name == SignatureFile {
			continue
		}
		if _, listed := m.Files[name]; !listed || e.IsDir() {
			return refuse(name, "it is in the bundle's folder but not listed in %s, so it is not signed; remove it, or %s", ManifestFile, advice)
		}
		present[name] = true
	}
	for _, name := range m.Names() {
		if !present[name] {
			return refuse(name, "it is listed in %s but missing: the download is incomplete; download the bundle again", ManifestFile)
		}
	}
	return nil
}

// readLimited reads a small file of the bundle, refusing a missing or
// oversized one.
func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, refuse(name, "it is missing: this folder is not a complete bundle; download it again")
	}
	if err != nil {
		return nil, refuse(name, "it cannot be opened (%v)", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, refuse(name, "reading it failed (%v); download the bundle again", err)
	}
	if int64(len(data)) > limit {
		return nil, refuse(name, "it is larger than %d bytes, which no bundle writes; %s", limit, advice)
	}
	return data, nil
}

// EncodeSignature writes a signature as manifest.sig holds it: standard
// base64 and a newline.
func EncodeSignature(sig []byte) []byte {
	return []byte(base64.StdEncoding.EncodeToString(sig) + "\n")
}

// DecodeSignature reads manifest.sig's text.
func DecodeSignature(text []byte) ([]byte, error) {
	// Strict: a changed padding bit must not decode to the same signature.
	sig, err := base64.StdEncoding.Strict().DecodeString(string(bytes.TrimSpace(text)))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, refuse(SignatureFile, "it does not hold a %d-byte signature in base64: it was altered or damaged; %s", ed25519.SignatureSize, advice)
	}
	return sig, nil
}

// checkName accepts the file names a bundle may hold: flat, short, and
// safe in a URL path and on every file system.
func checkName(name string) error {
	if name == "" || len(name) > 128 {
		return errors.New("a file name has 1 to 128 characters")
	}
	if name == ManifestFile || name == SignatureFile {
		return fmt.Errorf("a name the bundle keeps for itself")
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			i > 0 && strings.ContainsRune("._-", r)
		if !ok {
			return errors.New("a file name has letters, digits, dots, dashes and underscores only, and starts with a letter or digit")
		}
	}
	return nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// CheckpointFS presents a verified bundle made from a checkpoint folder as
// that checkpoint again, for model.LoadFS: checkpoint.json reads as
// manifest.json. Every other name passes through.
func CheckpointFS(fsys fs.FS) fs.FS { return checkpointFS{fsys} }

type checkpointFS struct{ fsys fs.FS }

func (c checkpointFS) Open(name string) (fs.File, error) {
	switch name {
	case ManifestFile:
		name = CheckpointFile
	case CheckpointFile:
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return c.fsys.Open(name)
}
