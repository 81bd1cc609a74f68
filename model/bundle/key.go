package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Key files are PEM: the private key as PKCS#8 ("PRIVATE KEY"), the public
// key as SubjectPublicKeyInfo ("PUBLIC KEY"), the forms openssl and other
// tools read. For ed25519 both DER encodings are a fixed prefix and the
// 32 key bytes (RFC 8410), so they are written and read here without
// crypto/x509, which would add megabytes to the browser's wasm.
var (
	pkcs8Prefix = []byte{0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20}
	spkiPrefix  = []byte{0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}
)

// GenerateKey makes a new signing key from the system's random source.
func GenerateKey() (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("bundle: making a signing key: %w", err)
	}
	return key, nil
}

// SaveKey writes key to the new file path, readable by its owner only
// (0600). It never replaces a key: clients have pinned the old one and
// would refuse every bundle signed by a new one.
func SaveKey(path string, key ed25519.PrivateKey) error {
	if len(key) != ed25519.PrivateKeySize {
		return fmt.Errorf("bundle: the signing key has %d bytes, not %d", len(key), ed25519.PrivateKeySize)
	}
	der := append(append([]byte{}, pkcs8Prefix...), key.Seed()...)
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("bundle: saving the signing key: %w", err)
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes the file 0600, so the key is never readable by others.
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("bundle: saving the signing key: %w", err)
	}
	// A hard link puts the whole file in place at once and, unlike a rename,
	// fails if path exists.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("bundle: %s already exists; a signing key is never replaced (load it instead)", path)
		}
		return fmt.Errorf("bundle: saving the signing key: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// LoadKey reads a signing key written by SaveKey. A key file that others
// may read is refused: whoever reads it can sign models for every class.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: signing key: %w", err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("bundle: the signing key %s may be read by other users (mode %v): run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" || len(block.Bytes) != len(pkcs8Prefix)+ed25519.SeedSize ||
		!bytes.HasPrefix(block.Bytes, pkcs8Prefix) {
		return nil, fmt.Errorf("bundle: %s is not an ed25519 private key in PEM (PKCS#8): it is damaged; restore it from a backup (a new key means every learner must log in again)", path)
	}
	return ed25519.NewKeyFromSeed(block.Bytes[len(pkcs8Prefix):]), nil
}

// EnsureKey loads the signing key at path, or makes and saves one (and
// its folder) when there is none yet; created says which.
func EnsureKey(path string) (key ed25519.PrivateKey, created bool, err error) {
	if _, err := os.Lstat(path); err == nil {
		key, err := LoadKey(path)
		return key, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("bundle: making the folder of the signing key: %w", err)
	}
	if key, err = GenerateKey(); err != nil {
		return nil, false, err
	}
	if err := SaveKey(path, key); err != nil {
		return nil, false, err
	}
	return key, true, nil
}

// PublicKeyText is how the API and clients write a public key: the 32 key
// bytes in standard base64.
func PublicKeyText(pub ed25519.PublicKey) string {
	return base64.StdEncoding.EncodeToString(pub)
}

// PublicKeyPEM writes a public key as a PEM "PUBLIC KEY" (SubjectPublicKeyInfo),
// for tools such as openssl.
func PublicKeyPEM(pub ed25519.PublicKey) []byte {
	der := append(append([]byte{}, spkiPrefix...), pub...)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ParsePublicKey reads a public key written by PublicKeyText or PublicKeyPEM.
func ParsePublicKey(text string) (ed25519.PublicKey, error) {
	text = strings.TrimSpace(text)
	if block, _ := pem.Decode([]byte(text)); block != nil {
		if block.Type != "PUBLIC KEY" || len(block.Bytes) != len(spkiPrefix)+ed25519.PublicKeySize || !bytes.HasPrefix(block.Bytes, spkiPrefix) {
			return nil, errors.New("bundle: the PEM block is not an ed25519 public key")
		}
		return ed25519.PublicKey(block.Bytes[len(spkiPrefix):]), nil
	}
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("bundle: a public key is %d bytes in standard base64 (or a PEM PUBLIC KEY); %q is not", ed25519.PublicKeySize, text)
	}
	return ed25519.PublicKey(b), nil
}
