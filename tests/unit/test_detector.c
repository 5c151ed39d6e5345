/* test_detector.c - detectors through the backend: Debian's yolov3-tiny,
 * yolov2-tiny and yolov2-voc cfgs at 128×128 (yolo + upsample + two-input
 * route; region; region + reorg), He-scaled seeded weights, batch 2.
 *
 *  - the output of every [yolo]/[region] head run by the fast kernels
 *    (backend_use_blas) from every cut point k equals stock network_predict
 *    within 1e-4 of the head's largest magnitude (at least 1);
 *  - running from k, every earlier output NaN but layer k-1's and what
 *    backend_needed_before lists, gives the run from 0's heads bit for bit;
 *  - the model view: kinds, detector, classes, head anchors. */
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
#include "core/model.h"
#include "core/rng.h"
#include "core/util.h"

#define DNCFG "/usr/share/darknet/cfg"
#define BATCH 2

/* The cfg with width= and height= of [net] set to 128, in dir. */
static void cfg_at_128(const char *name, const char *dir, char *out, size_t n)
{
	char src[256], line[1024];
	snprintf(src, sizeof src, DNCFG "/%s.cfg", name);
	snprintf(out, n, "%s/%s.cfg", dir, name);
	FILE *in = fopen(src, "r"), *o = fopen(out, "w");
	assert_non_null(in);
	assert_non_null(o);
	while (fgets(line, sizeof line, in) != NULL) {
		if (strncmp(line, "width=", 6) == 0 || strncmp(line, "height=", 7) == 0)
			fprintf(o, "%.*s=128\n", (int)strcspn(line, "="), line);
		else
			fputs(line, o);
	}
	fclose(in);
	assert_int_equal(fclose(o), 0);
}

/* He-scaled normal weights, small biases, batch norm near the identity:
 * activations stay finite and non-trivial through 30 layers. */
static void seed_weights(const struct model *m, uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed);
	for (int i = 0; i < m->n; i++) {
		const struct weight_tensor *t = &m->layers[i].wt;
		if (!m->layers[i].has_weights)
			continue;
		double sd = sqrt(2.0 / (double)t->per_filter);
		for (size_t k = 0; k < t->nweights; k++)
			t->weights[k] = (float)(sd * rng_normal(&r));
		for (int f = 0; f < t->filters; f++) {
			t->biases[f] = (float)(0.1 * rng_normal(&r));
			if (t->scales != NULL) {
				t->scales[f] = (float)(0.8 + 0.4 * rng_uniform(&r));
				t->rolling_mean[f] = (float)(0.1 * rng_normal(&r));
				t->rolling_variance[f] = (float)(0.5 + rng_uniform(&r));
			}
		}
	}
}

static int is_head(const struct layer_desc *l)
{
	return l->kind == LAYER_YOLO || l->kind == LAYER_REGION;
}

/* Every head at or after `from`: |a - b| <= tol * max(1, max |a|). */
static void heads_close(struct backend_net *stock, struct backend_net *fast, int from, double tol)
{
	const struct model *m = backend_model(stock);
	for (int i = from; i < m->n; i++) {
		if (!is_head(&m->layers[i]))
			continue;
		const float *a = backend_layer_output(stock, i), *b = backend_layer_output(fast, i);
		size_t n = backend_layer_size(stock, i) * BATCH;
		double mag = 1, lo = a[0], hi = a[0];
		for (size_t k = 0; k < n; k++) {
			mag = fmax(mag, fabs((double)a[k]));
			lo = fmin(lo, a[k]);
			hi = fmax(hi, a[k]);
		}
		/* real arithmetic: finite, bounded, not constant */
		if (!(mag < 1e4 && hi - lo > 0.1))
			fail_msg("head %d: values in [%g, %g]", i, lo, hi);
		if (from == 0)
			printf("head %d: values in [%.3g, %.3g]\n", i, lo, hi);
		for (size_t k = 0; k < n; k++)
			if (!(fabs((double)a[k] - b[k]) <= tol * mag))
				fail_msg("from %d head %d value %zu: stock %.9g fast %.9g (scale %g)", from, i, k,
				    (double)a[k], (double)b[k], mag);
	}
}

static void check_detector(const char *name, int want_heads, enum layer_kind head, int classes)
{
	char dir[] = "/tmp/safer-det-XXXXXX", cfg[256], *cause = NULL;
	assert_non_null(mkdtemp(dir));
	cfg_at_128(name, dir, cfg, sizeof cfg);
	struct backend_net *stock = backend_load(cfg, NULL, BATCH, &cause);
	if (stock == NULL)
		fail_msg("%s", cause);
	const struct model *m = backend_model(stock);
	assert_int_equal(m->detector, 1);
	assert_int_equal(m->classes, classes);
	int heads = 0;
	for (int i = 0; i < m->n; i++)
		if (is_head(&m->layers[i])) {
			const struct head_desc *h = &m->layers[i].head;
			assert_int_equal(m->layers[i].kind, head);
			assert_int_equal(h->classes, classes);
			assert_int_equal(m->layers[i].out.c, h->anchors * (h->coords + 1 + h->classes));
			assert_non_null(h->biases);
			assert_true(h->biases[0] != 0.5f);	/* the cfg's anchors, not Darknet's .5 */
			heads++;
		}
	assert_int_equal(heads, want_heads);
	seed_weights(m, 7);
	struct backend_net *fast = backend_clone_shared(stock, &cause), *cut = backend_clone_shared(stock, &cause);
	assert_non_null(fast);
	assert_non_null(cut);
	backend_use_blas(fast);
	backend_use_blas(cut);

	struct rng r;
	rng_seed(&r, 11);
	size_t insize = backend_layer_size(stock, -1) * BATCH;
	float *x = xmalloc(insize * sizeof *x);
	for (size_t i = 0; i < insize; i++)
		x[i] = (float)rng_uniform(&r);
	backend_predict_stock(stock, x);
	backend_forward_from(fast, 0, x, NULL, NULL);
	heads_close(stock, fast, 0, 1e-4);
	for (int k = 0; k < m->n; k++) {
		/* every output before k NaN, then what the run may read: a
		 * route or shortcut input backend_needed_before missed shows */
		for (int i = 0; i < k; i++)
			memset(backend_layer_output(cut, i), 0xff, backend_layer_size(cut, i) * BATCH * sizeof(float));
		int refs[256], nrefs = backend_needed_before(fast, k, refs, 256);
		for (int j = 0; j < nrefs; j++)
			memcpy(backend_layer_output(cut, refs[j]), backend_layer_output(fast, refs[j]),
			    backend_layer_size(fast, refs[j]) * BATCH * sizeof(float));
		size_t insz = backend_layer_size(fast, k - 1) * BATCH;
		float *in = xmalloc(insz * sizeof *in);
		memcpy(in, k == 0 ? x : backend_layer_output(fast, k - 1), insz * sizeof *in);
		backend_forward_from(cut, k, in, NULL, NULL);
		for (int i = k; i < m->n; i++)
			if (is_head(&m->layers[i]))
				assert_memory_equal(backend_layer_output(cut, i), backend_layer_output(fast, i),
				    backend_layer_size(fast, i) * BATCH * sizeof(float));
		heads_close(stock, cut, k, 1e-4);
		free(in);
	}
	free(x);
	backend_free(cut);
	backend_free(fast);
	backend_free(stock);
	unlink(cfg);
	rmdir(dir);
}

static void test_yolov3_tiny(void **state)
{
	(void)state;
	check_detector("yolov3-tiny", 2, LAYER_YOLO, 80);
}

static void test_yolov2_tiny(void **state)
{
	(void)state;
	check_detector("yolov2-tiny", 1, LAYER_REGION, 80);
}

static void test_yolov2_voc(void **state)
{
	(void)state;
	check_detector("yolov2-voc", 1, LAYER_REGION, 20);
}

int main(void)
{
	if (access(DNCFG "/yolov3-tiny.cfg", R_OK) != 0 || access(DNCFG "/yolov2-voc.cfg", R_OK) != 0) {
		printf("skip: Debian's darknet cfgs are not installed\n");
		return 77;
	}
	backend_set_verbose(0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yolov3_tiny),
		cmocka_unit_test(test_yolov2_tiny),
		cmocka_unit_test(test_yolov2_voc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
