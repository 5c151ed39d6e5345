/* setup.c - see setup.h */
#include "engine/setup.h"
#include "engine/parallel.h"
#include "core/inputs.h"
#include "backend/backend.h"
#include "formats/cfgcheck.h"
#include "core/util.h"

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

const char *setup_bundled_path(const char *rel)
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

void setup_opts_init(struct setup_opts *o)
{
	memset(o, 0, sizeof *o);
	o->cache_mb = 1024;
	o->data_mb = -1;
	o->weights_required = 1;
}

static const char *keep(struct setup_opts *o, const char *s)
{
	return o->owned[o->nowned++] = xstrdup(s);
}

void setup_opts_free(struct setup_opts *o)
{
	for (int i = 0; i < o->nowned; i++)
		free(o->owned[i]);
	o->nowned = 0;
}

/* What Darknet will make of the cfg, said once per run. */
static void cfg_notes(struct setup_opts *o)
{
	struct cfg_info info;
	char *cause = NULL;
	int shown = 0;

	if (cfgcheck_file_at(o->cfg, 1, &info, &cause) != 0) {
		free(cause);
		return;
	}
	for (int i = 0; i < info.nnotes; i++) {
		if (info.notes[i].kind != CFG_NOTE_WARNING && !o->verbose)
			continue;
		fprintf(stderr, "safer: %s\n", info.notes[i].msg);
		shown++;
	}
	if (info.ignored + info.warnings > info.nnotes &&
	    (o->verbose || shown < info.warnings))
		fprintf(stderr, "safer: %s: %d more notes not shown\n", o->cfg,
		    info.ignored + info.warnings - info.nnotes);
	o->cfg_ignored = info.ignored;
	o->cfg_warnings = info.warnings;
	cfg_info_free(&info);
}

/* The weights of a cfg given without -w: NAME.weights for NAME.cfg next to
 * it, in ../weights/ beside its directory (the source tree's layout), then
 * in the data directories' weights/.  The path (allocated), or NULL with
 * every place looked at in *looked. */
static char *find_weights(const char *cfg, char **looked)
{
	const char *slash = strrchr(cfg, '/');
	const char *base = slash ? slash + 1 : cfg;
	size_t n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".cfg") == 0)
		n -= 4;
	int dirlen = slash ? (int)(slash - cfg) + 1 : 0;	/* "DIR/", or none */
	const char *env = getenv("SAFER_DATADIR");
	char *cand[4];
	int nc = 0;
	cand[nc++] = xasprintf("%.*s%.*s.weights", dirlen, cfg, (int)n, base);
	cand[nc++] = xasprintf("%.*s../weights/%.*s.weights", dirlen, cfg, (int)n, base);
	if (env && env[0])
		cand[nc++] = xasprintf("%s/weights/%.*s.weights", env, (int)n, base);
	cand[nc++] = xasprintf("%s/weights/%.*s.weights", PKGDATADIR, (int)n, base);
	char *found = NULL;
	*looked = NULL;
	for (int i = 0; i < nc; i++) {
		if (found == NULL && access(cand[i], R_OK) == 0) {
			found = cand[i];
			continue;
		}
		char *l = xasprintf("%s%s%s", *looked ? *looked : "", *looked ? ", " : "", cand[i]);
		free(*looked);
		*looked = l;
		free(cand[i]);
	}
	if (found) {
		free(*looked);
		*looked = NULL;
	}
	return found;
}

int setup_opts_finish(struct setup_opts *o, char **cause)
{
	if (o->cfg == NULL) {
		o->cfg = keep(o, setup_bundled_path(DEFAULT_CFG));
		if (o->weights == NULL)
			o->weights = keep(o, setup_bundled_path(DEFAULT_WEIGHTS));
	}
	if (o->weights == NULL && o->weights_required) {
		char *looked, *w = find_weights(o->cfg, &looked);
		if (w == NULL) {
			*cause = xasprintf("%s: no weights given (-w FILE) and none found: looked for %s", o->cfg, looked);
			free(looked);
			return -1;
		}
		o->weights = keep(o, w);
		free(w);
		fprintf(stderr, "safer: weights: %s (found for %s; -w gives others)\n", o->weights, o->cfg);
	}
	if (o->data && o->idx_images) {
		*cause = xstrdup("give either --data or --idx, not both");
		return -1;
	}
	if (o->data == NULL && o->idx_images == NULL) {
		o->idx_images = keep(o, FMNIST_DIR "/t10k-images-idx3-ubyte.gz");
		o->idx_labels = keep(o, FMNIST_DIR "/t10k-labels-idx1-ubyte.gz");
		if (o->names == NULL)
			o->names = keep(o, setup_bundled_path(DEFAULT_NAMES));
	}
	const char *const read[] = { o->cfg, o->weights, o->data, o->idx_images, o->idx_labels, o->names };
	for (size_t i = 0; i < sizeof read / sizeof read[0]; i++)
		if (read[i] != NULL)
			inputs_note(read[i]);
	cfg_notes(o);
	return 0;
}

double setup_data_bytes(const struct setup_opts *o)
{
	if (o->data_mb == 0)
		return 1;	/* fewer bytes than any image: none kept */
	if (o->data_mb > 0)
		return o->data_mb * 1048576.0;
	const char *limit;
	double room = mem_headroom(&limit) / 4, most = SETUP_DATA_MB_MAX * 1048576.0;
	return room < most ? room : most;
}

int setup_load_data(const struct setup_opts *o, struct shape in, int detection, struct dataset *d, char **cause)
{
	struct dataset_options dopt = {
		.resize = detection ? backend_letterbox : backend_resize_crop, .limit = o->limit,
		.unlabeled = o->unlabeled, .detection = detection,
		.cache_bytes = setup_data_bytes(o), .parallel = parallel_run, .threads = o->threads,
	};
	if (detection && o->data == NULL) {
		*cause = xasprintf("%s: a detector needs a detection data set: --data FILE.data with valid= "
		    "(the image list) and names= (the label files are found as Darknet finds them)", o->cfg);
		return -1;
	}
	int rc = o->data
	    ? dataset_load_data(o->data, in, &dopt, d, cause)
	    : dataset_load_idx(o->idx_images, o->unlabeled ? NULL : o->idx_labels, o->names, in, &dopt, d, cause);
	if (rc == 0 && d->skipped > 0)
		fprintf(stderr, "safer: warning: skipped %d image%s that could not be decoded (first: %s)\n",
		    d->skipped, d->skipped == 1 ? "" : "s", d->first_skip);
	return rc;
}

struct engine *setup_load_engine(const struct setup_opts *o, struct dataset *d, char **cause)
{
	struct cfg_info info;
	if (cfgcheck_file_at(o->cfg, 1, &info, cause) != 0)
		return NULL;
	struct shape in = { info.w, info.h, info.c };
	int detector = info.detector;
	cfg_info_free(&info);
	if (setup_load_data(o, in, detector, d, cause) != 0)
		return NULL;
	struct engine_config ec = {
		.threads = o->threads, .batch = o->batch, .cache_mb = (size_t)o->cache_mb,
		.det_thresh = o->det_thresh, .det_nms = o->det_nms, .det_show = o->det_show,
		.det_voc = o->det_voc, .det_rounds = o->det_rounds, .seed = o->seed,
		.det_keep = o->det_keep, .stock = o->stock,
	};
	struct engine *e = engine_new(o->cfg, o->weights, d, &ec, cause);
	if (e == NULL)
		dataset_free(d);
	return e;
}
