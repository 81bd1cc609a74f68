package ref

import "math"

// AttentionForward is multi-head scaled dot-product attention over the packed
// query, key and value vectors of each position.
//
// qkv holds, for each position, C query channels, then C key channels, then C
// value channels; head h owns channels [h*hs, (h+1)*hs) of each, hs = C/NH.
// Position t may attend to position u when u < valid[b] and, if causal, u <= t.
// valid gives each sequence's number of real (non-padding) positions,
// counted from the start; nil means every position is real. A padding
// position (t >= valid[b]) attends to nothing: its output and its row of att
// are zero, so its gradient is zero too.
//
// att saves the softmax probabilities for AttentionBackward; entries for
// positions that may not be attended to are zero.
// out is (B,T,C), att is (B,NH,T,T), qkv is (B,T,3C), valid is (B) or nil.
func AttentionForward(out, att, qkv []float32, valid []int, B, T, C, NH int, causal bool) {
	checkAttention(out, att, qkv, valid, B, T, C, NH)
	hs := C / NH
	scale := 1 / math.Sqrt(float64(hs))
	for b := 0; b < B; b++ {
		n := validLength(valid, b, T)
		for h := 0; h < NH; h++ {
			for t := 0; t < T; t++ {
				a := att[((b*NH+h)*T+t)*T:][:T]
				o := out[(b*T+t)*C+h*hs:][:hs]
				clear(a)
				clear(o)
				if t >= n {
					continue
				}
				q := qkv[(b*T+t)*3*C+h*hs:][:hs]
				keys := visibleKeys(t, n, causal)
				// Scores, then a softmax shifted by the largest score so that
				// exp never overflows.
				maxScore := math.Inf(-1)
				scores := make([]float64, keys)
				for u := range keys {
					k := qkv[(b*T+u)*3*C+C+h*hs:][:hs]
					var dot float64
					for i := range q {
						dot += float64(q[i]) * float64(k[i])
					}
					scores[u] = dot * scale
					maxScore = math.Max(maxScore, scores[u])
				}
				var sum float64
				for u := range scores {
					scores[u] = math.Exp(scores[u] - maxScore)
					sum += scores[u]
				}
				for u := range scores {
					a[u] = float32(scores[u] / sum)
				}
				for i := range o {
					var acc float64
					for u := range keys {
						v := qkv[(b*T+u)*3*C+2*C+h*hs:][:hs]
						acc += scores[u] / sum * float64(v[i])
					}
					o[i] = float32(acc)
				}
			}
		}
	}
}

// AttentionBackward adds the gradient of AttentionForward into dqkv, using the
// probabilities att that the forward pass saved. valid and causal must be the
// ones the forward pass used.
// dqkv is (B,T,3C), dout is (B,T,C), qkv is (B,T,3C), att is (B,NH,T,T),
// valid is (B) or nil.
func AttentionBackward(dqkv, dout, qkv, att []float32, valid []int, B, T, C, NH int, causal bool) {
	checkAttention(dout, att, qkv, valid, B, T, C, NH)
	need(dqkv, B*T*3*C)
	hs := C / NH
	scale := 1 / math.Sqrt(float64(hs))
	for b := 0; b < B; b++ {
		n := validLength(valid, b, T)
		for h := 0; h < NH; h++ {
			for t := 0; t < n; t++ {
				a := att[((b*NH+h)*T+t)*T:][:T]
				do := dout[(b*T+t)*C+h*hs:][:hs]
				q := qkv[(b*T+t)*3*C+h*hs:][:hs]
				dq := dqkv[(b*T+t)*3*C+h*hs:][:hs]
				keys := visibleKeys(t, n, causal)
				// datt[u] = dout·v[u]; the softmax's gradient is then
				// dscore[u] = att[u] * (datt[u] - Σ_j att[j]*datt[j]).
				datt := make([]float64, keys)
				var weighted float64
				for u := range keys {
					v := qkv[(b*T+u)*3*C+2*C+h*hs:][:hs]
					dv := dqkv[(b*T+u)*3*C+2*C+h*hs:][:hs]
					var dot float64
					for i := range do {
						dot += float64(do[i]) * float64(v[i])
						dv[i] += a[u] * do[i]
					}
					datt[u] = dot
					weighted += float64(a[u]) * dot
				}
				for u := range keys {
					dscore := float64(a[u]) * (datt[u] - weighted) * scale
					k := qkv[(b*T+u)*3*C+C+h*hs:][:hs]
					dk := dqkv[(b*T+u)*3*C+C+h*hs:][:hs]
					for i := range q {
						dq[i] += float32(dscore * float64(k[i]))
						dk[i] += float32(dscore * float64(q[i]))
					}
				}
			}
		}
	}
}

// visibleKeys is how many leading positions query t may attend to in a
// sequence with n real positions (t < n).
func visibleKeys(t, n int, causal bool) int {
	if causal {
		return t + 1
	}
	return n
}

// validLength is sequence b's number of real positions.
func validLength(valid []int, b, T int) int {
	if valid == nil {
		return T
	}
	return valid[b]
}

func checkAttention(out, att, qkv []float32, valid []int, B, T, C, NH int) {
	dims(B, T, C, NH)
	if NH == 0 || C%NH != 0 {
		panic(ErrDimension)
	}
	need(out, B*T*C)
	need(att, B*NH*T*T)
	need(qkv, B*T*3*C)
	if valid == nil {
		return
	}
	if len(valid) < B {
		panic(ErrDimension)
	}
	for _, n := range valid[:B] {
		if n < 0 || n > T {
			panic(ErrValidLength)
		}
	}
}
