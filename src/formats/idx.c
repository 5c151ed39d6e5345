/* idx.c - see idx.h */
#include "formats/idx.h"
#include "core/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define IDX_MAGIC_IMAGES 0x00000803u
#define IDX_MAGIC_LABELS 0x00000801u
/* Far above any MNIST-style set, small enough that a lying header cannot make us allocate wildly. */
#define IDX_MAX_BYTES ((size_t)1 << 31)

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A header of `size` bytes starting with `magic`; what: "image", "label". */
static int check_header(const unsigned char *buf, size_t len, size_t size, uint32_t want, const char *what,
    char **cause)
{
	if (len < size) {
		*cause = xasprintf("too short for an IDX %s header (%zu bytes)", what, len);
		return -1;
	}
	uint32_t magic = be32(buf);
	if (magic != want) {
		*cause = xasprintf("bad IDX %s magic 0x%08x (expected 0x%08x)", what, magic, want);
		return -1;
	}
	return 0;
}

int idx_parse_images(const unsigned char *buf, size_t len, struct idx_images *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (check_header(buf, len, 16, IDX_MAGIC_IMAGES, "image", cause) != 0)
		return -1;
	uint32_t n = be32(buf + 4), r = be32(buf + 8), c = be32(buf + 12);
	if (n == 0 || r == 0 || c == 0 || r > 4096 || c > 4096 || n > (1u << 30)) {
		*cause = xasprintf("implausible IDX image dimensions %u x %u x %u", n, r, c);
		return -1;
	}
	uint64_t want = (uint64_t)n * r * c;
	if (want != len - 16) {
		*cause = xasprintf("header says %u images of %ux%u (%llu bytes) but file holds %zu bytes of pixels",
		    n, r, c, (unsigned long long)want, len - 16);
		return -1;
	}
	out->count = (int)n;
	out->rows = (int)r;
	out->cols = (int)c;
	out->pixels = xmalloc((size_t)want);
	memcpy(out->pixels, buf + 16, (size_t)want);
	return 0;
}

int idx_parse_labels(const unsigned char *buf, size_t len, struct idx_labels *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (check_header(buf, len, 8, IDX_MAGIC_LABELS, "label", cause) != 0)
		return -1;
	uint32_t n = be32(buf + 4);
	if (n == 0) {	/* not "0 labels but file holds 0" */
		*cause = xasprintf("header says 0 labels: no labels to read%s", len > 8 ? " (the rest is ignored)" : "");
		return -1;
	}
	if ((uint64_t)n != len - 8) {
		*cause = xasprintf("header says %u labels but file holds %zu", n, len - 8);
		return -1;
	}
	out->count = (int)n;
	out->labels = xmalloc(n);
	memcpy(out->labels, buf + 8, n);
	return 0;
}

/* Reads exactly n bytes (fewer only at the end of the data); -1 on a zlib error. */
static long long gz_read_full(gzFile gz, unsigned char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		unsigned chunk = n - got > (1u << 30) ? 1u << 30 : (unsigned)(n - got);
		int r = gzread(gz, buf + got, chunk);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long long)got;
}

/* Bytes after the header that an IDX header implies, -1 when the header is
 * not one parse would accept (parse then says why), -2 above IDX_MAX_BYTES. */
static long long implied_body(const unsigned char *head, size_t len, int images)
{
	size_t hsize = images ? 16 : 8;
	if (len < hsize || be32(head) != (images ? IDX_MAGIC_IMAGES : IDX_MAGIC_LABELS))
		return -1;
	uint64_t n = be32(head + 4);
	if (!images)
		return n == 0 ? -1 : (long long)n;
	uint64_t r = be32(head + 8), c = be32(head + 12);
	if (n == 0 || r == 0 || c == 0 || r > 4096 || c > 4096 || n > (1u << 30))
		return -1;
	return n * r * c > IDX_MAX_BYTES ? -2 : (long long)(n * r * c);
}

/* Reads the file through zlib (which passes uncompressed files through
 * unchanged): the header first, then exactly the bytes it implies and one
 * more to see that nothing follows, so a lying header or a gzip bomb costs
 * no more than the header's own size.  The buffer handed to the parser is
 * what was read; its length tells the parser a file is short or has
 * trailing data. */
static unsigned char *read_maybe_gz(const char *path, int images, size_t *len, char **cause)
{
	int fd = file_open_regular(path, cause);
	if (fd < 0)
		return NULL;
	gzFile gz = gzdopen(fd, "rb");	/* owns fd from here */
	if (gz == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno ? errno : EIO));
		close(fd);
		return NULL;
	}
	unsigned char head[16];
	size_t hsize = images ? 16 : 8;
	long long got = gz_read_full(gz, head, hsize), body = -1, more = 0;
	unsigned char *buf = NULL;
	if (got < 0)
		goto corrupt;
	body = implied_body(head, (size_t)got, images);
	if (body == -2) {
		*cause = xasprintf("%s: header says %u images of %ux%u, more than %zu bytes", path,
		    be32(head + 4), be32(head + 8), be32(head + 12), IDX_MAX_BYTES);
		gzclose_r(gz);
		return NULL;
	}
	if (body < 0) {		/* the parser explains the header */
		buf = xmalloc((size_t)got);
		memcpy(buf, head, (size_t)got);
		*len = (size_t)got;
		gzclose_r(gz);
		return buf;
	}
	buf = xmalloc(hsize + (size_t)body + 1);
	memcpy(buf, head, hsize);
	more = gz_read_full(gz, buf + hsize, (size_t)body + 1);
	if (more < 0)
		goto corrupt;
	if (more <= body) {
		/* zlib reports a truncated gzip stream only through gzclose_r / gzerror */
		int zerr = Z_OK;
		gzerror(gz, &zerr);
		if (gzclose_r(gz) != Z_OK || (zerr != Z_OK && zerr != Z_STREAM_END)) {
			*cause = xasprintf("%s: truncated or corrupt compressed data", path);
			free(buf);
			return NULL;
		}
	} else {
		/* not read further: that is where a gzip bomb would be inflated */
		*cause = xasprintf("%s: data after the %lld bytes its header implies", path,
		    (long long)hsize + body);
		gzclose_r(gz);
		free(buf);
		return NULL;
	}
	*len = hsize + (size_t)more;
	return buf;
corrupt:;
	int zerr;
	*cause = xasprintf("%s: corrupt compressed data (%s)", path, gzerror(gz, &zerr));
	gzclose_r(gz);
	free(buf);
	return NULL;
}

/* Reads path and parses it as images or labels; parse errors name the file. */
static int load(const char *path, struct idx_images *images, struct idx_labels *labels, char **cause)
{
	size_t len;
	unsigned char *buf = read_maybe_gz(path, images != NULL, &len, cause);
	if (buf == NULL)
		return -1;
	int rc = images ? idx_parse_images(buf, len, images, cause) : idx_parse_labels(buf, len, labels, cause);
	free(buf);
	if (rc != 0) {
		char *m = xasprintf("%s: %s", path, *cause);
		free(*cause);
		*cause = m;
	}
	return rc;
}

int idx_load_images(const char *path, struct idx_images *out, char **cause)
{
	memset(out, 0, sizeof *out);
	return load(path, out, NULL, cause);
}

int idx_load_labels(const char *path, struct idx_labels *out, char **cause)
{
	memset(out, 0, sizeof *out);
	return load(path, NULL, out, cause);
}

void idx_images_free(struct idx_images *im)
{
	free(im->pixels);
	memset(im, 0, sizeof *im);
}

void idx_labels_free(struct idx_labels *lb)
{
	free(lb->labels);
	memset(lb, 0, sizeof *lb);
}
