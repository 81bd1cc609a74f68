// Package safetensors reads and writes the safetensors tensor format
// (https://huggingface.co/docs/safetensors), so that the model's weights can
// be read by other tools and other tools' files can be checked before use:
//
//	8 bytes   N, the header's length, unsigned little-endian
//	N bytes   a JSON object: for each tensor its name →
//	          {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]},
//	          plus an optional "__metadata__" object of strings;
//	          trailing spaces pad it to a multiple of 8 bytes
//	rest      the tensors' bytes, little-endian, at the offsets given,
//	          relative to the end of the header, with no gaps or overlaps
//
// The format has no magic number: the header length and the JSON are what
// tell a safetensors file from anything else, so Parse checks them strictly
// and says what it found. Parse never panics and never allocates more than
// a small multiple of the input's size, whatever the input (see the fuzz
// test).
//
// Reading converts to float32 for F32 tensors and to int8 for I8 tensors;
// Write writes F32, WriteRaw any dtype whose bytes the caller has encoded
// (the int8 weights of a quantized model, package model/quant).
// This package imports only the standard library.
package safetensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxHeaderSize is the largest header accepted, as in the reference
// implementation.
const MaxHeaderSize = 100 << 20

// metadataKey names the header entry that holds free-form strings.
const metadataKey = "__metadata__"

// dtypeSizes are the element sizes in bytes of the dtypes the format
// defines. Parse accepts all of them; ReadFloat32 reads F32 only.
var dtypeSizes = map[string]int64{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
	"I16": 2, "U16": 2, "F16": 2, "BF16": 2,
	"I32": 4, "U32": 4, "F32": 4,
	"I64": 8, "U64": 8, "F64": 8,
}

// Tensor is one entry of the header.
type Tensor struct {
	Name  string
	DType string
	Shape []int
	// Begin and End are byte offsets into the data section.
	Begin, End int64
}

// Elements is the number of elements, the product of Shape.
func (t *Tensor) Elements() int64 {
	n := int64(1)
	for _, d := range t.Shape {
		n *= int64(d)
	}
	return n
}

// File is a parsed safetensors file whose data is read on demand.
type File struct {
	Tensors   []Tensor // in the order of their data
	Metadata  map[string]string
	r         io.ReaderAt
	dataStart int64
}

// entry is a tensor's header entry as JSON.
type entry struct {
	DType       string  `json:"dtype"`
	Shape       []int64 `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// Parse reads and checks the header of a safetensors file of size bytes.
func Parse(r io.ReaderAt, size int64) (*File, error) {
	if size < 8 {
		return nil, fmt.Errorf("safetensors: the file is %d bytes, too short for the 8-byte header length: not a safetensors file", size)
	}
	var lenBuf [8]byte
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return nil, fmt.Errorf("safetensors: reading the header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	switch {
	case n > MaxHeaderSize:
		return nil, fmt.Errorf("safetensors: header length %d is over the %d-byte limit: not a safetensors file, or a damaged one", n, MaxHeaderSize)
	case int64(n) > size-8:
		return nil, fmt.Errorf("safetensors: header length %d is more than the %d bytes that follow it: the file is truncated or not a safetensors file", n, size-8)
	case n < 2:
		return nil, fmt.Errorf("safetensors: header length %d cannot hold a JSON object: not a safetensors file", n)
	}
	header := make([]byte, n)
	if _, err := r.ReadAt(header, 8); err != nil {
		return nil, fmt.Errorf("safetensors: reading the %d-byte header: %w", n, err)
	}
	f := &File{r: r, dataStart: 8 + int64(n)}
	if err := f.parseHeader(header); err != nil {
		return nil, err
	}
	if err := f.checkLayout(size - f.dataStart); err != nil {
		return nil, err
	}
	return f, nil
}

// parseHeader decodes the JSON header into f.Tensors and f.Metadata.
func (f *File) parseHeader(header []byte) error {
	if header[0] != '{' {
		return fmt.Errorf("safetensors: the header starts with %q, not '{': not a safetensors file", header[0])
	}
	if !utf8.Valid(header) {
		return errors.New("safetensors: the header is not UTF-8 text: the file is damaged")
	}
	dec := json.NewDecoder(bytes.NewReader(header))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("safetensors: the header is not a JSON object: the file is damaged")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("safetensors: header JSON: %v: the file is damaged", err)
		}
		name, _ := tok.(string)
		if seen[name] {
			return fmt.Errorf("safetensors: the header names %q twice: the file is damaged", name)
		}
		seen[name] = true
		if err := f.parseEntry(dec, name); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("safetensors: header JSON: %v: the file is damaged", err)
	}
	// Only padding may follow the object.
	rest, _ := io.ReadAll(dec.Buffered())
	for _, c := range rest {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return errors.New("safetensors: text after the header's JSON object: the file is damaged")
		}
	}
	return nil
}

// parseEntry decodes the value of one header key.
func (f *File) parseEntry(dec *json.Decoder, name string) error {
	if name == metadataKey {
		var md map[string]string
		if err := dec.Decode(&md); err != nil {
			return fmt.Errorf("safetensors: __metadata__ must map strings to strings: %v", err)
		}
		f.Metadata = md
		return nil
	}
	if name == "" {
		return errors.New("safetensors: a tensor has an empty name: the file is damaged")
	}
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("safetensors: tensor %q: %v: the file is damaged", name, err)
	}
	var e entry
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&e); err != nil {
		return fmt.Errorf("safetensors: tensor %q: %v: the file is damaged", name, err)
	}
	t, err := e.tensor(name)
	if err != nil {
		return err
	}
	f.Tensors = append(f.Tensors, t)
	return nil
}

// tensor checks an entry's dtype, shape and offsets against each other.
func (e entry) tensor(name string) (Tensor, error) {
	size, ok := dtypeSizes[e.DType]
	if !ok {
		return Tensor{}, fmt.Errorf("safetensors: tensor %q has unknown dtype %q", name, e.DType)
	}
	if len(e.DataOffsets) != 2 {
		return Tensor{}, fmt.Errorf("safetensors: tensor %q: data_offsets must be [begin, end]", name)
	}
	t := Tensor{Name: name, DType: e.DType, Begin: e.DataOffsets[0], End: e.DataOffsets[1]}
	if t.Begin < 0 || t.End < t.Begin {
		return Tensor{}, fmt.Errorf("safetensors: tensor %q: data_offsets [%d, %d] are not a range", name, t.Begin, t.End)
	}
	// The element count must equal the byte range over the element size.
	// The product is only taken while it stays at or below that count,
	// so it cannot overflow.
	want := (t.End - t.Begin) / size
	n, tooBig, empty := int64(1), false, false
	for _, d := range e.Shape {
		if d < 0 || d > math.MaxInt32 {
			return Tensor{}, fmt.Errorf("safetensors: tensor %q has dimension %d", name, d)
		}
		switch {
		case d == 0:
			empty = true
		case !tooBig && n > want/d:
			tooBig = true
		case !tooBig:
			n *= d
		}
		t.Shape = append(t.Shape, int(d))
	}
	if empty {
		n, tooBig = 0, false
	}
	if t.Shape == nil {
		t.Shape = []int{}
	}
	if tooBig || n*size != t.End-t.Begin {
		return Tensor{}, fmt.Errorf("safetensors: tensor %q: shape %v of %s does not fit data_offsets [%d, %d] (%d bytes): the file is damaged",
			name, t.Shape, e.DType, t.Begin, t.End, t.End-t.Begin)
	}
	return t, nil
}

// checkLayout checks that the tensors tile the data section exactly.
func (f *File) checkLayout(dataSize int64) error {
	sort.SliceStable(f.Tensors, func(i, j int) bool {
		a, b := f.Tensors[i], f.Tensors[j]
		return a.Begin < b.Begin || (a.Begin == b.Begin && a.End < b.End)
	})
	at := int64(0)
	for _, t := range f.Tensors {
		switch {
		case t.Begin > at:
			return fmt.Errorf("safetensors: bytes %d to %d belong to no tensor: the file is damaged", at, t.Begin)
		case t.Begin < at:
			return fmt.Errorf("safetensors: tensor %q overlaps the tensor before it: the file is damaged", t.Name)
		}
		at = t.End
	}
	if at != dataSize {
		return fmt.Errorf("safetensors: the tensors cover %d bytes of data but the file holds %d after the header: the file is truncated or has extra bytes", at, dataSize)
	}
	return nil
}

// Find returns the tensor named name.
func (f *File) Find(name string) (*Tensor, bool) {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i], true
		}
	}
	return nil, false
}

// tensorFor finds the tensor name, of dtype (read as goType) and with n
// elements, or says what differs.
func (f *File) tensorFor(name, dtype, goType string, n int) (*Tensor, error) {
	t, ok := f.Find(name)
	if !ok {
		return nil, fmt.Errorf("safetensors: no tensor %q", name)
	}
	if t.DType != dtype {
		return nil, fmt.Errorf("safetensors: tensor %q is %s; only %s can be read as %s", name, t.DType, dtype, goType)
	}
	if int64(n) != t.Elements() {
		return nil, fmt.Errorf("safetensors: tensor %q has %d elements, the destination %d", name, t.Elements(), n)
	}
	return t, nil
}

// ReadFloat32 reads the F32 tensor named name into dst, which must have
// exactly its number of elements.
func (f *File) ReadFloat32(name string, dst []float32) error {
	t, err := f.tensorFor(name, "F32", "float32", len(dst))
	if err != nil {
		return err
	}
	buf := make([]byte, min(len(dst)*4, 1<<16))
	off := f.dataStart + t.Begin
	for len(dst) > 0 {
		k := min(len(dst), len(buf)/4)
		if _, err := f.r.ReadAt(buf[:4*k], off); err != nil {
			return fmt.Errorf("safetensors: reading tensor %q: %w", name, err)
		}
		for i := range k {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
		dst, off = dst[k:], off+int64(4*k)
	}
	return nil
}

// Float32Tensor is a tensor to write.
type Float32Tensor struct {
	Name  string
	Shape []int
	Data  []float32 // row-major, len = product of Shape
}

// Write writes tensors, in the order given, and metadata (which may be
// nil) as a safetensors file. The output depends only on its inputs, so
// the same weights always hash the same.
func Write(w io.Writer, tensors []Float32Tensor, metadata map[string]string) error {
	header, err := encodeHeader(tensors, metadata)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(header)))
	bw.Write(lenBuf[:])
	if _, err := bw.Write(header); err != nil {
		return err
	}
	buf := make([]byte, 1<<16)
	for _, t := range tensors {
		for data := t.Data; len(data) > 0; {
			k := min(len(data), len(buf)/4)
			for i, v := range data[:k] {
				binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
			}
			if _, err := bw.Write(buf[:4*k]); err != nil {
				return err
			}
			data = data[k:]
		}
	}
	return bw.Flush()
}

// encodeHeader builds the JSON header with keys in a fixed order
// (metadata first, sorted; then the tensors in data order), padded with
// spaces to a multiple of 8 bytes so that the data is aligned.
func encodeHeader(tensors []Float32Tensor, metadata map[string]string) ([]byte, error) {
	entries := make([]headerEntry, len(tensors))
	seen := map[string]bool{}
	for i, t := range tensors {
		if err := checkTensor(t, seen); err != nil {
			return nil, err
		}
		entries[i] = headerEntry{t.Name, "F32", t.Shape, 4 * int64(len(t.Data))}
	}
	return encodeEntries(entries, metadata)
}

// headerEntry is what the header says of one tensor to write.
type headerEntry struct {
	name  string
	dtype string
	shape []int
	bytes int64
}

// encodeEntries writes the header of checked entries.
func encodeEntries(entries []headerEntry, metadata map[string]string) ([]byte, error) {
	var h strings.Builder
	h.WriteByte('{')
	if len(metadata) > 0 {
		md, err := json.Marshal(metadata) // sorted keys
		if err != nil {
			return nil, err
		}
		h.WriteString(`"` + metadataKey + `":`)
		h.Write(md)
	}
	off := int64(0)
	for i, t := range entries {
		if i > 0 || len(metadata) > 0 {
			h.WriteByte(',')
		}
		name, _ := json.Marshal(t.name)
		shape, _ := json.Marshal(t.shape)
		end := off + t.bytes
		fmt.Fprintf(&h, `%s:{"dtype":"%s","shape":%s,"data_offsets":[%d,%d]}`, name, t.dtype, shape, off, end)
		off = end
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	return []byte(h.String()), nil
}

func checkTensor(t Float32Tensor, seen map[string]bool) error {
	if t.Name == "" || t.Name == metadataKey || seen[t.Name] {
		return fmt.Errorf("safetensors: tensor name %q is empty, reserved or repeated", t.Name)
	}
	seen[t.Name] = true
	n := 1
	for _, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("safetensors: tensor %q has dimension %d", t.Name, d)
		}
		n *= d
	}
	if n != len(t.Data) {
		return fmt.Errorf("safetensors: tensor %q has shape %v but %d values", t.Name, t.Shape, len(t.Data))
	}
	return nil
}

// RawTensor is a tensor to write whose Data is already its bytes:
// little-endian elements of DType, row-major.
type RawTensor struct {
	Name  string
	DType string // one of the format's dtypes: "I8", "F32", ...
	Shape []int
	Data  []byte
}

// WriteRaw writes tensors of any dtype, in the order given, and metadata
// (which may be nil) as a safetensors file, with the same header layout as
// Write. Each tensor's Data must hold exactly its shape's elements.
func WriteRaw(w io.Writer, tensors []RawTensor, metadata map[string]string) error {
	entries := make([]headerEntry, len(tensors))
	seen := map[string]bool{}
	for i, t := range tensors {
		size, ok := dtypeSizes[t.DType]
		if !ok {
			return fmt.Errorf("safetensors: tensor %q has unknown dtype %q", t.Name, t.DType)
		}
		if t.Name == "" || t.Name == metadataKey || seen[t.Name] {
			return fmt.Errorf("safetensors: tensor name %q is empty, reserved or repeated", t.Name)
		}
		seen[t.Name] = true
		n := int64(1)
		for _, d := range t.Shape {
			if d < 0 {
				return fmt.Errorf("safetensors: tensor %q has dimension %d", t.Name, d)
			}
			n *= int64(d)
		}
		if n*size != int64(len(t.Data)) {
			return fmt.Errorf("safetensors: tensor %q has shape %v of %s (%d bytes) but %d bytes of data", t.Name, t.Shape, t.DType, n*size, len(t.Data))
		}
		entries[i] = headerEntry{t.Name, t.DType, t.Shape, int64(len(t.Data))}
	}
	header, err := encodeEntries(entries, metadata)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(header)))
	bw.Write(lenBuf[:])
	bw.Write(header)
	for _, t := range tensors {
		if _, err := bw.Write(t.Data); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadInt8 reads the I8 tensor named name into dst, which must have
// exactly its number of elements.
func (f *File) ReadInt8(name string, dst []int8) error {
	t, err := f.tensorFor(name, "I8", "int8", len(dst))
	if err != nil {
		return err
	}
	buf := make([]byte, min(len(dst), 1<<16))
	off := f.dataStart + t.Begin
	for len(dst) > 0 {
		k := min(len(dst), len(buf))
		if _, err := f.r.ReadAt(buf[:k], off); err != nil {
			return fmt.Errorf("safetensors: reading tensor %q: %w", name, err)
		}
		for i, b := range buf[:k] {
			dst[i] = int8(b)
		}
		dst, off = dst[k:], off+int64(k)
	}
	return nil
}
