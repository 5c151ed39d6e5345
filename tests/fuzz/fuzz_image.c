/* fuzz_image.c - image_decode_chw on arbitrary bytes: JPEG (formats/jpeg.c and
 * libjpeg-turbo, EXIF orientation included) and stb_image's formats. */
#include "fuzz.h"
#include "formats/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *buf = fuzz_dup(data, size);
	int w = -1, h = -1;
	char *cause = NULL;
	float *px = image_decode_chw("fuzz.img", buf, size, &w, &h, &cause);
	if (px != NULL) {
		FUZZ_CHECK(cause == NULL && w > 0 && h > 0 && w <= 16384 && h <= 16384);
		size_t n = (size_t)w * (size_t)h * 3;
		/* bytes / 255: always in [0, 1]; reading all also shows uninitialised pixels to MSan/valgrind */
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(px[i] >= 0 && px[i] <= 1);
		free(px);
	} else {
		FUZZ_CHECK(cause != NULL);
		free(cause);
	}
	free((void *)buf);
	return 0;
}
