package api

import "time"

// ModelKey answers GET /models/key: the public key with which the server
// signs model bundles. Clients pin it at login (SessionResponse.ModelKey)
// and refuse any bundle it did not sign.
type ModelKey struct {
	Algorithm string `json:"algorithm"`  // "ed25519"
	PublicKey string `json:"public_key"` // the 32 key bytes, standard base64
}

// ModelRelease is a model bundle published for a class: GET
// /models/current?class=ID&task=gec|grade and the entries of GET
// /classes/:id/models.
//
// Each task of a class ("gec", the grammar checker; "grade", the answer
// grader) has its own current model, so a class has up to two releases
// with Current set, one per Task; switching one leaves the other.
//
// Manifest is the bundle's manifest.json byte for byte as it was signed and
// Signature the server's ed25519 signature of it (both base64 in JSON): a
// client checks the signature with the pinned key over exactly these bytes
// before it trusts anything in them, then downloads each file listed from
// FilesURL + name and checks its size and SHA-256. Task is the task the
// server files the bundle under: the manifest's "task", "gec" when it names
// none; a client checks it against the verified manifest before it runs
// the model as one or the other. Kind, Metrics and Size are read from the
// manifest for display only.
type ModelRelease struct {
	Version   int64              `json:"version"`
	ClassID   int64              `json:"class_id"`
	Parent    int64              `json:"parent"`
	Current   bool               `json:"current"`
	CreatedAt time.Time          `json:"created_at"`
	Task      string             `json:"task,omitempty"`
	Kind      string             `json:"kind,omitempty"`
	Metrics   map[string]float64 `json:"metrics,omitempty"`
	Size      int64              `json:"size"`
	Manifest  []byte             `json:"manifest"`
	Signature []byte             `json:"signature"`
	FilesURL  string             `json:"files_url"`
}
