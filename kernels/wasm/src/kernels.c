// SIMD128 kernels for the browser's inference engine.
//
// This module owns no memory: it imports the Go program's linear memory
// (wasm-ld --import-memory) and every pointer it receives is the address
// of a Go slice's first element. It must therefore never touch memory of
// its own: no static data, no stack frame in linear memory (build.sh
// checks that the compiled module reads no __stack_pointer and has no data
// section), no libc. Everything lives in wasm locals.
//
// The arithmetic follows package quant (docs/QUANTIZATION.md) step by
// step, so that the int8 product gives the same float32 numbers, bit for
// bit, as the Go product the server runs: each input row is quantized with
// its own scale in double precision and rounded half away from zero, each
// group's sum is exact in int32, and the per-group float sums run in group
// order with a multiply and an add (never fused).
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

static inline float absf(float v) { return __builtin_fabsf(v); }

// round_half_away rounds as Go's math.Round does (wasm's f64.nearest
// rounds half to even).
static inline double round_half_away(double d) {
  double t = __builtin_trunc(d);
  double f = d - t;  // exact
  if (f >= 0.5) t += 1.0;
  if (f <= -0.5) t -= 1.0;
  return t;
}

// The int8 product reads its weights packed by Go (kernels/wasm, once per
// matrix): columns in blocks of 4 (the last block padded with zero
// columns), and within a block the weights of each pair of inputs k, k+1
// as 8 bytes [c0k c0k+1 c1k c1k+1 c2k c2k+1 c3k c3k+1]; the scales as 4
// floats per block and group. One 8-byte load, sign-extended to i16x8,
// times the pair of quantized inputs splatted to every lane, gives with
// i32x4.dot_i16x8_s the four columns' sums in the four lanes: no
// horizontal sums. Inputs are quantized to int16 (values in [-127,127]).

// quantize_row writes round(x/s) clamped to [-127,127] into q and returns
// s = max|x| / 127 (0 for a row of zeros, whose q is all zero).
static float quantize_row(int16_t *q, const float *x, int n) {
  float amax = 0.0f;
  for (int i = 0; i < n; i++) {
    float a = absf(x[i]);
    if (a > amax) amax = a;
  }
  float s = amax / 127.0f;
  if (s == 0.0f) {
    for (int i = 0; i < n; i++) q[i] = 0;
    return 0.0f;
  }
  for (int i = 0; i < n; i++) {
    double r = round_half_away((double)x[i] / (double)s);
    if (r > 127.0) r = 127.0;
    if (r < -127.0) r = -127.0;
    q[i] = (int16_t)r;
  }
  return s;
}

// store_block writes out = sx·f + bias for the n ≤ 4 valid columns of a block.
static inline void store_block(float *out, v128_t f, float sx, const float *bias, int n) {
  f = wasm_f32x4_mul(wasm_f32x4_splat(sx), f);
  if (n == 4) {
    if (bias) f = wasm_f32x4_add(f, wasm_v128_load(bias));
    wasm_v128_store(out, f);
    return;
  }
  // Lane by lane, without an array: the kernels keep nothing in memory.
  if (n > 0) out[0] = wasm_f32x4_extract_lane(f, 0) + (bias ? bias[0] : 0.0f);
  if (n > 1) out[1] = wasm_f32x4_extract_lane(f, 1) + (bias ? bias[1] : 0.0f);
  if (n > 2) out[2] = wasm_f32x4_extract_lane(f, 2) + (bias ? bias[2] : 0.0f);
}

// GROUP_PAIR adds one pair of a row's quantized inputs times the two column
// blocks' weights (v0, v1) to the accumulators a0 and a1.
#define GROUP_PAIR(x, a0, a1)                                     \
  do {                                                            \
    v128_t xs = wasm_v128_load32_splat((x) + g * G + 2 * q);      \
    a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(xs, v0));         \
    a1 = wasm_i32x4_add(a1, wasm_i32x4_dot_i16x8(xs, v1));         \
  } while (0)

// scaled adds a group's int32 sums, scaled, to a float accumulator.
static inline v128_t scaled(v128_t f, v128_t scale, v128_t sums) {
  return wasm_f32x4_add(f, wasm_f32x4_mul(scale, wasm_f32x4_convert_i32x4(sums)));
}

// rows_x_8cols computes two rows (or one, when two is 0) by two column
// blocks (8 columns). Every value lives in a named local: an array here
// could make clang put it on a stack in memory, which the kernels must
// never have.
static inline __attribute__((always_inline)) void rows_x_8cols(
    int two, float *out, const int16_t *xq, const float *sx, const int8_t *p0, const int8_t *p1, const float *s0,
    const float *s1, const float *bias, int C, int OC, int G, int j, int n0, int n1) {
  int groups = C / G, pairs = G / 2;
  const int16_t *x0 = xq, *x1 = xq + C;
  v128_t f00 = wasm_f32x4_splat(0.0f), f01 = f00, f10 = f00, f11 = f00;
  for (int g = 0; g < groups; g++) {
    v128_t a00 = wasm_i32x4_splat(0), a01 = a00, a10 = a00, a11 = a00;
    const int8_t *w0 = p0 + g * G * 4, *w1 = p1 + g * G * 4;
    for (int q = 0; q < pairs; q++) {
      v128_t v0 = wasm_i16x8_load8x8(w0 + q * 8), v1 = wasm_i16x8_load8x8(w1 + q * 8);
      GROUP_PAIR(x0, a00, a01);
      if (two) GROUP_PAIR(x1, a10, a11);
    }
    v128_t sc0 = wasm_v128_load(s0 + g * 4), sc1 = wasm_v128_load(s1 + g * 4);
    f00 = scaled(f00, sc0, a00);
    f01 = scaled(f01, sc1, a01);
    if (two) {
      f10 = scaled(f10, sc0, a10);
      f11 = scaled(f11, sc1, a11);
    }
  }
  store_block(out + j, f00, sx[0], bias ? bias + j : 0, n0);
  if (n1 > 0) store_block(out + j + 4, f01, sx[0], bias ? bias + j + 4 : 0, n1);
  if (two) {
    store_block(out + OC + j, f10, sx[1], bias ? bias + j : 0, n0);
    if (n1 > 0) store_block(out + OC + j + 4, f11, sx[1], bias ? bias + j + 4 : 0, n1);
  }
}

static void rows_all_cols(int two, float *out, const int16_t *xq, const float *sx, const int8_t *packed,
                          const float *pscales, const float *bias, int C, int OC, int G) {
  int blocks = (OC + 3) / 4, groups = C / G;
  for (int b = 0; b < blocks; b += 2) {
    int j = b * 4;
    int b1 = b + 1 < blocks ? b + 1 : b;  // an odd last block is computed twice, stored once
    int n0 = OC - j < 4 ? OC - j : 4;
    int n1 = b + 1 < blocks ? (OC - j - 4 < 4 ? OC - j - 4 : 4) : 0;
    const int8_t *p0 = packed + b * 4 * C, *p1 = packed + b1 * 4 * C;
    const float *s0 = pscales + b * 4 * groups, *s1 = pscales + b1 * 4 * groups;
    if (two)
      rows_x_8cols(1, out, xq, sx, p0, p1, s0, s1, bias, C, OC, G, j, n0, n1);
    else
      rows_x_8cols(0, out, xq, sx, p0, p1, s0, s1, bias, C, OC, G, j, n0, n1);
  }
}

// i8_matmul: out (R,OC) = int8(inp (R,C)) · W (OC,C)ᵀ + bias (OC, or
// null), W given packed (see above) with its packed scales. xq (R,C
// int16) and sx (R) are the caller's scratch for the quantized rows. G is
// a multiple of 8 that divides C.
EXPORT(i8_matmul)
void i8_matmul(float *out, const float *inp, int16_t *xq, float *sx, const int8_t *packed, const float *pscales,
               const float *bias, int R, int C, int OC, int G) {
  for (int r = 0; r < R; r++) sx[r] = quantize_row(xq + r * C, inp + r * C, C);
  int r = 0;
  for (; r + 2 <= R; r += 2) rows_all_cols(1, out + r * OC, xq + r * C, sx + r, packed, pscales, bias, C, OC, G);
  if (r < R) rows_all_cols(0, out + r * OC, xq + r * C, sx + r, packed, pscales, bias, C, OC, G);
}

static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

static float dot_f32(const float *x, const float *w, int C) {
  v128_t a = wasm_f32x4_splat(0.0f);
  int k = 0;
  for (; k + 4 <= C; k += 4) a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(x + k), wasm_v128_load(w + k)));
  float s = hsum(a);
  for (; k < C; k++) s += x[k] * w[k];
  return s;
}

// finish_f32 stores four outputs of one row from their lane sums, adding
// the products past the last multiple of 4 and the bias.
static inline void finish_f32(float *out, const float *x, const float *w, const float *bias, int C4, int C, int j,
                              v128_t a0, v128_t a1, v128_t a2, v128_t a3) {
  v128_t acc[4] = {a0, a1, a2, a3};
  for (int jj = 0; jj < 4; jj++) {
    float s = hsum(acc[jj]);
    const float *wr = w + (j + jj) * C;
    for (int k = C4; k < C; k++) s += x[k] * wr[k];
    out[j + jj] = bias ? s + bias[j + jj] : s;
  }
}

// f32_matmul: out (R,OC) = inp (R,C) · w (OC,C)ᵀ + bias (OC, or null).
EXPORT(f32_matmul)
void f32_matmul(float *out, const float *inp, const float *w, const float *bias, int R, int C, int OC) {
  int r = 0;
  int C4 = C & ~3;
  for (; r + 2 <= R; r += 2) {
    const float *x0 = inp + r * C, *x1 = x0 + C;
    int j = 0;
    for (; j + 4 <= OC; j += 4) {
      const float *w0 = w + j * C, *w1 = w0 + C, *w2 = w1 + C, *w3 = w2 + C;
      v128_t a00 = wasm_f32x4_splat(0.0f), a01 = a00, a02 = a00, a03 = a00;
      v128_t a10 = a00, a11 = a00, a12 = a00, a13 = a00;
      for (int k = 0; k < C4; k += 4) {
        v128_t vx0 = wasm_v128_load(x0 + k), vx1 = wasm_v128_load(x1 + k);
        v128_t vw = wasm_v128_load(w0 + k);
        a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(vx0, vw));
        a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(vx1, vw));
        vw = wasm_v128_load(w1 + k);
        a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(vx0, vw));
        a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(vx1, vw));
        vw = wasm_v128_load(w2 + k);
        a02 = wasm_f32x4_add(a02, wasm_f32x4_mul(vx0, vw));
        a12 = wasm_f32x4_add(a12, wasm_f32x4_mul(vx1, vw));
        vw = wasm_v128_load(w3 + k);
        a03 = wasm_f32x4_add(a03, wasm_f32x4_mul(vx0, vw));
        a13 = wasm_f32x4_add(a13, wasm_f32x4_mul(vx1, vw));
      }
      finish_f32(out + r * OC, inp + r * C, w, bias, C4, C, j, a00, a01, a02, a03);
      finish_f32(out + (r + 1) * OC, inp + (r + 1) * C, w, bias, C4, C, j, a10, a11, a12, a13);
    }
    for (; j < OC; j++) {
      for (int rr = r; rr < r + 2; rr++) {
        float s = dot_f32(inp + rr * C, w + j * C, C);
        out[rr * OC + j] = bias ? s + bias[j] : s;
      }
    }
  }
  for (; r < R; r++) {
    for (int j = 0; j < OC; j++) {
      float s = dot_f32(inp + r * C, w + j * C, C);
      out[r * OC + j] = bias ? s + bias[j] : s;
    }
  }
}

// exp4 is e^x in each lane, within a few float32 ulps: x = n·ln2 + r with
// |r| ≤ ln2/2, e^r by its Taylor polynomial to r⁶, 2^n built in the
// exponent bits. Inputs are clamped to where float32 e^x is finite.
static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-87.0f)), wasm_f32x4_splat(88.0f));
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.0f / 720.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 120.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 24.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 6.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  v128_t pow2n = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, pow2n);
}

static inline float exp1(float x) { return wasm_f32x4_extract_lane(exp4(wasm_f32x4_splat(x)), 0); }

// gelu4 is GPT-2's tanh approximation of GELU, with tanh(u) = 1 - 2/(e^2u + 1).
static inline v128_t gelu4(v128_t x) {
  v128_t x3 = wasm_f32x4_mul(wasm_f32x4_mul(x, x), x);
  v128_t u = wasm_f32x4_mul(wasm_f32x4_splat(0.7978845608028654f),
                            wasm_f32x4_add(x, wasm_f32x4_mul(wasm_f32x4_splat(0.044715f), x3)));
  v128_t e = exp4(wasm_f32x4_add(u, u));
  v128_t th = wasm_f32x4_sub(wasm_f32x4_splat(1.0f),
                             wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(e, wasm_f32x4_splat(1.0f))));
  return wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(0.5f), x), wasm_f32x4_add(wasm_f32x4_splat(1.0f), th));
}

// gelu: out (N) = GELU(inp (N)).
EXPORT(gelu)
void gelu(float *out, const float *inp, int N) {
  int i = 0;
  for (; i + 4 <= N; i += 4) wasm_v128_store(out + i, gelu4(wasm_v128_load(inp + i)));
  for (; i < N; i++) out[i] = wasm_f32x4_extract_lane(gelu4(wasm_f32x4_splat(inp[i])), 0);
}

static inline float dot_hs(const float *a, const float *b, int hs) {
  v128_t acc0 = wasm_f32x4_splat(0.0f), acc1 = acc0;
  int i = 0;
  for (; i + 8 <= hs; i += 8) {
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
  }
  float s = hsum(wasm_f32x4_add(acc0, acc1));
  for (; i < hs; i++) s += a[i] * b[i];
  return s;
}

// attention: one sequence's multi-head attention, as kernels/ref's
// AttentionForward: out (T,C), att (NH,T,T) the softmax probabilities,
// qkv (T,3C). Position t attends to u < n and, if causal, u ≤ t; a
// padding position (t ≥ n) gets zeros.
EXPORT(attention)
void attention(float *out, float *att, const float *qkv, int T, int C, int NH, int n, int causal) {
  int hs = C / NH;
  float scale = 1.0f / __builtin_sqrtf((float)hs);
  for (int h = 0; h < NH; h++) {
    for (int t = 0; t < T; t++) {
      float *a = att + (h * T + t) * T;
      float *o = out + t * C + h * hs;
      for (int u = 0; u < T; u++) a[u] = 0.0f;
      for (int i = 0; i < hs; i++) o[i] = 0.0f;
      if (t >= n) continue;
      int keys = causal ? t + 1 : n;
      const float *q = qkv + t * 3 * C + h * hs;
      float mx = -3.402823466e38f;
      for (int u = 0; u < keys; u++) {
        float s = dot_hs(q, qkv + u * 3 * C + C + h * hs, hs) * scale;
        a[u] = s;
        if (s > mx) mx = s;
      }
      v128_t vmx = wasm_f32x4_splat(mx), vsum = wasm_f32x4_splat(0.0f);
      int u = 0;
      for (; u + 4 <= keys; u += 4) {
        v128_t e = exp4(wasm_f32x4_sub(wasm_v128_load(a + u), vmx));
        wasm_v128_store(a + u, e);
        vsum = wasm_f32x4_add(vsum, e);
      }
      float sum = hsum(vsum);
      for (; u < keys; u++) {
        a[u] = exp1(a[u] - mx);
        sum += a[u];
      }
      float inv = 1.0f / sum;
      for (u = 0; u < keys; u++) a[u] *= inv;
      for (int i = 0; i + 16 <= hs || i < hs; i += 16) {
        if (i + 16 <= hs) {
          v128_t o0 = wasm_f32x4_splat(0.0f), o1 = o0, o2 = o0, o3 = o0;
          for (u = 0; u < keys; u++) {
            const float *v = qkv + u * 3 * C + 2 * C + h * hs + i;
            v128_t p = wasm_f32x4_splat(a[u]);
            o0 = wasm_f32x4_add(o0, wasm_f32x4_mul(p, wasm_v128_load(v)));
            o1 = wasm_f32x4_add(o1, wasm_f32x4_mul(p, wasm_v128_load(v + 4)));
            o2 = wasm_f32x4_add(o2, wasm_f32x4_mul(p, wasm_v128_load(v + 8)));
            o3 = wasm_f32x4_add(o3, wasm_f32x4_mul(p, wasm_v128_load(v + 12)));
          }
          wasm_v128_store(o + i, o0);
          wasm_v128_store(o + i + 4, o1);
          wasm_v128_store(o + i + 8, o2);
          wasm_v128_store(o + i + 12, o3);
        } else {
          for (int j = i; j < hs; j++) {
            float s = 0.0f;
            for (u = 0; u < keys; u++) s += a[u] * qkv[u * 3 * C + 2 * C + h * hs + j];
            o[j] = s;
          }
        }
      }
    }
  }
}

// layernorm: each of the R rows of inp (R,C) normalised to zero mean and
// unit variance, scaled by weight and shifted by bias, as kernels/ref's
// LayerNormForward; mean and rstd (R) are saved.
EXPORT(layernorm)
void layernorm(float *out, float *mean, float *rstd, const float *inp, const float *weight, const float *bias, int R,
               int C) {
  for (int r = 0; r < R; r++) {
    const float *x = inp + r * C;
    float *o = out + r * C;
    v128_t acc = wasm_f32x4_splat(0.0f);
    int i = 0;
    for (; i + 4 <= C; i += 4) acc = wasm_f32x4_add(acc, wasm_v128_load(x + i));
    float sum = hsum(acc);
    for (; i < C; i++) sum += x[i];
    float m = sum / (float)C;
    v128_t vm = wasm_f32x4_splat(m);
    acc = wasm_f32x4_splat(0.0f);
    for (i = 0; i + 4 <= C; i += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(x + i), vm);
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(d, d));
    }
    float ss = hsum(acc);
    for (; i < C; i++) ss += (x[i] - m) * (x[i] - m);
    float s = 1.0f / __builtin_sqrtf(ss / (float)C + 1e-5f);
    v128_t vs = wasm_f32x4_splat(s);
    for (i = 0; i + 4 <= C; i += 4) {
      v128_t n = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + i), vm), vs);
      wasm_v128_store(o + i, wasm_f32x4_add(wasm_f32x4_mul(n, wasm_v128_load(weight + i)), wasm_v128_load(bias + i)));
    }
    for (; i < C; i++) o[i] = (x[i] - m) * s * weight[i] + bias[i];
    mean[r] = m;
    rstd[r] = s;
  }
}
