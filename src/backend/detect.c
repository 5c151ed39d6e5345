/* detect.c - a detector's boxes as `darknet detector valid` computes them
 * (examples/detector.c validate_detector): get_network_boxes with hier .5,
 * no class map, boxes in pixels of the original image (relative 0), then
 * do_nms_sort over the last layer's classes, then one entry per box and
 * class with a nonzero probability, the box clamped to the image as
 * print_detector_detections writes it.
 *
 * Darknet reads the detection layers' outputs of the batch's first image
 * only, and averages two images as a flipped pair when the batch is 2.  So
 * each image is decoded from a view of the network whose detection layers
 * are copies with batch 1 and their output moved to that image. */
#include "backend/internal.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static int is_head(const layer *l)
{
	return l->type == YOLO || l->type == REGION || l->type == DETECTION;
}

int backend_is_detector(const struct backend_net *bn)
{
	for (int i = 0; i < bn->dn->n; i++)
		if (is_head(&bn->dn->layers[i]))
			return 1;
	return 0;
}

int backend_det_classes(const struct backend_net *bn)
{
	return bn->dn->layers[bn->dn->n - 1].classes;
}

/* Darknet's print_detector_detections: 1-based corners, clamped. */
static struct det_box printed_box(box b, int w, int h)
{
	float xmin = b.x - b.w / 2. + 1, xmax = b.x + b.w / 2. + 1;
	float ymin = b.y - b.h / 2. + 1, ymax = b.y + b.h / 2. + 1;
	if (xmin < 1)
		xmin = 1;
	if (ymin < 1)
		ymin = 1;
	if (xmax > w)
		xmax = (float)w;
	if (ymax > h)
		ymax = (float)h;
	/* back to a 0-based centre and size */
	return (struct det_box){ (xmin + xmax) / 2 - 1, (ymin + ymax) / 2 - 1, xmax - xmin, ymax - ymin };
}

int backend_detections(struct backend_net *bn, int i, int w, int h, float thresh, float nms,
    struct det_pred **out, int *n, int *cap)
{
	network *dn = bn->dn;
	if (bn->det_view == NULL) {	/* the other layers' copies are never read */
		bn->det_view = xmalloc((size_t)dn->n * sizeof *bn->det_view);
		memcpy(bn->det_view, dn->layers, (size_t)dn->n * sizeof *bn->det_view);
	}
	network view = *dn;
	view.layers = bn->det_view;
	for (int j = 0; j < dn->n; j++)
		if (is_head(&dn->layers[j])) {
			layer *l = &view.layers[j];
			*l = dn->layers[j];
			l->output += (size_t)i * l->outputs;
			l->batch = 1;
		}
	int nboxes = 0, classes = dn->layers[dn->n - 1].classes;
	detection *dets = get_network_boxes(&view, w, h, thresh, .5, NULL, 0, &nboxes);
	if (nms > 0)
		do_nms_sort(dets, nboxes, classes, nms);
	for (int k = 0; k < nboxes; k++) {
		struct det_box b = printed_box(dets[k].bbox, w, h);
		for (int c = 0; c < classes; c++) {
			if (dets[k].prob[c] == 0)
				continue;
			if (*n == *cap) {
				*cap = *cap ? 2 * *cap : 256;
				*out = xreallocarray(*out, (size_t)*cap, sizeof **out);
			}
			(*out)[(*n)++] = (struct det_pred){ b, c, dets[k].prob[c] };
		}
	}
	free_detections(dets, nboxes);
	return 0;
}
