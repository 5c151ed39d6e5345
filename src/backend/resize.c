/* resize.c - Darknet's image pipeline of `classifier valid`, for data sets of
 * images whose size is not the network's (engine/setup.c hands it to the
 * data set reader).
 *
 * Debian's darknet 61c9d02e (examples/classifier.c, validate_classifier_single)
 * runs center_crop_image: the centred square of side min(w, h), then
 * resize_image to the network's width and height.  Not resize_min and a crop
 * (what `classifier train` augmentation and older versions do): measured on
 * Debian's photographs by tests/cli/jpeg_darknet.sh, whose predictions agree
 * only with this (its integer size rounding moves the bilinear sample points:
 * 1920x1080 to 32x32 differs by up to 0.25; tests/cli/resize_darknet.sh). */
#include "backend/internal.h"

#include <string.h>

/* Runs one of Darknet's image-to-network-size functions on safer's planes. */
static void darknet_resize(image (*fn)(image, int, int), const float *chw, int w, int h, int net_w, int net_h,
    float *out)
{
	image im = make_image(w, h, 3);
	memcpy(im.data, chw, (size_t)w * h * 3 * sizeof(float));
	image sized = fn(im, net_w, net_h);
	memcpy(out, sized.data, (size_t)net_w * net_h * 3 * sizeof(float));
	free_image(im);
	free_image(sized);
}

void backend_resize_crop(const float *chw, int w, int h, int net_w, int net_h, float *out)
{
	darknet_resize(center_crop_image, chw, w, h, net_w, net_h, out);
}

/* `detector valid` loads with LETTERBOX_DATA: letterbox_image keeps the
 * aspect ratio, resizes to fit and centres the result on grey (0.5). */
void backend_letterbox(const float *chw, int w, int h, int net_w, int net_h, float *out)
{
	darknet_resize(letterbox_image, chw, w, h, net_w, net_h, out);
}
