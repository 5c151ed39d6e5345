/* cfgfork.c - see cfgfork.h.
 *
 * Rows verified against AlexeyAB/darknet 59596d78 (2025-12-15) src/parser.c
 * and src/activations.c, and pjreddie/darknet 61c9d02e.  Left out on purpose:
 * keys that fork reads but that change nothing this Darknet could compute
 * (stream, wait_stream, use_cuda_graph, workspace_size_limit_MB, ...), keys
 * its CPU code never uses (sway, rotate, stretch, coordconv, ...), and keys
 * that only matter next to a row here (out_channels with maxpool_depth,
 * weights_normalization with weights_type).  That fork's [yolo] keys
 * (scale_x_y, new_coords, ...) have no row yet: they are noted as ignored. */
#include "formats/cfgfork.h"

#include <stdlib.h>
#include <string.h>

#define RELU	"this Darknet computes relu instead"
#define ACT(name) \
	{ "*", "activation", FORK_IS, 's', name, name, RELU, FORK_INFERENCE }
#define INF	FORK_INFERENCE
#define TRAIN	FORK_TRAINING

const struct cfg_fork cfg_forks[] = {
	/* get_activation: that fork's extra names */
	ACT("swish"),
	ACT("mish"),
	ACT("hard_mish"),
	ACT("normalize_channels"),
	ACT("normalize_channels_softmax"),
	ACT("normalize_channels_softmax_maxval"),
	ACT("relu6"),
	ACT("gelu"),
	ACT("revleaky"),
	/* parse_convolutional */
	{ "convolutional", "stride_x", FORK_STRIDE, 'i', NULL, "2", NULL, INF },
	{ "convolutional", "stride_y", FORK_STRIDE, 'i', NULL, "2", NULL, INF },
	{ "convolutional", "dilation", FORK_DILATION, 'i', "1", "2", NULL, INF },
	{ "convolutional", "antialiasing", FORK_DIFFERS, 'i', "0", "1", NULL,
	    INF },
	{ "convolutional", "share_index", FORK_DIFFERS, 'i', "-1000000000", "0",
	    NULL, INF },
	{ "convolutional", "assisted_excitation", FORK_DIFFERS, 'f', "0", "1",
	    NULL, TRAIN },
	/* parse_maxpool */
	{ "maxpool", "stride_x", FORK_STRIDE, 'i', NULL, "1", NULL, INF },
	{ "maxpool", "stride_y", FORK_STRIDE, 'i', NULL, "1", NULL, INF },
	{ "maxpool", "maxpool_depth", FORK_DIFFERS, 'i', "0", "1", NULL, INF },
	{ "maxpool", "antialiasing", FORK_DIFFERS, 'i', "0", "1", NULL, INF },
	/* parse_shortcut: several from= layers, learnt weights */
	{ "shortcut", "from", FORK_LIST, 's', NULL, "-1,-2",
	    "this Darknet adds only the first of those layers", INF },
	{ "shortcut", "weights_type", FORK_DIFFERS, 's', "none", "per_feature",
	    NULL, INF },
	/* parse_route: a slice of the channels */
	{ "route", "groups", FORK_DIFFERS, 'i', "1", "2", NULL, INF },
	{ "route", "group_id", FORK_DIFFERS, 'i', "0", "1", NULL, INF },
	/* parse_dropout */
	{ "dropout", "dropblock", FORK_DIFFERS, 'i', "0", "1", NULL, TRAIN },
	/* parse_net_options and get_policy */
	{ "net", "policy", FORK_IS, 's', "sgdr", "sgdr",
	    "this Darknet uses policy=constant", TRAIN },
	{ "net", "letter_box", FORK_DIFFERS, 'i', "0", "1", NULL, TRAIN },
	{ "net", "mosaic", FORK_DIFFERS, 'i', "0", "1", NULL, TRAIN },
	{ "net", "cutmix", FORK_DIFFERS, 'i', "0", "1", NULL, TRAIN },
	{ "net", "mixup", FORK_DIFFERS, 'i', "0", "1", NULL, TRAIN },
	{ "net", "blur", FORK_DIFFERS, 'i', "0", "1", NULL, TRAIN },
	{ "net", "gaussian_noise", FORK_DIFFERS, 'i', "0", "1", NULL, TRAIN },
	{ "net", "label_smooth_eps", FORK_DIFFERS, 'f', "0", "0.1", NULL,
	    TRAIN },
};

const size_t cfg_nforks = sizeof cfg_forks / sizeof cfg_forks[0];

/* string_to_layer_type of that fork, less the kinds both know */
const char *const cfg_fork_sections[] = {
	"[scale_channels]", "[sam]", "[Gaussian_yolo]", "[conv_lstm]",
	"[history]", "[local_avg]", "[local_avgpool]", "[reorg3d]",
	"[contrastive]", "[empty]", "[silence]", "[implicit]", NULL
};

/* Does val differ from the fork's default as both Darknets read it? */
static int differs(const struct cfg_fork *f, const char *val)
{
	switch (f->type) {
	case 'i':
		return atoi(val) != atoi(f->value);
	case 'f':
		return (float)atof(val) != (float)atof(f->value);
	default:
		return strcmp(val, f->value) != 0;
	}
}

static int fires(const struct cfg_fork *f, const char *val,
    const struct cfg_fork_ctx *ctx)
{
	long long x = atoi(val);

	switch (f->when) {
	case FORK_DIFFERS:
		return differs(f, val);
	case FORK_IS:
		return strcmp(val, f->value) == 0;
	case FORK_LIST:
		return strchr(val, ',') != NULL;
	case FORK_STRIDE:	/* below 1, that fork falls back to stride= */
		return x >= 1 && x != ctx->stride;
	case FORK_DILATION:
		return x != 1 && ctx->size != 1;
	}
	return 0;
}

/* The layers safer supports whose parse_* reads activation=. */
static int reads_activation(const char *section)
{
	return strcmp(section, "convolutional") == 0 ||
	    strcmp(section, "connected") == 0 ||
	    strcmp(section, "shortcut") == 0;
}

const struct cfg_fork *cfg_fork_find(const char *section, const char *key,
    const char *val, const struct cfg_fork_ctx *ctx)
{
	if (val == NULL)
		return NULL;
	for (size_t i = 0; i < cfg_nforks; i++) {
		const struct cfg_fork *f = &cfg_forks[i];
		if (strcmp(f->key, key) != 0 || (strcmp(f->section, "*") == 0 ?
		    !reads_activation(section) : strcmp(f->section, section) != 0))
			continue;
		if (fires(f, val, ctx))
			return f;
	}
	return NULL;
}
