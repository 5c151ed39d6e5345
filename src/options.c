/* options.c - see options.h */
#include "options.h"
#include "backend.h"
#include "cfgcheck.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/safer"
#endif
#ifndef SRCDIR
#define SRCDIR "."
#endif
#ifndef FMNIST_DIR
#define FMNIST_DIR "/usr/share/datasets/fashion-mnist"
#endif

#define DEFAULT_CFG "cfg/fmnist-plain.cfg"
#define DEFAULT_WEIGHTS "weights/fmnist-plain.weights"
#define DEFAULT_NAMES "cfg/fashion-mnist.names"

const char *bundled_path(const char *rel)
{
	static char buf[4096];
	const char *env = getenv("SAFER_DATADIR");
	const char *dirs[] = { env, PKGDATADIR, SRCDIR };
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (dirs[i] == NULL || dirs[i][0] == '\0')
			continue;
		snprintf(buf, sizeof buf, "%s/%s", dirs[i], rel);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	snprintf(buf, sizeof buf, "%s/%s", PKGDATADIR, rel);
	return buf;
}

void common_opts_init(struct common_opts *o)
{
	memset(o, 0, sizeof *o);
	o->cache_mb = 1024;
	o->weights_required = 1;
}

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

int common_opts_handle(struct common_opts *o, int c, const char *arg, int argc, char **argv)
{
	long v;
	switch (c) {
	case 'c': o->cfg = arg; return 1;
	case 'w': o->weights = arg; return 1;
	case 'd': o->data = arg; return 1;
	case 0x100:
		if (optind >= argc || argv[optind][0] == '-') {
			fprintf(stderr, "safer: --idx needs two files: IMAGES LABELS\n");
			return -1;
		}
		o->idx_images = arg;
		o->idx_labels = argv[optind++];
		return 1;
	case 0x101: o->names = arg; return 1;
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
	case 0x102:
		if (parse_count("batch", arg, 1, 4096, &v) != 0)
			return -1;
		o->batch = (int)v;
		return 1;
	case 0x103:
		if (parse_count("cache-mb", arg, 0, 1L << 30, &o->cache_mb) != 0)
			return -1;
		return 1;
	case 0x104: o->unlabeled = 1; return 1;
	case 'v': o->verbose = 1; backend_set_verbose(1); return 1;
	case 'j': o->json = 1; return 1;
	default: return 0;
	}
}

static const char *keep(struct common_opts *o, const char *s)
{
	return o->owned[o->nowned++] = xstrdup(s);
}

void common_opts_free(struct common_opts *o)
{
	for (int i = 0; i < o->nowned; i++)
		free(o->owned[i]);
	o->nowned = 0;
}

int common_opts_finish(struct common_opts *o, char **cause)
{
	if (o->cfg == NULL) {
		o->cfg = keep(o, bundled_path(DEFAULT_CFG));
		if (o->weights == NULL)
			o->weights = keep(o, bundled_path(DEFAULT_WEIGHTS));
	}
	if (o->weights == NULL && o->weights_required) {
		*cause = xasprintf("%s: no weights given (-w FILE)", o->cfg);
		return -1;
	}
	if (o->data && o->idx_images) {
		*cause = xstrdup("give either --data or --idx, not both");
		return -1;
	}
	if (o->data == NULL && o->idx_images == NULL) {
		o->idx_images = keep(o, FMNIST_DIR "/t10k-images-idx3-ubyte.gz");
		o->idx_labels = keep(o, FMNIST_DIR "/t10k-labels-idx1-ubyte.gz");
		if (o->names == NULL)
			o->names = keep(o, bundled_path(DEFAULT_NAMES));
	}
	return 0;
}

int common_load_data(const struct common_opts *o, struct shape in, struct dataset *d, char **cause)
{
	struct dataset_options dopt = { .limit = o->limit, .unlabeled = o->unlabeled };
	int rc = o->data
	    ? dataset_load_data(o->data, in, &dopt, d, cause)
	    : dataset_load_idx(o->idx_images, o->unlabeled ? NULL : o->idx_labels, o->names, in, &dopt, d, cause);
	if (rc == 0 && d->skipped > 0)
		fprintf(stderr, "safer: warning: skipped %d image%s that could not be decoded (first: %s)\n",
		    d->skipped, d->skipped == 1 ? "" : "s", d->first_skip);
	return rc;
}

struct engine *common_load_engine(const struct common_opts *o, struct dataset *d, char **cause)
{
	struct cfg_info info;
	if (cfgcheck_file(o->cfg, &info, cause) != 0)
		return NULL;
	struct shape in = { info.w, info.h, info.c };
	cfg_info_free(&info);
	if (common_load_data(o, in, d, cause) != 0)
		return NULL;
	struct engine_config ec = {
		.threads = o->threads, .batch = o->batch, .cache_mb = (size_t)o->cache_mb,
	};
	struct engine *e = engine_new(o->cfg, o->weights, d, &ec, cause);
	if (e == NULL)
		dataset_free(d);
	return e;
}
