/* cfgcheck.h - validate a Darknet network cfg before Darknet sees it.
 *
 * Darknet's parse_network_cfg exits, asserts or crashes on malformed cfg files
 * (an unknown section leaves a layer uninitialised, an option before any
 * section dereferences NULL, huge sizes overflow int, absurd sizes are
 * allocated).  cfgcheck reads the text the way Darknet's read_cfg does,
 * recomputes every layer shape with Darknet's formulas in 64-bit arithmetic and
 * refuses anything Darknet would mishandle, before anything is allocated.
 *
 * Values are read as Darknet reads them: whitespace inside a line is
 * stripped, '#' and ';' lines are comments, numbers are atoi/atof prefixes
 * ("16#note" is 16, "abc" is 0), a line without '=' is a key without value,
 * a key no layer reads is ignored.  What Darknet ignores is reported as an
 * ignored note, values another Darknet fork would honour (formats/cfgfork.h)
 * as warnings; neither refuses the cfg.
 *
 * Supported layers: [convolutional]/[conv], [connected]/[conn], [maxpool]/[max],
 * [avgpool]/[avg], [dropout], [softmax]/[soft], [shortcut], [route],
 * [batchnorm], [cost], [crop], and for detectors [yolo], [region],
 * [upsample], [reorg].  The network must be a classifier (ignoring a
 * trailing [cost], the last layer is [softmax], [connected] or [avgpool])
 * or a detector: one or more [yolo] heads or [region] heads, all of one
 * kind and one classes=, the last layer being one.  Refused among the
 * heads' keys: anchors= beyond 2*num (Darknet overflows its array), mask=
 * entries outside 0..num-1, map=/tree= (files read while parsing).
 *
 * Errors follow util.h: -1 (or NULL) and an allocated one-line message in
 * *cause of the form "FILE:LINE: problem" or "FILE: problem". */
#ifndef SAFER_CFGCHECK_H
#define SAFER_CFGCHECK_H

#include <stddef.h>

/* Largest cfg file cfgcheck_file reads. */
#define CFGCHECK_MAX_FILE (16u << 20)

/* Notes kept at most (the counts go on). */
#define CFGCHECK_MAX_NOTES 200

enum cfg_note_kind {
	CFG_NOTE_IGNORED,	/* text Darknet ignores (its "Unused field") */
	CFG_NOTE_WARNING,	/* Darknet computes something the cfg's author
				 * may not expect: another fork's key, an
				 * unknown activation */
};

struct cfg_note {
	enum cfg_note_kind kind;
	int line;
	char *msg;	/* "FILE:LINE: ..." ("FILE:LINE: warning: ..."), owned */
};

/* One layer (one section after [net]), numbered as Darknet numbers them. */
struct cfg_layer_info {
	int line;		/* line of the section header, 1-based */
	int kind_supported;	/* always 1 in a successful result */
	char type[24];		/* canonical name without brackets: "convolutional",
				 * "connected", "maxpool", "avgpool", "dropout",
				 * "softmax", "shortcut", "route", "batchnorm", "cost",
				 * "crop", "yolo", "region", "upsample", "reorg" */
	int out_w, out_h, out_c;	/* Darknet's l.out_w/out_h/out_c; 0 where
					 * Darknet leaves them 0 (softmax, cost,
					 * route of unequal shapes) */
	long long outputs;	/* Darknet's l.outputs (per image) */
	long long nweights;	/* floats this layer occupies in a .weights file */
};

/* A checked network.  layers is owned; release with cfg_info_free. */
struct cfg_info {
	int w, h, c;		/* [net] width, height, channels; when [net] gives
				 * only inputs=N they are 1, 1, N (Darknet's own
				 * layers then see no image) */
	int batch;		/* [net] batch as written (default 1) */
	int subdivisions;	/* [net] subdivisions as written (default 1) */
	int nlayers;
	struct cfg_layer_info *layers;
	int detector;		/* 1: the network has [yolo] or [region] heads */
	int classes;		/* a detector's heads' classes=; a classifier's
				 * output width */
	long long total_weights;	/* sum of nweights: floats after the header
					 * of a matching .weights file */
	double est_bytes;	/* rough memory Darknet needs for this cfg at
				 * batch/subdivisions, refused above 8 GiB */
	/* One network as safer runs it (cfg_info_est_bytes): est_fixed bytes
	 * whatever the batch (weights, weight updates, Darknet's workspace),
	 * est_image bytes per image of the batch (outputs, deltas and the like,
	 * the fast kernels' im2col buffer). */
	double est_fixed, est_image;
	/* In line order within each section; the first CFGCHECK_MAX_NOTES. */
	struct cfg_note *notes;
	int nnotes;
	int ignored, warnings;	/* all notes of each kind, kept or not */
};

/* Checks cfg text (len bytes, need not be NUL-terminated); name is used only
 * in messages.  Pure: no I/O, no global state, safe on arbitrary bytes.
 * On success fills *out (if out is not NULL) and returns 0; on failure
 * returns -1, sets *cause and leaves *out zeroed. */
int cfgcheck_text(const char *name, const char *text, size_t len,
    struct cfg_info *out, char **cause);

/* Reads path (at most CFGCHECK_MAX_FILE bytes, regular files only), refuses
 * an empty file ("FILE: empty file") and then runs cfgcheck_text. */
int cfgcheck_file(const char *path, struct cfg_info *out, char **cause);

/* The same for the network Darknet gets from cfgcheck_with_batch(text,
 * batch) when batch > 0: the size limits apply at that batch instead of the
 * one written in the file (a training batch of 128 need not fit when safer
 * runs it at 1); messages keep the file's lines.  batch <= 0: as written. */
int cfgcheck_text_at(const char *name, const char *text, size_t len,
    int batch, struct cfg_info *out, char **cause);
int cfgcheck_file_at(const char *path, int batch, struct cfg_info *out,
    char **cause);

/* Bytes one network of this cfg needs when parsed at `batch` and run with
 * the fast kernels: Darknet's own allocations layer by layer (weights and
 * updates, outputs, deltas, batch norm copies, Darknet's workspace of
 * out_h*out_w*size*size*c/groups floats) plus backend_use_blas's im2col
 * buffer for the whole batch.  An estimate: within a few percent of what
 * the allocator hands out (see tests/cli/memory.sh). */
double cfg_info_est_bytes(const struct cfg_info *info, int batch);

/* Frees out->layers and the notes and zeroes *out; safe on a zeroed or failed result. */
void cfg_info_free(struct cfg_info *out);

/* Text of the cfg with [net] batch=B and subdivisions=1 (replacing or adding
 * those keys in the [net] section, everything else unchanged), for parsing
 * with the batch the engine wants.  Existing batch/subdivisions lines are
 * rewritten in place; missing ones are inserted right after the [net] header.
 * Returns NULL when the first section is not [net]/[network] or batch < 1.
 * The result is NUL-terminated; caller frees. */
char *cfgcheck_with_batch(const char *text, size_t len, int batch);

/* Text of the cfg with new widths: for each layer i < n with width[i] > 0
 * (a [convolutional]'s filters=, a [connected]'s output=), the lines setting
 * that key in layer i's section give way to one right after the header;
 * everything else is unchanged.  Layer i is the (i+1)-th section after
 * [net].  NULL when a width names a section of another kind or past the
 * last; caller frees. */
char *cfgcheck_with_widths(const char *text, size_t len, const int *width, int n);

#endif
