/* test_image.c - safer's image decoding (formats/image.c: stb_image, and
 * formats/jpeg.c: libjpeg-turbo as OpenCV uses it) against Darknet's own
 * loader, load_image_color(path, 0, 0), which Debian's libdarknet runs
 * through OpenCV's imread.  Both must hand the network the same planar
 * floats, exactly: PNG grey/RGB/RGBA, PGM, BMP and JPEG (stb_image_write's
 * 4:4:4 and 4:2:0, grey).  tests/cli/jpeg_darknet.sh does the same on real
 * photographs and libjpeg's variants.  The EXIF orientation parser is checked
 * on hand-made APP1 payloads against OpenCV 4.6's ExifReader rules.
 *
 * load_image_color is only ever called on files this test wrote: on a file
 * OpenCV cannot read, Darknet runs system("echo FILE >> bad.list"). */
#define _POSIX_C_SOURCE 200809L	/* mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stb_image_write.h>

#include "formats/image.h"
#include "formats/jpeg.h"

/* Darknet's image struct and loader, declared here so that darknet.h stays out. */
typedef struct {
	int w, h, c;
	float *data;
} dn_image;
dn_image load_image_color(char *filename, int w, int h);
void free_image(dn_image m);

#define W 37	/* not a multiple of 8 or 16: JPEG edge blocks, BMP row padding */
#define H 29

static char dir[] = "/tmp/safer-test-image.XXXXXX";

/* A deterministic test picture: gradients, a hard edge and some noise, with
 * the three channels all different so that a swapped channel order shows. */
static void picture(unsigned char *px, int comp)
{
	uint32_t r = 12345;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			r = r * 1103515245u + 12345u;
			int noise = (int)(r >> 16) % 32;
			unsigned char v[4] = {
				(unsigned char)(x * 255 / (W - 1)),
				(unsigned char)(y * 255 / (H - 1)),
				(unsigned char)((x > W / 2 ? 200 : 30) + noise),
				(unsigned char)(128 + x + y),
			};
			if (comp == 1)
				v[0] = (unsigned char)((x * 5 + y * 9 + noise) & 255);
			for (int k = 0; k < comp; k++)
				px[(y * W + x) * comp + k] = v[k];
		}
}

static void write_pgm(const char *path, const unsigned char *px)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fprintf(f, "P5\n%d %d\n255\n", W, H);
	assert_int_equal(fwrite(px, 1, (size_t)W * H, f), (size_t)W * H);
	assert_int_equal(fclose(f), 0);
}

struct diff {
	float max;
	long differing;
	double mean;
};

/* Decodes `path` both ways and compares the 3 planes value by value. */
static struct diff compare(const char *path)
{
	int w = 0, h = 0;
	char *cause = NULL;
	float *ours = image_load_chw(path, &w, &h, &cause);
	if (ours == NULL)
		fail_msg("image_load_chw(%s): %s", path, cause);
	dn_image dn = load_image_color((char *)path, 0, 0);
	assert_int_equal(dn.w, W);
	assert_int_equal(dn.h, H);
	assert_int_equal(dn.c, 3);
	assert_int_equal(w, W);
	assert_int_equal(h, H);
	struct diff d = { 0, 0, 0 };
	size_t n = (size_t)W * H * 3;
	for (size_t i = 0; i < n; i++) {
		float e = fabsf(ours[i] - dn.data[i]);
		if (e > d.max)
			d.max = e;
		d.differing += e != 0;
		d.mean += e;
	}
	d.mean /= (double)n;
	free(ours);
	free_image(dn);
	return d;
}

static char *path_of(const char *name)
{
	static char buf[256];
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

static void assert_exact(const char *name)
{
	struct diff d = compare(path_of(name));
	if (d.differing != 0)
		fail_msg("%s: %ld of %d values differ from Darknet's, max %g", name, d.differing, W * H * 3, d.max);
}

static void test_png_grey(void **state)
{
	(void)state;
	unsigned char px[W * H];
	picture(px, 1);
	assert_true(stbi_write_png(path_of("grey.png"), W, H, 1, px, W));
	assert_exact("grey.png");
}

static void test_png_rgb(void **state)
{
	(void)state;
	unsigned char px[W * H * 3];
	picture(px, 3);
	assert_true(stbi_write_png(path_of("rgb.png"), W, H, 3, px, W * 3));
	assert_exact("rgb.png");
	/* and the planes are R, G, B in that order: plane 0 is the x gradient */
	int w, h;
	char *cause = NULL;
	float *f = image_load_chw(path_of("rgb.png"), &w, &h, &cause);
	assert_non_null(f);
	assert_float_equal(f[W - 1], 1.0f, 0);			/* R at (W-1, 0) */
	assert_float_equal(f[W * H + (H - 1) * W], 1.0f, 0);	/* G at (0, H-1) */
	free(f);
}

static void test_png_rgba(void **state)
{
	(void)state;
	unsigned char px[W * H * 4];
	picture(px, 4);
	assert_true(stbi_write_png(path_of("rgba.png"), W, H, 4, px, W * 4));
	assert_exact("rgba.png");	/* both drop alpha, neither blends */
}

static void test_pgm(void **state)
{
	(void)state;
	unsigned char px[W * H];
	picture(px, 1);
	write_pgm(path_of("grey.pgm"), px);
	assert_exact("grey.pgm");
}

static void test_bmp(void **state)
{
	(void)state;
	unsigned char px[W * H * 3];
	picture(px, 3);
	assert_true(stbi_write_bmp(path_of("rgb.bmp"), W, H, 3, px));
	assert_exact("rgb.bmp");
}

static void jpeg_case(const char *name, int comp, int quality)
{
	unsigned char px[W * H * 4];
	picture(px, comp);
	assert_true(stbi_write_jpg(path_of(name), W, H, comp, px, quality));
	assert_exact(name);
}

static void test_jpeg_rgb_q95(void **state)
{
	(void)state;
	jpeg_case("rgb95.jpg", 3, 95);	/* no chroma subsampling (stb: quality > 90) */
}

static void test_jpeg_rgb_q75(void **state)
{
	(void)state;
	jpeg_case("rgb75.jpg", 3, 75);	/* 4:2:0 chroma subsampling */
}

static void test_jpeg_grey(void **state)
{
	(void)state;
	jpeg_case("grey95.jpg", 1, 95);
}

/* What tests/tools/mkdataset writes for its jpg sets: grey replicated into RGB. */
static void test_jpeg_grey_as_rgb(void **state)
{
	(void)state;
	unsigned char g[W * H], px[W * H * 3];
	picture(g, 1);
	for (int i = 0; i < W * H; i++)
		px[3 * i] = px[3 * i + 1] = px[3 * i + 2] = g[i];
	assert_true(stbi_write_jpg(path_of("grey3.jpg"), W, H, 3, px, 95));
	assert_exact("grey3.jpg");
}

/* ---- EXIF orientation (jpeg_exif_orientation) ---------------------------------- */

struct app1 {
	unsigned char b[128];
	int be;
	size_t n;
};

static void put(struct app1 *a, size_t at, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		a->b[6 + at + (a->be ? (size_t)i : (size_t)(bytes - 1 - i))] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
}

/* "Exif\0\0", TIFF header, IFD0 of `count` entries at offset 8 */
static void app1_start(struct app1 *a, const char *order, int count)
{
	memset(a, 0, sizeof *a);
	memcpy(a->b, "Exif\0\0", 6);
	memcpy(a->b + 6, order, 2);
	a->be = order[0] != 'I' || order[1] != 'I';
	put(a, 2, 0x2a, 2);
	put(a, 4, 8, 4);
	put(a, 8, (uint32_t)count, 2);
	a->n = 6 + 10 + 12 * (size_t)count + 4 + 16;
}

static void app1_entry(struct app1 *a, int i, unsigned tag, unsigned type, uint32_t count, uint32_t value)
{
	size_t e = 10 + 12 * (size_t)i;
	put(a, e, tag, 2);
	put(a, e + 2, type, 2);
	put(a, e + 4, count, 4);
	if (type == 3)
		put(a, e + 8, value, 2);
	else
		put(a, e + 8, value, 4);
}

static void test_exif_orientation(void **state)
{
	(void)state;
	struct app1 a;
	for (int k = 1; k <= 8; k++) {
		app1_start(&a, k % 2 ? "II" : "MM", 1);
		app1_entry(&a, 0, 0x0112, 3, 1, (uint32_t)k);
		assert_int_equal(jpeg_exif_orientation(a.b, a.n), k);
	}
	app1_entry(&a, 0, 0x0112, 3, 1, 9);	/* out of 1..8: OpenCV leaves the image */
	assert_int_equal(jpeg_exif_orientation(a.b, a.n), 0);
	/* type and count are not checked, and "IM" reads big-endian */
	app1_start(&a, "IM", 1);
	app1_entry(&a, 0, 0x0112, 4, 7, 6u << 16);
	assert_int_equal(jpeg_exif_orientation(a.b, a.n), 6);
	/* the first orientation entry wins */
	app1_start(&a, "II", 2);
	app1_entry(&a, 0, 0x0112, 3, 1, 3);
	app1_entry(&a, 1, 0x0112, 3, 1, 6);
	assert_int_equal(jpeg_exif_orientation(a.b, a.n), 3);
	/* parsing stops at an entry whose data is out of bounds: what came before counts */
	app1_start(&a, "MM", 2);
	app1_entry(&a, 0, 0x0112, 3, 1, 8);
	app1_entry(&a, 1, 0x011a, 5, 1, 0x10000);
	assert_int_equal(jpeg_exif_orientation(a.b, a.n), 8);
	app1_start(&a, "MM", 2);
	app1_entry(&a, 0, 0x011a, 5, 1, 0x10000);
	app1_entry(&a, 1, 0x0112, 3, 1, 8);
	assert_int_equal(jpeg_exif_orientation(a.b, a.n), 0);
	app1_entry(&a, 0, 0x011a, 5, 1, 40);	/* a rational inside the data */
	assert_int_equal(jpeg_exif_orientation(a.b, a.n), 8);
	app1_entry(&a, 0, 0x010f, 2, 40, 40);	/* a string running past the end */
	assert_int_equal(jpeg_exif_orientation(a.b, a.n), 0);
	app1_entry(&a, 0, 0x010f, 2, 4, 0);	/* short strings: OpenCV checks offset 8 + size */
	assert_int_equal(jpeg_exif_orientation(a.b, a.n), 8);
	/* no TIFF mark, a cut payload, nothing after "Exif\0\0" */
	app1_start(&a, "II", 1);
	app1_entry(&a, 0, 0x0112, 3, 1, 6);
	assert_int_equal(jpeg_exif_orientation(a.b, 6 + 10 + 9), 0);
	assert_int_equal(jpeg_exif_orientation(a.b, 6 + 10 + 10), 6);
	assert_int_equal(jpeg_exif_orientation(a.b, 6), 0);
	a.b[6 + 2] = 0x2b;
	assert_int_equal(jpeg_exif_orientation(a.b, a.n), 0);
}

/* FF D8 without the third FF: OpenCV finds no decoder; neither does safer. */
static void test_jpeg_signature(void **state)
{
	(void)state;
	unsigned char px[W * H * 3];
	picture(px, 3);
	assert_true(stbi_write_jpg(path_of("sig.jpg"), W, H, 3, px, 90));
	FILE *f = fopen(path_of("sig.jpg"), "rb");
	assert_non_null(f);
	static unsigned char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	int w, h;
	char *cause = NULL;
	float *ok = image_decode_chw("sig.jpg", buf, n, &w, &h, &cause);
	assert_non_null(ok);
	free(ok);
	buf[2] = 0x00;
	assert_null(image_decode_chw("sig.jpg", buf, n, &w, &h, &cause));
	assert_non_null(strstr(cause, "sig.jpg: not a decodable image"));
	free(cause);
	buf[2] = 0xff;
	buf[3] = 0xc0;	/* a frame header where the first segment was: libjpeg's error */
	cause = NULL;
	assert_null(image_decode_chw("sig.jpg", buf, 40, &w, &h, &cause));
	assert_non_null(strstr(cause, "sig.jpg: corrupt JPEG ("));
	free(cause);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	const char *names[] = { "grey.png", "rgb.png", "rgba.png", "grey.pgm", "rgb.bmp",
		"rgb95.jpg", "rgb75.jpg", "grey95.jpg", "grey3.jpg", "sig.jpg" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unlink(path_of(names[i]));
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_grey),
		cmocka_unit_test(test_png_rgb),
		cmocka_unit_test(test_png_rgba),
		cmocka_unit_test(test_pgm),
		cmocka_unit_test(test_bmp),
		cmocka_unit_test(test_jpeg_rgb_q95),
		cmocka_unit_test(test_jpeg_rgb_q75),
		cmocka_unit_test(test_jpeg_grey),
		cmocka_unit_test(test_jpeg_grey_as_rgb),
		cmocka_unit_test(test_exif_orientation),
		cmocka_unit_test(test_jpeg_signature),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
