/* mkjpeg.c - test helper: JPEG variants of a real photograph, written with
 * libjpeg (Debian's libjpeg-turbo), for the decoder comparisons of
 * tests/cli/jpeg_darknet.sh.
 *
 *   mkjpeg PHOTO OUTDIR NAME
 *
 * PHOTO is read with stb_image (not the decoder under test), halved, and its
 * centre 333x247 (odd, not a multiple of the 16-pixel MCU) written as
 * OUTDIR/NAME_VARIANT.jpg for each variant: chroma sampling 420, 422, 444;
 * grey; progressive; restart intervals; CMYK and YCCK (Adobe marker,
 * inverted CMYK as Photoshop writes it); EXIF orientation 1..8 (little- and
 * big-endian); an orientation after a valid and after a broken IFD0 entry; an
 * XMP APP1 ahead of the Exif one; a file cut at 60%.  Also the whole photo
 * squeezed to 17x1000 (tall).  Prints the paths written, one a line. */
#include <stb_image.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#define CW 333
#define CH 247

struct opts {
	int grey, cmyk, ycck, progressive, restart;
	int hs, vs;	/* luma sampling factors: 2,2 = 4:2:0 */
	const unsigned char *app1[2];
	size_t app1_len[2];
};

/* Photoshop-style Adobe CMYK: inverted ink values. */
static unsigned char *to_cmyk(const unsigned char *rgb, int w, int h)
{
	unsigned char *out = malloc((size_t)w * h * 4);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		const unsigned char *p = rgb + 3 * i;
		int mx = p[0] > p[1] ? p[0] : p[1];
		mx = mx > p[2] ? mx : p[2];
		int k = 255 - mx;
		for (int c = 0; c < 3; c++)
			out[4 * i + c] = (unsigned char)(255 - (255 - p[c] - k));
		out[4 * i + 3] = (unsigned char)(255 - k);
	}
	return out;
}

static int write_jpeg(const char *path, const unsigned char *rgb, int w, int h, const struct opts *o)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	c.err = jpeg_std_error(&err);	/* errors exit: a test helper may */
	jpeg_create_compress(&c);
	jpeg_stdio_dest(&c, f);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	unsigned char *cmyk = NULL;
	if (o->cmyk || o->ycck) {
		cmyk = to_cmyk(rgb, w, h);
		c.input_components = 4;
		c.in_color_space = JCS_CMYK;
	} else {
		c.input_components = 3;
		c.in_color_space = JCS_RGB;
	}
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 88, TRUE);
	if (o->grey)
		jpeg_set_colorspace(&c, JCS_GRAYSCALE);
	if (o->ycck)
		jpeg_set_colorspace(&c, JCS_YCCK);
	if (!o->grey && !o->cmyk && !o->ycck && o->hs) {
		c.comp_info[0].h_samp_factor = o->hs;
		c.comp_info[0].v_samp_factor = o->vs;
	}
	if (o->progressive)
		jpeg_simple_progression(&c);
	if (o->restart)
		c.restart_interval = (unsigned)o->restart;
	jpeg_start_compress(&c, TRUE);
	for (int i = 0; i < 2; i++)
		if (o->app1[i])
			jpeg_write_marker(&c, JPEG_APP0 + 1, o->app1[i], (unsigned)o->app1_len[i]);
	int comp = cmyk ? 4 : 3;
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = (JSAMPROW)(cmyk ? cmyk : rgb) + (size_t)c.next_scanline * w * comp;
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(cmyk);
	return fclose(f);
}

/* ---- EXIF payloads ---------------------------------------------------------- */

struct tiff {
	unsigned char *p;
	int be;
};

static void put16(struct tiff *t, size_t at, unsigned v)
{
	t->p[at + (t->be ? 0 : 1)] = (unsigned char)(v >> 8);
	t->p[at + (t->be ? 1 : 0)] = (unsigned char)v;
}

static void put32(struct tiff *t, size_t at, uint32_t v)
{
	put16(t, at + (t->be ? 0 : 2), v >> 16);
	put16(t, at + (t->be ? 2 : 0), v & 0xffff);
}

static void entry(struct tiff *t, size_t at, unsigned tag, unsigned type, uint32_t count, uint32_t value)
{
	put16(t, at, tag);
	put16(t, at + 2, type);
	put32(t, at + 4, count);
	if (type == 3 && count == 1)
		put16(t, at + 8, value);	/* a SHORT sits in the first two bytes */
	else
		put32(t, at + 8, value);
}

/* "Exif\0\0", a TIFF header and IFD0.  xres: 0 none, 1 a valid XResolution
 * before the orientation, 2 one whose rational lies outside the data. */
static size_t exif(unsigned char *buf, int orientation, int be, int xres)
{
	memset(buf, 0, 128);
	memcpy(buf, "Exif\0\0", 6);
	struct tiff t = { buf + 6, be };
	memcpy(t.p, be ? "MM" : "II", 2);
	put16(&t, 2, 0x2a);
	put32(&t, 4, 8);
	int n = xres ? 2 : 1;
	put16(&t, 8, (unsigned)n);
	size_t e = 10, data = 10 + 12 * (size_t)n + 4;
	if (xres) {
		entry(&t, e, 0x011a, 5, 1, xres == 1 ? (uint32_t)data : 0x00100000u);
		put32(&t, data, 72);
		put32(&t, data + 4, 1);
		e += 12;
	}
	entry(&t, e, 0x0112, 3, 1, (uint32_t)orientation);
	return 6 + data + 8;
}

static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x='adobe:ns:meta/'/>";

/* ---- the photograph ------------------------------------------------------------ */

/* halve (2x2 box) then take the centre CW x CH, or as much as there is */
static unsigned char *crop(const unsigned char *px, int w, int h, int *cw, int *ch)
{
	int hw = w / 2, hh = h / 2;
	*cw = hw < CW ? hw : CW;
	*ch = hh < CH ? hh : CH;
	int x0 = (hw - *cw) / 2, y0 = (hh - *ch) / 2;
	unsigned char *out = malloc((size_t)*cw * *ch * 3);
	for (int y = 0; y < *ch; y++)
		for (int x = 0; x < *cw; x++)
			for (int k = 0; k < 3; k++) {
				int sx = 2 * (x0 + x), sy = 2 * (y0 + y), s = 0;
				for (int d = 0; d < 4; d++)
					s += px[((size_t)(sy + d / 2) * w + sx + d % 2) * 3 + k];
				out[((size_t)y * *cw + x) * 3 + k] = (unsigned char)((s + 2) / 4);
			}
	return out;
}

/* nearest-neighbour resample of the whole photo */
static unsigned char *squeeze(const unsigned char *px, int w, int h, int ow, int oh)
{
	unsigned char *out = malloc((size_t)ow * oh * 3);
	for (int y = 0; y < oh; y++)
		for (int x = 0; x < ow; x++)
			memcpy(out + ((size_t)y * ow + x) * 3, px + ((size_t)(y * h / oh) * w + x * w / ow) * 3, 3);
	return out;
}

static int emit(const char *dir, const char *name, const char *variant, const unsigned char *rgb, int w, int h,
    const struct opts *o)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s_%s.jpg", dir, name, variant);
	if (write_jpeg(path, rgb, w, h, o) != 0) {
		fprintf(stderr, "mkjpeg: cannot write %s\n", path);
		return -1;
	}
	printf("%s\n", path);
	return 0;
}

/* the 4:2:0 file cut at 60% of its bytes */
static int truncated(const char *dir, const char *name)
{
	char src[4096], dst[4096];
	snprintf(src, sizeof src, "%s/%s_420.jpg", dir, name);
	snprintf(dst, sizeof dst, "%s/%s_cut.jpg", dir, name);
	FILE *f = fopen(src, "rb"), *g = fopen(dst, "wb");
	if (f == NULL || g == NULL)
		return -1;
	static unsigned char buf[1 << 22];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	size_t keep = n * 6 / 10;
	int rc = fwrite(buf, 1, keep, g) == keep ? 0 : -1;
	if (fclose(g) != 0)
		rc = -1;
	if (rc == 0)
		printf("%s\n", dst);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: mkjpeg PHOTO OUTDIR NAME\n");
		return 2;
	}
	int w, h, n;
	unsigned char *px = stbi_load(argv[1], &w, &h, &n, 3);
	if (px == NULL || w < 4 || h < 4) {
		fprintf(stderr, "mkjpeg: cannot read %s\n", argv[1]);
		return 2;
	}
	const char *dir = argv[2], *name = argv[3];
	int cw, ch;
	unsigned char *c = crop(px, w, h, &cw, &ch);
	int rc = 0;
	struct opts o420 = { .hs = 2, .vs = 2 }, o422 = { .hs = 2, .vs = 1 }, o444 = { .hs = 1, .vs = 1 };
	rc |= emit(dir, name, "420", c, cw, ch, &o420);
	rc |= emit(dir, name, "422", c, cw, ch, &o422);
	rc |= emit(dir, name, "444", c, cw, ch, &o444);
	rc |= emit(dir, name, "grey", c, cw, ch, &(struct opts){ .grey = 1 });
	rc |= emit(dir, name, "progressive", c, cw, ch, &(struct opts){ .progressive = 1, .hs = 2, .vs = 2 });
	rc |= emit(dir, name, "restart", c, cw, ch, &(struct opts){ .restart = 3, .hs = 2, .vs = 1 });
	rc |= emit(dir, name, "cmyk", c, cw, ch, &(struct opts){ .cmyk = 1 });
	rc |= emit(dir, name, "ycck", c, cw, ch, &(struct opts){ .ycck = 1 });
	unsigned char app[256], app2[256];
	for (int k = 1; k <= 8; k++) {
		char v[32];
		snprintf(v, sizeof v, "exif%d", k);
		struct opts o = { .hs = 2, .vs = 2, .app1 = { app }, .app1_len = { exif(app, k, k % 2, 0) } };
		rc |= emit(dir, name, v, c, cw, ch, &o);
	}
	struct opts ox = { .hs = 2, .vs = 2, .app1 = { app }, .app1_len = { exif(app, 6, 0, 1) } };
	rc |= emit(dir, name, "exif6-after-xres", c, cw, ch, &ox);
	struct opts ob = { .hs = 2, .vs = 2, .app1 = { app }, .app1_len = { exif(app, 6, 1, 2) } };
	rc |= emit(dir, name, "exif6-after-broken", c, cw, ch, &ob);
	struct opts op = { .hs = 2, .vs = 2, .app1 = { (const unsigned char *)xmp, app2 },
		.app1_len = { sizeof xmp, exif(app2, 6, 0, 0) } };
	rc |= emit(dir, name, "exif6-after-xmp", c, cw, ch, &op);
	rc |= truncated(dir, name);
	unsigned char *tall = squeeze(px, w, h, 17, 1000);
	rc |= emit(dir, name, "tall", tall, 17, 1000, &o420);
	free(tall);
	free(c);
	stbi_image_free(px);
	return rc ? 1 : 0;
}
