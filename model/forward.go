package model

import "fmt"

// Forward runs the model on a batch and returns the mean loss over the
// positions (or sequences) that have targets, 0 when the batch has none.
// The head's logits are then in Output. Dropout applies while Training.
// Forward allocates nothing.
func (m *Model) Forward(b Batch) (float32, error) {
	return m.forward(b, m.Training && m.Dropout > 0 && !m.inference)
}

// forward is Forward with dropout chosen by the caller.
func (m *Model) forward(b Batch, drop bool) (float32, error) {
	if err := b.check(m.Config, m.MaxB); err != nil {
		return 0, err
	}
	if !(m.Dropout >= 0 && m.Dropout < 1) {
		return 0, fmt.Errorf("model: dropout %v must be in [0,1)", m.Dropout)
	}
	m.accept(&b)
	m.forwardBody(drop)
	m.forwarded = true
	switch m.task {
	case TaskMLM:
		return m.maskedLMHeadForward(), nil
	case TaskTag:
		return m.tagHeadForward(), nil
	case TaskClassify:
		return m.classifyHeadForward(), nil
	}
	return m.lmHeadForward(), nil
}

// accept copies a checked batch into the model's run state, so that
// Backward sees the batch that Forward saw even if the caller reuses its
// slices. Targets at padding positions become IgnoreIndex.
func (m *Model) accept(b *Batch) {
	a := &m.acts
	m.task, m.batchSize, m.seqLen, m.hasTargets = b.Task, b.B, b.T, b.Targets != nil
	m.distilling = b.Soft != nil
	if m.distilling {
		m.soft = *b.Soft
		m.soft.Logits = a.teacher[:copy(a.teacher, b.Soft.Logits)]
	}
	copy(a.tokens, b.Tokens)
	for i := range b.B {
		a.valid[i] = b.validLen(i)
	}
	if !m.hasTargets {
		return
	}
	if b.Task == TaskClassify {
		copy(a.targets, b.Targets)
		return
	}
	for i, y := range b.Targets {
		if i%b.T >= a.valid[i/b.T] {
			y = IgnoreIndex
		}
		a.targets[i] = y
	}
}

// forwardBody runs the encoder and the blocks and leaves the final
// LayerNorm's output in acts.lnf. drop applies dropout.
func (m *Model) forwardBody(drop bool) {
	o, w, a := m.Ops, &m.W, &m.acts
	B, T, C, NH := m.batchSize, m.seqLen, m.Config.C, m.Config.NH
	BTC, causal, valid := B*T*C, m.task.Causal(), a.valid[:B]
	m.dropped = drop

	o.EncoderForward(a.encoded, a.tokens, w.WTE, w.WPE, B, T, C) // (B,T,C)
	m.dropout(a.encoded, a.encDrop, BTC)
	residual := a.encoded
	for l := range m.Config.L {
		lw, la := &w.Layers[l], &a.layers[l]
		o.LayerNormForward(la.ln1, la.ln1Mean, la.ln1Rstd, residual, lw.LN1W, lw.LN1B, B, T, C)
		m.matmulForward(la.qkv, la.ln1, lw.QKVW, lw.QKVB, B, T, C, 3*C, l, loraQKV) // (B,T,3C)
		o.AttentionForward(la.atty, la.att, la.qkv, valid, B, T, C, NH, causal)     // (B,T,C)
		m.matmulForward(la.attProj, la.atty, lw.AttProjW, lw.AttProjB, B, T, C, C, l, loraAttProj)
		m.dropout(la.attProj, la.attDrop, BTC)
		o.ResidualForward(la.residual2, residual, la.attProj, BTC)
		o.LayerNormForward(la.ln2, la.ln2Mean, la.ln2Rstd, la.residual2, lw.LN2W, lw.LN2B, B, T, C)
		m.matmulForward(la.fch, la.ln2, lw.FCW, lw.FCB, B, T, C, 4*C, l, loraFC) // (B,T,4C)
		o.GeluForward(la.fchGelu, la.fch, B*T*4*C)
		m.matmulForward(la.fcProj, la.fchGelu, lw.FCProjW, lw.FCProjB, B, T, 4*C, C, l, loraFCProj) // (B,T,C)
		m.dropout(la.fcProj, la.fcDrop, BTC)
		o.ResidualForward(la.residual3, la.residual2, la.fcProj, BTC)
		residual = la.residual3
	}
	o.LayerNormForward(a.lnf, a.lnfMean, a.lnfRstd, residual, w.LNFW, w.LNFB, B, T, C)
}

// lmHeadForward: logits over the vocabulary at every position through the
// tied embedding matrix, and the next-token loss.
func (m *Model) lmHeadForward() float32 {
	a, B, T := &m.acts, m.batchSize, m.seqLen
	C, V := m.Config.C, m.Config.V
	m.Ops.MatmulForward(a.logits, a.lnf, m.W.WTE, nil, B, T, C, V) // (B,T,V)
	if !m.hasTargets {
		return 0
	}
	return m.Ops.SoftmaxCrossEntropyForward(a.losses, a.probs, a.logits, a.targets[:B*T], B, T, V)
}

// maskedLMHeadForward: with targets, the LM head reads only the masked
// positions' rows (15% of the batch, as BERT does), which saves most of the
// head's work; without targets it scores every position.
func (m *Model) maskedLMHeadForward() float32 {
	if !m.hasTargets {
		return m.lmHeadForward()
	}
	a, C, V := &m.acts, m.Config.C, m.Config.V
	n := 0
	for i, y := range a.targets[:m.batchSize*m.seqLen] {
		if y == IgnoreIndex {
			continue
		}
		copy(a.gather[n*C:(n+1)*C], a.lnf[i*C:(i+1)*C])
		a.rows[n], a.rowTgt[n] = int32(i), y
		n++
	}
	m.numMasked = n
	if n == 0 {
		return 0
	}
	m.Ops.MatmulForward(a.logits, a.gather, m.W.WTE, nil, 1, n, C, V) // (N,V)
	return m.Ops.SoftmaxCrossEntropyForward(a.losses, a.probs, a.logits, a.rowTgt[:n], 1, n, V)
}

// tagHeadForward: a tag distribution at every position.
func (m *Model) tagHeadForward() float32 {
	a, B, T := &m.acts, m.batchSize, m.seqLen
	C, K := m.Config.C, m.Config.NumTags
	m.Ops.MatmulForward(a.logits, a.lnf, m.W.TagW, m.W.TagB, B, T, C, K) // (B,T,K)
	if !m.hasTargets {
		return 0
	}
	return m.headLoss(a.targets[:B*T], B*T, K)
}

// classifyHeadForward: one class distribution per sequence, read from the
// mean of its valid positions' final hidden states. Mean pooling rather than
// a first-token summary because the body was pre-trained without a
// classification token in front, and the mean uses every position's view of
// the sentence.
func (m *Model) classifyHeadForward() float32 {
	a, B, T := &m.acts, m.batchSize, m.seqLen
	C, K := m.Config.C, m.Config.NumClasses
	for b := range B {
		p := a.pooled[b*C : (b+1)*C]
		clear(p)
		n := a.valid[b]
		for t := range n {
			row := a.lnf[(b*T+t)*C : (b*T+t+1)*C]
			for i, v := range row {
				p[i] += v
			}
		}
		inv := 1 / float32(n)
		for i := range p {
			p[i] *= inv
		}
	}
	m.Ops.MatmulForward(a.logits, a.pooled, m.W.ClsW, m.W.ClsB, B, 1, C, K) // (B,K)
	if !m.hasTargets {
		return 0
	}
	return m.headLoss(a.targets[:B], B, K)
}

// headLoss is the tagging or classification head's loss over n rows of K
// logits: the cross-entropy with the targets, or with soft targets the
// distillation loss, whose gaps overwrite the teacher's logits.
func (m *Model) headLoss(targets []int32, n, K int) float32 {
	a := &m.acts
	if s := &m.soft; m.distilling {
		return m.Ops.DistillForward(a.losses, a.probs, s.Logits, a.logits, s.Logits, targets, 1, n, K, s.Temperature, s.Alpha)
	}
	return m.Ops.SoftmaxCrossEntropyForward(a.losses, a.probs, a.logits, targets, 1, n, K)
}

// dropout zeroes each of x's first n elements with probability m.Dropout
// and scales the survivors by 1/(1-p) ("inverted" dropout, so that nothing
// changes at evaluation), recording the scales in mask for the backward
// pass. It does nothing unless the current forward pass drops out.
func (m *Model) dropout(x, mask []float32, n int) {
	if !m.dropped {
		return
	}
	keep := 1 / (1 - m.Dropout)
	// A 32-bit uniform draw below the threshold drops the element; each
	// 64-bit draw serves two elements.
	threshold := uint32(float64(m.Dropout) * (1 << 32))
	x, mask = x[:n], mask[:n]
	for i := 0; i < n; i += 2 {
		r := m.rng.Uint64()
		mask[i] = keepOrDrop(uint32(r), threshold, keep)
		if i+1 < n {
			mask[i+1] = keepOrDrop(uint32(r>>32), threshold, keep)
		}
	}
	for i := range x {
		x[i] *= mask[i]
	}
}

func keepOrDrop(r, threshold uint32, keep float32) float32 {
	if r < threshold {
		return 0
	}
	return keep
}
