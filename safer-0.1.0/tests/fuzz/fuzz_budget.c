/* fuzz_budget.c - budget_parse with and without a model, and what a parsed
 * budget feeds: items, cost, summaries, and a write/parse round trip.
 *
 * The model is a hand-built six-layer classifier (no weight arrays: budgets
 * only read shapes and counts). */
#define _GNU_SOURCE	/* open_memstream: the round trip writes no file */
#include "fuzz.h"
#include "core/budget.h"

#include <math.h>

static struct layer_desc layers[] = {
	{ .index = 0, .kind = LAYER_CONV, .kind_name = "conv", .in = { 28, 28, 1 }, .out = { 28, 28, 8 },
	  .size = 3, .stride = 1, .groups = 1, .batch_normalize = 1, .from = -1, .params = 72 + 8 * 4,
	  .macs = 28 * 28 * 72, .has_weights = 1, .wt = { .nweights = 72, .filters = 8, .per_filter = 9 } },
	{ .index = 1, .kind = LAYER_MAXPOOL, .kind_name = "maxpool", .in = { 28, 28, 8 }, .out = { 14, 14, 8 },
	  .size = 2, .stride = 2, .from = -1 },
	{ .index = 2, .kind = LAYER_CONV, .kind_name = "conv", .in = { 14, 14, 8 }, .out = { 14, 14, 16 },
	  .size = 3, .stride = 1, .groups = 1, .batch_normalize = 1, .from = -1, .params = 1152 + 16 * 4,
	  .macs = 14 * 14 * 1152, .has_weights = 1, .wt = { .nweights = 1152, .filters = 16, .per_filter = 72 } },
	{ .index = 3, .kind = LAYER_CONNECTED, .kind_name = NULL, .in = { 1, 1, 3136 }, .out = { 1, 1, 10 },
	  .from = -1, .params = 31360 + 10, .macs = 31360, .has_weights = 1,
	  .wt = { .nweights = 31360, .filters = 10, .per_filter = 3136 } },
	{ .index = 4, .kind = LAYER_SOFTMAX, .kind_name = "softmax", .in = { 1, 1, 10 }, .out = { 1, 1, 10 }, .from = -1 },
	{ .index = 5, .kind = LAYER_COST, .kind_name = "cost", .in = { 1, 1, 10 }, .out = { 1, 1, 10 }, .from = -1 },
};

static const struct model model = {
	.n = 6, .layers = layers, .input = { 28, 28, 1 }, .outputs = 10,
	.total_params = 104 + 1216 + 31370,
	.total_macs = 28 * 28 * 72 + 14 * 14 * 1152 + 31360,
	.weight_bytes = (104 + 1216 + 31370) * 4,
};

static int same_entry(const struct budget_layer *a, const struct budget_layer *b)
{
	return a->layer == b->layer && a->prune == b->prune && a->prune_filter == b->prune_filter &&
	    a->bits == b->bits && a->bits_pc == b->bits_pc && a->actbits == b->actbits;
}

static void same_budget(const struct budget *a, const struct budget *b)
{
	FUZZ_CHECK(a->n == b->n);
	for (int i = 0; i < a->n; i++)
		FUZZ_CHECK(same_entry(&a->layers[i], &b->layers[i]));
}

static void check_budget(const struct budget *b)
{
	for (int i = 0; i < b->n; i++) {
		const struct budget_layer *l = &b->layers[i];
		FUZZ_CHECK(i == 0 || b->layers[i - 1].layer < l->layer);	/* sorted, unique */
		FUZZ_CHECK(l->prune >= 0 && l->prune <= 1 && l->prune_filter >= 0 && l->prune_filter <= 1);
		FUZZ_CHECK(!(l->bits && l->bits_pc));
		char sum[64];
		budget_layer_summary(l, sum, sizeof sum);
		FUZZ_CHECK(budget_find(b, l->layer) == l);
	}
	struct job_item *items;
	int n = budget_items(b, &items);
	FUZZ_CHECK(n >= 0 && n <= 4 * b->n);
	free(items);
}

/* budget_write then budget_parse must give back the same budget. */
static void round_trip(const struct budget *b, const struct model *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(budget_write(f, b, m) == 0);
	fclose(f);
	struct budget back;
	char *cause = NULL;
	if (budget_parse("fuzz.budget(written)", text, len, m, &back, &cause) != 0)
		fprintf(stderr, "written budget refused: %s\n--\n%s--\n", cause, text);
	FUZZ_CHECK(cause == NULL);
	same_budget(b, &back);
	budget_free(&back);
	free(text);
}

static void check_cost(const struct budget *b)
{
	struct budget_cost c;
	budget_cost(b, &model, &c);
	FUZZ_CHECK(isfinite(c.bytes) && c.bytes > 0 && isfinite(c.ratio) && c.ratio > 0);
	FUZZ_CHECK(c.sparsity >= 0 && c.sparsity <= 1 && c.avg_bits >= 2 && c.avg_bits <= 32);
	FUZZ_CHECK(c.bops <= c.float_bops && c.effective_macs <= (double)c.macs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)fuzz_dup(data, size);
	struct budget free_b, model_b;
	char *cause = NULL;

	int rc_free = budget_parse("fuzz.budget", text, size, NULL, &free_b, &cause);
	if (rc_free != 0) {
		FUZZ_CHECK(cause != NULL && free_b.n == 0 && free_b.layers == NULL);
		free(cause);
		cause = NULL;
	}
	int rc_model = budget_parse("fuzz.budget", text, size, &model, &model_b, &cause);
	if (rc_model == 0) {
		/* the model only adds checks */
		FUZZ_CHECK(rc_free == 0);
		same_budget(&free_b, &model_b);
		check_budget(&model_b);
		check_cost(&model_b);
		round_trip(&model_b, &model);
		budget_free(&model_b);
	} else {
		FUZZ_CHECK(cause != NULL);
		free(cause);
	}
	if (rc_free == 0) {
		check_budget(&free_b);
		round_trip(&free_b, NULL);
		/* editing as the TUI does: add an entry, then drop empty ones */
		struct budget_layer *l = budget_get(&free_b, size % 7);
		FUZZ_CHECK(l != NULL && budget_find(&free_b, (int)(size % 7)) == l);
		budget_compact(&free_b);
		budget_free(&free_b);
	}
	free((void *)text);
	return 0;
}
