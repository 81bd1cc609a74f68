package shard

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var testHeader = Header{VocabSize: 300, Tokenizer: sha256.Sum256([]byte("tokenizer.json"))}

func TestRoundTrip(t *testing.T) {
	for _, tokens := range [][]uint16{nil, {0}, {0, 5, 299, 17, 1}} {
		b, err := Encode(testHeader, tokens)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != HeaderSize+2*len(tokens) || string(b[:8]) != Magic {
			t.Fatalf("%d tokens gave %d bytes starting %q", len(tokens), len(b), b[:8])
		}
		h, got, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		want := testHeader
		want.Tokens = int64(len(tokens))
		if h != want || !slices.Equal(got, tokens) {
			t.Errorf("round trip: header %+v tokens %v, want %+v %v", h, got, want, tokens)
		}
	}
}

func TestLayoutIsLittleEndian(t *testing.T) {
	b, _ := Encode(testHeader, []uint16{0x0102})
	le := binary.LittleEndian
	if le.Uint32(b[8:]) != 1 || le.Uint32(b[12:]) != 300 || le.Uint64(b[16:]) != 1 ||
		!bytes.Equal(b[24:56], testHeader.Tokenizer[:]) || !bytes.Equal(b[56:64], make([]byte, 8)) || b[64] != 0x02 || b[65] != 0x01 {
		t.Errorf("header bytes % x", b)
	}
}

func TestEncodeRejects(t *testing.T) {
	if _, err := Encode(testHeader, []uint16{1, 300}); err == nil || !strings.Contains(err.Error(), "position 1") {
		t.Errorf("a token outside the vocabulary: %v", err)
	}
	for _, v := range []int{0, MaxVocab + 1} {
		if _, err := Encode(Header{VocabSize: v}, nil); err == nil {
			t.Errorf("vocabulary %d: no error", v)
		}
	}
}

func TestDecodeRejectsDamage(t *testing.T) {
	good, _ := Encode(testHeader, []uint16{1, 2, 3})
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	le := binary.LittleEndian
	for name, c := range map[string]struct {
		b    []byte
		want string
	}{
		"empty":          {nil, "bad magic"},
		"short header":   {good[:40], "bad magic"},
		"magic":          {edit(func(b []byte) []byte { b[0] = 'X'; return b }), "bad magic"},
		"version":        {edit(func(b []byte) []byte { le.PutUint32(b[8:], 2); return b }), "version 2"},
		"vocab zero":     {edit(func(b []byte) []byte { le.PutUint32(b[12:], 0); return b }), "vocabulary of 0"},
		"vocab too big":  {edit(func(b []byte) []byte { le.PutUint32(b[12:], 1<<20); return b }), "vocabulary"},
		"truncated":      {good[:len(good)-2], "promises 3 tokens"},
		"odd length":     {good[:len(good)-1], "promises 3 tokens"},
		"trailing bytes": {append(append([]byte(nil), good...), 0, 0), "promises 3 tokens"},
		"huge count":     {edit(func(b []byte) []byte { le.PutUint64(b[16:], 1<<62); return b }), "promises"},
		"reserved":       {edit(func(b []byte) []byte { b[60] = 1; return b }), "reserved"},
		"token":          {edit(func(b []byte) []byte { le.PutUint16(b[66:], 300); return b }), "position 1"},
	} {
		_, _, err := Decode(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one that says %q", name, err, c.want)
		}
	}
}

func TestReadSplitJoinsShardsInOrder(t *testing.T) {
	dir := t.TempDir()
	parts := [][]uint16{{0, 10, 11}, {12, 13}, {0, 14}}
	for i, p := range parts {
		if err := Write(filepath.Join(dir, Name("train", i)), testHeader, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(filepath.Join(dir, Name("val", 0)), testHeader, []uint16{0, 99}); err != nil {
		t.Fatal(err)
	}
	h, stream, err := ReadSplit(dir, "train")
	if err != nil {
		t.Fatal(err)
	}
	if want := []uint16{0, 10, 11, 12, 13, 0, 14}; !slices.Equal(stream, want) || h.Tokens != 7 || h.VocabSize != 300 {
		t.Errorf("ReadSplit = %+v %v, want 7 tokens %v", h, stream, want)
	}
	other := testHeader
	other.Tokenizer[0] ^= 1
	if err := Write(filepath.Join(dir, Name("train", 3)), other, []uint16{1}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadSplit(dir, "train"); err == nil || !strings.Contains(err.Error(), "another tokenizer") {
		t.Errorf("shards of two tokenizers: %v", err)
	}
	if _, _, err := ReadSplit(t.TempDir(), "val"); err == nil || !strings.Contains(err.Error(), "tutor data corpus") {
		t.Errorf("no shards: %v", err)
	}
}

// FuzzDecode: no input makes the reader panic, and whatever it accepts it
// writes back byte for byte. Seeds are in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	good, _ := Encode(testHeader, []uint16{0, 7, 299})
	f.Add(good)
	f.Fuzz(func(t *testing.T, b []byte) {
		h, tokens, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Encode(h, tokens)
		if err != nil {
			t.Fatalf("a shard that decodes does not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("decode then encode changed the bytes")
		}
	})
}

func TestSplitOf(t *testing.T) {
	for name, want := range map[string]string{
		"train-000.bin": "train", "val-017.bin": "val", "train-1234.bin": "train", Name("val", 5): "val", Name("train", 1000): "train",
		"train-00.bin": "", "test-000.bin": "", "train-000.bin.tmp": "", "train-0a0.bin": "", "train000.bin": "",
		"xtrain-000.bin": "", "train--000.bin": "", "val-000.binx": "", "train-٠٠٠.bin": "", "": "",
	} {
		got, ok := SplitOf(name)
		if got != want || ok != (want != "") {
			t.Errorf("SplitOf(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}
