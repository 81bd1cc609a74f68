package model

import "errors"

// Backward adds the gradient of the last Forward's loss into Params.Grad
// (and the adapters' gradients when LoRA is attached). The last Forward must
// have had targets. Backward allocates nothing.
func (m *Model) Backward() error {
	switch {
	case m.inference:
		return errors.New("model: Backward on a model built with Options.Inference; build it for training")
	case !m.forwarded || !m.hasTargets:
		return errors.New("model: Backward needs a Forward with targets first")
	}
	o, w, g, a, d := m.Ops, &m.W, &m.G, &m.acts, &m.back
	B, T, C, NH := m.batchSize, m.seqLen, m.Config.C, m.Config.NH
	BTC, causal, valid := B*T*C, m.task.Causal(), a.valid[:B]

	m.headBackward() // d.dlnf is (B,T,C)
	last := a.layers[m.Config.L-1].residual3
	// The residual stream's gradient lives in d.dres. A block's output is
	// residual + branch, so d.dres is the gradient of both; each
	// LayerNormBackward then adds its branch's contribution into d.dres,
	// which makes it the gradient of the block's input. No ResidualBackward
	// and no copy are needed.
	clear(d.dres[:BTC])
	o.LayerNormBackward(d.dres, g.LNFW, g.LNFB, d.dlnf, last, w.LNFW, a.lnfMean, a.lnfRstd, B, T, C)
	for l := m.Config.L - 1; l >= 0; l-- {
		lw, lg, la := &w.Layers[l], &g.Layers[l], &a.layers[l]
		residual := a.encoded
		if l > 0 {
			residual = a.layers[l-1].residual3
		}
		// residual3 = residual2 + dropout(fcProj)
		dout := m.dropoutBackward(d.dres, la.fcDrop, BTC)
		clear(d.dfchGelu[:B*T*4*C])
		m.matmulBackward(d.dfchGelu, lg.FCProjW, lg.FCProjB, dout, la.fchGelu, lw.FCProjW, B, T, 4*C, C, l, loraFCProj)
		clear(d.dfch[:B*T*4*C])
		o.GeluBackward(d.dfch, la.fch, d.dfchGelu, B*T*4*C)
		clear(d.dln[:BTC])
		m.matmulBackward(d.dln, lg.FCW, lg.FCB, d.dfch, la.ln2, lw.FCW, B, T, C, 4*C, l, loraFC)
		o.LayerNormBackward(d.dres, lg.LN2W, lg.LN2B, d.dln, la.residual2, lw.LN2W, la.ln2Mean, la.ln2Rstd, B, T, C)
		// residual2 = residual + dropout(attProj)
		dout = m.dropoutBackward(d.dres, la.attDrop, BTC)
		clear(d.datty[:BTC])
		m.matmulBackward(d.datty, lg.AttProjW, lg.AttProjB, dout, la.atty, lw.AttProjW, B, T, C, C, l, loraAttProj)
		clear(d.dqkv[:B*T*3*C])
		o.AttentionBackward(d.dqkv, d.datty, la.qkv, la.att, valid, B, T, C, NH, causal)
		clear(d.dln[:BTC])
		m.matmulBackward(d.dln, lg.QKVW, lg.QKVB, d.dqkv, la.ln1, lw.QKVW, B, T, C, 3*C, l, loraQKV)
		o.LayerNormBackward(d.dres, lg.LN1W, lg.LN1B, d.dln, residual, lw.LN1W, la.ln1Mean, la.ln1Rstd, B, T, C)
	}
	dout := m.dropoutBackward(d.dres, a.encDrop, BTC)
	o.EncoderBackward(g.WTE, g.WPE, dout, a.tokens, B, T, C)
	return nil
}

// headBackward turns the loss gradient into d.dlnf, the gradient of the
// final LayerNorm's output, and adds the head's parameter gradients.
// acts.logits is no longer needed and holds dlogits.
func (m *Model) headBackward() {
	a, d := &m.acts, &m.back
	B, T, C := m.batchSize, m.seqLen, m.Config.C
	clear(d.dlnf[:B*T*C])
	switch m.task {
	case TaskLM:
		m.linearHeadBackward(d.dlnf, m.G.WTE, nil, a.lnf, m.W.WTE, a.targets, B*T, m.Config.V)
	case TaskTag:
		m.linearHeadBackward(d.dlnf, m.G.TagW, m.G.TagB, a.lnf, m.W.TagW, a.targets, B*T, m.Config.NumTags)
	case TaskMLM:
		n := m.numMasked
		if n == 0 {
			return
		}
		clear(d.dhead[:n*C])
		m.linearHeadBackward(d.dhead, m.G.WTE, nil, a.gather, m.W.WTE, a.rowTgt, n, m.Config.V)
		for r, i := range a.rows[:n] {
			copy(d.dlnf[int(i)*C:(int(i)+1)*C], d.dhead[r*C:(r+1)*C])
		}
	case TaskClassify:
		clear(d.dhead[:B*C])
		m.linearHeadBackward(d.dhead, m.G.ClsW, m.G.ClsB, a.pooled, m.W.ClsW, a.targets, B, m.Config.NumClasses)
		// The mean spreads each sequence's gradient evenly over its valid
		// positions; padding positions get none.
		for b := range B {
			n := a.valid[b]
			inv := 1 / float32(n)
			dp := d.dhead[b*C : (b+1)*C]
			for t := range n {
				row := d.dlnf[(b*T+t)*C : (b*T+t+1)*C]
				for i, v := range dp {
					row[i] = v * inv
				}
			}
		}
	}
}

// linearHeadBackward differentiates loss(softmax(inp·weightᵀ + bias)) over
// n rows of K classes: dinp and the head's weight gradients collect it.
// inp is (n,C), weight is (K,C), targets is (n), dinp is (n,C).
//
// Targets are passed cut to their exact length here and in the forward
// heads: the fast cross-entropy kernel walks len(targets) rather than B*T
// (unlike the reference), so a longer buffer would score stale rows.
func (m *Model) linearHeadBackward(dinp, dweight, dbias, inp, weight []float32, targets []int32, n, K int) {
	a, C := &m.acts, m.Config.C
	dlogits := a.logits[:n*K]
	clear(dlogits)
	if s := &m.soft; m.distilling {
		m.Ops.DistillBackward(dlogits, a.probs, s.Logits, targets[:n], 1, 1, n, K, s.Temperature, s.Alpha)
	} else {
		m.Ops.SoftmaxCrossEntropyBackward(dlogits, a.probs, targets[:n], 1, 1, n, K)
	}
	// The LM head is the token embedding, frozen under LoRA.
	m.Ops.MatmulBackward(dinp, m.trainableGrad(dweight), m.trainableGrad(dbias), dlogits, inp, weight, 1, n, C, K)
}

// dropoutBackward returns the gradient of a dropped-out tensor's input
// given dout, the gradient of its output: dout itself when the forward pass
// did not drop out, else dout times the saved scales in back.dbranch.
func (m *Model) dropoutBackward(dout, mask []float32, n int) []float32 {
	if !m.dropped {
		return dout
	}
	db := m.back.dbranch[:n]
	for i := range db {
		db[i] = dout[i] * mask[i]
	}
	return db
}
