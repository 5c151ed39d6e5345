/* canvas.c - composes the detection canvases (see canvas.h).
 *
 * Order of draws from a canvas's generator (changing it changes every
 * canvas): size, background, then per garment: source image, scale, tint,
 * up to PLACE_TRIES positions. */
#include "canvas.h"
#include "core/rng.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PATCH 28
#define PLACE_TRIES 30
#define GAP 2.0f	/* pixels between two garments' boxes */

const char *const canvas_names[CANVAS_CLASSES] = {
	"T-shirt_top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot",
};

static int below(struct rng *r, int lo, int hi)	/* uniform in [lo, hi] */
{
	return lo + (int)rng_below(r, (uint64_t)(hi - lo + 1));
}

static void random_colour(struct rng *r, int lo, int hi, float out[3])
{
	for (int k = 0; k < 3; k++)
		out[k] = (float)below(r, lo, hi);
}

/* ---- backgrounds: noise, stripes or a gradient, dark enough for the garments ---- */

enum { BG_NOISE, BG_STRIPES, BG_GRADIENT, BG_KINDS };

static unsigned char clamp_byte(float v)
{
	return v <= 0 ? 0 : v >= 255 ? 255 : (unsigned char)(v + 0.5f);
}

static void draw_background(struct canvas *c, struct rng *r)
{
	float c1[3], c2[3];
	random_colour(r, 0, 150, c1);
	random_colour(r, 0, 150, c2);
	int kind = (int)rng_below(r, BG_KINDS);
	double angle = rng_uniform(r) * 3.14159265358979;
	float ca = (float)cos(angle), sa = (float)sin(angle);
	float period = (float)below(r, 6, 40);
	float noise = (float)below(r, kind == BG_NOISE ? 20 : 0, kind == BG_NOISE ? 70 : 24);
	float len = fabsf(ca) * c->w + fabsf(sa) * c->h;
	for (int y = 0; y < c->h; y++) {
		for (int x = 0; x < c->w; x++) {
			float t = 0, proj = x * ca + y * sa;
			if (kind == BG_STRIPES)
				t = fmodf(proj + 4096 * period, period) < period / 2 ? 0.0f : 1.0f;
			else if (kind == BG_GRADIENT)
				t = (proj - (ca < 0 ? ca * c->w : 0) - (sa < 0 ? sa * c->h : 0)) / len;
			uint64_t bits = rng_u64(r);
			unsigned char *px = c->rgb + ((size_t)y * c->w + x) * 3;
			for (int k = 0; k < 3; k++) {
				float n = ((float)((bits >> (16 * k)) & 0xffff) / 65535.0f - 0.5f) * noise;
				px[k] = clamp_byte(c1[k] + (c2[k] - c1[k]) * t + n);
			}
		}
	}
}

/* ---- garments ------------------------------------------------------------------- */

/* The tight box of the non-zero pixels of a 28x28 patch (inclusive bounds);
 * 0 if the patch is empty. */
static int patch_bounds(const unsigned char *p, int b[4])
{
	b[0] = b[1] = PATCH;
	b[2] = b[3] = -1;
	for (int y = 0; y < PATCH; y++)
		for (int x = 0; x < PATCH; x++)
			if (p[y * PATCH + x]) {
				b[0] = x < b[0] ? x : b[0];
				b[1] = y < b[1] ? y : b[1];
				b[2] = x > b[2] ? x : b[2];
				b[3] = y > b[3] ? y : b[3];
			}
	return b[2] >= 0;
}

static float patch_at(const unsigned char *p, int x, int y)
{
	return x < 0 || y < 0 || x >= PATCH || y >= PATCH ? 0.0f : p[y * PATCH + x];
}

/* Bilinear sample of the patch at (u, v), patch pixel centres at integers. */
static float patch_sample(const unsigned char *p, float u, float v)
{
	int x = (int)floorf(u), y = (int)floorf(v);
	float fx = u - x, fy = v - y;
	float top = patch_at(p, x, y) * (1 - fx) + patch_at(p, x + 1, y) * fx;
	float bot = patch_at(p, x, y + 1) * (1 - fx) + patch_at(p, x + 1, y + 1) * fx;
	return top * (1 - fy) + bot * fy;
}

/* Alpha-blends the patch, scaled to side s at (px, py), in colour tint:
 * the garment's intensity is its opacity. */
static void draw_garment(struct canvas *c, const unsigned char *p, int px, int py, int s, const float tint[3])
{
	float k = (float)PATCH / s;
	for (int y = py; y < py + s; y++) {
		for (int x = px; x < px + s; x++) {
			float a = patch_sample(p, (x - px + 0.5f) * k - 0.5f, (y - py + 0.5f) * k - 0.5f) / 255.0f;
			if (a <= 0)
				continue;
			unsigned char *o = c->rgb + ((size_t)y * c->w + x) * 3;
			for (int j = 0; j < 3; j++)
				o[j] = clamp_byte(o[j] * (1 - a) + tint[j] * a);
		}
	}
}

/* Pixel boxes (x0, y0, x1, y1) closer than GAP? */
static int boxes_near(const float a[4], const float b[4])
{
	return a[0] < b[2] + GAP && b[0] < a[2] + GAP && a[1] < b[3] + GAP && b[1] < a[3] + GAP;
}

static void place_garments(struct canvas *c, struct rng *r, const struct idx_images *im,
    const struct idx_labels *lb, int want)
{
	float placed[CANVAS_MAX_OBJECTS][4];
	for (int g = 0; g < want; g++) {
		int src = (int)rng_below(r, (uint64_t)im->count);
		int s = below(r, CANVAS_MIN_GARMENT, CANVAS_MAX_GARMENT);
		float tint[3];
		random_colour(r, 170, 255, tint);
		const unsigned char *p = im->pixels + (size_t)src * PATCH * PATCH;
		int b[4];
		if (!patch_bounds(p, b))
			continue;
		float k = (float)s / PATCH;
		for (int t = 0; t < PLACE_TRIES; t++) {
			int px = below(r, 0, c->w - s), py = below(r, 0, c->h - s);
			float box[4] = { px + b[0] * k, py + b[1] * k, px + (b[2] + 1) * k, py + (b[3] + 1) * k };
			int clash = 0;
			for (int j = 0; j < c->n && !clash; j++)
				clash = boxes_near(box, placed[j]);
			if (clash)
				continue;
			draw_garment(c, p, px, py, s, tint);
			memcpy(placed[c->n], box, sizeof box);
			struct canvas_box *cb = &c->box[c->n++];
			cb->cls = lb->labels[src];
			cb->cx = (box[0] + box[2]) / 2 / c->w;
			cb->cy = (box[1] + box[3]) / 2 / c->h;
			cb->w = (box[2] - box[0]) / c->w;
			cb->h = (box[3] - box[1]) / c->h;
			break;
		}
	}
}

void canvas_make(struct canvas *c, const struct idx_images *im, const struct idx_labels *lb, uint64_t seed,
    uint64_t index)
{
	struct rng r;
	rng_seed(&r, rng_mix64(seed) ^ rng_mix64(index + 0x5afe));
	c->w = below(&r, CANVAS_MIN_SIDE, CANVAS_MAX_SIDE);
	c->h = below(&r, CANVAS_MIN_SIDE, CANVAS_MAX_SIDE);
	c->rgb = xmalloc((size_t)c->w * c->h * 3);
	c->n = 0;
	int want = below(&r, 1, CANVAS_MAX_OBJECTS);
	draw_background(c, &r);
	/* the first garment always fits (the canvas is larger than any patch),
	 * unless its source image is empty: then retry with the next draws (an
	 * IDX set of blank images gives blank canvases rather than a hang) */
	for (int t = 0; t < 10 && c->n == 0; t++)
		place_garments(c, &r, im, lb, want);
}

void canvas_free(struct canvas *c)
{
	free(c->rgb);
	c->rgb = NULL;
}

int canvas_load_split(const char *dir, const char *split, struct idx_images *im, struct idx_labels *lb,
    char **cause)
{
	const char *stem = strcmp(split, "train") == 0 ? "train" : "t10k";
	char *p = xasprintf("%s/%s-images-idx3-ubyte.gz", dir, stem);
	int rc = idx_load_images(p, im, cause);
	free(p);
	if (rc != 0)
		return -1;
	p = xasprintf("%s/%s-labels-idx1-ubyte.gz", dir, stem);
	rc = idx_load_labels(p, lb, cause);
	free(p);
	if (rc != 0) {
		idx_images_free(im);
		return -1;
	}
	if (im->rows != PATCH || im->cols != PATCH || im->count != lb->count || im->count == 0) {
		*cause = xasprintf("%s: not a 28x28 image set with one label per image", dir);
		idx_images_free(im);
		idx_labels_free(lb);
		return -1;
	}
	for (int i = 0; i < lb->count; i++)
		if (lb->labels[i] >= CANVAS_CLASSES) {
			*cause = xasprintf("%s: label %d out of range", dir, lb->labels[i]);
			idx_images_free(im);
			idx_labels_free(lb);
			return -1;
		}
	return 0;
}
