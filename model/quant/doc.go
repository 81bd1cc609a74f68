// Package quant turns a trained float model into the int8 model the
// browser runs, stores it, loads it, and computes with it so that its
// accuracy can be measured against the float model's.
//
// Arithmetic (docs/QUANTIZATION.md). Each weight matrix W (OC,C) of the
// attention (attn.qkv, attn.proj), of the MLP (mlp.fc, mlp.proj) and the
// token embedding (wte, also the language-modelling head) is cut along its
// input dimension C into groups of G consecutive weights. Each group gets
// one float32 scale s = max|w| / 127 and its weights become
// q = round(w / s), an int8 in [-127, 127], so that w ≈ s·q with an error
// of at most s/2. Everything else stays float32: the position embeddings,
// the LayerNorms, every bias and the tagging and classification heads,
// which together are 2% of the student's parameters and carry its most
// sensitive numbers.
//
// Two ways of computing are offered, recorded in the model's config.json
// so that every engine that opens it computes the same way:
//
//   - activations "float32": the weights are dequantized once, at load,
//     into an ordinary float model (w = s·q in float32), which the
//     float kernels then run. Dequantizing inside the matrix product
//     instead (s·Σ x·q per group) gives the same numbers up to float
//     rounding of the sum's order.
//   - activations "int8": each row x of a quantized matrix product's
//     input is also quantized, symmetrically with its own scale
//     sx = max|x| / 127, and out = sx · Σ_groups s_g · Σ_k xq_k·q_k + bias,
//     with the inner sums in int32, as wasm SIMD's int8 dot products
//     compute them.
//
// Files (a directory, written atomically): model.safetensors holds each
// quantized matrix as an I8 tensor under the float tensor's name and its
// scales as an F32 tensor NAME.scales of shape (OC, C/G), the other
// tensors as F32; config.json is the model's shape plus a "quantization"
// object; tokenizer.json travels with the model; manifest.json (format
// "tutor-int8") lists every file's sha256 and size and carries the source
// checkpoint's state (head, labels, tokenizer hash, training config), so
// that a quantized directory opens like a run.
//
// Importing this package registers the format with package model, so that
// model.Load, train.Open and everything built on them (tutor eval, tutor
// check, the server) read quantized directories too.
//
// It imports the standard library, model, model/safetensors and
// model/train (for opening and writing whole directories); it must not
// import server, app, net/http or database/sql.
package quant
