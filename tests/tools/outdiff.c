/* outdiff.c - test helper: two networks' outputs on the same images, with
 * stock Darknet's forward (network_predict), for `export --compact`.
 *
 *   outdiff CFG_A WEIGHTS_A CFG_B WEIGHTS_B DATA [detector]
 *
 * Every image of DATA (a .data file; `detector`: letterboxed, as detector
 * valid feeds it) goes through both; compared are the outputs of every
 * [yolo]/[region] head, or the network's output.  Prints
 *
 *   images N compared V largest |a-b|/max(1,|a|) D top1-differ K
 *
 * (top-1 differ: images whose largest output differs, classifiers only). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "core/model.h"
#include "formats/dataset.h"

static int argmax(const float *x, size_t n)
{
	size_t best = 0;
	for (size_t i = 1; i < n; i++)
		if (x[i] > x[best])
			best = i;
	return (int)best;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: outdiff CFG_A WEIGHTS_A CFG_B WEIGHTS_B DATA [detector]\n");
		return 2;
	}
	int det = argc > 6 && strcmp(argv[6], "detector") == 0;
	char *cause = NULL;
	struct backend_net *a = backend_load(argv[1], argv[2], 1, &cause);
	struct backend_net *b = a ? backend_load(argv[3], argv[4], 1, &cause) : NULL;
	if (b == NULL) {
		fprintf(stderr, "outdiff: %s\n", cause);
		return 2;
	}
	const struct model *ma = backend_model(a), *mb = backend_model(b);
	struct dataset d;
	struct dataset_options opt = { .resize = det ? backend_letterbox : backend_resize_crop, .detection = det,
		.unlabeled = det };
	if (dataset_load_data(argv[5], ma->input, &opt, &d, &cause) != 0) {
		fprintf(stderr, "outdiff: %s\n", cause);
		return 2;
	}
	float *x = malloc(d.image_size * sizeof *x);
	double worst = 0;
	long values = 0, top1 = 0;
	for (int i = 0; i < d.count; i++) {
		if (dataset_fetch(&d, i, 1, x, &cause) != 0) {
			fprintf(stderr, "outdiff: %s\n", cause);
			return 2;
		}
		backend_predict_stock(a, x);
		backend_predict_stock(b, x);
		for (int l = 0; l < ma->n; l++) {
			int head = ma->layers[l].kind == LAYER_YOLO || ma->layers[l].kind == LAYER_REGION;
			if (!(head || (!ma->detector && l == ma->n - 1)))
				continue;
			size_t n = backend_layer_size(a, l);
			if (n != backend_layer_size(b, l) || mb->layers[l].kind != ma->layers[l].kind) {
				fprintf(stderr, "outdiff: layer %d differs in shape\n", l);
				return 1;
			}
			const float *pa = backend_layer_output(a, l), *pb = backend_layer_output(b, l);
			for (size_t j = 0; j < n; j++) {
				double e = fabs((double)pa[j] - pb[j]) / fmax(1.0, fabs((double)pa[j]));
				if (!(e <= worst))
					worst = isnan(e) ? INFINITY : e;
			}
			values += (long)n;
			if (!ma->detector)
				top1 += argmax(pa, n) != argmax(pb, n);
		}
	}
	printf("images %d compared %ld largest %.3g top1-differ %ld\n", d.count, values, worst, top1);
	free(x);
	dataset_free(&d);
	backend_free(a);
	backend_free(b);
	return 0;
}
