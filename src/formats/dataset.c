/* dataset.c - see dataset.h */
#include "formats/dataset.h"
#include "core/inputs.h"
#include "formats/idx.h"
#include "formats/image.h"
#include "core/util.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TEXT_MAX ((size_t)64 << 20)
#define OFFENDERS_SHOWN 3

/* ---- small text files ------------------------------------------------------ */

char **read_lines(const char *path, int *count, char **cause)
{
	size_t len;
	char *text = file_read_all(path, TEXT_MAX, &len, cause);
	if (text == NULL)
		return NULL;
	if (memchr(text, '\0', len) != NULL) {
		*cause = xasprintf("%s: binary data in a text file", path);
		free(text);
		return NULL;
	}
	int n = 0, cap = 16;
	char **lines = xmalloc((size_t)cap * sizeof *lines);
	for (char *p = text, *nl; p < text + len; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = text + len;
		size_t l = (size_t)(nl - p);
		while (l > 0 && p[l - 1] == '\r')
			l--;
		size_t k = 0;
		while (k < l && isspace((unsigned char)p[k]))
			k++;
		if (k == l)
			continue;	/* blank line */
		if (n == cap)
			lines = xreallocarray(lines, (size_t)(cap *= 2), sizeof *lines);
		lines[n] = xmalloc(l + 1);
		memcpy(lines[n], p, l);
		lines[n++][l] = '\0';
	}
	free(text);
	*count = n;
	return lines;
}

void free_lines(char **lines, int count)
{
	for (int i = 0; i < count; i++)
		free(lines[i]);
	free(lines);
}

/* Darknet's read_option strips every whitespace character, then splits at '='. */
int data_file_parse(const char *name, const char *text, struct data_file *out, char **cause)
{
	memset(out, 0, sizeof *out);
	int lineno = 0;
	for (const char *p = text; *p; ) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xmalloc(l + 1);
		size_t k = 0;
		for (size_t i = 0; i < l; i++)
			if (!isspace((unsigned char)p[i]))
				line[k++] = p[i];
		line[k] = '\0';
		lineno++;
		p += l + (nl != NULL);
		if (k == 0 || line[0] == '#' || line[0] == ';') {
			free(line);
			continue;
		}
		char *eq = strchr(line, '=');
		if (eq == NULL || eq == line) {
			*cause = xasprintf("%s:%d: expected key=value", name, lineno);
			free(line);
			data_file_free(out);
			return -1;
		}
		*eq = '\0';
		out->keys = xreallocarray(out->keys, (size_t)out->n + 1, sizeof *out->keys);
		out->values = xreallocarray(out->values, (size_t)out->n + 1, sizeof *out->values);
		out->keys[out->n] = xstrdup(line);
		out->values[out->n++] = xstrdup(eq + 1);
		free(line);
	}
	return 0;
}

const char *data_file_get(const struct data_file *df, const char *key)
{
	/* the first one wins, as in Darknet: read_data_cfg appends each line to
	 * the list (list_insert) and option_find returns the first match */
	for (int i = 0; i < df->n; i++)
		if (strcmp(df->keys[i], key) == 0)
			return df->values[i];
	return NULL;
}

void data_file_free(struct data_file *df)
{
	for (int i = 0; i < df->n; i++) {
		free(df->keys[i]);
		free(df->values[i]);
	}
	free(df->keys);
	free(df->values);
	memset(df, 0, sizeof *df);
}

int label_of_path(const char *path, char *const *names, int classes)
{
	int found = -1;
	for (int j = 0; j < classes; j++)
		if (names[j][0] != '\0' && strstr(path, names[j]) != NULL) {
			if (found >= 0)
				return -2;
			found = j;
		}
	return found;
}

/* Darknet opens relative paths from the working directory; when that fails we
 * also try next to the file that named them, which is what people expect. */
static char *resolve(const char *path, const char *relative_to)
{
	struct stat st;
	if (path[0] == '/' || stat(path, &st) == 0)
		return xstrdup(path);
	const char *slash = strrchr(relative_to, '/');
	if (slash == NULL)
		return xstrdup(path);
	char *alt = xasprintf("%.*s/%s", (int)(slash - relative_to), relative_to, path);
	if (stat(alt, &st) == 0)
		return alt;
	free(alt);
	return xstrdup(path);
}

/* ---- turning pixels into the network's input --------------------------------- */

static int check_shape(const char *name, struct shape s, char **cause)
{
	if (s.c != 1 && s.c != 3) {
		*cause = xasprintf("%s: networks with %d input channels are not supported (1 or 3)", name, s.c);
		return -1;
	}
	return 0;
}

/* chw: 3 planes of w×h.  Darknet feeds the cropped 3-plane image to the network,
 * which reads only its first c planes. */
static void to_input(dataset_resize_fn resize, const float *chw, int w, int h, struct shape net, float *dst)
{
	size_t plane = (size_t)net.w * net.h;
	float *crop = xmalloc(plane * 3 * sizeof *crop);
	resize(chw, w, h, net.w, net.h, crop);
	memcpy(dst, crop, plane * (size_t)net.c * sizeof *dst);
	free(crop);
}

/* The input tensor is the one large allocation here: checked against what
 * the process may still obtain first, so that running out names the data. */
static void reserve_tensor(const char *source, int n, const struct dataset *d)
{
	char what[512];
	snprintf(what, sizeof what, "%s: %d images of %dx%dx%d floats", source, n,
	    d->shape.w, d->shape.h, d->shape.c);
	mem_reserve((double)n * (double)d->image_size * sizeof(float), what);
}

static void finish(struct dataset *d)
{
	uint64_t h = hash_fnv1a(d->x, (size_t)d->count * d->image_size * sizeof(float), HASH_FNV1A_INIT);
	d->checksum = hash_fnv1a(d->labels, (size_t)d->count * sizeof(int), h);
	if (d->topk > d->classes)
		d->topk = d->classes;
	if (d->topk < 1)
		d->topk = 1;
}

static void init(struct dataset *d, struct shape net_in)
{
	memset(d, 0, sizeof *d);
	d->shape = net_in;
	d->image_size = (size_t)net_in.w * net_in.h * net_in.c;
	d->topk = 5;
}

/* ---- .data files ------------------------------------------------------------ */

static int parse_int(const char *name, const char *key, const char *v, int lo, int hi, int *out, char **cause)
{
	long x;
	if (parse_long(v, lo, hi, &x) != 0) {
		*cause = xasprintf("%s: %s=%s: expected an integer from %d to %d", name, key, v, lo, hi);
		return -1;
	}
	*out = (int)x;
	return 0;
}

static int labels_check(const char *list_path, char **paths, int n, struct dataset *d, char **cause)
{
	int bad = 0;
	char *shown = xstrdup("");
	for (int i = 0; i < n; i++) {
		int lab = label_of_path(paths[i], d->names, d->classes);
		d->labels[i] = lab;
		if (lab >= 0)
			continue;
		if (bad++ < OFFENDERS_SHOWN) {
			char *s = xasprintf("%s%s%s (%s)", shown, *shown ? ", " : "", paths[i],
			    lab == -1 ? "no label" : "several labels");
			free(shown);
			shown = s;
		}
	}
	if (bad) {
		*cause = xasprintf("%s: %d path%s match no label or several: %s%s", list_path, bad,
		    bad == 1 ? "" : "s", shown, bad > OFFENDERS_SHOWN ? ", ..." : "");
		free(shown);
		return -1;
	}
	free(shown);
	return 0;
}

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int check_duplicates(const char *list_path, char **paths, int n, char **cause)
{
	/* sort a copy of the pointers; duplicates end up side by side */
	char **s = xmalloc((size_t)n * sizeof *s);
	memcpy(s, paths, (size_t)n * sizeof *s);
	qsort(s, (size_t)n, sizeof *s, strcmp_ptr);
	for (int i = 1; i < n; i++)
		if (strcmp(s[i - 1], s[i]) == 0) {
			*cause = xasprintf("%s: duplicate path %s", list_path, s[i]);
			free(s);
			return -1;
		}
	free(s);
	return 0;
}

/* -1 with *error when the list names what is not a file at all (a FIFO, a
 * device): that is a mistake in the list, not a damaged sample. */
static int decode_all(char **paths, int n, const char *list_path, const struct dataset_options *opt,
    struct dataset *d, char **error)
{
	int kept = 0;
	for (int i = 0; i < n; i++) {
		char *cause = NULL;
		char *p = resolve(paths[i], list_path);
		struct stat st;
		if (stat(p, &st) == 0 && !S_ISREG(st.st_mode)) {
			*error = xasprintf("%s: not a regular file (listed in %s)", p, list_path);
			free(p);
			return -1;
		}
		inputs_note(p);
		int w, h;
		float *chw = image_load_chw(p, &w, &h, &cause);
		free(p);
		if (chw == NULL) {
			/* a bad image costs one sample, not the run */
			if (d->skipped++ == 0)
				d->first_skip = cause;
			else
				free(cause);
		} else {
			to_input(opt->resize, chw, w, h, d->shape, d->x + (size_t)kept * d->image_size);
			d->labels[kept++] = d->labels[i];
			free(chw);
		}
		if (opt && opt->progress && (i % 256 == 255 || i == n - 1))
			opt->progress(i + 1, n, opt->progress_ctx);
	}
	d->count = kept;
	return 0;
}

int dataset_load_data(const char *data_path, struct shape net_in, const struct dataset_options *opt,
    struct dataset *d, char **cause)
{
	assert(opt != NULL && opt->resize != NULL);
	init(d, net_in);
	if (check_shape(data_path, net_in, cause) != 0)
		return -1;
	size_t len;
	char *text = file_read_all(data_path, TEXT_MAX, &len, cause);
	if (text == NULL)
		return -1;
	if (len == 0) {
		*cause = xasprintf("%s: empty file", data_path);
		free(text);
		return -1;
	}
	struct data_file df;
	int rc = data_file_parse(data_path, text, &df, cause);
	free(text);
	if (rc != 0)
		return -1;
	char **paths = NULL, *list = NULL, *labels = NULL;
	int npaths = 0, nall = 0, nnames = 0;
	const char *v_valid = data_file_get(&df, "valid");
	const char *v_labels = data_file_get(&df, "labels");
	const char *v_classes = data_file_get(&df, "classes");
	const char *v_top = data_file_get(&df, "top");
	if (v_labels == NULL)
		v_labels = data_file_get(&df, "names");
	rc = -1;
	if (v_valid == NULL || v_labels == NULL) {
		*cause = xasprintf("%s: needs valid= and labels= (or names=)", data_path);
		goto out;
	}
	if (v_top && parse_int(data_path, "top", v_top, 1, 1000, &d->topk, cause) != 0)
		goto out;
	labels = resolve(v_labels, data_path);
	inputs_note(labels);
	d->names = read_lines(labels, &nnames, cause);
	if (d->names == NULL)
		goto out;
	d->classes = nnames;
	if (v_classes && parse_int(data_path, "classes", v_classes, 1, nnames, &d->classes, cause) != 0)
		goto out;
	for (int i = d->classes; i < nnames; i++)	/* Darknet ignores labels past `classes` */
		free(d->names[i]);
	if (nnames == 0) {
		*cause = xasprintf("%s: no labels", labels);
		goto out;
	}
	list = resolve(v_valid, data_path);
	inputs_note(list);
	paths = read_lines(list, &npaths, cause);
	if (paths == NULL)
		goto out;
	nall = npaths;
	if (npaths == 0) {
		*cause = xasprintf("%s: no image paths", list);
		goto out;
	}
	if (check_duplicates(list, paths, npaths, cause) != 0)
		goto out;
	if (opt && opt->limit > 0 && opt->limit < npaths)
		npaths = opt->limit;	/* the first N, as --limit promises */
	d->labels = xmalloc((size_t)npaths * sizeof *d->labels);
	if (opt && opt->unlabeled)
		for (int i = 0; i < npaths; i++)
			d->labels[i] = -1;
	else if (labels_check(list, paths, npaths, d, cause) != 0)
		goto out;
	reserve_tensor(list, npaths, d);
	d->x = xmalloc((size_t)npaths * d->image_size * sizeof *d->x);
	if (decode_all(paths, npaths, list, opt, d, cause) != 0)
		goto out;
	if (d->count == 0) {
		*cause = xasprintf("%s: none of the %d images could be decoded (%s)", list, npaths,
		    d->first_skip ? d->first_skip : "?");
		goto out;
	}
	d->source = xstrdup(data_path);
	finish(d);
	rc = 0;
out:
	if (paths)
		free_lines(paths, nall);
	free(list);
	free(labels);
	data_file_free(&df);
	if (rc != 0)
		dataset_free(d);
	return rc;
}

int dataset_load_idx(const char *images_path, const char *labels_path, const char *names_path,
    struct shape net_in, const struct dataset_options *opt, struct dataset *d, char **cause)
{
	assert(opt != NULL && opt->resize != NULL);
	init(d, net_in);
	if (check_shape(images_path, net_in, cause) != 0)
		return -1;
	struct idx_images im;
	struct idx_labels lb = { 0 };
	if (idx_load_images(images_path, &im, cause) != 0)
		return -1;
	int rc = -1;
	int unlabeled = opt && opt->unlabeled && labels_path == NULL;
	if (!unlabeled) {
		if (labels_path == NULL) {
			*cause = xasprintf("%s: no labels file given", images_path);
			goto out;
		}
		if (idx_load_labels(labels_path, &lb, cause) != 0)
			goto out;
		if (lb.count != im.count) {
			*cause = xasprintf("%s: %d labels for %d images in %s", labels_path, lb.count, im.count, images_path);
			goto out;
		}
	}
	if (names_path != NULL) {
		int n;
		d->names = read_lines(names_path, &n, cause);
		if (d->names == NULL)
			goto out;
		d->classes = n;
	} else {
		d->classes = 10;
		d->names = xmalloc(10 * sizeof *d->names);
		for (int i = 0; i < 10; i++)
			d->names[i] = xasprintf("%d", i);
	}
	int n = im.count;
	if (opt && opt->limit > 0 && opt->limit < n)
		n = opt->limit;
	d->labels = xmalloc((size_t)n * sizeof *d->labels);
	for (int i = 0; i < n; i++) {
		d->labels[i] = unlabeled ? -1 : lb.labels[i];
		if (d->labels[i] >= d->classes) {
			*cause = xasprintf("%s: label %d of image %d is outside the %d class names",
			    labels_path, d->labels[i], i, d->classes);
			goto out;
		}
	}
	reserve_tensor(images_path, n, d);
	d->x = xmalloc((size_t)n * d->image_size * sizeof *d->x);
	size_t plane = (size_t)im.rows * im.cols;
	float *chw = xmalloc(plane * 3 * sizeof *chw);
	for (int i = 0; i < n; i++) {
		const unsigned char *px = im.pixels + (size_t)i * plane;
		float *dst = d->x + (size_t)i * d->image_size;
		if (im.rows == net_in.h && im.cols == net_in.w && net_in.c == 1) {
			for (size_t k = 0; k < plane; k++)
				dst[k] = (float)(px[k] / 255.);	/* as Darknet decodes a grey PNG */
			continue;
		}
		for (int c = 0; c < 3; c++)
			for (size_t k = 0; k < plane; k++)
				chw[c * plane + k] = (float)(px[k] / 255.);
		to_input(opt->resize, chw, im.cols, im.rows, net_in, dst);
	}
	free(chw);
	d->count = n;
	d->source = xasprintf("%s", images_path);
	finish(d);
	rc = 0;
out:
	idx_images_free(&im);
	idx_labels_free(&lb);
	if (rc != 0)
		dataset_free(d);
	return rc;
}

void dataset_free(struct dataset *d)
{
	free(d->x);
	free(d->labels);
	if (d->names)
		free_lines(d->names, d->classes);
	free(d->first_skip);
	free(d->source);
	memset(d, 0, sizeof *d);
}
