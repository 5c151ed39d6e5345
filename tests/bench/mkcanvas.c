/* mkcanvas.c - a detection data set for `make bench`'s scan row until
 * tools/safer-canvas exists: COUNT grey-on-black canvases of SIZE×SIZE
 * with one to three Fashion-MNIST items each (classes below CLASSES only),
 * at 1× or 2× scale, placed by a seeded generator (the same files on every
 * run), with Darknet label files.
 *
 *   mkcanvas IMAGES.idx LABELS.idx NAMES CLASSES SIZE COUNT DIR
 *
 * Writes DIR/images/N.png, DIR/labels/N.txt ("class cx cy w h", normalised,
 * the item's tight box), DIR/valid.txt, DIR/names (the first CLASSES names)
 * and DIR/det.data (classes=, valid=, names=). */
#include <stb_image_write.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "formats/dataset.h"
#include "formats/idx.h"
#include "core/util.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (unsigned)((rng >> 11) % n);
}

/* Item `k` at scale s, its top-left corner at (x0, y0), drawn with max();
 * its tight box (pixels above 0) into box[4] = xmin, ymin, xmax, ymax. */
static void draw(unsigned char *canvas, int size, const struct idx_images *im, int k, int s, int x0, int y0,
    int box[4])
{
	const unsigned char *px = im->pixels + (size_t)k * im->rows * im->cols;
	box[0] = box[1] = size, box[2] = box[3] = -1;
	for (int y = 0; y < im->rows * s; y++)
		for (int x = 0; x < im->cols * s; x++) {
			unsigned char v = px[(y / s) * im->cols + x / s];
			int cx = x0 + x, cy = y0 + y;
			if (v == 0 || cx >= size || cy >= size)
				continue;
			unsigned char *c = canvas + (size_t)cy * size + cx;
			*c = v > *c ? v : *c;
			box[0] = cx < box[0] ? cx : box[0], box[1] = cy < box[1] ? cy : box[1];
			box[2] = cx > box[2] ? cx : box[2], box[3] = cy > box[3] ? cy : box[3];
		}
}

static int write_canvas(const char *dir, int n, const struct idx_images *im, const struct idx_labels *lb,
    int classes, int size, int *next)
{
	unsigned char *canvas = xcalloc((size_t)size * size, 1);
	char *lpath = xasprintf("%s/labels/%d.txt", dir, n), *ipath = xasprintf("%s/images/%d.png", dir, n);
	FILE *lf = fopen(lpath, "w");
	int items = 1 + (int)rnd(3), ok = lf != NULL;
	for (int i = 0; i < items && ok; i++) {
		while (lb->labels[*next % lb->count] >= classes)
			(*next)++;
		int k = (*next)++ % lb->count, s = size >= 4 * im->cols && rnd(2) ? 2 : 1;
		int span = size - im->cols * s, box[4];
		draw(canvas, size, im, k, s, span > 0 ? (int)rnd((unsigned)span + 1) : 0,
		    span > 0 ? (int)rnd((unsigned)span + 1) : 0, box);
		if (box[2] < 0)
			continue;	/* an all-black item */
		double w = box[2] - box[0] + 1, h = box[3] - box[1] + 1;
		fprintf(lf, "%d %.6f %.6f %.6f %.6f\n", lb->labels[k], (box[0] + w / 2) / size, (box[1] + h / 2) / size,
		    w / size, h / size);
	}
	ok = ok && fclose(lf) == 0 && stbi_write_png(ipath, size, size, 1, canvas, size);
	if (!ok)
		fprintf(stderr, "mkcanvas: cannot write %s or %s\n", ipath, lpath);
	free(canvas);
	free(lpath);
	free(ipath);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: mkcanvas IMAGES.idx LABELS.idx NAMES CLASSES SIZE COUNT DIR\n");
		return 2;
	}
	struct idx_images im;
	struct idx_labels lb;
	char *cause = NULL;
	int nnames = 0;
	char **names = NULL;
	if (idx_load_images(argv[1], &im, &cause) != 0 || idx_load_labels(argv[2], &lb, &cause) != 0 ||
	    (names = read_lines(argv[3], &nnames, &cause)) == NULL) {
		fprintf(stderr, "mkcanvas: %s\n", cause);
		return 2;
	}
	int classes = atoi(argv[4]), size = atoi(argv[5]), count = atoi(argv[6]);
	const char *dir = argv[7];
	if (classes < 1 || classes > nnames || size < im.cols || count < 1 || lb.count != im.count) {
		fprintf(stderr, "mkcanvas: CLASSES must be 1..%d, SIZE at least %d, COUNT at least 1\n", nnames, im.cols);
		return 2;
	}
	char *p = xasprintf("%s/images", dir), *q = xasprintf("%s/labels", dir);
	mkdir(dir, 0777), mkdir(p, 0777), mkdir(q, 0777);
	free(p);
	free(q);
	p = xasprintf("%s/valid.txt", dir);
	FILE *list = fopen(p, "w");
	free(p);
	int next = 0, status = list ? 0 : 1;
	for (int n = 0; n < count && status == 0; n++) {
		status = write_canvas(dir, n, &im, &lb, classes, size, &next) ? 1 : 0;
		fprintf(list, "%s/images/%d.png\n", dir, n);
	}
	if (list)
		fclose(list);
	p = xasprintf("%s/names", dir);
	FILE *nf = fopen(p, "w");
	free(p);
	for (int i = 0; i < classes && nf; i++)
		fprintf(nf, "%s\n", names[i]);
	p = xasprintf("%s/det.data", dir);
	FILE *df = fopen(p, "w");
	free(p);
	if (df)
		fprintf(df, "classes=%d\nvalid=%s/valid.txt\nnames=%s/names\n", classes, dir, dir);
	if (nf == NULL || fclose(nf) != 0)
		status = 1;
	if (df == NULL || fclose(df) != 0)
		status = 1;
	free_lines(names, nnames);
	idx_images_free(&im);
	idx_labels_free(&lb);
	return status;
}
