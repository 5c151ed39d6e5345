/* fuzz_weights.c - weights_check_header on fuzzed header bytes, file size and
 * parameter count.
 *
 * Input: 8 bytes size (LE), 8 bytes float count (LE), then the file's first
 * bytes.  The head buffer holds exactly min(size, WEIGHTS_HEAD_BYTES) bytes,
 * as the contract says, so ASan flags any read beyond it. */
#include "fuzz.h"
#include "formats/weights_check.h"

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t num[16] = { 0 };
	memcpy(num, data, size < 16 ? size : 16);
	size_t fsize = (size_t)le64(num), floats = (size_t)le64(num + 8);
	const uint8_t *rest = data + (size < 16 ? size : 16);
	size_t nrest = size < 16 ? 0 : size - 16;

	size_t hn = fsize < WEIGHTS_HEAD_BYTES ? fsize : WEIGHTS_HEAD_BYTES;
	unsigned char *head = malloc(hn ? hn : 1);
	if (head == NULL)
		abort();
	memset(head, 0, hn);
	memcpy(head, rest, nrest < hn ? nrest : hn);

	char *cause = NULL;
	if (weights_check_header("fuzz.weights", head, fsize, floats, "fuzz.cfg", &cause) == 0) {
		/* accepted: a Darknet header and exactly the floats the cfg reads */
		FUZZ_CHECK(cause == NULL && fsize >= 16);
		int32_t major, minor;
		memcpy(&major, head, 4);
		memcpy(&minor, head + 4, 4);
		size_t seen = major * 10 + minor >= 2 ? 8 : 4;
		FUZZ_CHECK(floats <= (SIZE_MAX - 12 - seen) / 4 && fsize == 12 + seen + floats * 4);
	} else {
		FUZZ_CHECK(cause != NULL);
		free(cause);
	}
	free(head);
	return 0;
}
