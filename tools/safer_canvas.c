/* safer_canvas.c - writes the detection set as files Darknet reads.
 *
 *   safer-canvas [--seed S] [--count N] [--split test|train] [--names FILE]
 *                [--idx DIR] OUTDIR
 *
 * OUTDIR/images/00000.png ... (RGB PNG through stb_image_write),
 * OUTDIR/labels/00000.txt ... (Darknet label lines: class cx cy w h, normalised),
 * OUTDIR/valid.txt (the image paths, OUTDIR as given), OUTDIR/results/ (empty,
 * for `darknet detector valid`), OUTDIR/fmnist-det.data, and
 * OUTDIR/fashion-mnist.names unless --names points names= at a file.
 * Canvas i is canvas_make(S, i) of the split: the same bytes on every run.
 *
 * Darknet finds a label file by replacing, in the image path, the FIRST
 * "images" by "labels" (then "JPEGImages", "raw", ".jpg", ".png", ...), so an
 * OUTDIR whose path contains one of those strings is refused: Darknet would
 * look for the labels somewhere else. */
#include <errno.h>
#include <stb_image_write.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canvas.h"
#include "core/util.h"

#ifndef FMNIST_DIR
#define FMNIST_DIR "/usr/share/datasets/fashion-mnist"
#endif

#define MAX_COUNT 100000	/* five-digit file names */

struct options {
	unsigned long long seed;
	long count;
	const char *split, *names, *idx, *dir;
};

static int usage(const char *why)
{
	fprintf(stderr, "safer-canvas: %s\nusage: safer-canvas [--seed S] [--count N] [--split test|train] "
	    "[--names FILE] [--idx DIR] OUTDIR\n", why);
	return 2;
}

static int parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	*o = (struct options){ 1, 100, "test", NULL, FMNIST_DIR, NULL };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned long long n;
		if (a[0] != '-' || strcmp(a, "-") == 0) {
			if (o->dir != NULL)
				return usage("one OUTDIR only");
			o->dir = a;
			continue;
		}
		if (v == NULL)
			return usage("an option without its value");
		i++;
		if (strcmp(a, "--seed") == 0) {
			if (parse_number(v, UINT64_MAX, &o->seed) != 0)
				return usage("--seed takes an unsigned integer");
		} else if (strcmp(a, "--count") == 0) {
			if (parse_number(v, MAX_COUNT, &n) != 0 || n == 0)
				return usage("--count takes 1 to 100000");
			o->count = (long)n;
		} else if (strcmp(a, "--split") == 0) {
			if (strcmp(v, "test") != 0 && strcmp(v, "train") != 0)
				return usage("--split takes test or train");
			o->split = v;
		} else if (strcmp(a, "--names") == 0) {
			o->names = v;
		} else if (strcmp(a, "--idx") == 0) {
			o->idx = v;
		} else {
			return usage("unknown option");
		}
	}
	return o->dir == NULL ? usage("no OUTDIR") : 0;
}

/* OUTDIR must be (or become) a directory whose path Darknet's label rule
 * and .data parser leave alone. */
static int check_outdir(const char *dir)
{
	static const char *const traps[] = { "images", "JPEGImages", "raw", ".jpg", ".png", ".JPG", ".JPEG" };
	for (size_t i = 0; i < sizeof traps / sizeof *traps; i++)
		if (strstr(dir, traps[i]) != NULL) {
			fprintf(stderr, "%s: the path contains \"%s\"; Darknet would look for the labels elsewhere "
			    "(it replaces the first \"%s\" of an image path)\n", dir, traps[i], traps[i]);
			return 2;
		}
	if (strpbrk(dir, " \t\n\r\v\f") != NULL) {
		fprintf(stderr, "%s: the path contains white space, which Darknet's .data parser drops\n", dir);
		return 2;
	}
	struct stat st;
	if (lstat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: not a directory\n", dir);
		return 2;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 2;
	}
	return 0;
}

static int make_subdir(const char *dir, const char *sub)
{
	char *p = xasprintf("%s/%s", dir, sub);
	struct stat st;
	int rc = 0;
	if (mkdir(p, 0777) != 0 && (errno != EEXIST || stat(p, &st) != 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "%s: %s\n", p, errno == EEXIST ? "not a directory" : strerror(errno));
		rc = 2;
	}
	free(p);
	return rc;
}

static FILE *open_write(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
	return f;
}

static int close_checked(FILE *f, const char *path)
{
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "%s: write failed\n", path);
		return 1;
	}
	return 0;
}

/* Writes canvas i's PNG and label file and lists the PNG. */
static int write_canvas(const struct options *o, const struct canvas *c, long i, FILE *list)
{
	char *png = xasprintf("%s/images/%05ld.png", o->dir, i);
	char *txt = xasprintf("%s/labels/%05ld.txt", o->dir, i);
	int rc = 1;
	FILE *f;
	if (!stbi_write_png(png, c->w, c->h, 3, c->rgb, c->w * 3))
		fprintf(stderr, "%s: cannot write the PNG\n", png);
	else if ((f = open_write(txt)) != NULL) {
		for (int k = 0; k < c->n; k++)
			fprintf(f, "%d %.6f %.6f %.6f %.6f\n", c->box[k].cls, c->box[k].cx, c->box[k].cy, c->box[k].w,
			    c->box[k].h);
		rc = close_checked(f, txt);
		fprintf(list, "%s\n", png);
	}
	free(png);
	free(txt);
	return rc;
}

static int write_meta(const struct options *o)
{
	char *names = o->names ? xstrdup(o->names) : xasprintf("%s/fashion-mnist.names", o->dir);
	char *data = xasprintf("%s/fmnist-det.data", o->dir);
	int rc = 1;
	FILE *f;
	if (o->names == NULL && (f = open_write(names)) != NULL) {
		for (int k = 0; k < CANVAS_CLASSES; k++)
			fprintf(f, "%s\n", canvas_names[k]);
		rc = close_checked(f, names);
	} else if (o->names != NULL) {
		rc = 0;
	}
	if (rc == 0 && (f = open_write(data)) != NULL) {
		fprintf(f, "classes=%d\nvalid=%s/valid.txt\nnames=%s\nresults=%s/results\n", CANVAS_CLASSES, o->dir,
		    names, o->dir);
		rc = close_checked(f, data);
	} else if (rc == 0) {
		rc = 1;
	}
	free(names);
	free(data);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc = parse_options(argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.names != NULL && access(o.names, R_OK) != 0) {
		fprintf(stderr, "%s: %s\n", o.names, strerror(errno));
		return 2;
	}
	if ((rc = check_outdir(o.dir)) != 0 || (rc = make_subdir(o.dir, "images")) != 0 ||
	    (rc = make_subdir(o.dir, "labels")) != 0 || (rc = make_subdir(o.dir, "results")) != 0)
		return rc;
	char *cause = NULL;
	struct idx_images im;
	struct idx_labels lb;
	if (canvas_load_split(o.idx, o.split, &im, &lb, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return 2;
	}
	char *listp = xasprintf("%s/valid.txt", o.dir);
	FILE *list = open_write(listp);
	rc = list == NULL;
	for (long i = 0; i < o.count && rc == 0; i++) {
		struct canvas c;
		canvas_make(&c, &im, &lb, o.seed, (uint64_t)i);
		rc = write_canvas(&o, &c, i, list);
		canvas_free(&c);
	}
	if (list != NULL && close_checked(list, listp) != 0)
		rc = 1;
	if (rc == 0)
		rc = write_meta(&o);
	free(listp);
	idx_images_free(&im);
	idx_labels_free(&lb);
	return rc;
}
