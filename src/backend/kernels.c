/* kernels.c - the fast forward functions backend_use_blas installs: im2col
 * plus one OpenBLAS product per group with a fused batch norm, bias and
 * activation epilogue; connected layers through OpenBLAS; max-pool, shortcut
 * and standalone batch norm without what only training reads.
 *
 * Each computes what Darknet's own layer computes, float for float; only the
 * matrix product differs (OpenBLAS's summation order, within 1e-4, see the
 * tests).  What they drop is work only training reads (l.x copies, indexes). */
#include "backend/internal.h"
#include "core/util.h"

#include <cblas.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <float.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Exported by libdarknet but not declared in darknet.h. */
void activate_array(float *x, const int n, const ACTIVATION a);
void shortcut_cpu(int batch, int w1, int h1, int c1, float *add, int w2, int h2, int c2, float s1, float s2, float *out);

/* The element-wise kernels get AVX-512 and AVX2 clones picked at load time
 * (ifunc), on top of the baseline x86-64 build.  AVX-512 has fused
 * multiply-adds: fp-contract=off keeps a*b+c two roundings, so results stay
 * Darknet's bits (the AVX-512 clone halves batch norm's cost: its 64-bit
 * integer compares are native there). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
/* no-tree-loop-distribute-patterns: the kernels' zero fills are a few floats
 * long, and a memset call per row costs more than the stores */
#define KERNEL __attribute__((target_clones("avx512f", "avx2", "default"), \
    optimize("O3", "no-trapping-math", "no-tree-loop-distribute-patterns", "fp-contract=off")))
#else
#define KERNEL
#endif

/* Darknet's activations, written so the compiler can vectorise the common
 * ones.  Note `.1*x` is a double product rounded to float, as in activations.h. */
KERNEL static void activate_fast(float *x, size_t n, ACTIVATION a)
{
	switch (a) {
	case LINEAR:
		return;
	case LEAKY:
		for (size_t i = 0; i < n; i++) {
			float v = x[i], t = (float)(.1 * (double)v);
			x[i] = v > 0 ? v : t;
		}
		return;
	case RELU:
		/* Debian's libdarknet computes relu as a select: +0 for negative
		 * values, -0 and NaN alike (measured; x*(x>0) in its source would
		 * keep -0 and NaN) */
		for (size_t i = 0; i < n; i++)
			x[i] = x[i] > 0 ? x[i] : 0.0f;
		return;
	default:
		activate_array(x, (int)n, a);
	}
}

/* Batch norm at inference plus the bias, in one pass per channel.  The
 * arithmetic is Darknet's normalize_cpu, scale_bias and add_bias in that
 * order: (x - mean) in float, divided in double by sqrt(var) + .000001f,
 * rounded to float.
 *
 * A double division per value costs more than the rest of the epilogue, so
 * the quotient is first taken as a product with 1/d (within 2 ulps of the
 * double quotient).  Rounded to float it gives the same float as the true
 * quotient unless it lies within a few ulps of a midpoint between two floats
 * (its low 29 mantissa bits near 2^28) or in the subnormal range; a row with
 * any such value is computed again with the division.  So the result stays
 * Darknet's bits (tests/unit/test_kernels checks it on 10^7 values). */
#define NEAR_MID_ULPS 8
#define BN_CHUNK 64	/* values per check: the chunk is redone, src intact */
KERNEL void backend_bn_bias_row(float *dst, const float *src, size_t n, const layer *l, int f)
{
	float bias = l->biases[f];
	if (!l->batch_normalize) {
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i] + bias;
		return;
	}
	float mean = l->rolling_mean[f], scale = l->scales[f];
	double d = sqrt(l->rolling_variance[f]) + .000001f, inv = 1.0 / d;
	const uint64_t low = (UINT64_C(1) << 29) - 1, mid = UINT64_C(1) << 28;
	for (size_t i0 = 0; i0 < n; i0 += BN_CHUNK) {
		size_t m = n - i0 < BN_CHUNK ? n - i0 : BN_CHUNK;
		const float *s = src + i0;
		float v[BN_CHUNK];
		uint64_t bad = 0;
		for (size_t i = 0; i < m; i++) {
			double q = (double)(s[i] - mean) * inv;
			uint64_t b;
			memcpy(&b, &q, sizeof b);
			bad |= ((b & low) - mid + NEAR_MID_ULPS) < 2 * NEAR_MID_ULPS;
			bad |= fabs(q) < (double)FLT_MIN;
			v[i] = (float)q;
		}
		if (bad)
			for (size_t i = 0; i < m; i++)
				v[i] = (float)((s[i] - mean) / d);
		for (size_t i = 0; i < m; i++) {
			float t = v[i] * scale;
			dst[i0 + i] = t + bias;
		}
	}
}

static void bn_bias_rows(float *out, int batch, int channels, size_t spatial, const layer *l)
{
	for (int b = 0; b < batch; b++)
		for (int f = 0; f < channels; f++) {
			float *x = out + ((size_t)b * channels + f) * spatial;
			backend_bn_bias_row(x, x, spatial, l, f);
		}
}

/* The end of a convolution for one output row of filter f: batch norm, bias
 * and activation in one pass while the row is in cache, reading the product
 * (src) and writing the layer's output (dst; may be src). */
void backend_conv_epilogue_row(float *dst, const float *src, size_t n, const layer *l, int f)
{
	backend_bn_bias_row(dst, src, n, l, f);
	activate_fast(dst, n, l->activation);
}

/* im2col for output rows [y0, y1) of one image into columns [k][col0 ..
 * col0 + (y1-y0)*out_w) of a [K][ld] matrix. */
KERNEL static void im2col_into(const float *im, int channels, int height, int width, int ksize, int stride,
    int pad, int out_h, int out_w, int y0, int y1, float *cols, size_t ld, size_t col0)
{
	if (stride == 1 && out_w == width && out_h == height) {
		/* "same" padding: each (c, kh, kw) plane is the image shifted by a
		 * constant offset; one copy per plane, then zero what fell outside */
		long n = (long)width * height, q0 = (long)y0 * width, q1 = (long)y1 * width;
		for (int c = 0; c < channels; c++)
			for (int kh = 0; kh < ksize; kh++)
				for (int kw = 0; kw < ksize; kw++) {
					float *dst = cols + ((size_t)(c * ksize + kh) * ksize + kw) * ld + col0 - q0;
					const float *src = im + (size_t)c * n;
					long off = (long)(kh - pad) * width + (kw - pad);
					long p0 = off < 0 ? -off : 0, p1 = off > 0 ? n - off : n;
					p0 = p0 < q0 ? q0 : p0 > q1 ? q1 : p0;
					p1 = p1 > q1 ? q1 : p1 < p0 ? p0 : p1;
					for (long p = q0; p < p0; p++)
						dst[p] = 0.0f;
					for (long p = p0; p < p1; p++)
						dst[p] = src[p + off];
					for (long p = p1; p < q1; p++)
						dst[p] = 0.0f;
					/* columns whose source wrapped into a neighbouring row */
					int dx = kw - pad;
					if (dx != 0)
						for (int y = y0; y < y1; y++) {
							float *d = dst + (size_t)y * width;
							if (dx < 0)
								for (int x = 0; x < -dx; x++)
									d[x] = 0.0f;
							else
								for (int x = width - dx; x < width; x++)
									d[x] = 0.0f;
						}
				}
		return;
	}
	for (int kw = 0; kw < ksize; kw++) {
		/* output columns whose input column lies inside the image: [x0, x1) */
		int x0 = 0, x1 = out_w;
		while (x0 < out_w && x0 * stride + kw - pad < 0)
			x0++;
		while (x1 > x0 && (x1 - 1) * stride + kw - pad >= width)
			x1--;
		for (int c = 0; c < channels; c++)
			for (int kh = 0; kh < ksize; kh++) {
				float *dst = cols + ((size_t)(c * ksize + kh) * ksize + kw) * ld + col0;
				const float *src = im + (size_t)c * height * width;
				for (int y = y0; y < y1; y++) {
					int iy = y * stride + kh - pad;
					float *d = dst + (size_t)(y - y0) * out_w;
					if (iy < 0 || iy >= height) {
						memset(d, 0, (size_t)out_w * sizeof *d);
						continue;
					}
					const float *row = src + (size_t)iy * width + kw - pad;
					for (int x = 0; x < x0; x++)
						d[x] = 0.0f;
					if (stride == 1)
						memcpy(d + x0, row + x0, (size_t)(x1 - x0) * sizeof *d);
					else
						for (int x = x0; x < x1; x++)
							d[x] = row[x * stride];
					for (int x = x1; x < out_w; x++)
						d[x] = 0.0f;
				}
			}
	}
}

/* Floats of unrolled input per product of the batched path (~1 MiB). */
#define CHUNK_FLOATS (256u * 1024u)
/* Floats of unrolled tile plus product per product of the tiled path:
 * about half a core's L2 cache (1 MiB on this project's machine). */
#define TILE_FLOATS (128u * 1024u)

/* Images per product of the batched path: enough columns for OpenBLAS to
 * run well, few enough that the unrolled matrix stays in cache.  0 when one
 * image alone is larger: then the layer runs image by image in row tiles. */
static int conv_chunk(const layer *l)
{
	size_t k = (size_t)l->size * l->size * (l->c / l->groups), n = (size_t)l->out_w * l->out_h;
	size_t chunk = CHUNK_FLOATS / (k * n + 1);
	if (chunk <= 1)
		return 0;
	return chunk > (size_t)l->batch ? l->batch : (int)chunk;
}

/* Output rows per tile of the tiled path: the tile's unrolled input and its
 * product fit in TILE_FLOATS, but at least 8*K columns: OpenBLAS packs the
 * weights again for every product, which costs as much as ~1/T of it
 * (measured: darknet19 lost 15% with L2-sized tiles of its large-K layers).
 * At least one row. */
static int conv_tile_rows(const layer *l)
{
	size_t k = (size_t)l->size * l->size * (l->c / l->groups), m = (size_t)(l->n / l->groups);
	size_t cols = TILE_FLOATS / (k + m);
	if (cols < 8 * k)
		cols = 8 * k;
	size_t rows = (cols + (size_t)l->out_w - 1) / (size_t)l->out_w;
	return rows < 1 ? 1 : rows > (size_t)l->out_h ? l->out_h : (int)rows;
}

/* One image, one group, in tiles of output rows: the product of each tile
 * goes straight into the output planes (ldc = pixels per plane) and is
 * normalised while it is in cache.  A 1x1 kernel multiplies the input in
 * place, no copy: Darknet reads it as [channel][pixel] rows `n` floats
 * apart whatever the stride, and so does this. */
static void conv_image_tiled(const layer *l, const float *im, float *out, const float *a, int j, float *cols)
{
	int m = l->n / l->groups, cg = l->c / l->groups, k = l->size * l->size * cg;
	int n = l->out_w * l->out_h, rows = conv_tile_rows(l);
	for (int y0 = 0; y0 < l->out_h; y0 += rows) {
		int y1 = y0 + rows < l->out_h ? y0 + rows : l->out_h;
		int p0 = y0 * l->out_w, t = (y1 - y0) * l->out_w;
		const float *b = im + p0;
		int ldb = n;
		if (l->size != 1) {
			im2col_into(im, cg, l->h, l->w, l->size, l->stride, l->pad, l->out_h, l->out_w, y0, y1, cols,
			    (size_t)t, 0);
			b = cols;
			ldb = t;
		}
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, t, k, 1.0f, a, k, b, ldb, 0.0f, out + p0, n);
		for (int f = 0; f < m; f++) {
			float *row = out + (size_t)f * n + p0;
			backend_conv_epilogue_row(row, row, (size_t)t, l, j * m + f);
		}
	}
}

/* The network's workspace is the engine's (see backend_use_blas).  Small
 * images: a chunk of the batch is unrolled into one [K][chunk*N] matrix so
 * OpenBLAS gets one large product per group instead of one small product
 * per image.  Large images: image by image in row tiles (conv_image_tiled). */
static void forward_conv_blas(layer l, network net)
{
	int groups = l.groups, m = l.n / groups, cg = l.c / groups;
	int k = l.size * l.size * cg;
	size_t n = (size_t)l.out_w * l.out_h;
	int chunk = conv_chunk(&l);
	float *cols = net.workspace;
	if (conv_direct_fits(&l)) {
		for (int i = 0; i < l.batch; i++) {
			float *out = l.output + (size_t)i * l.n * n;
			conv_direct_image(&l, net.input + (size_t)i * l.c * l.h * l.w, out, cols);
			for (int f = 0; f < l.n; f++)
				backend_conv_epilogue_row(out + (size_t)f * n, out + (size_t)f * n, n, &l, f);
		}
		return;
	}
	if (chunk == 0) {
		for (int i = 0; i < l.batch; i++)
			for (int j = 0; j < groups; j++)
				conv_image_tiled(&l, net.input + ((size_t)i * l.c + (size_t)j * cg) * l.h * l.w,
				    l.output + ((size_t)i * l.n + (size_t)j * m) * n,
				    l.weights + (size_t)j * l.nweights / groups, j, cols);
		return;
	}
	float *prod = cols + (size_t)k * n * chunk;
	for (int j = 0; j < groups; j++)
		for (int i0 = 0; i0 < l.batch; i0 += chunk) {
			int cnt = l.batch - i0 < chunk ? l.batch - i0 : chunk;
			size_t bn = n * (size_t)cnt;
			for (int i = 0; i < cnt; i++) {
				const float *im = net.input + ((size_t)(i0 + i) * l.c + (size_t)j * cg) * l.h * l.w;
				if (l.size == 1) {
					/* Darknet feeds 1x1 kernels the raw input, whatever the stride
					 * (reading rows n floats apart): match it */
					for (int c = 0; c < cg; c++)
						memcpy(cols + (size_t)c * bn + (size_t)i * n, im + (size_t)c * n, n * sizeof(float));
				} else {
					im2col_into(im, cg, l.h, l.w, l.size, l.stride, l.pad, l.out_h, l.out_w, 0, l.out_h,
					    cols, bn, (size_t)i * n);
				}
			}
			const float *a = l.weights + (size_t)j * l.nweights / groups;
			/* one image: write straight into the output, no scatter */
			float *dst = cnt == 1 ? l.output + ((size_t)i0 * l.n + (size_t)j * m) * n : prod;
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, (int)bn, k, 1.0f, a, k, cols, (int)bn,
			    0.0f, dst, (int)bn);
			/* the product's rows are [filter][image][pixel]: scatter them to
			 * Darknet's [image][filter][pixel] while normalising */
			for (int i = 0; i < cnt; i++)
				for (int f = 0; f < m; f++)
					backend_conv_epilogue_row(l.output + ((size_t)(i0 + i) * l.n + (size_t)j * m + f) * n,
					    dst + (size_t)f * bn + (size_t)i * n, n, &l, j * m + f);
		}
}

/* forward_shortcut_layer for the common case of equal shapes, vectorised;
 * other shapes go through Darknet's shortcut_cpu as before. */
KERNEL static void forward_shortcut_fast(layer l, network net)
{
	const layer *from = &net.layers[l.index];
	size_t total = (size_t)l.outputs * l.batch;
	if (from->out_w == l.out_w && from->out_h == l.out_h && from->out_c == l.out_c) {
		const float *in = net.input, *add = from->output;
		float a = l.alpha, b = l.beta;
		for (size_t i = 0; i < total; i++)
			l.output[i] = a * in[i] + b * add[i];
	} else {
		memcpy(l.output, net.input, total * sizeof(float));
		shortcut_cpu(l.batch, l.w, l.h, l.c, from->output, l.out_w, l.out_h, l.out_c, l.alpha, l.beta, l.output);
	}
	activate_fast(l.output, total, l.activation);
}

/* Floats of engine workspace forward_conv_blas needs for a layer. */
static size_t conv_workspace(const layer *l)
{
	size_t k = (size_t)l->size * l->size * (l->c / l->groups), chunk = (size_t)conv_chunk(l);
	if (conv_direct_fits(l))
		return conv_direct_workspace(l);
	if (chunk == 0)
		return k * (size_t)conv_tile_rows(l) * (size_t)l->out_w;
	size_t n = (size_t)l->out_w * l->out_h * chunk;
	return k * n + (size_t)(l->n / l->groups) * n;
}

static void forward_connected_blas(layer l, network net)
{
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, l.batch, l.outputs, l.inputs,
	    1.0f, net.input, l.inputs, l.weights, l.inputs, 0.0f, l.output, l.outputs);
	bn_bias_rows(l.output, l.batch, l.outputs, 1, &l);
	activate_fast(l.output, (size_t)l.outputs * l.batch, l.activation);
}

/* A standalone [batchnorm] at inference.  Darknet's own forward copies into
 * l.x, which make_batchnorm_layer never allocates, so it cannot run at all
 * on the CPU; this computes what it means: normalize with the running
 * statistics, scale, shift (the shift stays 0: the weights file has none). */
static void forward_batchnorm_fast(layer l, network net)
{
	memcpy(l.output, net.input, (size_t)l.outputs * l.batch * sizeof(float));
	l.batch_normalize = 1;
	bn_bias_rows(l.output, l.batch, l.out_c, (size_t)l.out_h * l.out_w, &l);
}

#if defined(__x86_64__) && defined(__GNUC__)
/* Eight outputs of a 2x2/2 pool per step: the even and odd columns of 16
 * inputs deinterleaved, then the scalar loop's four comparisons in its
 * order (maxps(a, b) is `a > b ? a : b`, NaN and ties included).  Returns
 * how many outputs it wrote; the caller does the rest. */
__attribute__((target("avx2"))) static int maxpool2_row_avx2(const float *r0, const float *r1, float *out, int ow)
{
	int j = 0;
	const __m256 lowest = _mm256_set1_ps(-FLT_MAX);
	for (; j + 8 <= ow; j += 8) {
		__m256 a = _mm256_loadu_ps(r0 + 2 * j), b = _mm256_loadu_ps(r0 + 2 * j + 8);
		__m256 c = _mm256_loadu_ps(r1 + 2 * j), d = _mm256_loadu_ps(r1 + 2 * j + 8);
		/* shuffle_ps works per 128-bit lane: fix the order with a permute */
		__m256 e0 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xd8));
		__m256 o0 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xdd)), 0xd8));
		__m256 e1 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(c, d, 0x88)), 0xd8));
		__m256 o1 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(c, d, 0xdd)), 0xd8));
		__m256 mx = _mm256_max_ps(e0, lowest);
		mx = _mm256_max_ps(o0, mx);
		mx = _mm256_max_ps(e1, mx);
		mx = _mm256_max_ps(o1, mx);
		_mm256_storeu_ps(out + j, mx);
	}
	return j;
}

static int maxpool2_row_vec(const float *r0, const float *r1, float *out, int ow)
{
	return __builtin_cpu_supports("avx2") ? maxpool2_row_avx2(r0, r1, out, ow) : 0;
}
#else
static int maxpool2_row_vec(const float *r0, const float *r1, float *out, int ow)
{
	(void)r0, (void)r1, (void)out, (void)ow;
	return 0;
}
#endif

/* forward_maxpool_layer without the argmax indexes only backward reads. */
KERNEL static void forward_maxpool_fast(layer l, network net)
{
	int off = -l.pad / 2;
	if (l.size == 2 && l.stride == 2 && off == 0 && l.out_w * 2 == l.w && l.out_h * 2 == l.h) {
		/* the common 2x2/2 pool: no window leaves the image; same
		 * comparisons in the same order as the general loop below */
		for (size_t p = 0; p < (size_t)l.batch * l.c; p++) {
			const float *in = net.input + p * l.h * l.w;
			float *out = l.output + p * l.out_h * l.out_w;
			for (int i = 0; i < l.out_h; i++) {
				const float *r0 = in + (size_t)2 * i * l.w, *r1 = r0 + l.w;
				int j = maxpool2_row_vec(r0, r1, out + (size_t)i * l.out_w, l.out_w);
				for (; j < l.out_w; j++) {
					float mx = -FLT_MAX;
					mx = r0[2 * j] > mx ? r0[2 * j] : mx;
					mx = r0[2 * j + 1] > mx ? r0[2 * j + 1] : mx;
					mx = r1[2 * j] > mx ? r1[2 * j] : mx;
					mx = r1[2 * j + 1] > mx ? r1[2 * j + 1] : mx;
					out[(size_t)i * l.out_w + j] = mx;
				}
			}
		}
		return;
	}
	for (int b = 0; b < l.batch; b++)
		for (int k = 0; k < l.c; k++) {
			const float *in = net.input + ((size_t)b * l.c + k) * l.h * l.w;
			float *out = l.output + ((size_t)b * l.c + k) * l.out_h * l.out_w;
			for (int i = 0; i < l.out_h; i++)
				for (int j = 0; j < l.out_w; j++) {
					float mx = -FLT_MAX;
					for (int y = 0; y < l.size; y++) {
						int cy = off + i * l.stride + y;
						if (cy < 0 || cy >= l.h)
							continue;
						for (int x = 0; x < l.size; x++) {
							int cx = off + j * l.stride + x;
							if (cx >= 0 && cx < l.w && in[cy * l.w + cx] > mx)
								mx = in[cy * l.w + cx];
						}
					}
					out[i * l.out_w + j] = mx;
				}
		}
}

void backend_use_blas(struct backend_net *bn)
{
	size_t ws = 0;
	for (int i = 0; i < bn->dn->n; i++) {
		layer *l = &bn->dn->layers[i];
		if (l->type == CONVOLUTIONAL && (l->xnor || l->binary)) {
			/* Darknet's own forward stays (xnor binarizes weights and
			 * input; binary changes nothing on the CPU), and it im2cols
			 * into net.workspace, which backend_forward_from points at
			 * ours: it must hold Darknet's workspace_size bytes too */
			size_t need = ((size_t)l->workspace_size + sizeof(float) - 1) / sizeof(float);
			if (need > ws)
				ws = need;
		} else if (l->type == CONVOLUTIONAL) {
			l->forward = forward_conv_blas;
			if (conv_workspace(l) > ws)
				ws = conv_workspace(l);
		} else if (l->type == CONNECTED) {
			l->forward = forward_connected_blas;
		} else if (l->type == MAXPOOL) {
			l->forward = forward_maxpool_fast;
		} else if (l->type == BATCHNORM) {
			l->forward = forward_batchnorm_fast;
		} else if (l->type == SHORTCUT) {
			l->forward = forward_shortcut_fast;
		}
	}
	free(bn->blas_ws);
	bn->blas_ws = xcalloc(ws ? ws : 1, sizeof(float));
}
