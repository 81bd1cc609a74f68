package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
)

func sample() []Float32Tensor {
	return []Float32Tensor{
		{Name: "wte.weight", Shape: []int{3, 2}, Data: []float32{1, -2, 3.5, 0, float32(math.Inf(1)), 1e-30}},
		{Name: "h.0.ln_1.bias", Shape: []int{2}, Data: []float32{0.25, -0.5}},
		{Name: "empty", Shape: []int{0, 4}, Data: nil},
		{Name: "scalar", Shape: []int{}, Data: []float32{7}},
	}
}

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	md := map[string]string{"format": "tutor", "step": "12"}
	if err := Write(&buf, sample(), md); err != nil {
		t.Fatal(err)
	}
	if n := binary.LittleEndian.Uint64(buf.Bytes()); n%8 != 0 {
		t.Errorf("header of %d bytes: the data is not 8-byte aligned", n)
	}
	f, err := Parse(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["step"] != "12" || len(f.Metadata) != 2 {
		t.Errorf("metadata %v", f.Metadata)
	}
	for _, want := range sample() {
		tn, ok := f.Find(want.Name)
		if !ok || tn.DType != "F32" || !slices.Equal(tn.Shape, want.Shape) {
			t.Fatalf("%s: %+v", want.Name, tn)
		}
		got := make([]float32, len(want.Data))
		if err := f.ReadFloat32(want.Name, got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want.Data) {
			t.Errorf("%s: %v, want %v", want.Name, got, want.Data)
		}
	}
	if err := f.ReadFloat32("wte.weight", make([]float32, 5)); err == nil {
		t.Error("reading into a destination of the wrong size succeeded")
	}
	// The same input writes the same bytes.
	var again bytes.Buffer
	Write(&again, sample(), md)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two writes of the same tensors differ")
	}
}

// TestLayoutIsTheSpec checks the bytes against the format's description:
// little-endian header length, the JSON header, the little-endian data.
func TestLayoutIsTheSpec(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, []Float32Tensor{{Name: "a", Shape: []int{2}, Data: []float32{1, 2}}}, nil); err != nil {
		t.Fatal(err)
	}
	header := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	for len(header)%8 != 0 {
		header += " "
	}
	want := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	want = append(want, header...)
	want = binary.LittleEndian.AppendUint32(want, math.Float32bits(1))
	want = binary.LittleEndian.AppendUint32(want, math.Float32bits(2))
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("got\n%q\nwant\n%q", buf.Bytes(), want)
	}
}

// TestParseOtherWriters reads a header laid out as other writers do (spaces,
// metadata last, an unaligned header, other dtypes).
func TestParseOtherWriters(t *testing.T) {
	header := `{"b": {"dtype": "BF16", "shape": [1, 2], "data_offsets": [4, 8]}, "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "__metadata__": {"format": "pt"}}`
	file := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	file = append(file, header...)
	file = binary.LittleEndian.AppendUint32(file, math.Float32bits(-3))
	file = append(file, 0, 0, 0, 0)
	f, err := Parse(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Tensors[0].Name != "a" || f.Metadata["format"] != "pt" {
		t.Errorf("tensors %+v metadata %v", f.Tensors, f.Metadata)
	}
	x := make([]float32, 1)
	if err := f.ReadFloat32("a", x); err != nil || x[0] != -3 {
		t.Errorf("a = %v (%v)", x, err)
	}
	if err := f.ReadFloat32("b", make([]float32, 2)); err == nil || !strings.Contains(err.Error(), "BF16") {
		t.Errorf("reading BF16 as float32: %v", err)
	}
}

// TestParseRejects: each kind of damage is an error that names it.
func TestParseRejects(t *testing.T) {
	file := func(header string, data int) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
		return append(append(b, header...), make([]byte, data)...)
	}
	good := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	cases := map[string]struct {
		data []byte
		says string
	}{
		"short":          {[]byte{1, 2, 3}, "too short"},
		"huge header":    {binary.LittleEndian.AppendUint64(nil, 1<<40), "limit"},
		"past the end":   {binary.LittleEndian.AppendUint64(nil, 64), "truncated"},
		"not json":       {file("PK\x03\x04zipfile", 0), "not a safetensors file"},
		"truncated data": {file(good, 4), "truncated"},
		"extra data":     {file(good, 12), "extra bytes"},
		"dtype":          {file(`{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}`, 8), "unknown dtype"},
		"shape":          {file(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, 8), "does not fit"},
		"huge shape":     {file(`{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}`, 8), "damaged"},
		"negative dim":   {file(`{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, 8), "dimension -2"},
		"offsets":        {file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}`, 8), "not a range"},
		"gap":            {file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "belong to no tensor"},
		"overlap":        {file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "overlaps"},
		"duplicate":      {file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "twice"},
		"unknown field":  {file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}`, 8), "unknown field"},
		"metadata":       {file(`{"__metadata__":{"n":1}}`, 0), "strings"},
		"trailing":       {file(good+`{}`, 8), "after the header"},
		"empty name":     {file(`{"":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 8), "empty name"},
	}
	for name, c := range cases {
		_, err := Parse(bytes.NewReader(c.data), int64(len(c.data)))
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: error %v, want one saying %q", name, err, c.says)
		}
	}
}

func TestWriteRejects(t *testing.T) {
	for name, ts := range map[string][]Float32Tensor{
		"size":      {{Name: "a", Shape: []int{3}, Data: []float32{1}}},
		"duplicate": {{Name: "a", Shape: []int{1}, Data: []float32{1}}, {Name: "a", Shape: []int{1}, Data: []float32{1}}},
		"reserved":  {{Name: "__metadata__", Shape: []int{1}, Data: []float32{1}}},
	} {
		if err := Write(&bytes.Buffer{}, ts, nil); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzParse: no input makes Parse or ReadFloat32 panic or allocate beyond
// the input's size, and whatever parses can be written back and parsed
// again to the same tensors. The seed corpus in testdata/fuzz/FuzzParse
// holds a valid file, a file with metadata and each kind of damage.
func FuzzParse(f *testing.F) {
	var buf bytes.Buffer
	Write(&buf, sample(), map[string]string{"format": "tutor"})
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		var out []Float32Tensor
		for _, tn := range file.Tensors {
			if tn.DType != "F32" {
				continue
			}
			if 4*tn.Elements() > int64(len(data)) {
				t.Fatalf("tensor %q claims %d elements in a %d-byte file", tn.Name, tn.Elements(), len(data))
			}
			x := make([]float32, tn.Elements())
			if err := file.ReadFloat32(tn.Name, x); err != nil {
				t.Fatal(err)
			}
			out = append(out, Float32Tensor{Name: tn.Name, Shape: tn.Shape, Data: x})
		}
		var again bytes.Buffer
		if err := Write(&again, out, file.Metadata); err != nil {
			t.Fatal(err)
		}
		back, err := Parse(bytes.NewReader(again.Bytes()), int64(again.Len()))
		if err != nil || len(back.Tensors) != len(out) {
			t.Fatalf("rewritten file does not parse: %v", err)
		}
	})
}
