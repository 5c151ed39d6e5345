/* image.c - image decoding through Debian's stb_image (libstb).
 *
 * Why stb and why this link order: libdarknet.so embeds an old stb_image and
 * exports the same stbi_* names.  safer links Debian's libstb.a ahead of
 * -ldarknet, so every stbi_* call in the process - ours, and Darknet's own
 * (the executable's definitions interpose the library's) - uses the one
 * maintained copy that gets Debian's security fixes.  Darknet's image loader
 * in Debian's build goes through OpenCV instead (cv::imread); the test
 * tests/unit/test_image.c compares our floats with load_image_color's. */
#include "image.h"
#include "util.h"

#include <stb_image.h>
#include <stdlib.h>

#define IMAGE_MAX_FILE ((size_t)256 << 20)
#define IMAGE_MAX_SIDE 16384

float *image_decode_chw(const char *name, const unsigned char *buf, size_t len, int *w, int *h, char **cause)
{
	int x, y, n;
	if (len == 0) {
		*cause = xasprintf("%s: empty file", name);
		return NULL;
	}
	if (len > (size_t)INT32_MAX || !stbi_info_from_memory(buf, (int)len, &x, &y, &n)) {
		*cause = xasprintf("%s: not a decodable image (%s)", name, stbi_failure_reason());
		return NULL;
	}
	if (x <= 0 || y <= 0 || x > IMAGE_MAX_SIDE || y > IMAGE_MAX_SIDE) {
		*cause = xasprintf("%s: image size %dx%d out of range", name, x, y);
		return NULL;
	}
	unsigned char *px = stbi_load_from_memory(buf, (int)len, &x, &y, &n, 3);
	if (px == NULL) {
		*cause = xasprintf("%s: corrupt image (%s)", name, stbi_failure_reason());
		return NULL;
	}
	size_t plane = (size_t)x * y;
	float *out = xmalloc(plane * 3 * sizeof *out);
	/* interleaved RGB bytes -> planar floats, the order Darknet's image struct uses */
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < plane; i++)
			out[k * plane + i] = (float)(px[i * 3 + k] / 255.);	/* in double, as Darknet does */
	stbi_image_free(px);
	*w = x;
	*h = y;
	return out;
}

float *image_load_chw(const char *path, int *w, int *h, char **cause)
{
	size_t len;
	char *buf = file_read_all(path, IMAGE_MAX_FILE, &len, cause);
	if (buf == NULL)
		return NULL;
	float *out = image_decode_chw(path, (unsigned char *)buf, len, w, h, cause);
	free(buf);
	return out;
}
