/* internal.h - what the backend's files share behind backend.h, the public door.
 * Only src/backend/ includes this (it pulls in darknet.h). */
#ifndef SAFER_BACKEND_INTERNAL_H
#define SAFER_BACKEND_INTERNAL_H

#include "backend/backend.h"

#include <darknet.h>

struct backend_net {
	network *dn;
	char *cfg_path;		/* as given by the user, for messages */
	char *cfg_text;		/* the cfg rewritten with our batch, for clones */
	struct model model;
	float *blas_ws;		/* workspace of the fast kernels, when in use */
	double est_bytes;	/* cfg_info_est_bytes at our batch: checked
				 * against the memory left before each parse */
	/* A clone's own weight arrays, put back before free_network. */
	float **own;
	/* detect.c: the layers as the boxes of one image read them */
	layer *det_view;
};

/* ---- log.c: Darknet's stdout/stderr ---------------------------------------
 * backend_log_begin points fds 1 and 2 at the log (unless verbose) and
 * backend_log_end puts them back.  Sections may overlap across threads and
 * nest within one: the first to begin redirects, the last to end restores,
 * under one mutex.  Every begin has exactly one end. */
void backend_log_begin(void);
void backend_log_end(void);
/* The log's descriptor, opened on first use; -1 if it cannot be created.
 * For a forked child that redirects by itself. */
int backend_log_fd(void);

/* ---- parse.c: cfg text to a Darknet network --------------------------------
 * Parses `text` (a cfg already rewritten with its batch) with Darknet's
 * output captured; with `trial`, a forked child parses it first, so a cfg
 * Darknet exit()s or crashes on becomes a message.  NULL with *cause
 * ("CFG_PATH: problem") on failure. */
network *backend_parse(const char *text, const char *cfg_path, int trial, char **cause);
/* free_network plus the arrays it forgets. */
void backend_parse_free(network *dn);

/* ---- describe.c: safer's view of the layers -------------------------------
 * Fills bn->model from bn->dn (weight tensors alias the network's arrays);
 * -1 with *cause on a layer kind safer does not handle. */
int backend_describe(struct backend_net *bn, char **cause);

/* ---- weights_io.c: the .weights layout -------------------------------------
 * Floats Darknet's load_weights reads for one layer, and for the network. */
size_t backend_weights_layer_floats(const layer *l);
size_t backend_weights_floats(const network *dn);

/* ---- kernels.c -------------------------------------------------------------
 * One row of filter f of layer l through inference batch norm and the bias,
 * Darknet's arithmetic to the bit (dst may be src). */
void backend_bn_bias_row(float *dst, const float *src, size_t n, const layer *l, int f);
/* The same followed by l's activation: the end of a convolution's row. */
void backend_conv_epilogue_row(float *dst, const float *src, size_t n, const layer *l, int f);

/* ---- conv_direct.c: 3x3 convolutions of few input channels -----------------
 * conv_direct_fits says whether layer l takes the direct path (on this CPU);
 * conv_direct_image writes one image's raw products (no bias, batch norm or
 * activation) into out, [filter][pixel], using conv_direct_workspace(l)
 * floats of ws. */
int conv_direct_fits(const layer *l);
size_t conv_direct_workspace(const layer *l);
void conv_direct_image(const layer *l, const float *im, float *out, float *ws);

#endif
