/* canvas.h - the detection set's canvases: Fashion-MNIST garments composed on
 * textured colour backgrounds, with their exact boxes.
 *
 * Shared by tools/safer-canvas (writes PNG files and Darknet label files) and
 * tools/safer-train-det (composes fresh canvases in memory for every batch), so
 * that training sees what evaluation sees.  A canvas depends only on
 * (seed, index) and the IDX set: each gets its own generator (core/rng.h). */
#ifndef SAFER_CANVAS_H
#define SAFER_CANVAS_H

#include <stdint.h>

#include "formats/idx.h"

#define CANVAS_MIN_SIDE 96
#define CANVAS_MAX_SIDE 224
#define CANVAS_MIN_GARMENT 24	/* side of the scaled 28x28 patch, pixels */
#define CANVAS_MAX_GARMENT 64
#define CANVAS_MAX_OBJECTS 5
#define CANVAS_CLASSES 10

/* One garment: its class and its tight box, normalised to the canvas
 * (centre x, y, width, height in [0, 1]), as Darknet's label lines say. */
struct canvas_box {
	int cls;
	float cx, cy, w, h;
};

struct canvas {
	int w, h;			/* pixels */
	unsigned char *rgb;		/* owned: w*h*3 bytes, row-major RGB */
	int n;				/* garments, 1..CANVAS_MAX_OBJECTS (0 only for blank source images) */
	struct canvas_box box[CANVAS_MAX_OBJECTS];
};

/* Composes canvas `index` of the stream `seed` from the images/labels of
 * one split.  c->rgb is allocated (free with canvas_free). */
void canvas_make(struct canvas *c, const struct idx_images *im, const struct idx_labels *lb, uint64_t seed,
    uint64_t index);
void canvas_free(struct canvas *c);

/* The Fashion-MNIST class names, in label order (cfg/fashion-mnist.names). */
extern const char *const canvas_names[CANVAS_CLASSES];

/* Loads DIR/{t10k,train}-{images-idx3,labels-idx1}-ubyte.gz for split "test"
 * or "train".  0, or -1 with *cause. */
int canvas_load_split(const char *dir, const char *split, struct idx_images *im, struct idx_labels *lb,
    char **cause);

#endif
