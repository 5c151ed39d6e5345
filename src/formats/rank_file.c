/* rank_file.c - see rank_file.h */
#include "formats/rank_file.h"
#include "formats/table.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RANK_MAX_FILE ((size_t)64 << 20)
#define RANK_MAX_ROWS (1 << 20)

/* The file's header, written and read through this list (formats/table.h). */
static const struct table_field header_fields[] = {
	TABLE_PROVENANCE_FIELDS(struct rank_header),
	TABLE_LONG_FIELD("samples", struct rank_header, samples, 0, 1L << 40),
	TABLE_INT_FIELD("batch", struct rank_header, batch, 0, 1 << 30),
	TABLE_INT_FIELD("probes", struct rank_header, probes, 0, 1 << 30),
	TABLE_INT_FIELD("ig_steps", struct rank_header, ig_steps, 0, 1 << 30),
	TABLE_REAL_FIELD("hvp_eps", struct rank_header, hvp_eps, "%g"),
	TABLE_U64_FIELD("seed", struct rank_header, seed),
	TABLE_STR_FIELD("quick", struct rank_header, quick),
	TABLE_STR_FIELD("loss", struct rank_header, loss),
	TABLE_END
};

void rank_file_free(struct rank_file *f)
{
	table_free(header_fields, &f->header);
	memset(&f->header, 0, sizeof f->header);
	criteria_table_free(&f->table);
}

/* ---- writing ---------------------------------------------------------------- */

static double cell(const double *v, const struct criteria_table *t, int i, int j)
{
	return v[(size_t)i * t->ncols + j];
}

static void write_csv(FILE *out, const struct rank_file *f)
{
	const struct criteria_table *t = &f->table;
	table_csv_header(out, "safer rank results", header_fields, &f->header);
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

static void write_json(FILE *out, const struct rank_file *f)
{
	const struct criteria_table *t = &f->table;
	json_t *crit = json_array(), *rows = json_array();
	for (int j = 0; j < t->ncols; j++)
		json_array_append_new(crit, json_string(criterion_name(t->cols[j])));
	for (int i = 0; i < t->n; i++) {
		json_t *row = json_pack("{s:i, s:s}", "layer", t->layers[i], "layer_kind", t->kinds[i]);
		for (int j = 0; j < t->ncols; j++) {
			char key[40];
			json_object_set_new(row, criterion_name(t->cols[j]), table_json_real(cell(t->score, t, i, j)));
			snprintf(key, sizeof key, "%s_rank", criterion_name(t->cols[j]));
			json_object_set_new(row, key, table_json_real(cell(t->rank, t, i, j)));
		}
		json_array_append_new(rows, row);
	}
	table_json_dump(out, json_pack("{s:o, s:o, s:o}", "header", table_json_object(header_fields, &f->header),
	    "criteria", crit, "rows", rows));
}

void rank_file_dump(FILE *out, const struct rank_file *f, int json)
{
	if (json)
		write_json(out, f);
	else
		write_csv(out, f);
}

static void dump(FILE *out, const void *f, int json)
{
	rank_file_dump(out, f, json);
}

int rank_file_write(const char *path, const struct rank_file *f, char **cause)
{
	return table_save(path, table_is_json(path), dump, f, cause);
}

static const char *rank_text(double r, char *buf, size_t size)
{
	if (!isfinite(r))
		snprintf(buf, size, "-");
	else if (r == floor(r))
		snprintf(buf, size, "%d", (int)r);
	else
		snprintf(buf, size, "%.1f", r);
	return buf;
}

static void print_rank(FILE *out, double r)
{
	char buf[16];
	fprintf(out, " (%4s)", rank_text(r, buf, sizeof buf));
}

/* Where "score (rank)" per criterion is too wide: the ranks alone, a
 * column per criterion as wide as its name, the last criteria left out when
 * even that is too wide. */
static void print_ranks(FILE *out, const struct rank_file *f, int width)
{
	const struct criteria_table *t = &f->table;
	int n = 2 + t->ncols;
	struct table_col *cols = xcalloc((size_t)n, sizeof *cols);
	unsigned char *show = xcalloc((size_t)n, 1);
	const char **cells = xcalloc((size_t)n, sizeof *cells);
	char (*buf)[16] = xcalloc((size_t)n, sizeof *buf);
	cols[0] = (struct table_col){ "layer", 5, 0 };
	cols[1] = (struct table_col){ "kind", -10, 0 };
	for (int j = 0; j < t->ncols; j++) {
		int w = (int)strlen(criterion_name(t->cols[j]));
		cols[2 + j] = (struct table_col){ criterion_name(t->cols[j]), w < 4 ? 4 : w, t->ncols - j };
	}
	table_fit(cols, n, width, show);
	table_wrap(out, "rank per criterion (1 = most important; --wide adds the scores)", width, 2);
	table_line(out, cols, n, show, NULL);
	for (int i = 0; i < t->n; i++) {
		snprintf(buf[0], sizeof buf[0], "%d", t->layers[i]);
		snprintf(buf[1], sizeof buf[1], "%s", t->kinds[i]);
		for (int j = 0; j < t->ncols; j++)
			rank_text(cell(t->rank, t, i, j), buf[2 + j], sizeof buf[2 + j]);
		for (int k = 0; k < n; k++)
			cells[k] = buf[k];
		table_line(out, cols, n, show, cells);
	}
	table_note_left_out(out, cols, n, show, width);
	free(cols);
	free(show);
	free(cells);
	free(buf);
}

void rank_print_table(FILE *out, const struct rank_file *f, int width)
{
	const struct criteria_table *t = &f->table;
	if (width > 0 && 16 + 18 * t->ncols > width) {	/* the line below, for every criterion */
		print_ranks(out, f, width);
		return;
	}
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

/* Rows are gathered in file order, then moved into the table's criterion order. */
struct rows {
	unsigned mask;			/* the criteria of the file */
	enum criterion order[CRIT_COUNT];	/* ... in file order */
	int n, cap, ncols;
	int *layers;
	char (*kinds)[16];
	double *vals;		/* n x 2*ncols: score, rank pairs in file order */
};

/* Criterion c as the next column pair: -1 when unknown or repeated. */
static int rows_add_criterion(struct rows *r, const char *name)
{
	enum criterion c;
	if (criterion_from_name(name, &c) != 0 || (r->mask & (1u << c)))
		return -1;
	r->mask |= 1u << c;
	r->order[r->ncols++] = c;
	return 0;
}

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

static int rows_to_table(const char *name, const struct rows *r, struct criteria_table *t, char **cause)
{
	for (int i = 0; i < r->n; i++)
		for (int k = 0; k < i; k++)
			if (r->layers[i] == r->layers[k]) {
				*cause = xasprintf("%s: layer %d appears twice", name, r->layers[i]);
				return -1;
			}
	criteria_table_init(t, r->n, r->mask);
	for (int i = 0; i < r->n; i++) {
		t->layers[i] = r->layers[i];
		memcpy(t->kinds[i], r->kinds[i], sizeof t->kinds[i]);
		for (int c = 0; c < r->ncols; c++) {
			int j = criteria_column(t, r->order[c]);
			t->score[(size_t)i * t->ncols + j] = r->vals[(size_t)i * 2 * r->ncols + 2 * c];
			t->rank[(size_t)i * t->ncols + j] = r->vals[(size_t)i * 2 * r->ncols + 2 * c + 1];
		}
	}
	return 0;
}

#define MAX_CELLS (2 + 2 * CRIT_COUNT)

/* "layer,layer_kind,NAME,NAME_rank,..." -> the criteria in file order. */
static int csv_columns(void *ctx, const char *name, int lineno, char **f, int n, char **cause)
{
	struct rows *r = ctx;
	if (n > MAX_CELLS || n < 2 || strcmp(f[0], "layer") != 0 || strcmp(f[1], "layer_kind") != 0 || n % 2 != 0) {
		*cause = xasprintf("%s:%d: not a safer rank file (expected the column line 'layer,layer_kind,NAME,NAME_rank,...')",
		    name, lineno);
		return -1;
	}
	for (int i = 2; i < n; i += 2) {
		char want[40];
		if (rows_add_criterion(r, f[i]) != 0) {
			*cause = xasprintf("%s:%d: unknown or repeated criterion column '%s'", name, lineno, f[i]);
			return -1;
		}
		snprintf(want, sizeof want, "%s_rank", f[i]);
		if (strcmp(f[i + 1], want) != 0) {
			*cause = xasprintf("%s:%d: column '%s' must follow '%s'", name, lineno, want, f[i]);
			return -1;
		}
	}
	return 0;
}

static int csv_row(void *ctx, const char *name, int lineno, char **f, int n, char **cause)
{
	struct rows *r = ctx;
	long layer;
	double vals[2 * CRIT_COUNT];
	if (n != 2 + 2 * r->ncols) {
		*cause = xasprintf("%s:%d: expected %d fields, found %d", name, lineno, 2 + 2 * r->ncols, n);
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

static int parse_csv(const char *name, const char *text, size_t len, struct rank_file *out, char **cause)
{
	struct rows r = { 0 };
	const struct table_csv_reader reader = {
		.what = "rank", .header = header_fields, .header_obj = &out->header, .max_cells = MAX_CELLS,
		.columns = csv_columns, .row = csv_row, .ctx = &r,
	};
	int rc = table_csv_parse(name, text, len, &reader, cause);
	if (rc == 0)
		rc = rows_to_table(name, &r, &out->table, cause);
	rows_free(&r);
	return rc;
}

static int json_row(json_t *v, struct rows *r)
{
	json_t *ly = json_object_get(v, "layer"), *lk = json_object_get(v, "layer_kind");
	double vals[2 * CRIT_COUNT];
	if (!json_is_object(v) || !json_is_integer(ly) || !json_is_string(lk) || json_integer_value(ly) < 0 ||
	    json_integer_value(ly) >= (1 << 24) || strlen(json_string_value(lk)) == 0 ||
	    strlen(json_string_value(lk)) >= 16 || r->n >= RANK_MAX_ROWS)
		return -1;
	for (int c = 0; c < r->ncols; c++) {
		const char *score = criterion_name(r->order[c]);
		char rank[40];
		snprintf(rank, sizeof rank, "%s_rank", score);
		if (table_json_get_real(v, score, &vals[2 * c]) != 0 || table_json_get_real(v, rank, &vals[2 * c + 1]) != 0)
			return -1;
	}
	rows_push(r, (int)json_integer_value(ly), json_string_value(lk), vals);
	return 0;
}

static int parse_json(const char *name, const char *text, size_t len, struct rank_file *out, char **cause)
{
	json_t *root = table_json_load(name, text, len, cause);
	if (root == NULL)
		return -1;
	json_t *h = json_object_get(root, "header"), *crit = json_object_get(root, "criteria");
	json_t *rows = json_object_get(root, "rows"), *v;
	struct rows r = { 0 };
	int rc = -1;
	size_t i;
	if (!json_is_object(h) || !json_is_array(crit) || !json_is_array(rows)) {
		*cause = xasprintf("%s: not a safer rank file (needs \"header\", \"criteria\" and \"rows\")", name);
		goto out;
	}
	if (table_json_header(name, h, header_fields, &out->header, cause) != 0)
		goto out;
	json_array_foreach(crit, i, v)
		if (!json_is_string(v) || rows_add_criterion(&r, json_string_value(v)) != 0) {
			*cause = xasprintf("%s: criteria[%zu]: unknown or repeated criterion", name, i);
			goto out;
		}
	json_array_foreach(rows, i, v)
		if (json_row(v, &r) != 0) {
			*cause = xasprintf("%s: row %zu: missing or malformed fields", name, i);
			goto out;
		}
	rc = rows_to_table(name, &r, &out->table, cause);
out:
	rows_free(&r);
	json_decref(root);
	return rc;
}

int rank_file_parse(const char *name, const char *text, size_t len, int json, struct rank_file *out,
    char **cause)
{
	memset(out, 0, sizeof *out);
	int rc = json ? parse_json(name, text, len, out, cause) : parse_csv(name, text, len, out, cause);
	table_fill(header_fields, &out->header);
	if (rc != 0)
		rank_file_free(out);
	return rc;
}

static int parse_file(const char *path, const char *text, size_t len, int json, void *out, char **cause)
{
	return rank_file_parse(path, text, len, json, out, cause);
}

int rank_file_read(const char *path, struct rank_file *out, char **cause)
{
	memset(out, 0, sizeof *out);
	return table_read(path, RANK_MAX_FILE, parse_file, out, cause);
}
