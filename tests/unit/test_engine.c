/* test_engine.c - the engine on the bundled models and the real Fashion-MNIST
 * test set: fast kernels against stock Darknet, prefix reuse against full
 * passes, exact restores, and rapid submit/cancel without leaks or deadlock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "formats/cfgcheck.h"
#include "formats/dataset.h"
#include "engine/engine.h"
#include "core/model.h"
#include "core/perturb.h"
#include "core/rng.h"
#include "core/util.h"

static char cfg[2][1024], weights[2][1024];
static int nmodels;
static struct dataset data;

static int setup(void **state)
{
	(void)state;
	const char *src = getenv("SRCDIR") ? getenv("SRCDIR") : ".";
	const char *names[] = { "fmnist-plain", "fmnist-resnet" };
	for (int i = 0; i < 2; i++) {
		snprintf(cfg[nmodels], sizeof cfg[0], "%s/cfg/%s.cfg", src, names[i]);
		snprintf(weights[nmodels], sizeof weights[0], "%s/weights/%s.weights", src, names[i]);
		if (access(weights[nmodels], R_OK) == 0)
			nmodels++;
	}
	const char *dir = getenv("FMNIST_DIR") ? getenv("FMNIST_DIR") : "/usr/share/datasets/fashion-mnist";
	char im[1024], lb[1024];
	snprintf(im, sizeof im, "%s/t10k-images-idx3-ubyte.gz", dir);
	snprintf(lb, sizeof lb, "%s/t10k-labels-idx1-ubyte.gz", dir);
	char *cause = NULL;
	struct shape in = { 28, 28, 1 };
	struct dataset_options dopt = { .resize = backend_resize_crop };
	if (nmodels == 0 || dataset_load_idx(im, lb, NULL, in, &dopt, &data, &cause) != 0) {
		fprintf(stderr, "setup: %s\n", cause ? cause : "no bundled weights");
		free(cause);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dataset_free(&data);
	return 0;
}

static int argmax(const float *x, int n)
{
	int b = 0;
	for (int i = 1; i < n; i++)
		b = x[i] > x[b] ? i : b;
	return b;
}

/* Every image of the test set: same top-1 as network_predict, outputs within 1e-4. */
static void test_blas_matches_stock(void **state)
{
	(void)state;
	for (int m = 0; m < nmodels; m++) {
		char *cause = NULL;
		int batch = 50;
		struct backend_net *stock = backend_load(cfg[m], weights[m], batch, &cause);
		assert_non_null(stock);
		struct backend_net *fast = backend_clone_shared(stock, &cause);
		assert_non_null(fast);
		backend_use_blas(fast);
		int classes = backend_model(stock)->outputs, differ = 0;
		double worst = 0;
		float *ref = xmalloc((size_t)batch * classes * sizeof *ref);
		for (int s = 0; s + batch <= data.count; s += batch) {
			const float *x = data.x + (size_t)s * data.image_size;
			memcpy(ref, backend_predict_stock(stock, x), (size_t)batch * classes * sizeof *ref);
			const float *got = backend_forward_from(fast, 0, x, NULL, NULL);
			for (int i = 0; i < batch; i++) {
				differ += argmax(ref + i * classes, classes) != argmax(got + i * classes, classes);
				for (int k = 0; k < classes; k++)
					worst = fmax(worst, fabs((double)ref[i * classes + k] - got[i * classes + k]));
			}
		}
		printf("# %s: %d of %d top-1 predictions differ, largest output difference %.3g\n",
		    cfg[m], differ, data.count, worst);
		assert_int_equal(differ, 0);
		assert_true(worst <= 1e-4);
		free(ref);
		backend_free(fast);
		backend_free(stock);
	}
}

/* Shapes the bundled models do not have: non-square input, 5x5 "same"
 * convolution, 2x2 pools on even and odd sizes, strided and unpadded
 * convolutions, groups, 1x1, shortcut, 3x3/1 pool.  Every layer's output of the fast
 * kernels against stock Darknet, at batch 1 (product written in place) and
 * batch 10 (product scattered), on random weights and inputs. */
static const char shapes_cfg[] =
    "[net]\nbatch=1\nheight=14\nwidth=10\nchannels=3\n"
    "[convolutional]\nbatch_normalize=1\nfilters=8\nsize=3\nstride=1\npad=1\nactivation=leaky\n"
    "[convolutional]\nfilters=6\nsize=5\nstride=1\npad=1\nactivation=relu\n"
    "[maxpool]\nsize=2\nstride=2\n"
    "[convolutional]\nfilters=8\nsize=3\nstride=1\npadding=0\nactivation=leaky\n"
    "[convolutional]\nfilters=8\nsize=3\nstride=2\npad=1\ngroups=2\nactivation=linear\n"
    "[maxpool]\nsize=2\nstride=2\n"
    "[convolutional]\nfilters=8\nsize=1\nstride=1\nactivation=leaky\n"
    "[convolutional]\nbatch_normalize=1\nfilters=8\nsize=3\nstride=1\npad=1\nactivation=leaky\n"
    "[shortcut]\nfrom=-2\nactivation=leaky\n"
    "[maxpool]\nsize=3\nstride=1\n"
    "[connected]\noutput=7\nactivation=linear\n";

/* Images large enough for the tiled path (one image's unrolled input over
 * 128 Ki floats): several row tiles of a "same" 3x3, grouped, 1x1 read in
 * place at stride 1 and 2, 5x5 stride 2, and the batched path before them. */
static const char shapes_big_cfg[] =
    "[net]\nbatch=1\nheight=48\nwidth=40\nchannels=3\n"
    "[convolutional]\nbatch_normalize=1\nfilters=16\nsize=3\nstride=1\npad=1\nactivation=leaky\n"
    "[convolutional]\nbatch_normalize=1\nfilters=16\nsize=3\nstride=1\npad=1\nactivation=leaky\n"
    "[convolutional]\nfilters=16\nsize=3\nstride=1\npad=1\ngroups=2\nactivation=leaky\n"
    "[convolutional]\nfilters=300\nsize=1\nstride=1\nactivation=linear\n"
    "[convolutional]\nbatch_normalize=1\nfilters=8\nsize=1\nstride=1\nactivation=leaky\n"
    "[route]\nlayers=-2\n"
    "[convolutional]\nfilters=8\nsize=1\nstride=2\nactivation=leaky\n"
    "[route]\nlayers=-5\n"
    "[convolutional]\nbatch_normalize=1\nfilters=16\nsize=5\nstride=2\npad=1\nactivation=leaky\n"
    "[maxpool]\nsize=2\nstride=2\n"
    "[connected]\noutput=7\nactivation=linear\n";

/* The direct 3x3 path (1 and 3 input channels, widths not a multiple of
 * 8) and the vectorised 2x2/2 pool (17 and 8 outputs per row). */
static const char shapes_direct_cfg[] =
    "[net]\nbatch=1\nheight=18\nwidth=34\nchannels=3\n"
    "[convolutional]\nbatch_normalize=1\nfilters=8\nsize=3\nstride=1\npad=1\nactivation=leaky\n"
    "[maxpool]\nsize=2\nstride=2\n"
    "[convolutional]\nfilters=1\nsize=1\nstride=1\nactivation=linear\n"
    "[convolutional]\nbatch_normalize=1\nfilters=16\nsize=3\nstride=1\npad=1\nactivation=relu\n"
    "[convolutional]\nbatch_normalize=1\nfilters=16\nsize=3\nstride=1\npad=1\nactivation=leaky\n"
    "[maxpool]\nsize=2\nstride=2\n"
    "[connected]\noutput=7\nactivation=linear\n";

static float uniform(struct rng *r, float lo, float hi)
{
	return lo + (hi - lo) * (float)rng_uniform(r);
}

static void kernels_match_stock(const char *cfg_text)
{
	char dir[] = "/tmp/safer-shapes-XXXXXX", cpath[64], wpath[64];
	assert_non_null(mkdtemp(dir));
	snprintf(cpath, sizeof cpath, "%s/shapes.cfg", dir);
	snprintf(wpath, sizeof wpath, "%s/shapes.weights", dir);
	FILE *f = fopen(cpath, "w");
	assert_non_null(f);
	fputs(cfg_text, f);
	assert_int_equal(fclose(f), 0);
	struct cfg_info ci;
	char *cause = NULL;
	assert_int_equal(cfgcheck_file(cpath, &ci, &cause), 0);
	struct rng seed;
	rng_seed(&seed, 42);
	f = fopen(wpath, "wb");
	assert_non_null(f);
	int32_t version[3] = { 0, 2, 0 };
	uint64_t seen = 0;
	fwrite(version, sizeof version, 1, f);
	fwrite(&seen, sizeof seen, 1, f);
	for (long long i = 0; i < ci.total_weights; i++) {
		float v = uniform(&seed, -0.3f, 0.3f);
		fwrite(&v, sizeof v, 1, f);
	}
	assert_int_equal(fclose(f), 0);
	cfg_info_free(&ci);
	for (int batch = 1; batch <= 10; batch += 9) {
		struct backend_net *stock = backend_load(cpath, wpath, batch, &cause);
		assert_non_null(stock);
		const struct model *md = backend_model(stock);
		for (int l = 0; l < md->n; l++) {	/* variances must be positive */
			const struct weight_tensor *t = &md->layers[l].wt;
			if (t->rolling_variance != NULL)
				for (int k = 0; k < t->filters; k++)
					t->rolling_variance[k] = fabsf(t->rolling_variance[k]) + 0.1f;
		}
		struct backend_net *fast = backend_clone_shared(stock, &cause);
		assert_non_null(fast);
		backend_use_blas(fast);
		size_t insize = backend_layer_size(stock, -1) * (size_t)batch;
		float *x = xmalloc(insize * sizeof *x);
		for (int rep = 0; rep < 20; rep++) {
			for (size_t i = 0; i < insize; i++)
				x[i] = uniform(&seed, 0.0f, 1.0f);
			backend_predict_stock(stock, x);
			backend_forward_from(fast, 0, x, NULL, NULL);
			for (int l = 0; l < md->n; l++) {
				const float *a = backend_layer_output(stock, l), *b = backend_layer_output(fast, l);
				size_t n = backend_layer_size(stock, l) * (size_t)batch;
				for (size_t i = 0; i < n; i++)
					if (!(fabs((double)a[i] - b[i]) <= 1e-4 * fmax(1.0, fabs((double)a[i])))) {
						fail_msg("batch %d layer %d value %zu: stock %.9g fast %.9g", batch, l, i,
						    (double)a[i], (double)b[i]);
					}
			}
		}
		free(x);
		backend_free(fast);
		backend_free(stock);
	}
	unlink(cpath);
	unlink(wpath);
	rmdir(dir);
}

static void test_kernels_match_stock_on_shapes(void **state)
{
	(void)state;
	kernels_match_stock(shapes_cfg);
	kernels_match_stock(shapes_big_cfg);
	kernels_match_stock(shapes_direct_cfg);
}

/* Running from layer k on saved activations gives the full pass's bits. */
static void test_prefix_bit_identical(void **state)
{
	(void)state;
	for (int m = 0; m < nmodels; m++) {
		char *cause = NULL;
		int batch = 32;
		struct backend_net *a = backend_load(cfg[m], weights[m], batch, &cause);
		assert_non_null(a);
		struct backend_net *b = backend_clone_shared(a, &cause);
		assert_non_null(b);
		backend_use_blas(a);
		backend_use_blas(b);
		const struct model *md = backend_model(a);
		int classes = md->outputs;
		const float *x = data.x + (size_t)1000 * data.image_size;
		float *full = xmalloc((size_t)batch * classes * sizeof *full);
		memcpy(full, backend_forward_from(a, 0, x, NULL, NULL), (size_t)batch * classes * sizeof *full);
		for (int k = 1; k < md->n; k++) {
			/* layer k's input and what later shortcut/route layers read, from the full pass */
			int refs[64], nrefs = backend_needed_before(a, k, refs, 64);
			for (int r = 0; r < nrefs; r++)
				memcpy(backend_layer_output(b, refs[r]), backend_layer_output(a, refs[r]),
				    backend_layer_size(a, refs[r]) * batch * sizeof(float));
			size_t insz = backend_layer_size(a, k - 1);
			float *in = xmalloc(insz * batch * sizeof *in);
			memcpy(in, backend_layer_output(a, k - 1), insz * batch * sizeof *in);
			const float *got = backend_forward_from(b, k, in, NULL, NULL);
			assert_memory_equal(got, full, (size_t)batch * classes * sizeof *full);
			free(in);
		}
		free(full);
		backend_free(b);
		backend_free(a);
	}
}

static struct engine *engine_for(int m, size_t cache_mb, int threads)
{
	char *cause = NULL;
	struct engine_config ec = { .threads = threads, .cache_mb = cache_mb };
	struct engine *e = engine_new(cfg[m], weights[m], &data, &ec, &cause);
	if (e == NULL)
		fprintf(stderr, "engine_new: %s\n", cause);
	assert_non_null(e);
	return e;
}

/* Jobs started from the cache give exactly the counts of jobs run from layer 0. */
static void test_engine_cache_equals_full(void **state)
{
	(void)state;
	for (int m = 0; m < nmodels; m++) {
		struct engine *cached = engine_for(m, 1024, 2), *plain = engine_for(m, 0, 2);
		const struct model *md = engine_model(cached);
		int used = 0;
		for (int l = 0; l < md->n; l++) {
			if (!md->layers[l].has_weights)
				continue;
			used += engine_start_layer(cached, l) > 0;
			struct job_item it = { l, { PERTURB_QUANT, 3, 0.001, 7 } };
			struct engine_job job = { .nitems = 1, .items = &it };
			struct engine_progress p1, p2;
			char *cause = NULL;
			assert_int_equal(engine_run(cached, &job, &p1, NULL, &cause), 0);
			assert_int_equal(engine_run(plain, &job, &p2, NULL, &cause), 0);
			assert_int_equal(p1.correct, p2.correct);
			assert_int_equal(p1.n10, p2.n10);
			assert_int_equal(p1.n01, p2.n01);
			assert_int_equal(p1.agree, p2.agree);
			assert_true(p1.kl_sum == p2.kl_sum);	/* summed in batch order: bit-identical */
		}
		assert_true(used > 0);	/* the cache really was used */
		engine_free(plain);
		engine_free(cached);
	}
}

/* engine_preds_copy: the baseline's and the last job's top-1 per image agree
 * with the job's counts (agreement, correct); -1 before any job. */
static void test_preds_copy(void **state)
{
	(void)state;
	struct engine *e = engine_for(0, 1024, 2);
	int n = data.count, *base = malloc((size_t)n * sizeof *base), *pert = malloc((size_t)n * sizeof *pert);
	assert_int_equal(engine_preds_copy(e, 1, base), n);
	assert_int_equal(engine_preds_copy(e, 0, pert), n);
	for (int i = 0; i < n; i++) {
		assert_true(base[i] >= 0 && base[i] < data.classes);
		assert_int_equal(pert[i], -1);	/* no job yet */
	}
	struct job_item it = { 0, { PERTURB_PRUNE, 0.8, 0.001, 0 } };
	struct engine_job job = { .nitems = 1, .items = &it };
	struct engine_progress p;
	char *cause = NULL;
	assert_int_equal(engine_run(e, &job, &p, NULL, &cause), 0);
	assert_int_equal(engine_preds_copy(e, 0, pert), n);
	long agree = 0, correct = 0, flips = 0;
	for (int i = 0; i < n; i++) {
		assert_true(pert[i] >= 0);	/* run on every image */
		agree += pert[i] == base[i];
		correct += pert[i] == data.labels[i];
		flips += pert[i] != base[i];
	}
	assert_int_equal(agree, p.agree);
	assert_int_equal(correct, p.correct);
	assert_true(flips > 0);	/* pruning 80% of the first layer changes some */
	free(base);
	free(pert);
	engine_free(e);
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, res = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* 1,000 rapid submit/cancel/submit: no deadlock, no growth, weights intact. */
static void test_engine_soak(void **state)
{
	(void)state;
	struct engine *e = engine_for(0, 256, 2);
	const struct model *md = engine_model(e);
	uint64_t before = model_checksum(md);
	int layers[16], nl = 0;
	for (int l = 0; l < md->n && nl < 16; l++)
		if (md->layers[l].has_weights)
			layers[nl++] = l;
	long rss_start = 0;
	char *cause = NULL;
	for (int i = 0; i < 1000; i++) {
		enum perturb_kind k = (enum perturb_kind)(i % PERTURB_KIND_COUNT);
		double lo, hi;
		int integer;
		perturb_kind_range(k, &lo, &hi, &integer);
		double level = integer ? lo + (i % (int)(hi - lo + 1)) : lo + (hi - lo) * ((i % 7) / 7.0) * 0.5;
		struct job_item it = { layers[i % nl], { k, level, 0.01, (uint64_t)i } };
		struct engine_job job = { .nitems = 1, .items = &it, .adaptive_eps = (i % 3) ? 0 : 1.0 };
		assert_true(engine_submit(e, &job, &cause) != 0);
		if (i % 5 == 0)
			engine_cancel(e);
		if (i == 100)
			rss_start = rss_kb();
	}
	struct engine_job none = { 0 };
	struct engine_progress p;
	assert_int_equal(engine_run(e, &none, &p, NULL, &cause), 0);	/* returns: no deadlock */
	long rss_end = rss_kb();
	printf("# RSS after 100 jobs %ld KiB, after 1000 %ld KiB\n", rss_start, rss_end);
	assert_true(rss_end <= rss_start * 1.05 + 1024);
	assert_true(model_checksum(md) == before);
	assert_int_equal(p.correct, engine_baseline(e)->correct);
	engine_free(e);
}

/* 10,000 random apply/restore cycles over every kind and every weight layer of
 * the bundled models leave every stored parameter bit-identical. */
static void test_restore_soak(void **state)
{
	(void)state;
	for (int m = 0; m < nmodels; m++) {
		char *cause = NULL;
		struct backend_net *net = backend_load(cfg[m], weights[m], 1, &cause);
		assert_non_null(net);
		const struct model *md = backend_model(net);
		uint64_t before = model_checksum(md);
		int layers[64], nl = 0;
		for (int l = 0; l < md->n && nl < 64; l++)
			if (md->layers[l].has_weights)
				layers[nl++] = l;
		uint64_t r = 0x9e3779b97f4a7c15ULL * (uint64_t)(m + 1);
		for (int i = 0; i < 10000; i++) {
			r ^= r << 13;
			r ^= r >> 7;
			r ^= r << 17;
			enum perturb_kind k = (enum perturb_kind)(r % PERTURB_KIND_COUNT);
			double lo, hi;
			int integer;
			perturb_kind_range(k, &lo, &hi, &integer);
			double u = (double)((r >> 11) % 1000) / 999.0;
			double level = integer ? floor(lo + u * (hi - lo)) : lo + u * (hi - lo) * (k == PERTURB_NOISE ? 0.01 : 1);
			struct perturb p = { k, level, 0.01, r };
			struct weight_tensor t = md->layers[layers[(r >> 20) % (uint64_t)nl]].wt;
			struct perturb_undo u2 = { 0 };
			assert_int_equal(perturb_apply(&p, &t, &u2, &cause), 0);
			perturb_restore(&t, &u2);
		}
		assert_true(model_checksum(md) == before);
		backend_free(net);
	}
}

/* KL(p || q) >= 0: a mean made negative by rounding is reported as 0 (#13). */
static void test_progress_kl_not_negative(void **state)
{
	(void)state;
	struct engine_progress p = { .done = 1, .kl_sum = -1.4e-08 };
	assert_true(progress_kl(&p) == 0);
	p.kl_sum = 0.25;
	p.done = 2;
	assert_true(progress_kl(&p) == 0.125);
	p.done = 0;	/* nothing measured: no number */
	assert_true(isnan(progress_kl(&p)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress_kl_not_negative),
		cmocka_unit_test(test_blas_matches_stock),
		cmocka_unit_test(test_kernels_match_stock_on_shapes),
		cmocka_unit_test(test_prefix_bit_identical),
		cmocka_unit_test(test_engine_cache_equals_full),
		cmocka_unit_test(test_preds_copy),
		cmocka_unit_test(test_engine_soak),
		cmocka_unit_test(test_restore_soak),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
