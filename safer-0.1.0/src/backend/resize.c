/* resize.c - Darknet's image pipeline of `classifier valid`, for data sets of
 * images whose size is not the network's (engine/setup.c hands it to the
 * data set reader). */
#include "backend/internal.h"

#include <string.h>

void backend_resize_crop(const float *chw, int w, int h, int net_w, int net_h, float *out)
{
	image im = make_image(w, h, 3);
	memcpy(im.data, chw, (size_t)w * h * 3 * sizeof(float));
	image resized = resize_min(im, net_w);
	image crop = crop_image(resized, (resized.w - net_w) / 2, (resized.h - net_h) / 2, net_w, net_h);
	memcpy(out, crop.data, (size_t)net_w * net_h * 3 * sizeof(float));
	if (resized.data != im.data)
		free_image(resized);
	free_image(im);
	free_image(crop);
}
