/* fuzz_cfg.c - cfgcheck_text on arbitrary bytes, then cfgcheck_with_batch.
 *
 * The engine feeds cfgcheck_with_batch's output to Darknet after checking
 * only the original text, so the rewrite of an accepted cfg must itself be
 * accepted, with the same layers and the batch it asked for. */
#include "fuzz.h"
#include "formats/cfgcheck.h"

static void same_network(const struct cfg_info *a, const struct cfg_info *b)
{
	FUZZ_CHECK(a->nlayers == b->nlayers && a->total_weights == b->total_weights);
	FUZZ_CHECK(a->w == b->w && a->h == b->h && a->c == b->c);
	for (int i = 0; i < a->nlayers; i++) {
		const struct cfg_layer_info *x = &a->layers[i], *y = &b->layers[i];
		FUZZ_CHECK(strcmp(x->type, y->type) == 0 && x->outputs == y->outputs &&
		    x->nweights == y->nweights && x->out_w == y->out_w &&
		    x->out_h == y->out_h && x->out_c == y->out_c);
	}
}

static void check_info(const struct cfg_info *info)
{
	long long sum = 0;
	FUZZ_CHECK(info->nlayers > 0 && info->layers != NULL);
	FUZZ_CHECK(info->batch >= 1 && info->subdivisions >= 1);
	for (int i = 0; i < info->nlayers; i++) {
		FUZZ_CHECK(info->layers[i].kind_supported == 1);
		FUZZ_CHECK(info->layers[i].nweights >= 0 && info->layers[i].outputs >= 0);
		sum += info->layers[i].nweights;
	}
	FUZZ_CHECK(sum == info->total_weights);
}

/* Rewrites for `batch` and checks the result; asserted only for batch 1,
 * which never needs more memory than the original. */
static void rebatch(const char *text, size_t len, const struct cfg_info *orig, int batch)
{
	char *cause = NULL;
	char *re = cfgcheck_with_batch(text, len, batch);
	if (orig == NULL) {
		free(re);
		return;
	}
	FUZZ_CHECK(re != NULL);
	struct cfg_info info;
	int rc = cfgcheck_text("fuzz.cfg(rebatched)", re, strlen(re), &info, &cause);
	if (batch == 1) {
		if (rc != 0)
			fprintf(stderr, "rebatched cfg refused: %s\n", cause);
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(info.batch == 1 && info.subdivisions == 1);
		same_network(orig, &info);
	}
	if (rc == 0)
		cfg_info_free(&info);
	else
		free(cause);
	free(re);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)fuzz_dup(data, size);	/* not NUL-terminated */
	struct cfg_info info;
	char *cause = NULL;
	int rc = cfgcheck_text("fuzz.cfg", text, size, &info, &cause);
	if (rc == 0) {
		FUZZ_CHECK(cause == NULL);
		check_info(&info);
		rebatch(text, size, &info, 1);
		rebatch(text, size, &info, 1 + (int)(size % 256));
		cfg_info_free(&info);
	} else {
		FUZZ_CHECK(cause != NULL && info.layers == NULL && info.nlayers == 0);
		free(cause);
		rebatch(text, size, NULL, 1);	/* must not crash on anything */
	}
	FUZZ_CHECK(cfgcheck_with_batch(text, size, 0) == NULL);
	free((void *)text);
	return 0;
}
