/* jpeg.c - JPEG decoding through Debian's libjpeg-turbo, as OpenCV 4.6 does it.
 *
 * Debian's libdarknet loads images with cv::imread(path, IMREAD_COLOR), whose
 * JPEG decoder (modules/imgcodecs/src/grfmt_jpeg.cpp, 4.6) uses libjpeg's
 * defaults - JDCT_ISLOW integer IDCT, fancy (triangle) chroma upsampling, no
 * scaling - and asks for JCS_RGB output for every image that does not have 4
 * components (libjpeg replicates grey into R, G and B), JCS_CMYK for those
 * that do (libjpeg turns YCCK into CMYK; Adobe's inverted CMYK is not
 * un-inverted), then converts CMYK with its own integer formula.  imread then
 * applies the EXIF orientation of the first APP1 segment (loadsave.cpp,
 * ApplyExifOrientation; exif.cpp for the parsing).  Using the same library
 * with the same settings gives the same bytes; tests/tools/dnload.c and
 * tests/cli/jpeg_darknet.sh check that they are.
 *
 * Tolerance follows OpenCV's: libjpeg warnings (a truncated file, whose
 * missing rows libjpeg fills with grey; extraneous bytes) do not stop the
 * decode, and an error after every row has been read (in
 * jpeg_finish_decompress) keeps the image.  Errors before that refuse it,
 * where Darknet substitutes a blank 10x10 image. */
#include "formats/jpeg.h"
#include "core/util.h"

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>	/* jpeglib.h needs FILE */
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/* Real progressive files have about ten scans; thousands of empty ones over a
 * large frame only burn time (a fuzzing find).  Darknet would decode them. */
#define JPEG_MAX_SCANS 500

int jpeg_signature(const unsigned char *buf, size_t len)
{
	return len >= 3 && buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff;
}

/* ---- EXIF orientation, as OpenCV 4.6's ExifReader reads it ------------------
 * The payload after "Exif\0\0" (OpenCV skips 6 bytes without looking at
 * them) is a TIFF header and IFD0.  OpenCV reads the IFD's entries in order
 * into a map (the first of a tag wins) and stops at the first read out of
 * bounds, keeping what it had: an orientation before a broken entry counts,
 * one after it does not.  So the entries OpenCV reads data for are
 * bounds-checked here exactly as there. */

struct exif {
	const unsigned char *d;
	size_t n;
	int intel;	/* "II": little-endian; anything else reads big-endian */
};

static int exif_u16(const struct exif *e, size_t off, uint32_t *v)
{
	if (off + 1 >= e->n)
		return -1;
	*v = e->intel ? (uint32_t)e->d[off] | (uint32_t)e->d[off + 1] << 8 : (uint32_t)e->d[off] << 8 | e->d[off + 1];
	return 0;
}

static int exif_u32(const struct exif *e, size_t off, uint32_t *v)
{
	if (off + 3 >= e->n)
		return -1;
	const unsigned char *p = e->d + off;
	*v = e->intel ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 :
	    (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}

/* count unsigned rationals at the offset stored in the entry (ExifReader's
 * getResolution, getWhitePoint, ...; its offsets are 32-bit and step by 8) */
static int exif_rationals(const struct exif *e, size_t entry, int count)
{
	uint32_t at, v;
	if (exif_u32(e, entry + 8, &at) != 0)
		return -1;
	for (int i = 0; i < count; i++, at += 8)
		if (exif_u32(e, at, &v) != 0 || exif_u32(e, (size_t)at + 4, &v) != 0)
			return -1;
	return 0;
}

/* ExifReader::getString: the bounds check (its data offset is 8 from the
 * start of the TIFF data, not of the entry, when the string fits in 4 bytes) */
static int exif_string(const struct exif *e, size_t entry)
{
	uint32_t size, at = 8;
	if (exif_u32(e, entry + 4, &size) != 0)
		return -1;
	if (size > 4 && exif_u32(e, entry + 8, &at) != 0)
		return -1;
	return (size_t)at > e->n || (size_t)at + size > e->n ? -1 : 0;
}

/* One IFD0 entry at `entry`: -1 where OpenCV would stop parsing. */
static int exif_entry(const struct exif *e, size_t entry, int *orientation)
{
	uint32_t tag, v;
	if (exif_u16(e, entry, &tag) != 0)
		return -1;
	switch (tag) {
	case 0x010e: case 0x010f: case 0x0110: case 0x0131: case 0x0132: case 0x8298:
		return exif_string(e, entry);	/* description, make, model, software, date, copyright */
	case 0x0112:				/* orientation: a 16-bit value, type and count unchecked */
		if (exif_u16(e, entry + 8, &v) != 0)
			return -1;
		if (*orientation < 0)
			*orientation = (int)v;
		return 0;
	case 0x0128: case 0x0213:		/* resolution unit, YCbCr positioning */
		return exif_u16(e, entry + 8, &v);
	case 0x011a: case 0x011b:		/* x/y resolution */
		return exif_rationals(e, entry, 1);
	case 0x013e:				/* white point */
		return exif_rationals(e, entry, 2);
	case 0x0211:				/* YCbCr coefficients */
		return exif_rationals(e, entry, 3);
	case 0x013f: case 0x0214:		/* primary chromaticities, reference black/white */
		return exif_rationals(e, entry, 6);
	default:
		return 0;
	}
}

int jpeg_exif_orientation(const unsigned char *app1, size_t len)
{
	if (len <= 6)
		return 0;
	struct exif e = { app1 + 6, len - 6, 0 };
	e.intel = e.d[0] == 'I' && (e.n == 1 || e.d[1] == 'I');
	uint32_t mark, ifd, count;
	if (exif_u16(&e, 2, &mark) != 0 || mark != 0x2a || exif_u32(&e, 4, &ifd) != 0 || exif_u16(&e, ifd, &count) != 0)
		return 0;
	int orientation = -1;
	uint32_t entry = ifd + 2;
	for (uint32_t i = 0; i < count; i++, entry += 12)
		if (exif_entry(&e, entry, &orientation) != 0)
			break;
	return orientation >= 1 && orientation <= 8 ? orientation : 0;
}

/* ---- orientation: OpenCV's flip/transpose on the decoded pixels --------------- */

/* Source coordinates of output pixel (x, y) for each orientation (loadsave.cpp:
 * 2 flip x, 3 flip both, 4 flip y, 5 transpose, 6 transpose + flip x,
 * 7 transpose + flip both, 8 transpose + flip y). */
static void orient_source(int o, int w, int h, int x, int y, int *sx, int *sy)
{
	switch (o) {
	case 2: *sx = w - 1 - x; *sy = y; break;
	case 3: *sx = w - 1 - x; *sy = h - 1 - y; break;
	case 4: *sx = x; *sy = h - 1 - y; break;
	case 5: *sx = y; *sy = x; break;
	case 6: *sx = y; *sy = h - 1 - x; break;
	case 7: *sx = w - 1 - y; *sy = h - 1 - x; break;
	case 8: *sx = w - 1 - y; *sy = x; break;
	default: *sx = x; *sy = y; break;
	}
}

/* Applies orientation o to the w×h RGB image; swaps *w and *h for 5..8. */
static unsigned char *orient(unsigned char *rgb, int o, int *w, int *h)
{
	if (o < 2 || o > 8)
		return rgb;
	int sw = *w, sh = *h, ow = o >= 5 ? sh : sw, oh = o >= 5 ? sw : sh;
	unsigned char *out = xmalloc((size_t)ow * oh * 3);
	for (int y = 0; y < oh; y++)
		for (int x = 0; x < ow; x++) {
			int sx, sy;
			orient_source(o, sw, sh, x, y, &sx, &sy);
			memcpy(out + ((size_t)y * ow + x) * 3, rgb + ((size_t)sy * sw + sx) * 3, 3);
		}
	free(rgb);
	*w = ow;
	*h = oh;
	return out;
}

/* ---- the decoder ----------------------------------------------------------------- */

struct jdec {
	struct jpeg_decompress_struct cinfo;
	struct jpeg_error_mgr err;
	struct jpeg_progress_mgr progress;
	jmp_buf jmp;
	int max_side;
	size_t max_pixels;
	unsigned char *rgb;	/* the output, interleaved RGB */
	unsigned char *row;	/* one CMYK row */
	int w, h, orientation;
	int rows_done;		/* every row read: later errors are ignored, as in OpenCV */
	char *refused;		/* our own reason to refuse, before libjpeg's */
};

/* libjpeg's callbacks get cinfo: the decoder around it. */
static struct jdec *jdec_of(j_common_ptr c)
{
	return (struct jdec *)(void *)((char *)c - offsetof(struct jdec, cinfo));
}

static void on_error(j_common_ptr c)
{
	longjmp(jdec_of(c)->jmp, 1);	/* never let libjpeg call exit() */
}

static void on_message(j_common_ptr c)
{
	(void)c;	/* warnings are tolerated; libjpeg would print them to stderr */
}

static void on_progress(j_common_ptr c)
{
	j_decompress_ptr d = (j_decompress_ptr)c;
	if (d->input_scan_number > JPEG_MAX_SCANS) {
		jdec_of(c)->refused = xasprintf("more than %d scans", JPEG_MAX_SCANS);
		longjmp(jdec_of(c)->jmp, 1);
	}
}

/* OpenCV's icvCvt_CMYK2BGR_8u_C4C3R, written to RGB order. */
static void cmyk_to_rgb(const unsigned char *cmyk, unsigned char *rgb, int w)
{
	for (int i = 0; i < w; i++, cmyk += 4, rgb += 3) {
		int k = cmyk[3];
		for (int c = 0; c < 3; c++)
			rgb[c] = (unsigned char)(k - ((255 - cmyk[c]) * k >> 8));
	}
}

static int first_app1_orientation(j_decompress_ptr c)
{
	for (jpeg_saved_marker_ptr m = c->marker_list; m != NULL; m = m->next)
		if (m->marker == JPEG_APP0 + 1)
			return jpeg_exif_orientation(m->data, m->data_length);	/* the first APP1, Exif or not */
	return 0;
}

static int header(struct jdec *d)
{
	j_decompress_ptr c = &d->cinfo;
	jpeg_save_markers(c, JPEG_APP0 + 1, 0xffff);
	jpeg_read_header(c, TRUE);
	jpeg_calc_output_dimensions(c);
	if (c->output_width == 0 || c->output_height == 0 || c->output_width > (unsigned)d->max_side ||
	    c->output_height > (unsigned)d->max_side || (size_t)c->output_width * c->output_height > d->max_pixels) {
		d->refused = xasprintf("image size %ux%u out of range", c->output_width, c->output_height);
		return -1;
	}
	d->w = (int)c->output_width;
	d->h = (int)c->output_height;
	d->orientation = first_app1_orientation(c);
	int cmyk = c->num_components == 4;
	c->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
	c->out_color_components = cmyk ? 4 : 3;
	return 0;
}

static void pixels(struct jdec *d)
{
	j_decompress_ptr c = &d->cinfo;
	jpeg_start_decompress(c);
	int cmyk = c->out_color_components == 4;
	d->rgb = xmalloc((size_t)d->w * d->h * 3);
	if (cmyk)
		d->row = xmalloc((size_t)d->w * 4);
	while (c->output_scanline < c->output_height) {
		unsigned y = c->output_scanline;
		JSAMPROW row = cmyk ? d->row : d->rgb + (size_t)y * d->w * 3;
		if (jpeg_read_scanlines(c, &row, 1) != 1)
			ERREXIT(c, JERR_INPUT_EMPTY);	/* cannot happen with a memory source */
		if (cmyk)
			cmyk_to_rgb(d->row, d->rgb + (size_t)y * d->w * 3, d->w);
	}
	d->rows_done = 1;
	jpeg_finish_decompress(c);
}

/* setjmp lives here; everything it must see after a longjmp is in *d. */
static int run(struct jdec *d, const unsigned char *buf, size_t len)
{
	if (setjmp(d->jmp) != 0)
		return d->rows_done ? 0 : -1;
	jpeg_create_decompress(&d->cinfo);
	d->cinfo.progress = &d->progress;
	jpeg_mem_src(&d->cinfo, buf, (unsigned long)len);
	if (header(d) != 0)
		return -1;
	pixels(d);
	return 0;
}

unsigned char *jpeg_decode_rgb(const char *name, const unsigned char *buf, size_t len, int max_side,
    size_t max_pixels, int *w, int *h, char **cause)
{
	struct jdec *d = xmalloc(sizeof *d);
	memset(d, 0, sizeof *d);
	d->max_side = max_side;
	d->max_pixels = max_pixels;
	d->cinfo.err = jpeg_std_error(&d->err);
	d->err.error_exit = on_error;
	d->err.output_message = on_message;
	d->progress.progress_monitor = on_progress;
	int rc = run(d, buf, len);
	unsigned char *rgb = NULL;
	if (rc == 0) {
		rgb = orient(d->rgb, d->orientation, &d->w, &d->h);
		*w = d->w;
		*h = d->h;
	} else if (d->refused != NULL) {
		*cause = xasprintf("%s: JPEG %s", name, d->refused);
		free(d->rgb);
	} else {
		char msg[JMSG_LENGTH_MAX];
		d->err.format_message((j_common_ptr)&d->cinfo, msg);
		*cause = xasprintf("%s: corrupt JPEG (%s)", name, msg);
		free(d->rgb);
	}
	jpeg_destroy_decompress(&d->cinfo);
	free(d->row);
	free(d->refused);
	free(d);
	return rgb;
}
