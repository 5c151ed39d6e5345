/* setup.h - what every command and the explorer load before they measure:
 * a model (cfg + weights) and a data set, from paths or the bundled defaults
 * (the plain Fashion-MNIST CNN and Debian's Fashion-MNIST test set). */
#ifndef SAFER_SETUP_H
#define SAFER_SETUP_H

#include "formats/dataset.h"
#include "engine/engine.h"

#include <stdint.h>

struct setup_opts {
	const char *cfg, *weights;
	const char *data;			/* Darknet .data file */
	const char *idx_images, *idx_labels;	/* --idx IMAGES LABELS */
	const char *names;
	int limit, threads, batch, unlabeled, verbose, json;
	int quiet;		/* no progress on stderr */
	int wide;		/* --wide: tables with every column */
	long cache_mb;
	double data_mb;		/* --data-mb: decoded images kept in memory (MiB); < 0: the default */
	int weights_required;
	/* detectors (engine_config's fields; 0: their defaults) */
	float det_thresh, det_nms, det_show;
	int det_voc, det_rounds, det_keep;
	int stock;		/* Darknet's own forward functions (engine_config.stock) */
	uint64_t seed;
	/* set by setup_opts_finish: the cfg's notes (formats/cfgcheck.h) */
	int cfg_ignored, cfg_warnings;
	char *owned[8];		/* defaults filled in by setup_opts_finish */
	int nowned;
};

void setup_opts_init(struct setup_opts *o);
/* Fills in defaults (bundled model, Fashion-MNIST); a cfg given without -w
 * takes NAME.weights found next to it, in ../weights/ beside its directory
 * or in the data directory's weights/ (said on stderr); -1 with *cause if a
 * required file is missing (naming the places looked at).  Prints the cfg's warnings (another fork's keys,
 * unknown activations) on stderr and, with verbose, what Darknet ignores;
 * a cfg that fails its check is reported later, by whatever loads it. */
int setup_opts_finish(struct setup_opts *o, char **cause);
void setup_opts_free(struct setup_opts *o);

/* The bytes of decoded images kept in memory: --data-mb, or by default a
 * quarter of what the process may still obtain (mem_headroom), at most
 * SETUP_DATA_MB_MAX MiB.  --data-mb 0 keeps none. */
#define SETUP_DATA_MB_MAX 2048
double setup_data_bytes(const struct setup_opts *o);

/* Loads the data set for the network input shape of `cfg`: as a detection
 * set (letterbox, Darknet label files) when `detection`.  Prints a warning
 * line for skipped images. */
int setup_load_data(const struct setup_opts *o, struct shape in, int detection, struct dataset *d, char **cause);

/* Loads data and engine together. */
struct engine *setup_load_engine(const struct setup_opts *o, struct dataset *d, char **cause);

/* Path of a bundled file ("cfg/x.cfg"), searched in $SAFER_DATADIR, the
 * installed pkgdatadir, then the source tree.  Static buffer. */
const char *setup_bundled_path(const char *rel);

#endif
