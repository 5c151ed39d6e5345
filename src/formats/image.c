/* image.c - image decoding: JPEG through libjpeg-turbo as OpenCV does it
 * (formats/jpeg.c), the other formats through Debian's stb_image (libstb).
 *
 * Why stb and why this link order: libdarknet.so embeds an old stb_image and
 * exports the same stbi_* names.  safer links Debian's libstb.a ahead of
 * -ldarknet, so every stbi_* call in the process - ours, and Darknet's own
 * (the executable's definitions interpose the library's) - uses the one
 * maintained copy that gets Debian's security fixes.  Darknet's image loader
 * in Debian's build goes through OpenCV instead (cv::imread); the test
 * tests/unit/test_image.c compares our floats with load_image_color's, for
 * stb's formats (where stb and OpenCV agree: PNG, PGM/PPM, BMP) and JPEG. */
#include "formats/image.h"
#include "formats/jpeg.h"
#include "core/util.h"

#include <limits.h>
#include <stb_image.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IMAGE_MAX_FILE ((size_t)256 << 20)
#define IMAGE_MAX_SIDE 16384
#define IMAGE_MAX_PIXELS ((size_t)1 << 26)

/* ---- guards for known faults of Debian's stb_image 2.27 ----------------------
 * Found by tests/fuzz/fuzz_image.c; each refuses (or tidies) input that would
 * make stb write out of bounds, read uninitialised memory or allocate wildly.
 * (stb's JPEG faults no longer matter: stb is never given a JPEG.) */

static uint32_t be32u(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* stb 2.27 reads a PNM header's numbers into an int without an overflow
 * check (undefined behaviour; 2.28 checks).  Walk the header as its
 * pnm_info does - blanks, '#' comments to the end of the line, digits, with
 * 0 read past the end - and refuse a number over INT_MAX. */
struct cursor {
	const unsigned char *b;
	size_t len, i;
	int c;
};

static int cursor_eof(const struct cursor *r)
{
	return r->i >= r->len;
}

static void cursor_next(struct cursor *r)
{
	r->c = r->i < r->len ? r->b[r->i++] : 0;
}

static int pnm_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int pnm_numbers_fit(const unsigned char *b, size_t len)
{
	if (len < 2 || b[0] != 'P' || (b[1] != '5' && b[1] != '6'))
		return 1;
	struct cursor r = { b, len, 2, 0 };
	cursor_next(&r);
	for (int k = 0; k < 3; k++) {	/* width, height, maximum value */
		for (;;) {
			while (!cursor_eof(&r) && pnm_blank(r.c))
				cursor_next(&r);
			if (cursor_eof(&r) || r.c != '#')
				break;
			while (!cursor_eof(&r) && r.c != '\n' && r.c != '\r')
				cursor_next(&r);
		}
		long long v = 0;
		while (!cursor_eof(&r) && r.c >= '0' && r.c <= '9') {
			v = v * 10 + (r.c - '0');
			if (v > INT_MAX)
				return 0;
			cursor_next(&r);
		}
	}
	return 1;
}

/* Raw formats (binary PNM, uncompressed TGA and BMP) are not checked by stb for
 * holding their pixels: a 19-byte file can claim 16384x16384.  Require the
 * bytes to be there. */
static int raw_data_present(const unsigned char *b, size_t len, int w, int h, int n)
{
	uint64_t px = (uint64_t)w * (uint64_t)h;
	if (len >= 2 && b[0] == 'P' && (b[1] == '5' || b[1] == '6'))
		return (uint64_t)len >= px * (uint64_t)n;
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G' };
	int known = (len >= 4 && memcmp(b, png, 4) == 0) || (len >= 2 && b[0] == 0xff && b[1] == 0xd8) ||
	    (len >= 3 && memcmp(b, "GIF", 3) == 0) || (len >= 2 && memcmp(b, "BM", 2) == 0) ||
	    (len >= 4 && memcmp(b, "8BPS", 4) == 0) || (len >= 2 && memcmp(b, "#?", 2) == 0) ||
	    (len >= 2 && b[0] == 'P' && (b[1] == '5' || b[1] == '6'));	/* stb's PNM: P5, P6 */
	/* uncompressed BMP (BI_RGB, BI_BITFIELDS): its rows, padded to 4 bytes */
	if (len >= 34 && memcmp(b, "BM", 2) == 0 && (b[30] == 0 || b[30] == 3) && !b[31] && !b[32] && !b[33]) {
		uint64_t bpp = (uint64_t)b[28] | (uint64_t)b[29] << 8;
		return (uint64_t)len >= ((uint64_t)w * bpp + 31) / 32 * 4 * (uint64_t)h;
	}
	/* TGA, uncompressed (types 1-3) or RLE (9-11): stb reads zeros past the end,
	 * so a file shorter than its 18-byte header holds no pixel at all */
	int tga = !known && len >= 3 && ((b[2] >= 1 && b[2] <= 3) || (b[2] >= 9 && b[2] <= 11));
	if (tga && len < 18)
		return 0;
	if (tga && b[2] <= 3)
		return (uint64_t)len >= 18 + px * (uint64_t)((b[16] + 7) / 8);
	/* RLE TGA: a packet (a byte and one pixel) gives at most 128 pixels; stb
	 * decodes a short file pixel by pixel from zeros (seconds for 40 Mpx) */
	if (tga)
		return (uint64_t)len >= 18 + (px + 127) / 128 * (uint64_t)(1 + (b[16] + 7) / 8);
	return 1;
}

/* stb grows its IDAT buffer to a chunk's declared length before reading it:
 * a 100-byte file declaring a 2 GB IDAT costs 2 GB, then fails for want of
 * data.  Find such a chunk (before IEND, where stb stops) first. */
static int png_idat_overruns(const unsigned char *b, size_t len)
{
	static const unsigned char sig[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
	if (len < 8 || memcmp(b, sig, 8) != 0)
		return 0;
	for (size_t i = 8; i + 8 <= len;) {
		uint64_t clen = be32u(b + i);
		if (memcmp(b + i + 4, "IEND", 4) == 0)
			return 0;
		if (memcmp(b + i + 4, "IDAT", 4) == 0 && i + 8 + clen > len)
			return 1;
		i += 12 + (size_t)clen;
	}
	return 0;
}

/* A zero-length IDAT makes stb 2.27 do arithmetic on a NULL pointer; such
 * chunks carry nothing, so a copy without them decodes the same.  Returns
 * NULL when there is nothing to drop. */
static unsigned char *png_without_empty_idat(const unsigned char *b, size_t len, size_t *outlen)
{
	static const unsigned char sig[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
	if (len < 8 || memcmp(b, sig, 8) != 0)
		return NULL;
	unsigned char *out = NULL;
	size_t o = 8, i = 8;
	/* chunk headers may come without their data or CRC: stb still reads them */
	while (i + 8 <= len) {
		uint32_t clen = be32u(b + i);
		size_t avail = len - i, take = (size_t)clen + 12 < avail ? (size_t)clen + 12 : avail;
		int empty_idat = clen == 0 && memcmp(b + i + 4, "IDAT", 4) == 0;
		if (empty_idat && out == NULL) {
			out = xmalloc(len);
			memcpy(out, b, i);
			o = i;
		}
		if (!empty_idat && out != NULL) {
			memcpy(out + o, b + i, take);
			o += take;
		}
		i += take;
	}
	if (out != NULL && i < len) {
		memcpy(out + o, b + i, len - i);	/* a short tail, as it was */
		o += len - i;
	}
	*outlen = o;
	return out;
}

/* interleaved bytes -> planar floats, the order Darknet's image struct
 * uses; grey is replicated and alpha dropped, as OpenCV does for 3 channels */
static float *planar(const unsigned char *px, int x, int y, int n)
{
	size_t plane = (size_t)x * y;
	float *out = xmalloc(plane * 3 * sizeof *out);
	for (int k = 0; k < 3; k++) {
		int c = n >= 3 ? k : 0;
		for (size_t i = 0; i < plane; i++)
			out[k * plane + i] = (float)(px[i * (size_t)n + c] / 255.);	/* in double, as Darknet does */
	}
	return out;
}

/* What stb would take for a JPEG: its marker reader skips any number of FF
 * fill bytes, so FF FF ... FF D8 is a start of image to it. */
static int stb_sees_jpeg(const unsigned char *b, size_t len)
{
	size_t i = 1;
	if (len < 2 || b[0] != 0xff)
		return 0;
	while (i < len && b[i] == 0xff)
		i++;
	return i < len && b[i] == 0xd8;
}

/* JPEG goes to libjpeg-turbo with OpenCV's settings (formats/jpeg.c), never to
 * stb: OpenCV takes FF D8 FF for JPEG and refuses the rest of what stb
 * would read as one (FF D8 00.., FF FF D8..). */
static float *jpeg_chw(const char *name, const unsigned char *buf, size_t len, int *w, int *h, char **cause)
{
	if (!jpeg_signature(buf, len)) {
		*cause = xasprintf("%s: not a decodable image (no FF D8 FF JPEG signature: OpenCV reads no such file)", name);
		return NULL;
	}
	int x, y;
	unsigned char *px = jpeg_decode_rgb(name, buf, len, IMAGE_MAX_SIDE, IMAGE_MAX_PIXELS, &x, &y, cause);
	if (px == NULL)
		return NULL;
	float *out = planar(px, x, y, 3);
	free(px);
	*w = x;
	*h = y;
	return out;
}

float *image_decode_chw(const char *name, const unsigned char *buf, size_t len, int *w, int *h, char **cause)
{
	int x, y, n;
	if (len == 0) {
		*cause = xasprintf("%s: empty file", name);
		return NULL;
	}
	if (jpeg_signature(buf, len) || stb_sees_jpeg(buf, len))
		return jpeg_chw(name, buf, len, w, h, cause);
	if (!pnm_numbers_fit(buf, len)) {
		*cause = xasprintf("%s: corrupt PNM header (a number over %d)", name, INT_MAX);
		return NULL;
	}
	if (len > (size_t)INT32_MAX || !stbi_info_from_memory(buf, (int)len, &x, &y, &n)) {
		*cause = xasprintf("%s: not a decodable image (%s)", name, stbi_failure_reason());
		return NULL;
	}
	if (x <= 0 || y <= 0 || x > IMAGE_MAX_SIDE || y > IMAGE_MAX_SIDE || (size_t)x * (size_t)y > IMAGE_MAX_PIXELS) {
		*cause = xasprintf("%s: image size %dx%d out of range", name, x, y);
		return NULL;
	}
	if (!raw_data_present(buf, len, x, y, n)) {
		*cause = xasprintf("%s: truncated image (%dx%d declared, %zu bytes)", name, x, y, len);
		return NULL;
	}
	if (png_idat_overruns(buf, len)) {
		*cause = xasprintf("%s: truncated PNG (an IDAT chunk runs past the end of the file)", name);
		return NULL;
	}
	size_t clean_len = 0;
	unsigned char *clean = png_without_empty_idat(buf, len, &clean_len);
	const unsigned char *src = clean ? clean : buf;
	/* Ask for the file's own channels and expand below: stb 2.27 converts
	 * 16-bit PNM channels as if they were 8-bit and reads past its buffer. */
	unsigned char *px = stbi_load_from_memory(src, (int)(clean ? clean_len : len), &x, &y, &n, 0);
	free(clean);
	if (px == NULL) {
		*cause = xasprintf("%s: corrupt image (%s)", name, stbi_failure_reason());
		return NULL;
	}
	float *out = planar(px, x, y, n);
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
