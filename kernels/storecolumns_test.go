package kernels

import "testing"

// TestStoreColumns4MatchesPortable checks the transposing store, including
// a width that leaves a partial group of four columns.
func TestStoreColumns4MatchesPortable(t *testing.T) {
	const ldc = 7
	for _, n := range []int{1, 4, 6, 16, 32} {
		rows := make([][]float32, 4)
		for r := range rows {
			rows[r] = make([]float32, n)
			for jj := range rows[r] {
				rows[r][jj] = float32(100*r + jj)
			}
		}
		want, got := make([]float32, n*ldc), make([]float32, n*ldc)
		storeColumns4Go(want, ldc, rows[0], rows[1], rows[2], rows[3])
		storeColumns4(got, ldc, rows[0], rows[1], rows[2], rows[3])
		for x := range want {
			if got[x] != want[x] {
				t.Fatalf("n=%d: c[%d] = %v, want %v", n, x, got[x], want[x])
			}
		}
		fillConst(got[:n], 3)
		for x, v := range got[:n] {
			if v != 3 {
				t.Fatalf("fillConst: dst[%d] = %v, want 3", x, v)
			}
		}
	}
}
