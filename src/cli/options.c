/* options.c - see options.h */
#include "cli/options.h"
#include "backend/backend.h"
#include "core/util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_count(const char *name, const char *arg, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi) {
		fprintf(stderr, "safer: --%s: '%s' is not an integer from %ld to %ld\n", name, arg, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int parse_real(const char *name, const char *arg, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < lo || v > hi) {
		fprintf(stderr, "safer: --%s: '%s' is not a number from %g to %g\n", name, arg, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

const struct options_spec options_common[] = {
	{ "cfg", 'c', OPTIONS_VALUE },
	{ "weights", 'w', OPTIONS_VALUE },
	{ "data", 'd', OPTIONS_VALUE },
	{ "idx", OPTIONS_IDX, OPTIONS_VALUE },	/* and the next argument */
	{ "names", OPTIONS_NAMES, OPTIONS_VALUE },
	{ "limit", 'n', OPTIONS_VALUE },
	{ "threads", 't', OPTIONS_VALUE },
	{ "batch", OPTIONS_BATCH, OPTIONS_VALUE },
	{ "cache-mb", OPTIONS_CACHE_MB, OPTIONS_VALUE },
	{ "data-mb", OPTIONS_DATA_MB, OPTIONS_VALUE },
	{ "unlabeled", OPTIONS_UNLABELED, OPTIONS_FLAG },
	{ "thresh", OPTIONS_THRESH, OPTIONS_VALUE },
	{ "nms", OPTIONS_NMS, OPTIONS_VALUE },
	{ "show-thresh", OPTIONS_SHOW_THRESH, OPTIONS_VALUE },
	{ "voc", OPTIONS_VOC, OPTIONS_FLAG },
	{ "verbose", 'v', OPTIONS_FLAG },
	{ "quiet", 'q', OPTIONS_FLAG },
	{ "wide", OPTIONS_WIDE, OPTIONS_FLAG },
	{ "json", 'j', OPTIONS_FLAG },
	{ NULL, 0, OPTIONS_FLAG },
};

int options_handle_common(struct setup_opts *o, int code, const char *arg, int argc, char **argv)
{
	long v;
	switch (code) {
	case 'c': o->cfg = arg; return 1;
	case 'w': o->weights = arg; return 1;
	case 'd': o->data = arg; return 1;
	case OPTIONS_IDX:
		if (optind >= argc || argv[optind][0] == '-') {
			fprintf(stderr, "safer: --idx needs two files: IMAGES LABELS\n");
			return -1;
		}
		o->idx_images = arg;
		o->idx_labels = argv[optind++];
		return 1;
	case OPTIONS_NAMES: o->names = arg; return 1;
	case 'n':
		if (parse_count("limit", arg, 1, INT_MAX, &v) != 0)
			return -1;
		o->limit = (int)v;
		return 1;
	case 't':
		if (parse_count("threads", arg, 1, 256, &v) != 0)
			return -1;
		o->threads = (int)v;
		return 1;
	case OPTIONS_BATCH:
		if (parse_count("batch", arg, 1, 4096, &v) != 0)
			return -1;
		o->batch = (int)v;
		return 1;
	case OPTIONS_CACHE_MB:
		if (parse_count("cache-mb", arg, 0, 1L << 30, &o->cache_mb) != 0)
			return -1;
		return 1;
	case OPTIONS_DATA_MB:
		if (parse_real("data-mb", arg, 0, 1 << 30, &o->data_mb) != 0)
			return -1;
		return 1;
	case OPTIONS_UNLABELED: o->unlabeled = 1; return 1;
	case OPTIONS_THRESH:
	case OPTIONS_NMS:
	case OPTIONS_SHOW_THRESH: {
		double x;
		const char *name = code == OPTIONS_THRESH ? "thresh" : code == OPTIONS_NMS ? "nms" : "show-thresh";
		if (parse_real(name, arg, code == OPTIONS_NMS ? 0 : 1e-6, 1, &x) != 0)
			return -1;
		if (code == OPTIONS_THRESH)
			o->det_thresh = (float)x;
		else if (code == OPTIONS_NMS)
			o->det_nms = x == 0 ? -1.0f : (float)x;	/* engine_config: < 0 is "none" */
		else
			o->det_show = (float)x;
		return 1;
	}
	case OPTIONS_VOC: o->det_voc = 1; return 1;
	case 'v': o->verbose = 1; backend_set_verbose(1); return 1;
	case 'j': o->json = 1; return 1;
	case 'q': o->quiet = 1; return 1;
	case OPTIONS_WIDE: o->wide = 1; return 1;
	default: return 0;
	}
}

