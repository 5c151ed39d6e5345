/* conv_direct.c - 3x3 "same" convolutions with few input channels, computed
 * directly instead of through im2col and OpenBLAS.
 *
 * Such a layer (a network's first: 1 or 3 channels at full resolution) has
 * a product with K = 9 or 27 rows: im2col writes 9x the input, OpenBLAS
 * reads it back and packs it for a handful of multiply-adds per value, and
 * the layer runs at a quarter of the machine's speed (measured: layer 0 of
 * the bundled detector, 7 MMAC, 0.53 ms per image, 13% of the whole pass).
 * Here the padded input stays in cache and eight filters' accumulators in
 * registers: 8 output pixels x 8 filters per step of the 9*C taps.
 *
 * The sums run over (channel, row, column) of the kernel in Darknet's order,
 * with fused multiply-adds (as OpenBLAS's kernels use): the result differs
 * from Darknet's by rounding only, like the OpenBLAS path. */
#include "backend/internal.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_DIRECT 1
#endif

/* Largest input channel count that takes this path: past it im2col's rows
 * are many enough for OpenBLAS to run at full speed. */
#define DIRECT_MAX_CHANNELS 4
#define FILTER_BLOCK 8
#define PIXEL_BLOCK 8

#ifdef HAVE_DIRECT
static int cpu_has_fma(void)
{
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

int conv_direct_fits(const layer *l)
{
#ifdef HAVE_DIRECT
	return cpu_has_fma() && l->size == 3 && l->stride == 1 && l->pad == 1 && l->groups == 1 &&
	    l->c <= DIRECT_MAX_CHANNELS && l->n % FILTER_BLOCK == 0 &&
	    l->w >= PIXEL_BLOCK && l->out_w == l->w && l->out_h == l->h;
#else
	(void)l;
	return 0;
#endif
}

size_t conv_direct_workspace(const layer *l)
{
	return (size_t)l->c * (l->h + 2) * (l->w + 2);
}

/* The image with a zero border of one pixel, [c][h+2][w+2]. */
static void pad_image(const float *im, int c, int h, int w, float *pad)
{
	size_t pw = (size_t)w + 2, plane = pw * (h + 2);
	memset(pad, 0, (size_t)c * plane * sizeof *pad);
	for (int k = 0; k < c; k++)
		for (int y = 0; y < h; y++)
			memcpy(pad + k * plane + (y + 1) * pw + 1, im + ((size_t)k * h + y) * w, (size_t)w * sizeof *pad);
}

#ifdef HAVE_DIRECT
/* Eight filters (f0..f0+7) for output pixels x0..x0+7 of row y.  The eight
 * accumulators are named, not an array: GCC keeps an array of vectors in
 * memory, which halves the speed. */
__attribute__((target("avx2,fma"))) static void block8x8(const float *pad, int c, size_t pw, size_t plane,
    const float *wts, int f0, int y, int x0, float *out, size_t n, int w)
{
	__m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
	size_t per = (size_t)c * 9;
	const float *w0 = wts + (size_t)f0 * per;
	for (int k = 0; k < c; k++)
		for (int kh = 0; kh < 3; kh++) {
			const float *row = pad + k * plane + (y + kh) * pw + x0;
			for (int kw = 0; kw < 3; kw++) {
				__m256 v = _mm256_loadu_ps(row + kw);
				const float *t = w0 + (size_t)k * 9 + kh * 3 + kw;
#define TAP(a, j) a = _mm256_fmadd_ps(_mm256_broadcast_ss(t + (j) * per), v, a)
				TAP(a0, 0); TAP(a1, 1); TAP(a2, 2); TAP(a3, 3);
				TAP(a4, 4); TAP(a5, 5); TAP(a6, 6); TAP(a7, 7);
#undef TAP
			}
		}
	float *o = out + (size_t)f0 * n + (size_t)y * w + x0;
	_mm256_storeu_ps(o, a0);
	_mm256_storeu_ps(o + n, a1);
	_mm256_storeu_ps(o + 2 * n, a2);
	_mm256_storeu_ps(o + 3 * n, a3);
	_mm256_storeu_ps(o + 4 * n, a4);
	_mm256_storeu_ps(o + 5 * n, a5);
	_mm256_storeu_ps(o + 6 * n, a6);
	_mm256_storeu_ps(o + 7 * n, a7);
}

/* The same for 16 output pixels with AVX-512: a weight is a broadcast
 * operand of the multiply-add itself, so a tap is one load and 8 FMAs. */
__attribute__((target("avx512f"))) static void block16x8(const float *pad, int c, size_t pw, size_t plane,
    const float *wts, int f0, int y, int x0, float *out, size_t n, int w)
{
	__m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
	size_t per = (size_t)c * 9;
	const float *w0 = wts + (size_t)f0 * per;
	for (int k = 0; k < c; k++)
		for (int kh = 0; kh < 3; kh++) {
			const float *row = pad + k * plane + (y + kh) * pw + x0;
			for (int kw = 0; kw < 3; kw++) {
				__m512 v = _mm512_loadu_ps(row + kw);
				const float *t = w0 + (size_t)k * 9 + kh * 3 + kw;
#define TAP(a, j) a = _mm512_fmadd_ps(_mm512_set1_ps(t[(j) * per]), v, a)
				TAP(a0, 0); TAP(a1, 1); TAP(a2, 2); TAP(a3, 3);
				TAP(a4, 4); TAP(a5, 5); TAP(a6, 6); TAP(a7, 7);
#undef TAP
			}
		}
	float *o = out + (size_t)f0 * n + (size_t)y * w + x0;
	_mm512_storeu_ps(o, a0);
	_mm512_storeu_ps(o + n, a1);
	_mm512_storeu_ps(o + 2 * n, a2);
	_mm512_storeu_ps(o + 3 * n, a3);
	_mm512_storeu_ps(o + 4 * n, a4);
	_mm512_storeu_ps(o + 5 * n, a5);
	_mm512_storeu_ps(o + 6 * n, a6);
	_mm512_storeu_ps(o + 7 * n, a7);
}
#endif

void conv_direct_image(const layer *l, const float *im, float *out, float *ws)
{
#ifdef HAVE_DIRECT
	int c = l->c, h = l->h, w = l->w;
	size_t pw = (size_t)w + 2, plane = pw * (h + 2), n = (size_t)w * h;
	pad_image(im, c, h, w, ws);
	int wide = w >= 2 * PIXEL_BLOCK && __builtin_cpu_supports("avx512f");
	int step = wide ? 2 * PIXEL_BLOCK : PIXEL_BLOCK;
	for (int y = 0; y < h; y++)
		for (int x = 0;; x += step) {
			/* the last block of a row not a multiple of the block overlaps
			 * the one before: its pixels are computed twice, the same */
			int x0 = x + step <= w ? x : w - step;
			for (int f0 = 0; f0 < l->n; f0 += FILTER_BLOCK)
				if (wide)
					block16x8(ws, c, pw, plane, l->weights, f0, y, x0, out, n, w);
				else
					block8x8(ws, c, pw, plane, l->weights, f0, y, x0, out, n, w);
			if (x0 + step >= w)
				break;
		}
#else
	(void)l;
	(void)im;
	(void)out;
	(void)ws;
#endif
}
