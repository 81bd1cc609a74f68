package bundle_test

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tutor-dev/tutor/model/bundle"
)

func TestEnsureKeyCreatesOnceAndPrivately(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "tutor-signing.key")
	key, created, err := bundle.EnsureKey(path)
	if err != nil || !created {
		t.Fatalf("first EnsureKey: created=%v, %v", created, err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", info.Mode().Perm(), err)
	}
	again, created, err := bundle.EnsureKey(path)
	if err != nil || created || !again.Equal(key) {
		t.Fatalf("second EnsureKey made a new key or failed: created=%v, %v", created, err)
	}
	if err := bundle.SaveKey(path, newKey(t)); err == nil || !strings.Contains(err.Error(), "never replaced") {
		t.Errorf("SaveKey over an existing key: %v", err)
	}
	if loaded, _ := bundle.LoadKey(path); !loaded.Equal(key) {
		t.Error("the key changed after a refused SaveKey")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("the key's folder holds %d entries, want the key alone", len(entries))
	}
}

func TestLoadKeyRefusals(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k")
	if err := bundle.SaveKey(path, newKey(t)); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	if _, err := bundle.LoadKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a key readable by others: %v", err)
	}
	damaged := filepath.Join(dir, "damaged")
	os.WriteFile(damaged, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600)
	if _, err := bundle.LoadKey(damaged); err == nil || !strings.Contains(err.Error(), "restore it from a backup") {
		t.Errorf("a damaged key: %v", err)
	}
	if _, err := bundle.LoadKey(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing key loaded")
	}
}

// TestKeyFilesAreStandard: the key files are the PKCS#8 and SPKI PEM that
// other tools read (checked here with crypto/x509, which the package
// itself avoids).
func TestKeyFilesAreStandard(t *testing.T) {
	key := newKey(t)
	path := filepath.Join(t.TempDir(), "k")
	if err := bundle.SaveKey(path, key); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	block, _ := pem.Decode(data)
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil || !key.Equal(parsed) {
		t.Fatalf("crypto/x509 reads the saved key as %v, %v", parsed, err)
	}
	pub := publicOf(key)
	pemPub := bundle.PublicKeyPEM(pub)
	block, _ = pem.Decode(pemPub)
	p, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil || !pub.Equal(p) {
		t.Fatalf("crypto/x509 reads the public key as %v, %v", p, err)
	}
	for _, text := range []string{bundle.PublicKeyText(pub), string(pemPub), " " + bundle.PublicKeyText(pub) + "\n"} {
		got, err := bundle.ParsePublicKey(text)
		if err != nil || !got.Equal(pub) {
			t.Errorf("ParsePublicKey(%q) = %v, %v", text, got, err)
		}
	}
	for _, bad := range []string{"", "not base64!", bundle.PublicKeyText(pub[:16]), string(data)} {
		if _, err := bundle.ParsePublicKey(bad); err == nil {
			t.Errorf("ParsePublicKey(%q) accepted", bad)
		}
	}
	var _ ed25519.PublicKey = pub
}
