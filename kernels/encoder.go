package kernels

// EncoderForward adds token and position embeddings, as ref.EncoderForward.
// out is (B,T,C), tokens is (B,T), wte is (V,C), wpe is (maxT,C).
func EncoderForward(out []float32, tokens []int32, wte, wpe []float32, B, T, C int) {
	checkEncoder(out, tokens, wte, wpe, B, T, C)
	p := lockPool()
	defer p.unlock()
	t := &encoderJob
	*t = encoderTask{out: out, tokens: tokens, wte: wte, wpe: wpe, T: T, C: C}
	t.jobs, t.size = chunks(B*T, 4*p.workers, max(1, elemChunk/max(1, C)))
	p.parallel(t.jobs, t)
	*t = encoderTask{}
}

// EncoderBackward adds dout into the embedding rows the forward pass read,
// as ref.EncoderBackward. A token can occur at many positions, so the work
// is split by channel rather than by position: no two workers ever add
// into the same element, and each element sees its additions in the
// reference's order.
// dwte is (V,C), dwpe is (maxT,C), dout is (B,T,C), tokens is (B,T).
func EncoderBackward(dwte, dwpe, dout []float32, tokens []int32, B, T, C int) {
	checkEncoder(dout, tokens, dwte, dwpe, B, T, C)
	p := lockPool()
	defer p.unlock()
	t := &encoderJob
	*t = encoderTask{backward: true, out: dout, tokens: tokens, wte: dwte, wpe: dwpe, BT: B * T, T: T, C: C}
	t.jobs, t.size = chunks(C, p.workers, 16)
	p.parallel(t.jobs, t)
	*t = encoderTask{}
}

// encoderJob is the encoder op in flight; the pool's lock guards it.
var encoderJob encoderTask

type encoderTask struct {
	backward      bool
	out, wte, wpe []float32 // backward: dout, dwte, dwpe
	tokens        []int32
	BT, T, C      int
	jobs, size    int
}

func (t *encoderTask) run(job, _ int) {
	C := t.C
	if t.backward {
		lo := job * t.size
		hi := min(lo+t.size, C)
		for bt := range t.BT {
			tok, pos := int(t.tokens[bt]), bt%t.T
			d := t.out[bt*C+lo : bt*C+hi]
			axpyGo(1, d, t.wte[tok*C+lo:tok*C+hi])
			axpyGo(1, d, t.wpe[pos*C+lo:pos*C+hi])
		}
		return
	}
	lo := job * t.size
	hi := min(lo+t.size, len(t.tokens))
	for bt := lo; bt < hi; bt++ {
		tok, pos := int(t.tokens[bt]), bt%t.T
		o := t.out[bt*C : bt*C+C]
		e, w := t.wte[tok*C:tok*C+C], t.wpe[pos*C:pos*C+C]
		for i := range o {
			o[i] = e[i] + w[i]
		}
	}
}

func checkEncoder(out []float32, tokens []int32, wte, wpe []float32, B, T, C int) {
	dims(B, T, C, 0)
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
