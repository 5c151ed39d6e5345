/* report.c - see report.h */
#include "config.h"
#include "formats/scan_file.h"
#include "core/atomic.h"
#include "core/util.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_MAX_FILE ((size_t)256 << 20)

static const char *const columns[] = {
	"layer", "layer_kind", "kind", "level", "trial", "top1", "drop", "drop_lo", "drop_hi",
	"agree", "kl", "images", "seconds",
};
#define NCOLUMNS ((int)(sizeof columns / sizeof columns[0]))

int scan_row_same_key(const struct scan_row *a, const struct scan_row *b)
{
	return a->layer == b->layer && a->kind == b->kind && a->trial == b->trial &&
	    fabs(a->level - b->level) <= 1e-9 * fmax(1.0, fabs(a->level));
}

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

void scan_header_copy(struct scan_header *dst, const struct scan_header *src)
{
	*dst = *src;
	dst->cfg = dup_or_empty(src->cfg);
	dst->weights = dup_or_empty(src->weights);
	dst->weights_checksum = dup_or_empty(src->weights_checksum);
	dst->data = dup_or_empty(src->data);
	dst->data_checksum = dup_or_empty(src->data_checksum);
	dst->version = dup_or_empty(src->version);
}

void scan_header_free(struct scan_header *h)
{
	free(h->cfg);
	free(h->weights);
	free(h->weights_checksum);
	free(h->data);
	free(h->data_checksum);
	free(h->version);
	memset(h, 0, sizeof *h);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

void scan_file_init(struct scan_file *f, const char *path, const struct scan_header *h)
{
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	f->json = ends_with(path, ".json");
	scan_header_copy(&f->header, h);
}

void scan_file_free(struct scan_file *f)
{
	free(f->path);
	free(f->rows);
	scan_header_free(&f->header);
	memset(f, 0, sizeof *f);
}

static void insert_row(struct scan_file *f, int pos, const struct scan_row *r)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->rows = xreallocarray(f->rows, (size_t)f->cap, sizeof *f->rows);
	}
	memmove(&f->rows[pos + 1], &f->rows[pos], (size_t)(f->n - pos) * sizeof *f->rows);
	f->rows[pos] = *r;
	f->n++;
}

static void push_row(struct scan_file *f, const struct scan_row *r)
{
	insert_row(f, f->n, r);
}

/* ---- writing ----------------------------------------------------------------------- */

static void write_csv(FILE *out, const struct scan_file *f)
{
	const struct scan_header *h = &f->header;
	fprintf(out, "# safer scan results\n# version: %s\n# cfg: %s\n# weights: %s\n"
	    "# weights_checksum: %s\n# data: %s\n# data_checksum: %s\n# images: %ld\n"
	    "# seed: %" PRIu64 "\n# trials: %d\n# baseline_top1: %.6f\n",
	    h->version, h->cfg, h->weights, h->weights_checksum, h->data, h->data_checksum,
	    h->images, h->seed, h->trials, h->baseline_top1);
	for (int c = 0; c < NCOLUMNS; c++)
		fprintf(out, "%s%s", columns[c], c + 1 < NCOLUMNS ? "," : "\n");
	for (int i = 0; i < f->n; i++) {
		const struct scan_row *r = &f->rows[i];
		fprintf(out, "%d,%s,%s,%.9g,%d,%.6f,%.4f,%.4f,%.4f,%.6f,%.6g,%ld,%.3f\n", r->layer,
		    r->layer_kind, perturb_kind_name(r->kind), r->level, r->trial, r->top1, r->drop,
		    r->drop_lo, r->drop_hi, r->agree, r->kl, r->images, r->seconds);
	}
}

/* JSON numbers must be finite. */
static json_t *real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static void write_json(FILE *out, const struct scan_file *f)
{
	const struct scan_header *h = &f->header;
	json_t *rows = json_array();
	for (int i = 0; i < f->n; i++) {
		const struct scan_row *r = &f->rows[i];
		json_array_append_new(rows, json_pack("{s:i, s:s, s:s, s:o, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o}",
		    "layer", r->layer, "layer_kind", r->layer_kind, "kind", perturb_kind_name(r->kind),
		    "level", real(r->level), "trial", r->trial, "top1", real(r->top1), "drop", real(r->drop),
		    "drop_lo", real(r->drop_lo), "drop_hi", real(r->drop_hi), "agree", real(r->agree),
		    "kl", real(r->kl), "images", (json_int_t)r->images, "seconds", real(r->seconds)));
	}
	char seed[32];
	snprintf(seed, sizeof seed, "%" PRIu64, h->seed);
	json_t *root = json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:o}, s:o}",
	    "header", "version", h->version, "cfg", h->cfg, "weights", h->weights,
	    "weights_checksum", h->weights_checksum, "data", h->data, "data_checksum", h->data_checksum,
	    "images", (json_int_t)h->images, "seed", seed, "trials", h->trials,
	    "baseline_top1", real(h->baseline_top1), "rows", rows);
	json_dumpf(root, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
}

int scan_file_save(const struct scan_file *f, char **cause)
{
	struct atomic_file a;
	if (atomic_open(&a, f->path, NULL, cause) != 0)
		return -1;
	if (f->json)
		write_json(a.f, f);
	else
		write_csv(a.f, f);
	return atomic_commit(&a, cause);
}

int scan_file_append(struct scan_file *f, const struct scan_row *row, char **cause)
{
	return scan_file_insert(f, f->n, row, cause);
}

int scan_file_insert(struct scan_file *f, int pos, const struct scan_row *row, char **cause)
{
	insert_row(f, pos, row);
	return scan_file_save(f, cause);
}

void scan_print_row(FILE *out, const struct scan_row *r, int header)
{
	if (header) {
		fprintf(out, "%5s %-10s %-13s %9s %5s %8s %8s %18s %7s %9s %7s\n", "layer", "layer_kind",
		    "kind", "level", "trial", "top1%", "drop", "95% CI", "agree%", "kl", "images");
		return;
	}
	char ci[40];
	snprintf(ci, sizeof ci, "[%.2f, %.2f]", r->drop_lo, r->drop_hi);
	fprintf(out, "%5d %-10s %-13s %9.6g %5d %8.2f %8.2f %18s %7.2f %9.4g %7ld\n", r->layer, r->layer_kind,
	    perturb_kind_name(r->kind), r->level, r->trial, 100 * r->top1, r->drop, ci, 100 * r->agree,
	    r->kl, r->images);
}

/* ---- reading ----------------------------------------------------------------------- */

static int header_set(struct scan_header *h, const char *key, const char *val)
{
	char **slot = NULL;
	long v;
	double d;
	if (strcmp(key, "version") == 0) slot = &h->version;
	else if (strcmp(key, "cfg") == 0) slot = &h->cfg;
	else if (strcmp(key, "weights") == 0) slot = &h->weights;
	else if (strcmp(key, "weights_checksum") == 0) slot = &h->weights_checksum;
	else if (strcmp(key, "data") == 0) slot = &h->data;
	else if (strcmp(key, "data_checksum") == 0) slot = &h->data_checksum;
	if (slot) {
		free(*slot);
		*slot = xstrdup(val);
		return 0;
	}
	if (strcmp(key, "images") == 0) {
		if (parse_long(val, 0, 1L << 40, &v) != 0)
			return -1;
		h->images = v;
	} else if (strcmp(key, "seed") == 0) {
		if (parse_u64(val, &h->seed) != 0)
			return -1;
	} else if (strcmp(key, "trials") == 0) {
		if (parse_long(val, 1, 1000000, &v) != 0)
			return -1;
		h->trials = (int)v;
	} else if (strcmp(key, "baseline_top1") == 0) {
		if (parse_double(val, &d) != 0)
			return -1;
		h->baseline_top1 = d;
	}
	return 0;	/* unknown header keys are comments */
}

/* Splits a CSV line in place at commas (no quoting: safer never writes any). */
static int split(char *line, char **fields, int max)
{
	int n = 0;
	for (char *p = line;; p++) {
		if (n == max)
			return max + 1;
		fields[n++] = p;
		p = strchr(p, ',');
		if (p == NULL)
			return n;
		*p = '\0';
	}
}

static int csv_row(char **f, struct scan_row *r)
{
	long v;
	double d;
	memset(r, 0, sizeof *r);
	if (parse_long(f[0], 0, 1 << 24, &v) != 0) return 0;
	r->layer = (int)v;
	if (strlen(f[1]) >= sizeof r->layer_kind) return 1;
	strcpy(r->layer_kind, f[1]);
	if (perturb_kind_from_name(f[2], &r->kind) != 0) return 2;
	if (parse_double(f[3], &r->level) != 0) return 3;
	if (parse_long(f[4], 0, 1000000, &v) != 0) return 4;
	r->trial = (int)v;
	double *dst[] = { &r->top1, &r->drop, &r->drop_lo, &r->drop_hi, &r->agree, &r->kl };
	for (int i = 0; i < 6; i++)
		if (parse_double(f[5 + i], dst[i]) != 0)
			return 5 + i;
	if (parse_long(f[11], 0, 1L << 40, &v) != 0) return 11;
	r->images = v;
	if (parse_double(f[12], &d) != 0) return 12;
	r->seconds = d;
	return -1;
}

static int parse_csv(const char *name, char *text, struct scan_file *out, char **cause)
{
	int lineno = 0, seen_columns = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;	/* strtok_r skips empty lines; numbers stay right for files safer writes */
		size_t l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		if (line[0] == '#') {
			char *colon = strstr(line, ": ");
			if (colon == NULL)
				continue;
			*colon = '\0';
			const char *key = line + 1 + (line[1] == ' ');
			if (header_set(&out->header, key, colon + 2) != 0) {
				*cause = xasprintf("%s:%d: bad value for header '%s'", name, lineno, key);
				return -1;
			}
			continue;
		}
		char *f[NCOLUMNS + 1];
		int n = split(line, f, NCOLUMNS);
		if (!seen_columns) {
			int ok = n == NCOLUMNS;
			for (int c = 0; ok && c < NCOLUMNS; c++)
				ok = strcmp(f[c], columns[c]) == 0;
			if (!ok) {
				*cause = xasprintf("%s:%d: not a safer scan file (expected the column line 'layer,layer_kind,kind,...')", name, lineno);
				return -1;
			}
			seen_columns = 1;
			continue;
		}
		if (n != NCOLUMNS) {
			*cause = xasprintf("%s:%d: expected %d fields, found %d", name, lineno, NCOLUMNS, n > NCOLUMNS ? n - 1 : n);
			return -1;
		}
		struct scan_row r;
		int bad = csv_row(f, &r);
		if (bad >= 0) {
			*cause = xasprintf("%s:%d: bad value '%s' in column %s", name, lineno, f[bad], columns[bad]);
			return -1;
		}
		push_row(out, &r);
	}
	if (!seen_columns) {
		*cause = xasprintf("%s: not a safer scan file (no column line)", name);
		return -1;
	}
	return 0;
}

static int json_get_real(json_t *o, const char *key, double *out)
{
	json_t *v = json_object_get(o, key);
	if (json_is_null(v)) {
		*out = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return 0;
}

static int parse_json(const char *name, const char *text, size_t len, struct scan_file *out, char **cause)
{
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		*cause = xasprintf("%s:%d: %s", name, err.line, err.text);
		return -1;
	}
	int rc = -1;
	json_t *h = json_object_get(root, "header"), *rows = json_object_get(root, "rows");
	if (!json_is_object(h) || !json_is_array(rows)) {
		*cause = xasprintf("%s: not a safer scan file (needs \"header\" and \"rows\")", name);
		goto out;
	}
	const char *key;
	json_t *v;
	json_object_foreach(h, key, v) {
		char buf[64];
		const char *s = NULL;
		if (json_is_string(v))
			s = json_string_value(v);
		else if (json_is_integer(v))
			snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v)), s = buf;
		else if (json_is_real(v))
			snprintf(buf, sizeof buf, "%.17g", json_real_value(v)), s = buf;
		if (s == NULL || header_set(&out->header, key, s) != 0) {
			*cause = xasprintf("%s: bad value for header '%s'", name, key);
			goto out;
		}
	}
	size_t i;
	json_array_foreach(rows, i, v) {
		struct scan_row r;
		memset(&r, 0, sizeof r);
		json_t *lk = json_object_get(v, "layer_kind"), *k = json_object_get(v, "kind");
		json_t *ly = json_object_get(v, "layer"), *tr = json_object_get(v, "trial"), *im = json_object_get(v, "images");
		int ok = json_is_object(v) && json_is_integer(ly) && json_is_integer(tr) && json_is_integer(im) &&
		    json_is_string(lk) && json_is_string(k) &&
		    strlen(json_string_value(lk)) < sizeof r.layer_kind &&
		    perturb_kind_from_name(json_string_value(k), &r.kind) == 0 &&
		    json_integer_value(ly) >= 0 && json_integer_value(ly) < (1 << 24) &&
		    json_integer_value(tr) >= 0 && json_integer_value(tr) < 1000000 && json_integer_value(im) >= 0;
		ok = ok && json_get_real(v, "level", &r.level) == 0 && json_get_real(v, "top1", &r.top1) == 0 &&
		    json_get_real(v, "drop", &r.drop) == 0 && json_get_real(v, "drop_lo", &r.drop_lo) == 0 &&
		    json_get_real(v, "drop_hi", &r.drop_hi) == 0 && json_get_real(v, "agree", &r.agree) == 0 &&
		    json_get_real(v, "kl", &r.kl) == 0 && json_get_real(v, "seconds", &r.seconds) == 0;
		if (!ok) {
			*cause = xasprintf("%s: row %zu: missing or malformed fields", name, i);
			goto out;
		}
		r.layer = (int)json_integer_value(ly);
		r.trial = (int)json_integer_value(tr);
		r.images = (long)json_integer_value(im);
		strcpy(r.layer_kind, json_string_value(lk));
		push_row(out, &r);
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int scan_file_parse(const char *name, const char *text, size_t len, int json, struct scan_file *out, char **cause)
{
	memset(out, 0, sizeof *out);
	out->path = xstrdup(name);
	out->json = json;
	int rc;
	if (json) {
		rc = parse_json(name, text, len, out, cause);
	} else {
		if (memchr(text, '\0', len) != NULL) {
			*cause = xasprintf("%s: binary data in a scan file", name);
			rc = -1;
		} else {
			char *copy = xmalloc(len + 1);
			memcpy(copy, text, len);
			copy[len] = '\0';
			rc = parse_csv(name, copy, out, cause);
			free(copy);
		}
	}
	/* every header string present, so callers can compare without NULL checks */
	struct scan_header *h = &out->header;
	char **slots[] = { &h->cfg, &h->weights, &h->weights_checksum, &h->data, &h->data_checksum, &h->version };
	for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
		if (*slots[i] == NULL)
			*slots[i] = xstrdup("");
	if (rc != 0)
		scan_file_free(out);
	return rc;
}

int scan_file_read(const char *path, struct scan_file *out, char **cause)
{
	size_t len;
	memset(out, 0, sizeof *out);
	char *text = file_read_all(path, SCAN_MAX_FILE, &len, cause);
	if (text == NULL)
		return -1;
	if (len == 0) {
		*cause = xasprintf("%s: empty file", path);
		free(text);
		return -1;
	}
	int rc = scan_file_parse(path, text, len, ends_with(path, ".json"), out, cause);
	free(text);
	return rc;
}
