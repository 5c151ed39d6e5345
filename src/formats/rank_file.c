/* rankfile.c - see rankfile.h */
#include "formats/rank_file.h"
#include "core/atomic.h"
#include "core/util.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RANK_MAX_FILE ((size_t)64 << 20)
#define RANK_MAX_ROWS (1 << 20)

static const char *str(const char *s)
{
	return s ? s : "";
}

void rank_header_free(struct rank_header *h)
{
	free(h->version);
	free(h->cfg);
	free(h->weights);
	free(h->weights_checksum);
	free(h->data);
	free(h->data_checksum);
	free(h->quick);
	memset(h, 0, sizeof *h);
}

void rank_file_free(struct rank_file *f)
{
	rank_header_free(&f->header);
	criteria_table_free(&f->table);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* ---- writing ---------------------------------------------------------------- */

static double cell(const double *v, const struct criteria_table *t, int i, int j)
{
	return v[(size_t)i * t->ncols + j];
}

static void write_csv(FILE *out, const struct rank_file *f)
{
	const struct rank_header *h = &f->header;
	const struct criteria_table *t = &f->table;
	fprintf(out, "# safer rank results\n# version: %s\n# cfg: %s\n# weights: %s\n# weights_checksum: %s\n"
	    "# data: %s\n# data_checksum: %s\n# samples: %ld\n# batch: %d\n# probes: %d\n# ig_steps: %d\n"
	    "# hvp_eps: %g\n# seed: %" PRIu64 "\n# quick: %s\n",
	    str(h->version), str(h->cfg), str(h->weights), str(h->weights_checksum), str(h->data),
	    str(h->data_checksum), h->samples, h->batch, h->probes, h->ig_steps, h->hvp_eps, h->seed, str(h->quick));
	for (int j = 0; j < t->ncols; j++)
		fprintf(out, "# column %s: %s (rank 1 = highest)\n", criterion_name(t->cols[j]),
		    criterion_explain(t->cols[j]));
	fprintf(out, "layer,layer_kind");
	for (int j = 0; j < t->ncols; j++)
		fprintf(out, ",%s,%s_rank", criterion_name(t->cols[j]), criterion_name(t->cols[j]));
	fputc('\n', out);
	for (int i = 0; i < t->n; i++) {
		fprintf(out, "%d,%s", t->layers[i], t->kinds[i]);
		for (int j = 0; j < t->ncols; j++) {
			double s = cell(t->score, t, i, j), r = cell(t->rank, t, i, j);
			if (isfinite(s))
				fprintf(out, ",%.9g,%.9g", s, r);
			else
				fprintf(out, ",nan,nan");
		}
		fputc('\n', out);
	}
}

static json_t *real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static void write_json(FILE *out, const struct rank_file *f)
{
	const struct rank_header *h = &f->header;
	const struct criteria_table *t = &f->table;
	char seed[32];
	snprintf(seed, sizeof seed, "%" PRIu64, h->seed);
	json_t *crit = json_array(), *rows = json_array();
	for (int j = 0; j < t->ncols; j++)
		json_array_append_new(crit, json_string(criterion_name(t->cols[j])));
	for (int i = 0; i < t->n; i++) {
		json_t *row = json_pack("{s:i, s:s}", "layer", t->layers[i], "layer_kind", t->kinds[i]);
		for (int j = 0; j < t->ncols; j++) {
			char key[40];
			json_object_set_new(row, criterion_name(t->cols[j]), real(cell(t->score, t, i, j)));
			snprintf(key, sizeof key, "%s_rank", criterion_name(t->cols[j]));
			json_object_set_new(row, key, real(cell(t->rank, t, i, j)));
		}
		json_array_append_new(rows, row);
	}
	json_t *root = json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:i, s:i, s:i, s:f, s:s, s:s}, s:o, s:o}",
	    "header", "version", str(h->version), "cfg", str(h->cfg), "weights", str(h->weights),
	    "weights_checksum", str(h->weights_checksum), "data", str(h->data), "data_checksum", str(h->data_checksum),
	    "samples", (json_int_t)h->samples, "batch", h->batch, "probes", h->probes, "ig_steps", h->ig_steps,
	    "hvp_eps", h->hvp_eps, "seed", seed, "quick", str(h->quick), "criteria", crit, "rows", rows);
	json_dumpf(root, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
}

int rank_file_write(const char *path, const struct rank_file *f, const char *const *inputs, char **cause)
{
	struct atomic_file a;
	if (atomic_open(&a, path, inputs, cause) != 0)
		return -1;
	if (ends_with(path, ".json"))
		write_json(a.f, f);
	else
		write_csv(a.f, f);
	return atomic_commit(&a, cause);
}

void rank_file_dump(FILE *out, const struct rank_file *f, int json)
{
	if (json)
		write_json(out, f);
	else
		write_csv(out, f);
}

static void print_rank(FILE *out, double r)
{
	char buf[16];
	if (!isfinite(r))
		snprintf(buf, sizeof buf, "-");
	else if (r == floor(r))
		snprintf(buf, sizeof buf, "%d", (int)r);
	else
		snprintf(buf, sizeof buf, "%.1f", r);
	fprintf(out, " (%4s)", buf);
}

void rank_print_table(FILE *out, const struct rank_file *f)
{
	const struct criteria_table *t = &f->table;
	fprintf(out, "%5s %-10s", "layer", "kind");
	for (int j = 0; j < t->ncols; j++)
		fprintf(out, " %17s", criterion_name(t->cols[j]));
	fputc('\n', out);
	for (int i = 0; i < t->n; i++) {
		fprintf(out, "%5d %-10s", t->layers[i], t->kinds[i]);
		for (int j = 0; j < t->ncols; j++) {
			fprintf(out, " %10.4g", cell(t->score, t, i, j));
			print_rank(out, cell(t->rank, t, i, j));
		}
		fputc('\n', out);
	}
	fprintf(out, "# score (rank); rank 1 = most important\n");
}

/* ---- reading ------------------------------------------------------------------ */

static int header_set(struct rank_header *h, const char *key, const char *val)
{
	char **slot = NULL;
	long v;
	if (strcmp(key, "version") == 0) slot = &h->version;
	else if (strcmp(key, "cfg") == 0) slot = &h->cfg;
	else if (strcmp(key, "weights") == 0) slot = &h->weights;
	else if (strcmp(key, "weights_checksum") == 0) slot = &h->weights_checksum;
	else if (strcmp(key, "data") == 0) slot = &h->data;
	else if (strcmp(key, "data_checksum") == 0) slot = &h->data_checksum;
	else if (strcmp(key, "quick") == 0) slot = &h->quick;
	if (slot) {
		free(*slot);
		*slot = xstrdup(val);
		return 0;
	}
	int *ip = strcmp(key, "batch") == 0 ? &h->batch : strcmp(key, "probes") == 0 ? &h->probes :
	    strcmp(key, "ig_steps") == 0 ? &h->ig_steps : NULL;
	if (ip) {
		if (parse_long(val, 0, 1 << 30, &v) != 0)
			return -1;
		*ip = (int)v;
	} else if (strcmp(key, "samples") == 0) {
		if (parse_long(val, 0, 1L << 40, &v) != 0)
			return -1;
		h->samples = v;
	} else if (strcmp(key, "hvp_eps") == 0) {
		if (parse_double(val, &h->hvp_eps) != 0)
			return -1;
	} else if (strcmp(key, "seed") == 0) {
		if (parse_u64(val, &h->seed) != 0)
			return -1;
	}
	return 0;	/* unknown keys (and "column ...") are comments */
}

static void header_fill(struct rank_header *h)
{
	char **slots[] = { &h->version, &h->cfg, &h->weights, &h->weights_checksum, &h->data,
	    &h->data_checksum, &h->quick };
	for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
		if (*slots[i] == NULL)
			*slots[i] = xstrdup("");
}

/* Splits at commas in place; returns the field count (max + 1 when more). */
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

/* "layer,layer_kind,NAME,NAME_rank,..." -> criteria mask in file order. */
static int parse_columns(const char *name, int lineno, char **f, int n, unsigned *mask, enum criterion *order,
    int *ncols, char **cause)
{
	*mask = 0;
	*ncols = 0;
	if (n < 2 || strcmp(f[0], "layer") != 0 || strcmp(f[1], "layer_kind") != 0 || n % 2 != 0) {
		*cause = xasprintf("%s:%d: not a safer rank file (expected the column line 'layer,layer_kind,NAME,NAME_rank,...')",
		    name, lineno);
		return -1;
	}
	for (int i = 2; i < n; i += 2) {
		enum criterion c;
		char want[40];
		if (criterion_from_name(f[i], &c) != 0 || (*mask & (1u << c))) {
			*cause = xasprintf("%s:%d: unknown or repeated criterion column '%s'", name, lineno, f[i]);
			return -1;
		}
		snprintf(want, sizeof want, "%s_rank", f[i]);
		if (strcmp(f[i + 1], want) != 0) {
			*cause = xasprintf("%s:%d: column '%s' must follow '%s'", name, lineno, want, f[i]);
			return -1;
		}
		*mask |= 1u << c;
		order[(*ncols)++] = c;
	}
	return 0;
}

/* Rows are gathered in file order, then moved into the table's criterion order. */
struct rows {
	int n, cap, ncols;
	int *layers;
	char (*kinds)[16];
	double *vals;		/* n x 2*ncols: score, rank pairs in file order */
};

static void rows_push(struct rows *r, int layer, const char *kind, const double *vals)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->layers = xreallocarray(r->layers, (size_t)r->cap, sizeof *r->layers);
		r->kinds = xreallocarray(r->kinds, (size_t)r->cap, sizeof *r->kinds);
		r->vals = xreallocarray(r->vals, (size_t)r->cap * 2 * (size_t)(r->ncols ? r->ncols : 1), sizeof *r->vals);
	}
	r->layers[r->n] = layer;
	snprintf(r->kinds[r->n], sizeof r->kinds[r->n], "%s", kind);
	memcpy(r->vals + (size_t)r->n * 2 * r->ncols, vals, (size_t)2 * r->ncols * sizeof *vals);
	r->n++;
}

static void rows_free(struct rows *r)
{
	free(r->layers);
	free(r->kinds);
	free(r->vals);
}

static int rows_to_table(const char *name, struct rows *r, unsigned mask, const enum criterion *order,
    struct criteria_table *t, char **cause)
{
	for (int i = 0; i < r->n; i++)
		for (int k = 0; k < i; k++)
			if (r->layers[i] == r->layers[k]) {
				*cause = xasprintf("%s: layer %d appears twice", name, r->layers[i]);
				return -1;
			}
	criteria_table_init(t, r->n, mask);
	for (int i = 0; i < r->n; i++) {
		t->layers[i] = r->layers[i];
		memcpy(t->kinds[i], r->kinds[i], sizeof t->kinds[i]);
		for (int c = 0; c < r->ncols; c++) {
			int j = criteria_column(t, order[c]);
			t->score[(size_t)i * t->ncols + j] = r->vals[(size_t)i * 2 * r->ncols + 2 * c];
			t->rank[(size_t)i * t->ncols + j] = r->vals[(size_t)i * 2 * r->ncols + 2 * c + 1];
		}
	}
	return 0;
}

static int csv_header_line(const char *name, int lineno, char *line, struct rank_header *h, char **cause)
{
	char *colon = strstr(line, ": ");
	if (colon == NULL)
		return 0;
	*colon = '\0';
	const char *key = line + 1 + (line[1] == ' ');
	if (header_set(h, key, colon + 2) != 0) {
		*cause = xasprintf("%s:%d: bad value for header '%s'", name, lineno, key);
		return -1;
	}
	return 0;
}

static int csv_data_line(const char *name, int lineno, char **f, int n, struct rows *r, char **cause)
{
	long layer;
	double vals[2 * CRIT_COUNT];
	if (n != 2 + 2 * r->ncols) {
		*cause = xasprintf("%s:%d: expected %d fields, found %d", name, lineno, 2 + 2 * r->ncols,
		    n > 2 + 2 * CRIT_COUNT ? n - 1 : n);
		return -1;
	}
	if (parse_long(f[0], 0, 1 << 24, &layer) != 0 || strlen(f[1]) == 0 || strlen(f[1]) >= 16) {
		*cause = xasprintf("%s:%d: bad layer '%s' or layer_kind '%s'", name, lineno, f[0], f[1]);
		return -1;
	}
	for (int i = 0; i < 2 * r->ncols; i++)
		if (parse_double(f[2 + i], &vals[i]) != 0) {
			*cause = xasprintf("%s:%d: bad number '%s'", name, lineno, f[2 + i]);
			return -1;
		}
	if (r->n >= RANK_MAX_ROWS) {
		*cause = xasprintf("%s:%d: too many rows", name, lineno);
		return -1;
	}
	rows_push(r, (int)layer, f[1], vals);
	return 0;
}

static int parse_csv(const char *name, char *text, struct rank_file *out, char **cause)
{
	int lineno = 0, seen = 0, rc = 0;
	unsigned mask = 0;
	enum criterion order[CRIT_COUNT];
	struct rows r = { 0 };
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		size_t l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		if (line[0] == '#') {
			rc = csv_header_line(name, lineno, line, &out->header, cause);
			continue;
		}
		char *f[2 + 2 * CRIT_COUNT + 1];
		int n = split(line, f, 2 + 2 * CRIT_COUNT);
		if (!seen) {
			rc = parse_columns(name, lineno, f, n > 2 + 2 * CRIT_COUNT ? 1 : n, &mask, order, &r.ncols, cause);
			seen = 1;
			continue;
		}
		rc = csv_data_line(name, lineno, f, n, &r, cause);
	}
	if (rc == 0 && !seen) {
		*cause = xasprintf("%s: not a safer rank file (no column line)", name);
		rc = -1;
	}
	if (rc == 0)
		rc = rows_to_table(name, &r, mask, order, &out->table, cause);
	rows_free(&r);
	return rc;
}

static int json_num(json_t *o, const char *key, double *out)
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

static int json_header(const char *name, json_t *h, struct rank_header *out, char **cause)
{
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
		if (s == NULL || header_set(out, key, s) != 0) {
			*cause = xasprintf("%s: bad value for header '%s'", name, key);
			return -1;
		}
	}
	return 0;
}

static int json_row(json_t *v, const enum criterion *order, struct rows *r)
{
	json_t *ly = json_object_get(v, "layer"), *lk = json_object_get(v, "layer_kind");
	double vals[2 * CRIT_COUNT];
	if (!json_is_integer(ly) || !json_is_string(lk) || json_integer_value(ly) < 0 ||
	    json_integer_value(ly) >= (1 << 24) || strlen(json_string_value(lk)) == 0 ||
	    strlen(json_string_value(lk)) >= 16 || r->n >= RANK_MAX_ROWS)
		return -1;
	for (int c = 0; c < r->ncols; c++) {
		char key[40];
		snprintf(key, sizeof key, "%s_rank", criterion_name(order[c]));
		if (json_num(v, criterion_name(order[c]), &vals[2 * c]) != 0 || json_num(v, key, &vals[2 * c + 1]) != 0)
			return -1;
	}
	rows_push(r, (int)json_integer_value(ly), json_string_value(lk), vals);
	return 0;
}

static int parse_json(const char *name, const char *text, size_t len, struct rank_file *out, char **cause)
{
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		*cause = xasprintf("%s:%d: %s", name, err.line, err.text);
		return -1;
	}
	json_t *h = json_object_get(root, "header"), *crit = json_object_get(root, "criteria");
	json_t *rows = json_object_get(root, "rows"), *v;
	struct rows r = { 0 };
	enum criterion order[CRIT_COUNT];
	unsigned mask = 0;
	int rc = -1;
	size_t i;
	if (!json_is_object(h) || !json_is_array(crit) || !json_is_array(rows)) {
		*cause = xasprintf("%s: not a safer rank file (needs \"header\", \"criteria\" and \"rows\")", name);
		goto out;
	}
	if (json_header(name, h, &out->header, cause) != 0)
		goto out;
	json_array_foreach(crit, i, v) {
		enum criterion c;
		if (!json_is_string(v) || criterion_from_name(json_string_value(v), &c) != 0 || (mask & (1u << c))) {
			*cause = xasprintf("%s: criteria[%zu]: unknown or repeated criterion", name, i);
			goto out;
		}
		mask |= 1u << c;
		order[r.ncols++] = c;
	}
	json_array_foreach(rows, i, v)
		if (!json_is_object(v) || json_row(v, order, &r) != 0) {
			*cause = xasprintf("%s: row %zu: missing or malformed fields", name, i);
			goto out;
		}
	rc = rows_to_table(name, &r, mask, order, &out->table, cause);
out:
	rows_free(&r);
	json_decref(root);
	return rc;
}

int rank_file_parse(const char *name, const char *text, size_t len, int json, struct rank_file *out,
    char **cause)
{
	int rc;
	memset(out, 0, sizeof *out);
	if (json) {
		rc = parse_json(name, text, len, out, cause);
	} else if (memchr(text, '\0', len) != NULL) {
		*cause = xasprintf("%s: binary data in a rank file", name);
		rc = -1;
	} else {
		char *copy = xmalloc(len + 1);
		memcpy(copy, text, len);
		copy[len] = '\0';
		rc = parse_csv(name, copy, out, cause);
		free(copy);
	}
	header_fill(&out->header);
	if (rc != 0)
		rank_file_free(out);
	return rc;
}

int rank_file_read(const char *path, struct rank_file *out, char **cause)
{
	size_t len;
	memset(out, 0, sizeof *out);
	char *text = file_read_all(path, RANK_MAX_FILE, &len, cause);
	if (text == NULL)
		return -1;
	int rc = rank_file_parse(path, text, len, ends_with(path, ".json"), out, cause);
	free(text);
	return rc;
}
