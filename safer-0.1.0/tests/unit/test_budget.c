/* test_budget.c - budget files (parse, errors, round-trip), the perturbations
 * a budget stands for, and its cost on a small hand-built network. */
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

#include "core/budget.h"
#include "core/util.h"

/* ---- the test network ---------------------------------------------------
 *
 *   0 conv 3x3/1, 1 -> 16, batch norm, 28x28 -> 28x28x16
 *       weights 16*1*3*3 = 144, params 144 + 16*4 = 208
 *       MACs 28*28*144 = 112896
 *   1 maxpool 2/2 -> 14x14x16 (no params, no MACs)
 *   2 connected 3136 -> 10
 *       weights 31360, params 31360 + 10 = 31370, MACs 31360
 *   3 batchnorm over 10 (scales, mean, variance: 30 params, no weights)
 *   4 softmax
 *   total params 208 + 31370 + 30 = 31608 (126432 float32 bytes)
 *   total MACs 112896 + 31360 = 144256 */

static struct layer_desc layers[5];
static struct model net;

static void set_layer(int i, enum layer_kind k, uint64_t params, uint64_t macs)
{
	struct layer_desc *d = &layers[i];
	memset(d, 0, sizeof *d);
	d->index = i;
	d->kind = k;
	d->kind_name = layer_kind_name(k);
	d->activation = "-";
	d->from = -1;
	d->params = params;
	d->macs = macs;
}

static void set_weights(int i, int filters, size_t per_filter, int bn)
{
	struct layer_desc *d = &layers[i];
	d->has_weights = 1;
	d->batch_normalize = bn;
	d->wt.filters = filters;
	d->wt.per_filter = per_filter;
	d->wt.nweights = (size_t)filters * per_filter;
}

static int setup_model(void **state)
{
	(void)state;
	set_layer(0, LAYER_CONV, 208, 112896);
	set_weights(0, 16, 9, 1);
	layers[0].in = (struct shape){ 28, 28, 1 };
	layers[0].out = (struct shape){ 28, 28, 16 };
	layers[0].size = 3;
	layers[0].stride = 1;
	layers[0].groups = 1;
	set_layer(1, LAYER_MAXPOOL, 0, 0);
	set_layer(2, LAYER_CONNECTED, 31370, 31360);
	set_weights(2, 10, 3136, 0);
	set_layer(3, LAYER_BATCHNORM, 30, 0);
	set_layer(4, LAYER_SOFTMAX, 0, 0);
	memset(&net, 0, sizeof net);
	net.n = 5;
	net.layers = layers;
	net.input = (struct shape){ 28, 28, 1 };
	net.outputs = 10;
	for (int i = 0; i < net.n; i++) {
		net.total_params += layers[i].params;
		net.total_macs += layers[i].macs;
	}
	net.weight_bytes = net.total_params * 4;
	return 0;
}

static void assert_close(double got, double want, double eps)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("got %.12g, want %.12g (eps %g)", got, want, eps);
}

static int parse_str(const char *text, const struct model *m, struct budget *b, char **cause)
{
	*cause = NULL;
	return budget_parse("test.cfg", text, strlen(text), m, b, cause);
}

static void test_model_totals(void **state)
{
	(void)state;
	assert_int_equal(net.total_params, 31608);
	assert_int_equal(net.total_macs, 144256);
}

/* ---- parsing ------------------------------------------------------------ */

static void test_parse_valid(void **state)
{
	(void)state;
	const char *text =
	    "# a budget\n"
	    "\n"
	    "  [ layer 2 ]   # the classifier\n"
	    "prune = 0.5   # half\n"
	    "bits-pc=4\n"
	    "actbits=8\r\n"
	    "[layer 0]\n"
	    "\tprune-filter=0.25\n"
	    "bits= 6 # six\n"
	    "\t# indented comment\n"
	    "prune=-0\n";
	struct budget b;
	char *cause;
	assert_int_equal(parse_str(text, &net, &b, &cause), 0);
	assert_null(cause);
	assert_int_equal(b.n, 2);
	/* sorted by layer, whatever the file order */
	const struct budget_layer *l0 = &b.layers[0], *l2 = &b.layers[1];
	assert_int_equal(l0->layer, 0);
	assert_int_equal(l0->line, 7);
	assert_true(l0->prune == 0 && !signbit(l0->prune));
	assert_true(l0->prune_filter == 0.25);
	assert_int_equal(l0->bits, 6);
	assert_int_equal(l0->bits_pc, 0);
	assert_int_equal(l0->actbits, 0);
	assert_int_equal(l2->layer, 2);
	assert_int_equal(l2->line, 3);
	assert_true(l2->prune == 0.5);
	assert_true(l2->prune_filter == 0);
	assert_int_equal(l2->bits, 0);
	assert_int_equal(l2->bits_pc, 4);
	assert_int_equal(l2->actbits, 8);
	budget_free(&b);
	assert_int_equal(b.n, 0);
	assert_null(b.layers);
}

static void test_parse_empty_and_comments(void **state)
{
	(void)state;
	struct budget b;
	char *cause;
	assert_int_equal(parse_str("# only\n  # comments\n\n", &net, &b, &cause), 0);
	assert_int_equal(b.n, 0);
	assert_null(b.layers);
	assert_int_equal(parse_str("", &net, &b, &cause), 0);
	assert_int_equal(b.n, 0);
	/* an empty section is kept (budget_compact drops it) */
	assert_int_equal(parse_str("[layer 2]\n# nothing yet\n", &net, &b, &cause), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.layers[0].layer, 2);
	budget_compact(&b);
	assert_int_equal(b.n, 0);
	budget_free(&b);
}

static void test_parse_without_model(void **state)
{
	(void)state;
	struct budget b;
	char *cause;
	/* no model: any layer number is accepted */
	assert_int_equal(parse_str("[layer 40]\nbits=8\n[layer 1]\nactbits=4\n", NULL, &b, &cause), 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.layers[0].layer, 1);
	assert_int_equal(b.layers[1].layer, 40);
	budget_free(&b);
}

struct bad_case {
	const char *text;
	int line;
	const char *phrase;
};

static const struct bad_case bad_cases[] = {
	{ "prune=0.5\n", 1, "expected a [layer N] section" },
	{ "# c\n\nbits\n[layer 0]\n", 3, "expected a [layer N] section" },
	{ "# c\n\n[layer 0\n", 3, "expected [layer N]" },
	{ "[layr 0]\n", 1, "expected [layer N]" },
	{ "[layer0]\n", 1, "expected [layer N]" },
	{ "[layer -1]\n", 1, "expected [layer N]" },
	{ "[layer 0] x\n", 1, "expected [layer N]" },
	{ "[layer 0x1]\n", 1, "expected [layer N]" },
	{ "[layer]\n", 1, "expected [layer N]" },
	{ "[layer 99999999999]\n", 1, "too large" },
	{ "\n[layer 0]\nprune=0.5\n[layer 2]\n[layer 0]\n", 5,
	  "duplicate section [layer 0] (first at line 2)" },
	{ "[layer 2]\n[layer 0]\n[layer 0]\n[layer 2]\n", 3,
	  "duplicate section [layer 0] (first at line 2)" },
	/* the duplicate comes first, so it is the one reported */
	{ "[layer 0]\n[layer 0]\nbogus\n", 2, "duplicate section" },
	/* and an earlier error beats a later duplicate */
	{ "[layer 0]\nbogus\n[layer 0]\n", 2, "missing '='" },
	{ "[layer 0]\nprunee=0.5\n", 2,
	  "unknown key 'prunee' (expected prune, prune-filter, bits, bits-pc, actbits)" },
	{ "[layer 0]\nprune=0.5\nbits=4\nprune = 0.2\n", 4,
	  "duplicate key 'prune' in [layer 0] (first at line 2)" },
	{ "[layer 0]\nprune=abc\n", 2, "'abc' is not a number" },
	{ "[layer 0]\nprune=0.5x\n", 2, "'0.5x' is not a number" },
	{ "[layer 0]\nprune=0.5 0.6\n", 2, "is not a number" },
	{ "[layer 0]\nbits=+\n", 2, "is not a number" },
	{ "[layer 0]\nprune=nan\n", 2, "not a finite number" },
	{ "[layer 0]\nprune=inf\n", 2, "not a finite number" },
	{ "[layer 0]\nprune-filter=-inf\n", 2, "not a finite number" },
	{ "[layer 0]\nprune=1e999\n", 2, "not a finite number" },
	{ "[layer 0]\nprune=1.5\n", 2, "prune=1.5 out of range (0..1)" },
	{ "[layer 0]\nprune-filter=-0.1\n", 2, "prune-filter=-0.1 out of range (0..1)" },
	{ "[layer 0]\nbits=4.5\n", 2, "bits=4.5 is not an integer" },
	{ "[layer 0]\nbits-pc=0.5\n", 2, "bits-pc=0.5 is not an integer" },
	{ "[layer 0]\nbits=1\n", 2, "bits=1 out of range (2..16)" },
	{ "[layer 0]\nbits-pc=17\n", 2, "bits-pc=17 out of range (2..16)" },
	{ "[layer 0]\nactbits=32\n", 2, "actbits=32 out of range (2..16)" },
	{ "[layer 0]\nbits=4\nprune=0.1\nbits-pc=4\n", 4, "bits and bits-pc" },
	{ "[layer 0]\nbits-pc=4\nbits=4\n", 3, "bits and bits-pc" },
	{ "[layer 0]\nprune 0.5\n", 2, "missing '='" },
	{ "[layer 0]\nprune=\n", 2, "missing value for 'prune'" },
	{ "[layer 0]\nprune= # later\n", 2, "missing value for 'prune'" },
	{ "[layer 0]\n = 0.5\n", 2, "missing key" },
	{ "[layer 40]\n", 1, "layer 40 does not exist (the network has layers 0..4)" },
	{ "[layer 0]\nbits=8\n\n[layer 1]\n", 4, "layer 1 is maxpool, which has no weights" },
	{ "[layer 3]\nprune=0.5\n", 1, "layer 3 is batchnorm, which has no weights" },
};

static void test_parse_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *c = &bad_cases[i];
		struct budget b;
		char *cause;
		char prefix[64];
		if (parse_str(c->text, &net, &b, &cause) != -1)
			fail_msg("case %zu parsed: %s", i, c->text);
		assert_int_equal(b.n, 0);
		assert_null(b.layers);
		assert_non_null(cause);
		snprintf(prefix, sizeof prefix, "test.cfg:%d: ", c->line);
		if (strncmp(cause, prefix, strlen(prefix)) != 0 || strstr(cause, c->phrase) == NULL)
			fail_msg("case %zu: got '%s', want '%s...%s'", i, cause, prefix, c->phrase);
		assert_null(strchr(cause, '\n'));
		free(cause);
	}
}

static void test_parse_nul(void **state)
{
	(void)state;
	static const char text[] = "[layer 0]\nprune=0\0.5\n";
	struct budget b;
	char *cause = NULL;
	assert_int_equal(budget_parse("test.cfg", text, sizeof text - 1, &net, &b, &cause), -1);
	assert_string_equal(cause, "test.cfg:2: NUL byte in budget text");
	free(cause);
}

static void test_parse_no_model_layer(void **state)
{
	(void)state;
	struct model empty = { 0 };
	struct budget b;
	char *cause;
	assert_int_equal(parse_str("[layer 0]\n", &empty, &b, &cause), -1);
	assert_non_null(strstr(cause, "layer 0 does not exist (the network has no layers)"));
	free(cause);
}

/* ---- load --------------------------------------------------------------- */

static char *write_temp(const char *data, size_t len)
{
	char *path = xstrdup("/tmp/test_budget.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	if (len > 0)
		assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static int load_data(const char *data, size_t len, struct budget *b, char **cause, char **path)
{
	*path = write_temp(data, len);
	*cause = NULL;
	return budget_load(*path, &net, b, cause);
}

static void expect_load_error(const char *data, size_t len, const char *phrase)
{
	struct budget b;
	char *cause, *path;
	assert_int_equal(load_data(data, len, &b, &cause, &path), -1);
	assert_non_null(cause);
	if (strncmp(cause, path, strlen(path)) != 0 || strstr(cause, phrase) == NULL)
		fail_msg("got '%s', want '%s: ...%s'", cause, path, phrase);
	assert_int_equal(b.n, 0);
	free(cause);
	unlink(path);
	free(path);
}

static void test_load(void **state)
{
	(void)state;
	struct budget b;
	char *cause, *path;
	const char *ok = "[layer 0]\nbits=8\n";
	assert_int_equal(load_data(ok, strlen(ok), &b, &cause, &path), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.layers[0].bits, 8);
	budget_free(&b);
	unlink(path);
	free(path);

	const char *comments = "# nothing to do\n";
	assert_int_equal(load_data(comments, strlen(comments), &b, &cause, &path), 0);
	assert_int_equal(b.n, 0);
	unlink(path);
	free(path);

	expect_load_error("", 0, ": empty budget file");
	expect_load_error(" \n\t\n", 4, ": empty budget file");
	expect_load_error("[layer 0]\nbits=3\0", 17, ":2: NUL byte");
	expect_load_error("[layer 1]\n", 10, ":1: layer 1 is maxpool");

	size_t big = 1024 * 1024 + 1;
	char *data = xmalloc(big);
	memset(data, '#', big);
	expect_load_error(data, big, "too large");
	free(data);

	assert_int_equal(budget_load("/nonexistent/budget.cfg", &net, &b, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/budget.cfg"));
	free(cause);
}

/* ---- write / round-trip ------------------------------------------------- */

static char *write_str(const struct budget *b, const struct model *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(budget_write(f, b, m), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void assert_same_budget(const struct budget *a, const struct budget *b)
{
	assert_int_equal(a->n, b->n);
	for (int i = 0; i < a->n; i++) {
		const struct budget_layer *x = &a->layers[i], *y = &b->layers[i];
		assert_int_equal(x->layer, y->layer);
		/* exact: the file must not lose bits */
		assert_true(x->prune == y->prune);
		assert_true(x->prune_filter == y->prune_filter);
		assert_int_equal(x->bits, y->bits);
		assert_int_equal(x->bits_pc, y->bits_pc);
		assert_int_equal(x->actbits, y->actbits);
	}
}

static void test_write_roundtrip(void **state)
{
	(void)state;
	struct budget b = { 0 };
	struct budget_layer *l = budget_get(&b, 2);
	l->prune = 0.5;
	l->bits_pc = 16;
	l = budget_get(&b, 0);
	l->prune = 0.1 * 3;		/* 0.30000000000000004: needs all digits */
	l->prune_filter = 1.0 / 3;
	l->bits = 4;
	l->actbits = 8;

	char *text = write_str(&b, &net);
	assert_true(strncmp(text, "# safer budget\n", 15) == 0);
	assert_non_null(strstr(text, "# layer 0: conv, 208 params"));
	assert_non_null(strstr(text, "# layer 2: connected, 31370 params"));
	assert_non_null(strstr(text, "[layer 2]\nprune=0.5\nbits-pc=16\n"));
	/* keys in the documented order */
	char *p = strstr(text, "[layer 0]\nprune=");
	assert_non_null(p);
	assert_true(p < strstr(text, "prune-filter="));
	assert_true(strstr(text, "prune-filter=") < strstr(text, "bits=4"));
	assert_true(strstr(text, "bits=4") < strstr(text, "actbits=8"));

	struct budget back;
	char *cause;
	assert_int_equal(parse_str(text, &net, &back, &cause), 0);
	assert_same_budget(&b, &back);
	budget_free(&back);
	free(text);

	/* without a model: no per-layer comments, any layer number */
	budget_get(&b, 4)->actbits = 2;
	text = write_str(&b, NULL);
	assert_null(strstr(text, "# layer"));
	assert_int_equal(parse_str(text, NULL, &back, &cause), 0);
	assert_same_budget(&b, &back);
	budget_free(&back);
	free(text);

	/* the empty budget writes just the header and reads back empty */
	struct budget none = { 0 };
	text = write_str(&none, &net);
	assert_string_equal(text, "# safer budget\n");
	assert_int_equal(parse_str(text, &net, &back, &cause), 0);
	assert_int_equal(back.n, 0);
	free(text);
	budget_free(&b);
}

/* ---- items -------------------------------------------------------------- */

static void assert_item(const struct job_item *it, int layer, enum perturb_kind k, double level)
{
	assert_int_equal(it->layer, layer);
	assert_int_equal(it->p.kind, k);
	assert_true(it->p.level == level);
	assert_true(it->p.seed == 0);
	assert_true(it->p.rate == 0.001);
}

static void test_items(void **state)
{
	(void)state;
	struct budget b = { 0 };
	struct budget_layer *l = budget_get(&b, 2);
	l->prune = 0.5;
	l->prune_filter = 0.125;
	l->bits_pc = 4;
	l->actbits = 8;
	l = budget_get(&b, 0);
	l->prune_filter = 0.25;
	l->bits = 6;
	budget_get(&b, 1);	/* empty: contributes nothing */

	struct job_item *items;
	int n = budget_items(&b, &items);
	assert_int_equal(n, 6);
	assert_item(&items[0], 0, PERTURB_PRUNE_FILTER, 0.25);
	assert_item(&items[1], 0, PERTURB_QUANT, 6);
	assert_item(&items[2], 2, PERTURB_PRUNE, 0.5);
	assert_item(&items[3], 2, PERTURB_PRUNE_FILTER, 0.125);
	assert_item(&items[4], 2, PERTURB_QUANT_PC, 4);
	assert_item(&items[5], 2, PERTURB_ACTQUANT, 8);
	free(items);
	budget_free(&b);

	assert_int_equal(budget_items(&b, &items), 0);
	assert_null(items);
}

/* ---- cost --------------------------------------------------------------- */

static void cost_of(const char *text, struct budget_cost *c)
{
	struct budget b;
	char *cause;
	if (parse_str(text, &net, &b, &cause) != 0)
		fail_msg("%s", cause);
	budget_cost(&b, &net, c);
	budget_free(&b);
}

/* Nothing set: everything float32, as the network is stored. */
static void test_cost_empty(void **state)
{
	(void)state;
	struct budget_cost c;
	cost_of("", &c);
	assert_close(c.bytes, 126432, 0);
	assert_close(c.float_bytes, 126432, 0);
	assert_close(c.ratio, 1, 0);
	assert_int_equal(c.macs, 144256);
	assert_close(c.effective_macs, 144256, 0);
	/* 144256 * 32 * 32 */
	assert_close(c.bops, 147718144, 0);
	assert_close(c.float_bops, 147718144, 0);
	assert_close(c.avg_bits, 32, 0);
	assert_close(c.sparsity, 0, 0);
}

/* bits=8 on the connected layer:
 *   conv float32        208 * 32                        =   6656 bits
 *   connected           31360 * 8 + 32 (scale) + 10*32  = 251232 bits
 *   batchnorm float32   30 * 32                         =    960 bits
 *   total 258848 bits = 32356 bytes; ratio 126432 / 32356
 *   BOPs 112896*32*32 + 31360*8*32 = 115605504 + 8028160 = 123633664
 *   avg bits (144*32 + 31360*8) / 31504 = 255488 / 31504 */
static void test_cost_bits8_connected(void **state)
{
	(void)state;
	struct budget_cost c;
	cost_of("[layer 2]\nbits=8\n", &c);
	assert_close(c.bytes, 32356, 0);
	assert_close(c.float_bytes, 126432, 0);
	assert_close(c.ratio, 126432.0 / 32356, 1e-12);
	assert_close(c.effective_macs, 144256, 0);
	assert_close(c.bops, 123633664, 0);
	assert_close(c.float_bops, 147718144, 0);
	assert_close(c.avg_bits, 255488.0 / 31504, 1e-12);
	assert_close(c.sparsity, 0, 0);
}

/* prune=0.5 bits=4 on the conv: dense 144*4 = 576, sparse 144 (mask) +
 * 72*4 = 432, so sparse; + 32 scale + 64 bias/bn * 32 = 2512 bits.
 *   total 2512 + 31370*32 + 960 = 1007312 bits = 125914 bytes
 *   effective MACs 112896*0.5 + 31360 = 87808
 *   BOPs 112896*0.5*4*32 + 31360*1024 = 7225344 + 32112640 = 39337984
 *   sparsity 72 / 31504, avg bits (144*4 + 31360*32) / 31504 */
static void test_cost_prune_sparse(void **state)
{
	(void)state;
	struct budget_cost c;
	cost_of("[layer 0]\nprune=0.5\nbits=4\n", &c);
	assert_close(c.bytes, 125914, 0);
	assert_close(c.effective_macs, 87808, 0);
	assert_close(c.bops, 39337984, 0);
	assert_close(c.sparsity, 72.0 / 31504, 1e-15);
	assert_close(c.avg_bits, (144.0 * 4 + 31360.0 * 32) / 31504, 1e-12);
}

/* prune=0.1 bits=4 on the conv: sparse 144 + round(129.6)*4 = 664 > dense
 * 576, so dense: 576 + 32 + 2048 = 2656; total 2656 + 1003840 + 960 =
 * 1007456 bits = 125932 bytes. */
static void test_cost_prune_dense(void **state)
{
	(void)state;
	struct budget_cost c;
	cost_of("[layer 0]\nprune=0.1\nbits=4\n", &c);
	assert_close(c.bytes, 125932, 0);
	assert_close(c.effective_macs, 112896 * 0.9 + 31360, 1e-6);
	assert_close(c.sparsity, 14.4 / 31504, 1e-15);
}

/* prune=0.5 + prune-filter=0.5 -> s = 1 - 0.5*0.5 = 0.75; bits-pc=4; actbits=8:
 *   weights min(576, 144 + 36*4 = 288) = 288, scales 16*32 = 512, bias/bn 2048
 *   conv 2848; total 2848 + 1003840 + 960 = 1007648 bits = 125956 bytes
 *   effective MACs 112896*0.25 + 31360 = 59584
 *   BOPs 112896*0.25*4*8 + 32112640 = 903168 + 32112640 = 33015808 */
static void test_cost_combined(void **state)
{
	(void)state;
	struct budget_cost c;
	cost_of("[layer 0]\nprune=0.5\nprune-filter=0.5\nbits-pc=4\nactbits=8\n", &c);
	assert_close(c.bytes, 125956, 0);
	assert_close(c.effective_macs, 59584, 0);
	assert_close(c.bops, 33015808, 0);
	assert_close(c.float_bops, 147718144, 0);
	assert_close(c.sparsity, 108.0 / 31504, 1e-15);
}

/* prune=0.5 on the connected, unquantized: dense 31360*32 = 1003520, sparse
 * 31360 + 15680*32 = 533120, no scale, + 320 bias = 533440;
 * total 6656 + 533440 + 960 = 541056 bits = 67632 bytes. */
static void test_cost_prune_float(void **state)
{
	(void)state;
	struct budget_cost c;
	cost_of("[layer 2]\nprune=0.5\n", &c);
	assert_close(c.bytes, 67632, 0);
	assert_close(c.ratio, 126432.0 / 67632, 1e-12);
	assert_close(c.avg_bits, 32, 0);
	assert_close(c.bops, 115605504 + 31360 * 0.5 * 1024, 0);
}

/* actbits alone changes BOPs only: 31360 * 32 * 4 for the connected. */
static void test_cost_actbits_only(void **state)
{
	(void)state;
	struct budget_cost c;
	cost_of("[layer 2]\nactbits=4\n", &c);
	assert_close(c.bytes, 126432, 0);
	assert_close(c.bops, 115605504 + 31360 * 32 * 4, 0);
}

/* ---- get / find / compact / summary ------------------------------------- */

static void test_get_find_compact(void **state)
{
	(void)state;
	struct budget b = { 0 };
	assert_null(budget_find(&b, 3));
	budget_get(&b, 5)->bits = 4;
	budget_get(&b, 1);
	budget_get(&b, 3)->actbits = 8;
	budget_get(&b, 9);
	assert_int_equal(b.n, 4);
	assert_int_equal(b.layers[0].layer, 1);
	assert_int_equal(b.layers[1].layer, 3);
	assert_int_equal(b.layers[2].layer, 5);
	assert_int_equal(b.layers[3].layer, 9);
	assert_int_equal(b.layers[1].line, 0);
	/* an existing entry is returned, not duplicated */
	assert_int_equal(budget_get(&b, 5)->bits, 4);
	assert_int_equal(b.n, 4);
	assert_ptr_equal(budget_find(&b, 3), &b.layers[1]);
	assert_null(budget_find(&b, 4));
	assert_null(budget_find(&b, 0));
	assert_null(budget_find(&b, 10));

	budget_compact(&b);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.layers[0].layer, 3);
	assert_int_equal(b.layers[1].layer, 5);
	budget_get(&b, 3)->actbits = 0;
	budget_get(&b, 5)->bits = 0;
	budget_compact(&b);
	assert_int_equal(b.n, 0);
	assert_null(b.layers);
	budget_free(&b);
}

static void test_summary(void **state)
{
	(void)state;
	char buf[64];
	struct budget_layer l = { .layer = 0 };
	assert_string_equal(budget_layer_summary(&l, buf, sizeof buf), "-");
	l = (struct budget_layer){ .prune = 0.5, .prune_filter = 0.25, .bits = 4, .actbits = 8 };
	assert_string_equal(budget_layer_summary(&l, buf, sizeof buf), "p.50 f.25 q4 a8");
	l = (struct budget_layer){ .prune = 1, .bits_pc = 6 };
	assert_string_equal(budget_layer_summary(&l, buf, sizeof buf), "p1.00 qc6");
	l = (struct budget_layer){ .actbits = 16 };
	assert_string_equal(budget_layer_summary(&l, buf, sizeof buf), "a16");
	/* at most size bytes, terminated */
	l = (struct budget_layer){ .prune = 0.5, .bits = 4 };
	memset(buf, 'x', sizeof buf);
	assert_string_equal(budget_layer_summary(&l, buf, 5), "p.50");
	assert_int_equal(buf[5], 'x');
	memset(buf, 'x', sizeof buf);
	budget_layer_summary(&l, buf, 0);
	assert_int_equal(buf[0], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_totals),
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_empty_and_comments),
		cmocka_unit_test(test_parse_without_model),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_nul),
		cmocka_unit_test(test_parse_no_model_layer),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_write_roundtrip),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_cost_empty),
		cmocka_unit_test(test_cost_bits8_connected),
		cmocka_unit_test(test_cost_prune_sparse),
		cmocka_unit_test(test_cost_prune_dense),
		cmocka_unit_test(test_cost_combined),
		cmocka_unit_test(test_cost_prune_float),
		cmocka_unit_test(test_cost_actbits_only),
		cmocka_unit_test(test_get_find_compact),
		cmocka_unit_test(test_summary),
	};
	return cmocka_run_group_tests(tests, setup_model, NULL);
}
