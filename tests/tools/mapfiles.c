/* mapfiles.c - test helper: the mAP of the boxes in Darknet's results files.
 *
 *   mapfiles NAMES VALID_LIST RESULTS_DIR [voc]
 *
 * Reads RESULTS_DIR/comp4_det_test_<name>.txt for each class name (what
 * `darknet detector valid` writes: `id prob xmin ymin xmax ymax`, 1-based
 * corners), the ground truth of each listed image found as Darknet finds
 * it, each image's size from its file, and prints
 *
 *   map50 X map5095 Y images N boxes B
 *
 * computed by safer's core/detmap, so a test can hold safer eval's figure
 * against the one Darknet's own boxes give. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/detmap.h"
#include "formats/dataset.h"
#include "formats/detlabels.h"
#include "formats/image.h"

struct entry {
	char *id;
	int index;
};

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->id, ((const struct entry *)b)->id);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: mapfiles NAMES VALID_LIST RESULTS_DIR [voc]\n");
		return 2;
	}
	char *cause = NULL;
	int classes, n;
	char **names = read_lines(argv[1], &classes, &cause);
	char **paths = names ? read_lines(argv[2], &n, &cause) : NULL;
	if (paths == NULL) {
		fprintf(stderr, "mapfiles: %s\n", cause);
		return 2;
	}
	struct entry *ids = calloc((size_t)n, sizeof *ids);
	struct det_truth **truth = calloc((size_t)n, sizeof *truth);
	int *ntruth = calloc((size_t)n, sizeof *ntruth), *w = calloc((size_t)n, sizeof *w), *h = calloc((size_t)n, sizeof *h);
	struct det_pred **pred = calloc((size_t)n, sizeof *pred);
	int *npred = calloc((size_t)n, sizeof *npred), *cap = calloc((size_t)n, sizeof *cap);
	for (int i = 0; i < n; i++) {
		float *chw = image_load_chw(paths[i], &w[i], &h[i], &cause);
		char *lp = detlabels_path(paths[i]);
		if (chw == NULL || detlabels_read(lp, classes, &truth[i], &ntruth[i], &cause) != 0) {
			fprintf(stderr, "mapfiles: %s\n", cause);
			return 2;
		}
		free(chw);
		free(lp);
		for (int k = 0; k < ntruth[i]; k++) {
			truth[i][k].b.x *= (float)w[i];
			truth[i][k].b.w *= (float)w[i];
			truth[i][k].b.y *= (float)h[i];
			truth[i][k].b.h *= (float)h[i];
		}
		ids[i] = (struct entry){ detlabels_image_id(paths[i]), i };
	}
	qsort(ids, (size_t)n, sizeof *ids, by_id);
	long boxes = 0;
	for (int c = 0; c < classes; c++) {
		char file[4096], id[1024];
		snprintf(file, sizeof file, "%s/comp4_det_test_%s.txt", argv[3], names[c]);
		FILE *f = fopen(file, "r");
		if (f == NULL) {
			perror(file);
			return 2;
		}
		float p, x0, y0, x1, y1;
		while (fscanf(f, "%1023s %f %f %f %f %f", id, &p, &x0, &y0, &x1, &y1) == 6) {
			struct entry key = { id, 0 }, *e = bsearch(&key, ids, (size_t)n, sizeof *ids, by_id);
			if (e == NULL) {
				fprintf(stderr, "mapfiles: %s: unknown image %s\n", file, id);
				return 2;
			}
			int i = e->index;
			if (npred[i] == cap[i]) {
				cap[i] = cap[i] ? 2 * cap[i] : 64;
				pred[i] = realloc(pred[i], (size_t)cap[i] * sizeof *pred[i]);
			}
			pred[i][npred[i]++] = (struct det_pred){ { (x0 + x1) / 2 - 1, (y0 + y1) / 2 - 1, x1 - x0, y1 - y0 }, c, p };
			boxes++;
		}
		fclose(f);
	}
	struct det_set *s = det_set_new(classes, n);
	for (int i = 0; i < n; i++)
		det_set_put(s, i, pred[i], npred[i], truth[i], ntruth[i]);
	struct det_map m;
	det_set_map(s, argc > 4 && strcmp(argv[4], "voc") == 0 ? DET_VOC_ALL : DET_COCO101, NULL, &m);
	printf("map50 %.9f map5095 %.9f images %d boxes %ld\n", m.map50, m.map5095, n, boxes);
	det_map_free(&m);
	det_set_free(s);
	for (int i = 0; i < n; i++) {
		free(ids[i].id);
		free(truth[i]);
		free(pred[i]);
	}
	free(ids);
	free(truth);
	free(pred);
	free(ntruth);
	free(npred);
	free(cap);
	free(w);
	free(h);
	free_lines(names, classes);
	free_lines(paths, n);
	return 0;
}
