package server

import "time"

// ModelBundle is a signed model bundle (package model/bundle) published for
// a class. Versions are numbered across the whole server, so a version
// names one bundle of one class; among a class's bundles one is current:
// the model its learners' browsers download. Rolling back makes an older
// version current again; nothing is ever deleted.
type ModelBundle struct {
	Version int64
	ClassID int64
	Parent  int64 // the version this one replaced (0 for a class's first)
	// Manifest is the bundle's manifest.json byte for byte as it was signed,
	// and Signature the server's ed25519 signature of it: clients check the
	// signature over exactly these bytes.
	Manifest  []byte
	Signature []byte
	Dir       string // the bundle's folder on the server's disk
	CreatedAt time.Time
	Current   bool
}
