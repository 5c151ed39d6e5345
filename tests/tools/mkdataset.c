/* mkdataset.c - test helper: writes the first N images of an IDX set as image
 * files plus the Darknet .data/list/labels files that `darknet classifier
 * valid` and `safer eval -d` read.
 *
 *   mkdataset IMAGES.idx LABELS.idx NAMES DIR N FORMAT
 *
 * FORMAT: png (grey), png3 (RGB), jpg (RGB, quality 95), pgm (binary P5), bmp.
 * Files are named DIR/NNNNN_<name>.<ext>, the label name inside the path as
 * Darknet's substring rule expects. */
#include <stb_image_write.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/dataset.h"
#include "formats/idx.h"
#include "core/util.h"

static int write_pgm(const char *path, int w, int h, const unsigned char *px)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return 0;
	fprintf(f, "P5\n%d %d\n255\n", w, h);
	size_t n = fwrite(px, 1, (size_t)w * h, f);
	return fclose(f) == 0 && n == (size_t)w * h;
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: mkdataset IMAGES LABELS NAMES DIR N png|png3|jpg|pgm|bmp\n");
		return 2;
	}
	struct idx_images im;
	struct idx_labels lb;
	char *cause = NULL;
	if (idx_load_images(argv[1], &im, &cause) != 0 || idx_load_labels(argv[2], &lb, &cause) != 0) {
		fprintf(stderr, "mkdataset: %s\n", cause);
		return 2;
	}
	int nnames;
	char **names = read_lines(argv[3], &nnames, &cause);
	if (names == NULL) {
		fprintf(stderr, "mkdataset: %s\n", cause);
		return 2;
	}
	const char *dir = argv[4], *fmt = argv[6];
	int n = atoi(argv[5]);
	if (n > im.count)
		n = im.count;
	char *p = xasprintf("%s/valid.list", dir);
	FILE *list = fopen(p, "w");
	if (list == NULL) {
		fprintf(stderr, "mkdataset: cannot write %s (does %s exist?)\n", p, dir);
		return 1;
	}
	free(p);
	int w = im.cols, h = im.rows;
	unsigned char *rgb = xmalloc((size_t)w * h * 3);
	const char *ext = strcmp(fmt, "png3") == 0 ? "png" : fmt;
	for (int i = 0; i < n && list; i++) {
		const unsigned char *px = im.pixels + (size_t)i * w * h;
		char *path = xasprintf("%s/%05d_%s.%s", dir, i, names[lb.labels[i]], ext);
		for (int k = 0; k < w * h; k++)
			rgb[3 * k] = rgb[3 * k + 1] = rgb[3 * k + 2] = px[k];
		int ok;
		if (strcmp(fmt, "png") == 0)
			ok = stbi_write_png(path, w, h, 1, px, w);
		else if (strcmp(fmt, "png3") == 0)
			ok = stbi_write_png(path, w, h, 3, rgb, w * 3);
		else if (strcmp(fmt, "jpg") == 0)
			ok = stbi_write_jpg(path, w, h, 3, rgb, 95);
		else if (strcmp(fmt, "bmp") == 0)
			ok = stbi_write_bmp(path, w, h, 3, rgb);
		else
			ok = write_pgm(path, w, h, px);
		if (!ok) {
			fprintf(stderr, "mkdataset: cannot write %s\n", path);
			return 1;
		}
		fprintf(list, "%s\n", path);
		free(path);
	}
	fclose(list);
	p = xasprintf("%s/labels.txt", dir);
	FILE *lf = fopen(p, "w");
	free(p);
	for (int i = 0; i < nnames && lf; i++)
		fprintf(lf, "%s\n", names[i]);
	if (lf)
		fclose(lf);
	p = xasprintf("%s/test.data", dir);
	FILE *df = fopen(p, "w");
	free(p);
	if (df) {
		fprintf(df, "classes=%d\nvalid=%s/valid.list\nlabels=%s/labels.txt\ntop=2\n", nnames, dir, dir);
		fclose(df);
	}
	free(rgb);
	free_lines(names, nnames);
	idx_images_free(&im);
	idx_labels_free(&lb);
	return 0;
}
