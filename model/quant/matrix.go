package quant

import (
	"fmt"
	"math"
	"strings"
)

// MaxQ is the largest magnitude of a quantized weight. -128 is never
// used, so that the range is symmetric and negating a weight is exact.
const MaxQ = 127

// Matrix is a weight matrix (Rows,Cols) in int8 with one float32 scale
// per group of Group consecutive weights of a row:
//
//	W[r][c] ≈ Scales[r*(Cols/Group) + c/Group] * Q[r*Cols + c]
type Matrix struct {
	Rows, Cols, Group int
	Q                 []int8    // (Rows,Cols)
	Scales            []float32 // (Rows,Cols/Group)
}

// Groups is the number of groups in a row.
func (m *Matrix) Groups() int { return m.Cols / m.Group }

// checkGroup says whether group size g can cut rows of cols weights.
func checkGroup(name string, cols, g int) error {
	// Up to 2^16 weights a group, an int32 sum of products of two int8s
	// (at most 127² each) cannot overflow.
	if g < 1 || g > 1<<16 {
		return fmt.Errorf("group size %d: use a positive size such as 32 or 64", g)
	}
	if cols%g != 0 {
		return fmt.Errorf("group size %d does not divide the %d inputs of %s; choose a size that divides it (a power of two up to %d)", g, cols, name, largestPow2Divisor(cols))
	}
	return nil
}

func largestPow2Divisor(n int) int {
	p := 1
	for n > 0 && n%(2*p) == 0 {
		p *= 2
	}
	return p
}

// QuantizeMatrix quantizes w (rows,cols) with groups of group weights.
func QuantizeMatrix(w []float32, rows, cols, group int) (*Matrix, error) {
	if err := checkGroup("the matrix", cols, group); err != nil {
		return nil, err
	}
	if rows < 0 || len(w) != rows*cols {
		return nil, fmt.Errorf("quant: %d weights for a (%d,%d) matrix", len(w), rows, cols)
	}
	m := &Matrix{Rows: rows, Cols: cols, Group: group,
		Q: make([]int8, rows*cols), Scales: make([]float32, rows*cols/group)}
	for g := range m.Scales {
		m.Scales[g] = quantizeGroup(m.Q[g*group:(g+1)*group], w[g*group:(g+1)*group])
	}
	return m, nil
}

// quantizeGroup writes round(w/s) into q and returns s = max|w|/127. A
// group of zeros gets scale 0 and zeros. The division is done in float64
// so that the rounding is the exact nearest integer of w/s.
func quantizeGroup(q []int8, w []float32) float32 {
	amax := float32(0)
	for _, v := range w {
		amax = max(amax, abs32(v))
	}
	s := amax / MaxQ
	if s == 0 {
		clear(q)
		return 0
	}
	for i, v := range w {
		r := math.Round(float64(v) / float64(s))
		q[i] = int8(max(-MaxQ, min(MaxQ, r)))
	}
	return s
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }

// Dequantize writes s·q for every weight into dst (Rows,Cols), in float32
// as every engine computes it.
func (m *Matrix) Dequantize(dst []float32) {
	for g, s := range m.Scales {
		lo := g * m.Group
		for i, q := range m.Q[lo : lo+m.Group] {
			dst[lo+i] = s * float32(q)
		}
	}
}

// check says what is wrong with a matrix read from a file.
func (m *Matrix) check(name string) error {
	for g, s := range m.Scales {
		if !(s >= 0) || math.IsInf(float64(s), 0) {
			return fmt.Errorf("%s: scale %d is %v; scales are finite and not negative: the file is damaged or was not written by tutor quantize; quantize the model again", name, g, s)
		}
	}
	for i, q := range m.Q {
		if q < -MaxQ {
			return fmt.Errorf("%s: weight %d is %d, outside the symmetric range [-127, 127]: the file was not written by tutor quantize; quantize the model again", name, i, q)
		}
	}
	return nil
}

// The float tensors' name endings that are quantized in each block.
var blockMatrices = []string{"attn.qkv.weight", "attn.proj.weight", "mlp.fc.weight", "mlp.proj.weight"}

// EmbeddingName is the token embedding, the one quantized matrix outside
// the blocks.
const EmbeddingName = "wte.weight"

// IsQuantized says whether the float tensor named name becomes int8.
func IsQuantized(name string) bool {
	if name == EmbeddingName {
		return true
	}
	if !strings.HasPrefix(name, "h.") {
		return false
	}
	for _, m := range blockMatrices {
		if strings.HasSuffix(name, "."+m) {
			return true
		}
	}
	return false
}

// ScalesName is the name of the scales tensor of the quantized tensor
// named name.
func ScalesName(name string) string { return name + ".scales" }
