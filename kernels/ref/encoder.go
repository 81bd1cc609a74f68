package ref

// EncoderForward adds each token's embedding to its position's embedding.
// out is (B,T,C), tokens is (B,T), wte is (V,C), wpe is (maxT,C) with
// maxT >= T. V is len(wte)/C; a token outside [0,V) panics with ErrToken.
func EncoderForward(out []float32, tokens []int32, wte, wpe []float32, B, T, C int) {
	checkEncoder(out, tokens, wte, wpe, B, T, C)
	for bt := 0; bt < B*T; bt++ {
		tok := int(tokens[bt])
		t := bt % T
		o := out[bt*C : bt*C+C]
		e := wte[tok*C : tok*C+C]
		p := wpe[t*C : t*C+C]
		for i := range o {
			o[i] = e[i] + p[i]
		}
	}
}

// EncoderBackward adds dout into the rows of the embedding tables that the
// forward pass read. A token that occurs several times collects every
// occurrence's gradient.
// dwte is (V,C), dwpe is (maxT,C), dout is (B,T,C), tokens is (B,T).
func EncoderBackward(dwte, dwpe, dout []float32, tokens []int32, B, T, C int) {
	checkEncoder(dout, tokens, dwte, dwpe, B, T, C)
	for bt := 0; bt < B*T; bt++ {
		tok := int(tokens[bt])
		t := bt % T
		d := dout[bt*C : bt*C+C]
		de := dwte[tok*C : tok*C+C]
		dp := dwpe[t*C : t*C+C]
		for i, g := range d {
			de[i] += g
			dp[i] += g
		}
	}
}

func checkEncoder(out []float32, tokens []int32, wte, wpe []float32, B, T, C int) {
	dims(B, T, C)
	need(out, B*T*C)
	need(wpe, T*C)
	if len(tokens) < B*T {
		panic(ErrDimension)
	}
	if C == 0 {
		return
	}
	V := len(wte) / C
	for _, tok := range tokens[:B*T] {
		if tok < 0 || int(tok) >= V {
			panic(ErrToken)
		}
	}
}
