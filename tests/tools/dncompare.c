/* dncompare.c - test helper: for each image file, the floats Darknet's
 * `classifier valid` hands its network against the ones safer does.
 *
 *   dncompare NET_W NET_H FILE...
 *
 * Darknet (Debian's libdarknet, linked here): load_image_color(path, 0, 0),
 * which goes through OpenCV's imread, then center_crop_image to the network
 * size (examples/classifier.c, validate_classifier_single, at 61c9d02e).
 * safer: image_load_chw (formats/image.c) then backend_resize_crop.  One line
 * per file:
 *
 *   FILE decoded WxH|safer-WxH|darknet-WxH same|N-differ input same|N-differ
 *
 * and exit status 1 when anything differs.  Run it in a scratch directory: on
 * a file OpenCV cannot read, Darknet appends the name to ./bad.list. */
#include <darknet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend/backend.h"
#include "formats/image.h"

/* values that differ (bit for bit: NaN never appears here) and the largest gap */
static long count_diff(const float *a, const float *b, size_t n, float *max)
{
	long d = 0;
	*max = 0;
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i]) {
			d++;
			if (fabsf(a[i] - b[i]) > *max)
				*max = fabsf(a[i] - b[i]);
		}
	return d;
}

static int compare_file(char *path, int nw, int nh)
{
	int w, h;
	char *cause = NULL;
	float *ours = image_load_chw(path, &w, &h, &cause);
	image dn = load_image_color(path, 0, 0);
	int bad = 0;
	printf("%s", path);
	if (ours == NULL) {
		printf(" safer-refuses darknet-%dx%d (%s)\n", dn.w, dn.h, cause);
		free(cause);
		free_image(dn);
		return 1;
	}
	float max;
	if (dn.w != w || dn.h != h || dn.c != 3) {
		printf(" decoded safer-%dx%d darknet-%dx%dx%d", w, h, dn.w, dn.h, dn.c);
		bad = 1;
	} else {
		long d = count_diff(ours, dn.data, (size_t)w * h * 3, &max);
		printf(" decoded %dx%d %s", w, h, d ? "differ" : "same");
		if (d) {
			printf("(%ld,max=%g)", d, max);
			bad = 1;
		}
	}
	float *in = malloc((size_t)nw * nh * 3 * sizeof *in);
	backend_resize_crop(ours, w, h, nw, nh, in);
	image crop = center_crop_image(dn, nw, nh);
	long d = count_diff(in, crop.data, (size_t)nw * nh * 3, &max);
	printf(" input %s", d ? "differ" : "same");
	if (d) {
		printf("(%ld,max=%g)", d, max);
		bad = 1;
	}
	printf("\n");
	free(in);
	free(ours);
	free_image(crop);
	free_image(dn);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: dncompare NET_W NET_H FILE...\n");
		return 2;
	}
	int nw = atoi(argv[1]), nh = atoi(argv[2]), bad = 0;
	if (nw <= 0 || nh <= 0) {
		fprintf(stderr, "dncompare: bad network size\n");
		return 2;
	}
	for (int i = 3; i < argc; i++)
		bad |= compare_file(argv[i], nw, nh);
	return bad;
}
