/* dataset.c - see dataset.h */
#include "formats/dataset.h"
#include "formats/detlabels.h"
#include "core/inputs.h"
#include "formats/idx.h"
#include "formats/image.h"
#include "core/util.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
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
	const char *magic = file_magic_kind(text, len);
	if (magic || memchr(text, '\0', len) != NULL) {
		*cause = magic ? xasprintf("%s: not a text file (%s)", path, magic)
		    : xasprintf("%s: binary data in a text file", path);
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
	const char *magic = file_magic_kind(text, strlen(text));
	if (magic) {
		*cause = xasprintf("%s: not a Darknet .data file (%s)", name, magic);
		return -1;
	}
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

/* ---- decoding: at load and again later ------------------------------------------ */

/* How to decode image i again: the .data file's paths or the IDX bytes.
 * Read-only once loaded, so that any thread may decode from it. */
struct dataset_source {
	dataset_resize_fn resize;
	struct shape shape;
	size_t image_size;
	int n;
	char **paths;		/* .data: n resolved paths, owned */
	unsigned char *pixels;	/* IDX: n × rows × cols bytes, owned */
	int rows, cols;
	char *name;		/* owned: the IDX file, for messages */
	uint64_t *hash;		/* owned: n dataset_image_hash values, filled at load */
};

static void source_free(struct dataset_source *s)
{
	if (s == NULL)
		return;
	if (s->paths)
		free_lines(s->paths, s->n);
	free(s->pixels);
	free(s->name);
	free(s->hash);
	free(s);
}

static struct dataset_source *source_new(const struct dataset *d, dataset_resize_fn resize, int n)
{
	struct dataset_source *s = xcalloc(1, sizeof *s);
	s->resize = resize;
	s->shape = d->shape;
	s->image_size = d->image_size;
	s->n = n;
	return s;
}

static const char *source_name(const struct dataset_source *s, int i)
{
	return s->paths ? s->paths[i] : s->name;
}

/* Image i into dst (image_size floats), its size in *w, *h; -1 with
 * *cause when it does not decode. */
static int source_decode(const struct dataset_source *s, int i, float *dst, int *w, int *h, char **cause)
{
	if (s->paths) {
		float *chw = image_load_chw(s->paths[i], w, h, cause);
		if (chw == NULL)
			return -1;
		to_input(s->resize, chw, *w, *h, s->shape, dst);
		free(chw);
		return 0;
	}
	*w = s->cols;
	*h = s->rows;
	size_t plane = (size_t)s->rows * s->cols;
	const unsigned char *px = s->pixels + (size_t)i * plane;
	if (s->rows == s->shape.h && s->cols == s->shape.w && s->shape.c == 1) {
		for (size_t k = 0; k < plane; k++)
			dst[k] = (float)(px[k] / 255.);	/* as Darknet decodes a grey PNG */
		return 0;
	}
	float *chw = xmalloc(plane * 3 * sizeof *chw);
	for (int c = 0; c < 3; c++)
		for (size_t k = 0; k < plane; k++)
			chw[c * plane + k] = (float)(px[k] / 255.);
	to_input(s->resize, chw, s->cols, s->rows, s->shape, dst);
	free(chw);
	return 0;
}

/* Four interleaved FNV-style lanes over 32-bit words: several times faster
 * than byte-wise FNV-1a, which matters when every pass re-decodes. */
uint64_t dataset_image_hash(const float *x, size_t n)
{
	uint64_t h[4] = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL, 0x9e3779b97f4a7c15ULL, 0x7f4a7c159e3779b9ULL };
	size_t i = 0;
	for (; i + 4 <= n; i += 4)
		for (int k = 0; k < 4; k++) {
			uint32_t v;
			memcpy(&v, &x[i + k], sizeof v);
			h[k] = (h[k] ^ v) * 0x100000001b3ULL;
		}
	for (; i < n; i++) {
		uint32_t v;
		memcpy(&v, &x[i], sizeof v);
		h[0] = (h[0] ^ v) * 0x100000001b3ULL;
	}
	uint64_t r = (uint64_t)n;
	for (int k = 0; k < 4; k++)
		r = (r ^ h[k] ^ (h[k] >> 29)) * 0xbf58476d1ce4e5b9ULL;
	return r;
}

int dataset_cache_images(double cache_bytes, int n, size_t image_size)
{
	if (cache_bytes <= 0)
		return n;
	double fit = floor(cache_bytes / ((double)image_size * sizeof(float)));
	return fit < n ? (int)fit : n;
}

int dataset_cached(const struct dataset *d)
{
	return d->src ? d->cached : d->count;
}

int dataset_fetch(const struct dataset *d, int start, int m, float *out, char **cause)
{
	int cached = dataset_cached(d);
	size_t sz = d->image_size;
	assert(start >= 0 && m >= 0 && start + m <= d->count);
	for (int k = 0; k < m; k++) {
		int i = start + k;
		float *dst = out + (size_t)k * sz;
		if (i < cached) {
			memcpy(dst, d->x + (size_t)i * sz, sz * sizeof *dst);
			continue;
		}
		char *why = NULL;
		int w, h;
		if (source_decode(d->src, i, dst, &w, &h, &why) != 0 || dataset_image_hash(dst, sz) != d->src->hash[i]) {
			*cause = xasprintf("%s: changed since it was loaded (%s)", source_name(d->src, i),
			    why ? why : "it gives other pixels now");
			free(why);
			return -1;
		}
	}
	return 0;
}

const float *dataset_inputs(const struct dataset *d, int start, int m, float *buf, char **cause)
{
	if (start + m <= dataset_cached(d))
		return d->x + (size_t)start * d->image_size;
	return dataset_fetch(d, start, m, buf, cause) == 0 ? buf : NULL;
}

/* The cached images are the one large allocation here: checked against what
 * the process may still obtain first, so that running out names the data. */
static void reserve_tensor(const char *source, int n, const struct dataset *d)
{
	char what[512];
	snprintf(what, sizeof what, "%s: %d images of %dx%dx%d floats", source, n,
	    d->shape.w, d->shape.h, d->shape.c);
	mem_reserve((double)n * (double)d->image_size * sizeof(float), what);
}

/* The load pipeline: chunks of images decoded in parallel into one of two
 * buffers while task 0 commits the chunk before, in order: it adds each
 * image to the checksum (byte-wise FNV-1a over the floats, in file order:
 * the value result files have always recorded), keeps the first `cap` in x
 * and counts the skipped ones.  A decode task writes only its own slot;
 * only task 0 writes the data set. */
struct chunk {
	float *x;		/* chunk × image_size */
	int *ok;
	char **why;
	uint64_t *hash;
	double *cpu;		/* CPU seconds of each decode */
	int *w, *h;		/* each image's size */
	int base, n;		/* first candidate, images (0: nothing to commit) */
};

struct loader {
	struct dataset *d;
	const struct dataset_source *s;	/* the candidates */
	const int *labels;	/* of the candidates */
	const struct det_truth *const *truth;	/* detection: of the candidates, normalised */
	const int *ntruth;
	size_t truth_cap;
	int *keep;		/* candidate index of each kept image */
	uint64_t *hash;		/* of each kept image */
	struct chunk buf[2];
	int cur;		/* buf[cur] is being decoded, buf[cur ^ 1] committed */
	int cap;
	uint64_t sum;
};

/* Kept image k (candidate c, w×h pixels): its size and its boxes in pixels. */
static void keep_truth(struct loader *L, int k, int c, int w, int h)
{
	struct dataset *d = L->d;
	d->paths[k] = xstrdup(L->s->paths[c]);
	d->img_w[k] = w;
	d->img_h[k] = h;
	size_t at = d->truth_first[k], nt = L->ntruth ? (size_t)L->ntruth[c] : 0;
	if (at + nt > L->truth_cap) {
		L->truth_cap = (at + nt) * 2 + 64;
		d->truth = xreallocarray(d->truth, L->truth_cap, sizeof *d->truth);
	}
	for (size_t i = 0; i < nt; i++) {
		struct det_truth t = L->truth[c][i];
		t.b.x *= (float)w;
		t.b.w *= (float)w;
		t.b.y *= (float)h;
		t.b.h *= (float)h;
		d->truth[at + i] = t;
	}
	d->truth_first[k + 1] = at + nt;
	d->objects += (long)nt;
}

static void loader_commit(struct loader *L, struct chunk *b)
{
	struct dataset *d = L->d;
	size_t sz = d->image_size;
	for (int j = 0; j < b->n; j++) {
		d->load_cpu_seconds += b->cpu[j];
		if (!b->ok[j]) {	/* a bad image costs one sample, not the run */
			if (d->skipped++ == 0)
				d->first_skip = b->why[j];
			else
				free(b->why[j]);
			continue;
		}
		const float *x = b->x + (size_t)j * sz;
		L->sum = hash_fnv1a(x, sz * sizeof *x, L->sum);
		if (d->count < L->cap)
			memcpy(d->x + (size_t)d->count * sz, x, sz * sizeof *x);
		d->labels[d->count] = L->labels[b->base + j];
		if (d->detection)
			keep_truth(L, d->count, b->base + j, b->w[j], b->h[j]);
		L->keep[d->count] = b->base + j;
		L->hash[d->count++] = b->hash[j];
	}
	b->n = 0;
}

static void loader_task(void *ctx, int i)
{
	struct loader *L = ctx;
	if (i == 0) {
		struct chunk *prev = &L->buf[L->cur ^ 1];
		if (prev->n > 0)
			loader_commit(L, prev);
		return;
	}
	struct chunk *b = &L->buf[L->cur];
	int j = i - 1;
	float *x = b->x + (size_t)j * L->d->image_size;
	double t0 = thread_cpu_seconds();
	b->why[j] = NULL;
	b->ok[j] = source_decode(L->s, b->base + j, x, &b->w[j], &b->h[j], &b->why[j]) == 0;
	if (b->ok[j])
		b->hash[j] = dataset_image_hash(x, L->d->image_size);
	b->cpu[j] = thread_cpu_seconds() - t0;
}

/* Images per chunk: as many as 16 MiB of floats hold (two chunks live at
 * once), at most 1024, at least one per thread. */
#define CHUNK_BYTES ((double)(16 << 20))
#define CHUNK_MAX 1024

static int chunk_images(const struct dataset_options *opt, size_t image_size)
{
	int threads = opt->parallel == NULL ? 1 : opt->threads > 0 ? opt->threads : 8;
	double fit = floor(CHUNK_BYTES / ((double)image_size * sizeof(float)));
	int n = fit < CHUNK_MAX ? (int)fit : CHUNK_MAX;
	return n > threads ? n : threads;
}

static void run_tasks(const struct dataset_options *opt, int ntasks, struct loader *L)
{
	if (opt->parallel != NULL) {
		opt->parallel(opt->threads, ntasks, loader_task, L);
		return;
	}
	for (int i = 0; i < ntasks; i++)
		loader_task(L, i);
}

/* Decodes the n candidates of s (labels: theirs) into d: count, x (the
 * first cap), labels, skipped, checksum; then keeps in d->src what decodes
 * the images that are not cached, or frees s when all are.  Takes s. */
static void load_images(struct dataset *d, struct dataset_source *s, const int *labels,
    const struct det_truth *const *truth, const int *ntruth, const struct dataset_options *opt, const char *what)
{
	int n = s->n;
	double t0 = now_seconds();
	struct loader L = { .d = d, .s = s, .labels = labels, .truth = truth, .ntruth = ntruth };
	if (d->detection) {
		d->img_w = xmalloc((size_t)n * sizeof *d->img_w);
		d->img_h = xmalloc((size_t)n * sizeof *d->img_h);
		d->truth_first = xcalloc((size_t)n + 1, sizeof *d->truth_first);
		d->paths = xcalloc((size_t)n, sizeof *d->paths);
	}
	L.cap = dataset_cache_images(opt->cache_bytes, n, d->image_size);
	reserve_tensor(what, L.cap, d);
	d->x = xmalloc((size_t)L.cap * d->image_size * sizeof *d->x);
	d->labels = xmalloc((size_t)n * sizeof *d->labels);
	L.keep = xmalloc((size_t)n * sizeof *L.keep);
	L.hash = xmalloc((size_t)n * sizeof *L.hash);
	L.sum = HASH_FNV1A_INIT;
	int chunk = chunk_images(opt, d->image_size);
	for (int k = 0; k < 2; k++) {
		struct chunk *b = &L.buf[k];
		b->x = xmalloc((size_t)chunk * d->image_size * sizeof *b->x);
		b->ok = xmalloc((size_t)chunk * sizeof *b->ok);
		b->why = xmalloc((size_t)chunk * sizeof *b->why);
		b->hash = xmalloc((size_t)chunk * sizeof *b->hash);
		b->cpu = xmalloc((size_t)chunk * sizeof *b->cpu);
		b->w = xmalloc((size_t)chunk * sizeof *b->w);
		b->h = xmalloc((size_t)chunk * sizeof *b->h);
	}
	for (int base = 0, shown = 0; base < n || L.buf[L.cur ^ 1].n > 0; base += chunk) {
		struct chunk *b = &L.buf[L.cur];
		b->base = base;
		b->n = base >= n ? 0 : n - base < chunk ? n - base : chunk;
		run_tasks(opt, 1 + b->n, &L);
		L.cur ^= 1;
		int done = base + b->n;
		if (opt->progress && b->n > 0 && (done / 256 != shown / 256 || done == n))
			opt->progress(done, n, opt->progress_ctx);
		shown = done;
	}
	for (int k = 0; k < 2; k++) {
		free(L.buf[k].x);
		free(L.buf[k].ok);
		free(L.buf[k].why);
		free(L.buf[k].hash);
		free(L.buf[k].cpu);
		free(L.buf[k].w);
		free(L.buf[k].h);
	}
	d->checksum = hash_fnv1a(d->labels, (size_t)d->count * sizeof(int), L.sum);
	if (d->detection && d->objects > 0)	/* the ground truth is part of the data */
		d->checksum = hash_fnv1a(d->truth, (size_t)d->objects * sizeof *d->truth, d->checksum);
	d->cached = d->count < L.cap ? d->count : L.cap;
	d->load_seconds = now_seconds() - t0;
	if (d->cached == d->count) {
		source_free(s);
	} else {
		/* keep only the images kept, under their new numbers */
		if (s->paths) {
			char **kept = xmalloc((size_t)d->count * sizeof *kept);
			for (int k = 0; k < d->count; k++) {
				kept[k] = s->paths[L.keep[k]];
				s->paths[L.keep[k]] = NULL;
			}
			for (int i = 0; i < n; i++)
				free(s->paths[i]);
			free(s->paths);
			s->paths = kept;
		}
		s->n = d->count;
		s->hash = L.hash;
		L.hash = NULL;
		d->src = s;
	}
	free(L.keep);
	free(L.hash);
}

static void finish(struct dataset *d)
{
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

static int labels_check(const char *list_path, char **paths, int n, const struct dataset *d, int *labels,
    char **cause)
{
	int bad = 0;
	char *shown = xstrdup("");
	for (int i = 0; i < n; i++) {
		int lab = label_of_path(paths[i], d->names, d->classes);
		labels[i] = lab;
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

/* Resolves every path of the list (the candidates of s) on this thread,
 * before any decoding.  -1 with *error when the list names what is not a
 * file at all (a FIFO, a device): that is a mistake in the list, not a
 * damaged sample. */
static int resolve_all(char **paths, int n, const char *list_path, struct dataset_source *s, char **error)
{
	s->paths = xcalloc((size_t)n, sizeof *s->paths);
	for (int i = 0; i < n; i++) {
		char *p = resolve(paths[i], list_path);
		struct stat st;
		s->paths[i] = p;
		if (stat(p, &st) == 0 && !S_ISREG(st.st_mode)) {
			*error = xasprintf("%s: not a regular file (listed in %s)", p, list_path);
			return -1;
		}
		inputs_note(p);
	}
	return 0;
}

/* Each image's label file, found as Darknet finds it (detlabels.h). */
static int read_truth(char *const *paths, int n, struct dataset *d, struct det_truth ***truth, int **ntruth,
    char **cause)
{
	*truth = xcalloc((size_t)n, sizeof **truth);
	*ntruth = xcalloc((size_t)n, sizeof **ntruth);
	for (int i = 0; i < n; i++) {
		char *lp = detlabels_path(paths[i]);
		struct stat st;
		d->labelled_files += stat(lp, &st) == 0;
		int rc = detlabels_read(lp, d->classes, &(*truth)[i], &(*ntruth)[i], cause);
		free(lp);
		if (rc != 0)
			return -1;
	}
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
	int *cand = NULL;	/* the label of each listed path */
	struct det_truth **truth = NULL;	/* detection: each listed image's boxes */
	int *ntruth = NULL;
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
	if (opt->limit > 0 && opt->limit < npaths)
		npaths = opt->limit;	/* the first N, as --limit promises */
	cand = xmalloc((size_t)npaths * sizeof *cand);
	d->detection = opt->detection;
	if (opt->unlabeled || opt->detection)
		for (int i = 0; i < npaths; i++)
			cand[i] = -1;
	else if (labels_check(list, paths, npaths, d, cand, cause) != 0)
		goto out;
	struct dataset_source *src = source_new(d, opt->resize, npaths);
	if (resolve_all(paths, npaths, list, src, cause) != 0) {
		source_free(src);
		goto out;
	}
	if (opt->detection && !opt->unlabeled && read_truth(src->paths, npaths, d, &truth, &ntruth, cause) != 0) {
		source_free(src);
		goto out;
	}
	load_images(d, src, cand, (const struct det_truth *const *)truth, ntruth, opt, list);
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
	free(cand);
	if (truth)
		for (int i = 0; i < npaths; i++)
			free(truth[i]);
	free(truth);
	free(ntruth);
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
	int *cand = NULL;	/* the label of each image */
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
	if (opt->limit > 0 && opt->limit < n)
		n = opt->limit;
	cand = xmalloc((size_t)n * sizeof *cand);
	for (int i = 0; i < n; i++) {
		cand[i] = unlabeled ? -1 : lb.labels[i];
		if (cand[i] >= d->classes) {
			*cause = xasprintf("%s: label %d of image %d is outside the %d class names",
			    labels_path, cand[i], i, d->classes);
			goto out;
		}
	}
	/* the raw bytes (a quarter of the floats at 28x28) are what is decoded again */
	struct dataset_source *src = source_new(d, opt->resize, n);
	src->pixels = im.pixels;
	src->rows = im.rows;
	src->cols = im.cols;
	src->name = xstrdup(images_path);
	im.pixels = NULL;
	load_images(d, src, cand, NULL, NULL, opt, images_path);
	d->source = xasprintf("%s", images_path);
	finish(d);
	rc = 0;
out:
	free(cand);
	idx_images_free(&im);
	idx_labels_free(&lb);
	if (rc != 0)
		dataset_free(d);
	return rc;
}

void dataset_free(struct dataset *d)
{
	source_free(d->src);
	free(d->x);
	free(d->labels);
	free(d->img_w);
	free(d->img_h);
	free(d->truth);
	free(d->truth_first);
	for (int i = 0; d->paths && i < d->count; i++)
		free(d->paths[i]);
	free(d->paths);
	if (d->names)
		free_lines(d->names, d->classes);
	free(d->first_skip);
	free(d->source);
	memset(d, 0, sizeof *d);
}
