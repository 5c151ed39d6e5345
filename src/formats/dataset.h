/* dataset.h - an evaluation set as the network's input tensor, in bounded memory.
 *
 * Sources: Darknet .data files (classes, valid, labels|names, top) with their
 * list of image paths, or MNIST-format IDX files (--idx IMAGES LABELS).  Images
 * go through Darknet's `classifier valid` pipeline (3 channels, centred
 * square crop resized to the network) so that predictions agree image for
 * image.
 *
 * Loading decodes every image once (in parallel when the caller supplies a
 * runner): to skip the unreadable ones, to compute the checksum and a hash of
 * each image.  The first `cached` images stay in memory (up to
 * opt->cache_bytes); the others are decoded again by dataset_fetch, which
 * any number of threads may call at once, and which fails with "FILE:
 * changed since it was loaded" when an image no longer gives the same floats. */
#ifndef SAFER_DATASET_H
#define SAFER_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "core/detmap.h"
#include "core/model.h"

struct dataset {
	int count;		/* images held */
	struct shape shape;	/* per image: the network's input shape */
	size_t image_size;	/* w*h*c floats */
	float *x;		/* owned: cached × image_size, the first images' input tensor */
	int cached;		/* images held in x (the first ones); the rest: dataset_fetch */
	int *labels;		/* owned: count entries, -1 when unlabeled */
	int classes;
	char **names;		/* owned: classes label names */
	int topk;		/* from the .data file's `top`, default 5 (capped at classes) */
	int skipped;		/* images that could not be decoded */
	char *first_skip;	/* owned: message for the first skipped image, or NULL */
	char *source;		/* owned: what this is, for reports */
	uint64_t checksum;	/* over every image's floats and the labels: identifies the data in result files */
	double load_seconds;	/* wall-clock time decoding at load */
	double load_cpu_seconds;	/* CPU seconds of the threads decoding at load */
	struct dataset_source *src;	/* owned: how to decode images again (NULL: all are in x) */
	/* A detection set (dataset_options.detection): labels are all -1; each
	 * image's size and its ground truth in pixels (detlabels.h), image i's
	 * boxes being truth[truth_first[i] .. truth_first[i+1]-1]. */
	int detection;
	int *img_w, *img_h;		/* owned: count entries */
	struct det_truth *truth;	/* owned */
	size_t *truth_first;		/* owned: count + 1 entries */
	char **paths;			/* owned: count image paths, as listed */
	long objects;			/* boxes in truth */
	int labelled_files;		/* images that had a label file */
};

/* Darknet's `classifier valid` resize: the centred square, resized to the
 * network (center_crop_image), from 3 planes of w×h floats to 3 planes of net_w×net_h.  The
 * caller supplies it (backend_resize_crop) so that this reader stays below
 * the backend and the pixels are Darknet's own. */
typedef void (*dataset_resize_fn)(const float *chw, int w, int h, int net_w, int net_h, float *out);

struct dataset_options {
	dataset_resize_fn resize;	/* required */
	int limit;		/* keep at most this many images (0: all) */
	int unlabeled;		/* labels not needed (label-free measures only) */
	int detection;		/* a detector's set: ground truth from Darknet label
				 * files (unless unlabeled); resize is the letterbox */
	double cache_bytes;	/* decoded images kept in memory up to this; <= 0: all of them */
	/* runs task(ctx, 0..ntasks-1) on `threads` threads and returns when all
	 * are done (the engine's parallel_run); NULL: one after the other */
	void (*parallel)(int threads, int ntasks, void (*task)(void *ctx, int i), void *ctx);
	int threads;		/* for parallel; 0: its default */
	void (*progress)(int done, int total, void *ctx);
	void *progress_ctx;
};

/* Darknet .data file.  -1 with *cause "FILE[:LINE]: problem". */
int dataset_load_data(const char *data_path, struct shape net_in, const struct dataset_options *opt,
    struct dataset *out, char **cause);

/* IDX images + labels (labels may be NULL when opt->unlabeled); class names
 * from names_path (one per line) or, when NULL, "0".."9" style numbers. */
int dataset_load_idx(const char *images_path, const char *labels_path, const char *names_path,
    struct shape net_in, const struct dataset_options *opt, struct dataset *out, char **cause);

void dataset_free(struct dataset *d);

/* Images start..start+m-1 (within count) as input floats into out (m ×
 * image_size): copied from x when cached, decoded again otherwise.
 * Thread-safe: it reads d and changes nothing.  -1 with *cause
 * "FILE: changed since it was loaded" when an image no longer decodes to
 * the floats it gave at load. */
int dataset_fetch(const struct dataset *d, int start, int m, float *out, char **cause);
/* The same, without copying when all m images are cached: returns a pointer
 * into x, or buf after filling it; NULL with *cause. */
const float *dataset_inputs(const struct dataset *d, int start, int m, float *buf, char **cause);
/* The images held in memory: d->cached, or count for a data set built by hand. */
int dataset_cached(const struct dataset *d);
/* How many of n images of image_size floats a bound of cache_bytes keeps
 * in memory: those that fit whole; all n when cache_bytes <= 0. */
int dataset_cache_images(double cache_bytes, int n, size_t image_size);
/* The 64-bit hash of one image's floats that dataset_fetch compares. */
uint64_t dataset_image_hash(const float *x, size_t n);

/* The .data key=value reader, exposed for tests and fuzzing.  Returns the
 * value of `key` (allocated) or NULL if absent; -1 on a malformed file. */
struct data_file {
	int n;
	char **keys, **values;	/* owned */
};
int data_file_parse(const char *name, const char *text, struct data_file *out, char **cause);
/* The value of the first `key` line (as Darknet's option_find), or NULL. */
const char *data_file_get(const struct data_file *df, const char *key);
void data_file_free(struct data_file *df);

/* Lines of a list/labels file: trailing CR/LF removed, blank lines skipped. */
char **read_lines(const char *path, int *count, char **cause);
void free_lines(char **lines, int count);

/* Index of the single label found in `path` (Darknet's substring rule), -1 for
 * none, -2 for more than one. */
int label_of_path(const char *path, char *const *names, int classes);

#endif
