package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestWriteRawRoundTrip writes int8 and float32 tensors side by side, as a
// quantized model does, and reads both back.
func TestWriteRawRoundTrip(t *testing.T) {
	q := []int8{-127, 0, 5, 127, -1, 64}
	scales := []float32{0.5, 1e-3}
	sb := make([]byte, 4*len(scales))
	for i, v := range scales {
		binary.LittleEndian.PutUint32(sb[4*i:], math.Float32bits(v))
	}
	qb := make([]byte, len(q))
	for i, v := range q {
		qb[i] = byte(v)
	}
	var buf bytes.Buffer
	err := WriteRaw(&buf, []RawTensor{
		{Name: "w", DType: "I8", Shape: []int{2, 3}, Data: qb},
		{Name: "w.scales", DType: "F32", Shape: []int{2, 1}, Data: sb},
	}, map[string]string{"format": "x"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	gotQ := make([]int8, 6)
	if err := f.ReadInt8("w", gotQ); err != nil || !slices.Equal(gotQ, q) {
		t.Errorf("int8 %v (%v), want %v", gotQ, err, q)
	}
	gotS := make([]float32, 2)
	if err := f.ReadFloat32("w.scales", gotS); err != nil || !slices.Equal(gotS, scales) {
		t.Errorf("scales %v (%v), want %v", gotS, err, scales)
	}
	if err := f.ReadInt8("w.scales", make([]int8, 2)); err == nil || !strings.Contains(err.Error(), "F32") {
		t.Errorf("reading F32 as int8: %v", err)
	}
	if err := f.ReadFloat32("w", make([]float32, 6)); err == nil {
		t.Error("reading I8 as float32 succeeded")
	}
}

// TestWriteRawMatchesWrite checks that F32 tensors written raw give the
// same file as Write, so the two writers agree on the layout.
func TestWriteRawMatchesWrite(t *testing.T) {
	var viaWrite, viaRaw bytes.Buffer
	md := map[string]string{"a": "b"}
	if err := Write(&viaWrite, sample(), md); err != nil {
		t.Fatal(err)
	}
	var raw []RawTensor
	for _, s := range sample() {
		b := make([]byte, 4*len(s.Data))
		for i, v := range s.Data {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
		}
		raw = append(raw, RawTensor{Name: s.Name, DType: "F32", Shape: s.Shape, Data: b})
	}
	if err := WriteRaw(&viaRaw, raw, md); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(viaWrite.Bytes(), viaRaw.Bytes()) {
		t.Error("WriteRaw of F32 tensors differs from Write")
	}
}

func TestWriteRawRefusesBadTensors(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    RawTensor
		want string
	}{
		{"unknown dtype", RawTensor{Name: "a", DType: "Q4", Shape: []int{1}, Data: []byte{1}}, "unknown dtype"},
		{"short data", RawTensor{Name: "a", DType: "F32", Shape: []int{2}, Data: []byte{1, 2, 3, 4}}, "8 bytes"},
		{"empty name", RawTensor{Name: "", DType: "I8", Shape: []int{1}, Data: []byte{1}}, "empty"},
	} {
		err := WriteRaw(&bytes.Buffer{}, []RawTensor{tc.t}, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error mentioning %q", tc.name, err, tc.want)
		}
	}
}
