/* fuzz_idx.c - IDX image and label headers (the already-decompressed buffer).
 *
 * Both parsers see every input; the magic makes at most one accept it. */
#include "fuzz.h"
#include "formats/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf = fuzz_dup(data, size);
	char *cause = NULL;

	struct idx_images im;
	if (idx_parse_images(buf, size, &im, &cause) == 0) {
		size_t px = (size_t)im.count * im.rows * im.cols;
		FUZZ_CHECK(im.count > 0 && im.rows > 0 && im.cols > 0 && px == size - 16);
		FUZZ_CHECK(memcmp(im.pixels, buf + 16, px) == 0);
		idx_images_free(&im);
	} else {
		FUZZ_CHECK(cause != NULL && im.pixels == NULL);
		free(cause);
		cause = NULL;
	}

	struct idx_labels lb;
	if (idx_parse_labels(buf, size, &lb, &cause) == 0) {
		FUZZ_CHECK(lb.count > 0 && (size_t)lb.count == size - 8);
		FUZZ_CHECK(memcmp(lb.labels, buf + 8, (size_t)lb.count) == 0);
		idx_labels_free(&lb);
	} else {
		FUZZ_CHECK(cause != NULL && lb.labels == NULL);
		free(cause);
	}
	free(buf);
	return 0;
}
