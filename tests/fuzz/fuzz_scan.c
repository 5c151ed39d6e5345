/* fuzz_scan.c - scan and rank result files as --resume, compare and budget
 * read them, and their writers.
 *
 * The first byte picks the format (odd: JSON), the rest is the file, read
 * both as a scan file and as a rank file.  A file that parses is written
 * back, the write read again and written a second time: the two writes must
 * be byte-identical (reals are printed with fixed precision, so the parsed
 * values of a first read may differ in their last bits from the file's; the
 * writes may not), and the second read must keep the header's strings and the
 * row count. */
#define _GNU_SOURCE	/* open_memstream */
#include "fuzz.h"
#include "formats/rank_file.h"
#include "formats/scan_file.h"

#include <math.h>

/* The bytes a writer puts in a file, as a heap string of *len bytes. */
static char *scan_write(const struct scan_file *f, size_t *len)
{
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);
	FUZZ_CHECK(out != NULL);
	scan_file_dump(out, f);
	FUZZ_CHECK(fclose(out) == 0);
	return buf;
}

static char *rank_write(const struct rank_file *f, int json, size_t *len)
{
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);
	FUZZ_CHECK(out != NULL);
	rank_file_dump(out, f, json);
	FUZZ_CHECK(fclose(out) == 0);
	return buf;
}

/* A parse that must succeed: the cause is printed before the abort. */
#define FUZZ_PARSED(rc, cause) do { \
	if ((rc) != 0) \
		fprintf(stderr, "written file does not read back: %s\n", (cause) ? (cause) : "?"); \
	FUZZ_CHECK((rc) == 0); \
} while (0)

static void same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen || memcmp(a, b, alen) != 0)
		fprintf(stderr, "first write:\n%.*s\nsecond write:\n%.*s\n", (int)alen, a, (int)blen, b);
	FUZZ_CHECK(alen == blen && memcmp(a, b, alen) == 0);
}

static void scan_round_trip(const struct scan_file *f)
{
	size_t len1, len2;
	char *w1 = scan_write(f, &len1), *cause = NULL;
	struct scan_file g;
	int rc = scan_file_parse("fuzz.scan", w1, len1, f->json, &g, &cause);
	FUZZ_PARSED(rc, cause);
	const struct scan_header *a = &f->header, *b = &g.header;
	FUZZ_CHECK(g.n == f->n && strcmp(a->cfg, b->cfg) == 0 && strcmp(a->weights, b->weights) == 0 &&
	    strcmp(a->data, b->data) == 0 && strcmp(a->version, b->version) == 0 &&
	    strcmp(a->weights_checksum, b->weights_checksum) == 0 &&
	    strcmp(a->data_checksum, b->data_checksum) == 0 && a->seed == b->seed &&
	    a->trials == b->trials && a->images == b->images);
	char *w2 = scan_write(&g, &len2);
	same_bytes(w1, len1, w2, len2);
	free(w1);
	free(w2);
	scan_file_free(&g);
}

static void rank_round_trip(const struct rank_file *f, int json)
{
	size_t len1, len2;
	char *w1 = rank_write(f, json, &len1), *cause = NULL;
	struct rank_file g;
	int rc = rank_file_parse("fuzz.rank", w1, len1, json, &g, &cause);
	FUZZ_PARSED(rc, cause);
	FUZZ_CHECK(strcmp(f->header.cfg, g.header.cfg) == 0 && strcmp(f->header.weights, g.header.weights) == 0 &&
	    strcmp(f->header.data, g.header.data) == 0 && f->header.seed == g.header.seed);
	char *w2 = rank_write(&g, json, &len2);
	same_bytes(w1, len1, w2, len2);
	free(w1);
	free(w2);
	rank_file_free(&g);
}

static void fuzz_scan_file(const char *text, size_t len, int json)
{
	struct scan_file f;
	char *cause = NULL;
	if (scan_file_parse("fuzz.scan", text, len, json, &f, &cause) != 0) {
		FUZZ_CHECK(cause != NULL);
		free(cause);
		return;
	}
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
		scan_print_row(out, r, i == 0, 0);
	}
	fclose(out);
	free(table);
	/* resume copies the header of the file it continues */
	struct scan_header copy;
	scan_header_copy(&copy, h);
	scan_header_free(&copy);
	scan_round_trip(&f);
	/* the ranks a finished scan adds, and the ranking its table ends with */
	if (f.n <= 64) {
		scan_file_rank(&f);
		out = open_memstream(&table, &tlen);
		FUZZ_CHECK(out != NULL);
		scan_print_ranking(out, &f, 80);
		fclose(out);
		free(table);
		scan_round_trip(&f);
	}
	scan_file_free(&f);
}

static void fuzz_rank_file(const char *text, size_t len, int json)
{
	struct rank_file f;
	char *cause = NULL;
	if (rank_file_parse("fuzz.rank", text, len, json, &f, &cause) != 0) {
		FUZZ_CHECK(cause != NULL);
		free(cause);
		return;
	}
	FUZZ_CHECK(cause == NULL);
	char *table = NULL;
	size_t tlen = 0;
	FILE *out = open_memstream(&table, &tlen);	/* the table rank and compare print */
	FUZZ_CHECK(out != NULL);
	rank_print_table(out, &f, 0);
	fclose(out);
	free(table);
	rank_round_trip(&f, json);
	rank_file_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int json = data[0] & 1;
	const char *text = (const char *)fuzz_dup(data + 1, size - 1);	/* not NUL-terminated */
	fuzz_scan_file(text, size - 1, json);
	fuzz_rank_file(text, size - 1, json);
	free((void *)text);
	return 0;
}
