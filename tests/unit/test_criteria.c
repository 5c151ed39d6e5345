/* test_criteria.c - Darknet's gradients against finite differences of the
 * loss on a tiny network, the Hessian and integrated-gradient estimators
 * against exact answers, rankings and agreement statistics with known
 * answers, and rank files read back. */
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
#include "engine/criteria.h"
#include "formats/rank_file.h"
#include "core/rng.h"
#include "core/util.h"

#define BATCH 4

/* conv 2 filters 3x3 on 6x6x1 (-> 4x4x2), connected 3, softmax. */
static const char tiny_cfg[] =
"[net]\nbatch=4\nheight=%d\nwidth=%d\nchannels=1\n\n"
"[convolutional]\nfilters=2\nsize=3\nstride=1\npad=0\nactivation=leaky\n\n"
"[connected]\noutput=3\nactivation=linear\n\n"
"[softmax]\ngroups=1\n";

/* With batch norm on the convolution (training-mode statistics), linear and
 * on 12x12: Darknet's forward pass uses the unbiased batch variance
 * (1/(m-1)) but its backward pass differentiates it as if it were 1/m, an
 * O(1/m) mismatch (4% at m = 4x4x4, 0.3% at m = 4x10x10, 0.02% at 4x22x22;
 * negligible at batch 32 on 28x28).  Linear, because batch norm moves every
 * pre-activation of the filter at once and leaky kinks crossed by the
 * finite difference would blur the comparison. */
static const char tiny_bn_cfg[] =
"[net]\nbatch=4\nheight=%d\nwidth=%d\nchannels=1\n\n"
"[convolutional]\nbatch_normalize=1\nfilters=2\nsize=3\nstride=1\npad=0\nactivation=linear\n\n"
"[connected]\noutput=3\nactivation=linear\n\n"
"[softmax]\ngroups=1\n";

struct tiny {
	char path[64];
	struct backend_net *net;
	const struct model *m;
	float *x;
	int labels[BATCH];
	float *grads[4];
};

static void tiny_open(struct tiny *t, const char *fmt, int side)
{
	char *cause = NULL, *text = xasprintf(fmt, side, side);
	snprintf(t->path, sizeof t->path, "/tmp/safer-tiny-XXXXXX");
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	free(text);
	t->net = backend_load(t->path, NULL, BATCH, &cause);
	if (t->net == NULL)
		fail_msg("backend_load: %s", cause);
	t->m = backend_model(t->net);
	assert_int_equal(t->m->n, 3);
	struct rng r;
	rng_seed(&r, 42);
	t->x = xmalloc((size_t)BATCH * side * side * sizeof *t->x);
	for (int i = 0; i < BATCH * side * side; i++)
		t->x[i] = (float)rng_uniform(&r);
	for (int i = 0; i < BATCH; i++)
		t->labels[i] = i % 3;
	memset(t->grads, 0, sizeof t->grads);
	for (int l = 0; l < 2; l++)
		t->grads[l] = xcalloc(t->m->layers[l].wt.nweights, sizeof(float));
}

static void tiny_close(struct tiny *t)
{
	for (int l = 0; l < 4; l++)
		free(t->grads[l]);
	backend_free(t->net);
	free(t->x);
	unlink(t->path);
}

static double tiny_loss(struct tiny *t)
{
	double loss;
	char *cause = NULL;
	float *none[4] = { NULL, NULL, NULL, NULL };
	if (backend_gradients(t->net, t->x, t->labels, NULL, BATCH, none, &loss, &cause) != 0)
		fail_msg("backend_gradients: %s", cause);
	return loss;
}

/* dL/dw_k by (L(w + h e_k) - L(w - h e_k)) / 2h against the backward pass. */
static void check_gradients(const char *cfg, int side)
{
	struct tiny t;
	char *cause = NULL;
	double loss;
	const float h = 1e-3f;
	tiny_open(&t, cfg, side);
	if (backend_gradients(t.net, t.x, t.labels, NULL, BATCH, t.grads, &loss, &cause) != 0)
		fail_msg("backend_gradients: %s", cause);
	assert_true(loss > 0);
	for (int l = 0; l < 2; l++) {
		struct weight_tensor *wt = &t.m->layers[l].wt;
		size_t pick[3] = { 0, wt->nweights / 2, wt->nweights - 1 };
		for (size_t k = 1; k < wt->nweights; k++)	/* and the steepest weight */
			if (fabsf(t.grads[l][k]) > fabsf(t.grads[l][pick[0]]))
				pick[0] = k;
		for (int i = 0; i < 3; i++) {
			size_t k = pick[i];
			float w = wt->weights[k];
			wt->weights[k] = w + h;
			double lp = tiny_loss(&t);
			wt->weights[k] = w - h;
			double lm = tiny_loss(&t);
			wt->weights[k] = w;
			double fd = (lp - lm) / (2.0 * h), g = t.grads[l][k];
			double scale = fmax(fabs(g), 0.05);
			if (fabs(fd - g) > 1e-2 * scale)
				fail_msg("layer %d weight %zu: backward %.6g, finite difference %.6g", l, k, g, fd);
		}
	}
	tiny_close(&t);
}

static void test_gradients_match_finite_differences(void **state)
{
	(void)state;
	check_gradients(tiny_cfg, 6);
}

static void test_gradients_batchnorm(void **state)
{
	(void)state;
	check_gradients(tiny_bn_cfg, 12);
}

/* Hutchinson with many probes against the exact trace: sum over k of
 * (g_k(w + h e_k) - g_k(w - h e_k)) / 2h of the mean loss.  The connected
 * layer is linear into softmax, so its Hessian block is smooth. */
static void test_hessian_trace(void **state)
{
	(void)state;
	struct tiny t;
	char *cause = NULL;
	double loss;
	tiny_open(&t, tiny_cfg, 6);
	struct weight_tensor *wt = &t.m->layers[1].wt;
	size_t nw = wt->nweights;
	float *saved = xmalloc(nw * sizeof *saved), *gp = xmalloc(nw * sizeof *gp);
	memcpy(saved, wt->weights, nw * sizeof *saved);
	float *g[4] = { NULL, gp, NULL, NULL };
	const float h = 1e-2f;
	double exact = 0;
	for (size_t k = 0; k < nw; k++) {
		float w = wt->weights[k];
		wt->weights[k] = w + h;
		assert_int_equal(backend_gradients(t.net, t.x, t.labels, NULL, BATCH, g, &loss, &cause), 0);
		double plus = gp[k];
		wt->weights[k] = w - h;
		assert_int_equal(backend_gradients(t.net, t.x, t.labels, NULL, BATCH, g, &loss, &cause), 0);
		wt->weights[k] = w;
		exact += (plus - gp[k]) / (2.0 * h) / BATCH;
	}
	assert_true(exact > 0);	/* convex in the last layer */
	double est;
	assert_int_equal(criteria_hessian_trace(t.net, t.x, t.labels, BATCH, 1, 2000, 0.01, 3, &est, &cause), 0);
	if (fabs(est - exact) > 0.1 * exact)
		fail_msg("Hutchinson %.6g, exact %.6g", est, exact);
	assert_memory_equal(saved, wt->weights, nw * sizeof *saved);	/* restored bit for bit */
	free(saved);
	free(gp);
	tiny_close(&t);
}

/* Completeness: sum of the signed attributions = (L(w) - L(0)) / n. */
static void test_integrated_gradients(void **state)
{
	(void)state;
	struct tiny t;
	char *cause = NULL;
	tiny_open(&t, tiny_cfg, 6);
	struct weight_tensor *wt = &t.m->layers[1].wt;
	size_t nw = wt->nweights;
	float *saved = xmalloc(nw * sizeof *saved);
	memcpy(saved, wt->weights, nw * sizeof *saved);
	double full = tiny_loss(&t);
	memset(wt->weights, 0, nw * sizeof *saved);
	double zero = tiny_loss(&t);
	memcpy(wt->weights, saved, nw * sizeof *saved);
	double sa, ss;
	assert_int_equal(criteria_integrated_gradients(t.net, t.x, t.labels, BATCH, 1, 64, &sa, &ss, &cause), 0);
	double want = (full - zero) / BATCH;
	if (fabs(ss - want) > 1e-2 * fmax(fabs(want), 1e-3))
		fail_msg("sum of IG %.6g, L(w) - L(0) %.6g", ss, want);
	assert_true(sa >= fabs(ss));
	assert_memory_equal(saved, wt->weights, nw * sizeof *saved);
	free(saved);
	tiny_close(&t);
}

/* ---- rankings and agreement ------------------------------------------------ */

static void test_rank_order(void **state)
{
	(void)state;
	struct criteria_table t;
	criteria_table_init(&t, 5, 1u << CRIT_TAYLOR);
	double s[5] = { 3, 1, 2, NAN, 2 };
	for (int i = 0; i < 5; i++)
		t.score[i] = s[i];
	criteria_rank(&t);
	assert_true(t.rank[0] == 1);
	assert_true(t.rank[1] == 4);
	assert_true(t.rank[2] == 2.5 && t.rank[4] == 2.5);	/* ties share positions 2 and 3 */
	assert_true(isnan(t.rank[3]));
	criteria_table_free(&t);
}

static void test_agreement_known(void **state)
{
	(void)state;
	struct criteria_agreement a;
	double truth[5] = { 5, 4, 3, 2, 1 }, same[5] = { 50, 40, 30, 20, 10 }, rev[5] = { 1, 2, 3, 4, 5 };
	criteria_agree(same, truth, 5, 2, &a);
	assert_true(fabs(a.spearman - 1) < 1e-12 && fabs(a.kendall - 1) < 1e-12);
	assert_int_equal(a.topk, 2);
	criteria_agree(rev, truth, 5, 2, &a);
	assert_true(fabs(a.spearman + 1) < 1e-12 && fabs(a.kendall + 1) < 1e-12);
	assert_int_equal(a.topk, 0);
	/* one swap of neighbours in 4: rho = 1 - 6*2/(4*15) = 0.8, tau = (5-1)/6 */
	double t4[4] = { 4, 3, 2, 1 }, s4[4] = { 4, 2, 3, 1 };
	criteria_agree(s4, t4, 4, 1, &a);
	assert_true(fabs(a.spearman - 0.8) < 1e-12);
	assert_true(fabs(a.kendall - 4.0 / 6) < 1e-12);
	assert_int_equal(a.topk, 1);
	/* NaN pairs are left out: the rest agree perfectly */
	double tn[4] = { 4, NAN, 2, 1 }, sn[4] = { 40, 30, NAN, 10 };
	criteria_agree(sn, tn, 4, 5, &a);
	assert_true(fabs(a.spearman - 1) < 1e-12);
	assert_int_equal(a.k, 2);
}

static void test_best(void **state)
{
	(void)state;
	int second;
	double v[5] = { 0.2, NAN, 0.9, -0.5, 0.4 };
	assert_int_equal(criteria_best(v, 5, &second), 2);
	assert_int_equal(second, 4);
	double none[2] = { NAN, NAN };
	assert_int_equal(criteria_best(none, 2, &second), -1);
	assert_int_equal(second, -1);
	double one[2] = { NAN, -1 };
	assert_int_equal(criteria_best(one, 2, NULL), 1);
}

static void test_parse_names(void **state)
{
	(void)state;
	unsigned mask;
	char *cause = NULL;
	assert_int_equal(criteria_parse("l2,grad", &mask, &cause), 0);
	assert_true(mask == ((1u << CRIT_L2) | (1u << CRIT_L2PP) | (1u << CRIT_GRAD)));
	assert_int_equal(criteria_parse("all", &mask, &cause), 0);
	assert_true(mask == (1u << CRIT_COUNT) - 1);
	assert_int_equal(criteria_parse("magnitude,nope", &mask, &cause), -1);
	assert_non_null(strstr(cause, "nope"));
	free(cause);
}

/* ---- rank files ------------------------------------------------------------------ */

static void fill_rank(struct rank_file *f)
{
	memset(f, 0, sizeof *f);
	f->header.weights_checksum = xstrdup("00000000deadbeef");
	f->header.cfg = xstrdup("tiny.cfg");
	f->header.quick = xstrdup("prune:0.5");
	f->header.samples = 64;
	f->header.seed = 7;
	f->header.hvp_eps = 0.1;
	criteria_table_init(&f->table, 3, (1u << CRIT_MAGNITUDE) | (1u << CRIT_HESSIAN));
	for (int i = 0; i < 3; i++) {
		f->table.layers[i] = 2 * i;
		snprintf(f->table.kinds[i], sizeof f->table.kinds[i], "%s", i == 2 ? "connected" : "conv");
		f->table.score[i * 2] = 0.5 + i;
		f->table.score[i * 2 + 1] = i == 1 ? NAN : -3.25 * i;
	}
	criteria_rank(&f->table);
}

static void round_trip(const char *suffix)
{
	struct rank_file a, b;
	char *cause = NULL, path[64];
	snprintf(path, sizeof path, "/tmp/safer-rank-%d%s", (int)getpid(), suffix);
	fill_rank(&a);
	if (rank_file_write(path, &a, &cause) != 0)
		fail_msg("%s", cause);
	if (rank_file_read(path, &b, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(b.header.weights_checksum, "00000000deadbeef");
	assert_string_equal(b.header.quick, "prune:0.5");
	assert_int_equal(b.header.samples, 64);
	assert_true(b.header.seed == 7 && b.header.hvp_eps == 0.1);
	assert_int_equal(b.table.n, 3);
	assert_int_equal(b.table.ncols, 2);
	for (int i = 0; i < 6; i++) {
		if (isnan(a.table.score[i])) {
			assert_true(isnan(b.table.score[i]) && isnan(b.table.rank[i]));
			continue;
		}
		assert_true(a.table.score[i] == b.table.score[i]);
		assert_true(a.table.rank[i] == b.table.rank[i]);
	}
	assert_string_equal(b.table.kinds[2], "connected");
	assert_int_equal(b.table.layers[2], 4);
	rank_file_free(&a);
	rank_file_free(&b);
	unlink(path);
}

static void test_rank_file_csv(void **state)
{
	(void)state;
	round_trip(".csv");
}

static void test_rank_file_json(void **state)
{
	(void)state;
	round_trip(".json");
}

static void expect_error(const char *text, int json, const char *needle)
{
	struct rank_file f;
	char *cause = NULL;
	assert_int_equal(rank_file_parse("r.csv", text, strlen(text), json, &f, &cause), -1);
	if (strstr(cause, needle) == NULL)
		fail_msg("'%s' lacks '%s'", cause, needle);
	free(cause);
}

static void test_rank_file_errors(void **state)
{
	(void)state;
	expect_error("layer,kind,x\n", 0, "r.csv:1: not a safer rank file");
	expect_error("# c\nlayer,layer_kind,grad,grad_rank\n0,conv,1,1\n0,conv,2,1\n", 0, "layer 0 appears twice");
	expect_error("layer,layer_kind,grad,taylor_rank\n", 0, "must follow");
	expect_error("layer,layer_kind,bogus,bogus_rank\n", 0, "unknown or repeated");
	expect_error("layer,layer_kind,grad,grad_rank\n0,conv,x,1\n", 0, "r.csv:2: bad number 'x'");
	expect_error("layer,layer_kind,grad,grad_rank\n0,conv,1\n", 0, "r.csv:2: expected 4 fields, found 3");
	expect_error("{\"header\": {}}", 1, "needs \"header\", \"criteria\" and \"rows\"");
	expect_error("{\"header\": {}, \"criteria\": [\"grad\"], \"rows\": [{\"layer\": 0}]}", 1, "row 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gradients_match_finite_differences),
		cmocka_unit_test(test_gradients_batchnorm),
		cmocka_unit_test(test_hessian_trace),
		cmocka_unit_test(test_integrated_gradients),
		cmocka_unit_test(test_rank_order),
		cmocka_unit_test(test_agreement_known),
		cmocka_unit_test(test_best),
		cmocka_unit_test(test_parse_names),
		cmocka_unit_test(test_rank_file_csv),
		cmocka_unit_test(test_rank_file_json),
		cmocka_unit_test(test_rank_file_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
