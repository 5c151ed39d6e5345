/* fuzz_scan.c - scan result files as --resume and compare read them.
 *
 * The first byte picks the format (odd: JSON), the rest is the file. */
#define _GNU_SOURCE	/* open_memstream */
#include "fuzz.h"
#include "formats/scan_file.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int json = data[0] & 1;
	const char *text = (const char *)fuzz_dup(data + 1, size - 1);	/* not NUL-terminated */
	struct scan_file f;
	char *cause = NULL;
	if (scan_file_parse("fuzz.scan", text, size - 1, json, &f, &cause) == 0) {
		FUZZ_CHECK(cause == NULL && f.json == json && f.n >= 0 && f.n <= f.cap);
		const struct scan_header *h = &f.header;
		FUZZ_CHECK(h->cfg && h->weights && h->weights_checksum && h->data &&
		    h->data_checksum && h->version);
		char *table = NULL;
		size_t tlen = 0;
		FILE *out = open_memstream(&table, &tlen);	/* the table compare prints */
		FUZZ_CHECK(out != NULL);
		for (int i = 0; i < f.n; i++) {
			const struct scan_row *r = &f.rows[i];
			FUZZ_CHECK((unsigned)r->kind < PERTURB_KIND_COUNT && r->layer >= 0 && r->trial >= 0);
			FUZZ_CHECK(memchr(r->layer_kind, '\0', sizeof r->layer_kind) != NULL);
			/* NaN levels (JSON null) are accepted and match nothing */
			FUZZ_CHECK(isnan(r->level) || scan_row_same_key(r, r));
			scan_print_row(out, r, i == 0);
		}
		fclose(out);
		free(table);
		/* resume copies the header of the file it continues */
		struct scan_header copy;
		scan_header_copy(&copy, h);
		scan_header_free(&copy);
		scan_file_free(&f);
	} else {
		FUZZ_CHECK(cause != NULL);
		free(cause);
	}
	free((void *)text);
	return 0;
}
