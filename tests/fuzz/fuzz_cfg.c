/* fuzz_cfg.c - cfgcheck_text on arbitrary bytes (and cfgcheck_text_at at
 * batch 1), then cfgcheck_with_batch.  Notes are one line each.
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
	/* Checked as safer runs it (batch 1): anything that passes as written
	 * passes, as the same network. */
	struct cfg_info at;
	char *at_cause = NULL;
	int at_rc = cfgcheck_text_at("fuzz.cfg", text, size, 1, &at, &at_cause);
	if (at_rc == 0)
		cfg_info_free(&at);
	else
		free(at_cause);
	if (rc == 0) {
		FUZZ_CHECK(cause == NULL && at_rc == 0);
		FUZZ_CHECK(info.nnotes <= CFGCHECK_MAX_NOTES &&
		    info.nnotes <= info.ignored + info.warnings);
		for (int i = 0; i < info.nnotes; i++)
			FUZZ_CHECK(strncmp(info.notes[i].msg, "fuzz.cfg:", 9) == 0 &&
			    strchr(info.notes[i].msg, '\n') == NULL);
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
