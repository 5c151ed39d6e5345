/* idx.h - MNIST-format IDX files (raw or gzip-compressed).
 *
 * Only the two layouts MNIST-style data sets use are accepted:
 * unsigned-byte images (magic 0x00000803, dims count×rows×cols) and
 * unsigned-byte labels (magic 0x00000801, dim count). */
#ifndef SAFER_IDX_H
#define SAFER_IDX_H

#include <stddef.h>

struct idx_images {
	int count, rows, cols;
	unsigned char *pixels;	/* owned; count*rows*cols bytes, row-major */
};

struct idx_labels {
	int count;
	unsigned char *labels;	/* owned; count bytes */
};

/* Parse an in-memory (already decompressed) IDX buffer.  Return 0, or -1 with
 * *cause set (the message does not name a file; callers prefix it). */
int idx_parse_images(const unsigned char *buf, size_t len, struct idx_images *out, char **cause);
int idx_parse_labels(const unsigned char *buf, size_t len, struct idx_labels *out, char **cause);

/* Load from a path, transparently gunzipping.  Messages name the file. */
int idx_load_images(const char *path, struct idx_images *out, char **cause);
int idx_load_labels(const char *path, struct idx_labels *out, char **cause);

void idx_images_free(struct idx_images *im);
void idx_labels_free(struct idx_labels *lb);

#endif
