// Package model is the tutor transformer: a GPT-style decoder (pre-LayerNorm,
// GELU, learned positions, embeddings tied to the language-modelling head)
// with three heads that share one body — language modelling, token tagging
// and sequence classification — together with what training and shipping it
// needs: dropout, AdamW with weight decay, gradient clipping, a warmup +
// cosine schedule, early stopping, LoRA adapters, masked-token batches for
// pre-training, checkpoints in safetensors, and allocation-free inference for
// generation.
//
// The code follows llm.c's habits:
//
//   - All parameters live in one flat []float32 (Model.Params.Data) with named
//     views into it (Weights); the gradients and the AdamW moments use the same
//     layout (Params.Grad, Params.M, Params.V). LoRA adapters are a second
//     flat set of the same kind.
//   - Dimension letters: B batch, T sequence length, C channels, NH heads,
//     L layers, V vocabulary; every tensor has a shape comment, // (B,T,C).
//   - Model.forward is a straight list of per-layer calls; every activation
//     buffer is allocated once, in New, sized for (MaxB, Config.T), and
//     nothing inside Forward, Backward or Logits allocates.
//   - The ops come from a function table (Ops): FastOps (package kernels) by
//     default, RefOps (package kernels/ref) for the tests that compare the
//     two, and later a GPU backend with the same shape.
//
// Attention is causal for language modelling and bidirectional for the masked
// objective, tagging and classification; one set of weights serves all four
// (Task picks the mask). Padding is expressed by per-sequence valid lengths.
//
// Decisions, with their reasons next to the code:
//
//   - Classification pools by the mean of the valid positions' final
//     hidden states (after ln_f), not the first token: the body is
//     pre-trained without a classification token in front.
//   - The masked objective scores only the masked positions (BERT's 15%,
//     80/10/10 in MaskTokens), which saves most of the LM head's work.
//   - Dropout sits on the embedding output and on each block's attention
//     and MLP outputs before the residual add (GPT-2's resid/embd dropout).
//     There is no dropout on the attention probabilities: the kernels keep
//     no mask for them.
//   - Weight decay applies to every matrix (embeddings, projections, heads,
//     LoRA factors) and to no vector (biases, LayerNorm), as nanoGPT does.
//   - LoRA adapts attn.qkv, attn.proj, mlp.fc and mlp.proj of every block;
//     with adapters attached only the adapters and the tagging and
//     classification heads train.
//   - Checkpoints are directories of safetensors + JSON (checkpoint.go),
//     replaced atomically by a directory rename.
//
// This package builds for GOOS=js GOARCH=wasm as well as for the server. It
// may import kernels, kernels/ref and the standard library; it must not
// import server, app, database/sql, net/http or model/tokenizer (the
// tokenizer's special ids reach the model as plain numbers).
package model
