/* scan_file.c - see scan_file.h */
#include "config.h"
#include "formats/scan_file.h"
#include "formats/table.h"
#include "core/rng.h"
#include "core/stats.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_MAX_FILE ((size_t)256 << 20)

/* The file format, written and read through these lists (formats/table.h). */
static const struct table_field header_fields[] = {
	TABLE_PROVENANCE_FIELDS(struct scan_header),
	TABLE_LONG_FIELD("images", struct scan_header, images, 0, 1L << 40),
	TABLE_U64_FIELD("seed", struct scan_header, seed),
	TABLE_INT_FIELD("trials", struct scan_header, trials, 1, 1000000),
	/* null (CSV "nan") on unlabeled data, like the rows' top1 and drops */
	TABLE_REAL_IN_FIELD("baseline_top1", struct scan_header, baseline_top1, "%.6f", 0, 1, 1),
	TABLE_STR_FIELD("metric", struct scan_header, metric),
	TABLE_END
};

static const char *kind_name(const void *kind)
{
	return perturb_kind_name(*(const enum perturb_kind *)kind);
}

static int kind_from_name(const char *name, void *kind)
{
	return perturb_kind_from_name(name, kind);
}

#define ROW_FIELDS \
	TABLE_INT_FIELD("layer", struct scan_row, layer, 0, 1 << 24), \
	TABLE_CHARS_FIELD("layer_kind", struct scan_row, layer_kind), \
	TABLE_NAME_FIELD("kind", struct scan_row, kind, kind_name, kind_from_name), \
	TABLE_REAL_FIELD("level", struct scan_row, level, "%.9g"), \
	TABLE_INT_FIELD("trial", struct scan_row, trial, 0, 1000000), \
	TABLE_REAL_IN_FIELD("top1", struct scan_row, top1, "%.6f", 0, 1, 1), \
	TABLE_REAL_IN_FIELD("drop", struct scan_row, drop, "%.4f", -100, 100, 1), \
	TABLE_REAL_IN_FIELD("drop_lo", struct scan_row, drop_lo, "%.4f", -100, 100, 1), \
	TABLE_REAL_IN_FIELD("drop_hi", struct scan_row, drop_hi, "%.4f", -100, 100, 1), \
	TABLE_REAL_IN_FIELD("agree", struct scan_row, agree, "%.6f", 0, 1, 1), \
	/* >= 0; the tolerance reads files written before tiny negative \
	 * rounding residues were clamped to 0 */ \
	TABLE_REAL_IN_FIELD("kl", struct scan_row, kl, "%.6g", -1e-6, HUGE_VAL, 1), \
	TABLE_LONG_FIELD("images", struct scan_row, images, 0, 1L << 40), \
	TABLE_REAL_IN_FIELD("seconds", struct scan_row, seconds, "%.3f", 0, HUGE_VAL, 0)
static const struct table_field row_fields[] = { ROW_FIELDS, TABLE_END };
/* Written once the rows are ranked; optional on read (older files). */
static const struct table_field ranked_fields[] = {
	ROW_FIELDS,
	TABLE_REAL_IN_FIELD("rank", struct scan_row, rank, "%g", 1, 1 << 24, 1),
	TABLE_REAL_IN_FIELD("rank_lo", struct scan_row, rank_lo, "%g", 1, 1 << 24, 1),
	TABLE_REAL_IN_FIELD("rank_hi", struct scan_row, rank_hi, "%g", 1, 1 << 24, 1),
	TABLE_CHARS_FIELD("tied_with", struct scan_row, tied_with),
	TABLE_END
};
#define NCOLUMNS ((int)(sizeof row_fields / sizeof row_fields[0]) - 1)
#define NRANKED ((int)(sizeof ranked_fields / sizeof ranked_fields[0]) - 1)

int scan_row_same_key(const struct scan_row *a, const struct scan_row *b)
{
	return a->layer == b->layer && a->kind == b->kind && a->trial == b->trial &&
	    fabs(a->level - b->level) <= 1e-9 * fmax(1.0, fabs(a->level));
}

void scan_header_copy(struct scan_header *dst, const struct scan_header *src)
{
	*dst = *src;
	table_copy_strings(header_fields, dst, src);
}

void scan_header_free(struct scan_header *h)
{
	table_free(header_fields, h);
	memset(h, 0, sizeof *h);
}

void scan_file_init(struct scan_file *f, const char *path, const struct scan_header *h)
{
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	f->json = table_is_json(path);
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
	struct scan_row *n = &f->rows[pos];
	if (!(n->rank >= 1)) {	/* a new row: not ranked yet */
		n->rank = n->rank_lo = n->rank_hi = NAN;
		snprintf(n->tied_with, sizeof n->tied_with, "-");
	}
	if (n->tied_with[0] == '\0')
		snprintf(n->tied_with, sizeof n->tied_with, "-");
	f->n++;
}

static void push_row(struct scan_file *f, const struct scan_row *r)
{
	insert_row(f, f->n, r);
}

/* ---- writing ----------------------------------------------------------------------- */

static void write_csv(FILE *out, const struct scan_file *f)
{
	table_csv_header(out, "safer scan results", header_fields, &f->header);
	const struct table_field *fields = f->ranked ? ranked_fields : row_fields;
	table_csv_columns(out, fields);
	for (int i = 0; i < f->n; i++)
		table_csv_row(out, fields, &f->rows[i]);
}

static void write_json(FILE *out, const struct scan_file *f)
{
	json_t *rows = json_array();
	for (int i = 0; i < f->n; i++)
		json_array_append_new(rows, table_json_object(f->ranked ? ranked_fields : row_fields, &f->rows[i]));
	table_json_dump(out, json_pack("{s:o, s:o}", "header", table_json_object(header_fields, &f->header),
	    "rows", rows));
}

static void dump(FILE *out, const void *f, int json)
{
	if (json)
		write_json(out, f);
	else
		write_csv(out, f);
}

void scan_file_dump(FILE *out, const struct scan_file *f)
{
	dump(out, f, f->json);
}

int scan_file_save(const struct scan_file *f, char **cause)
{
	return table_save(f->path, f->json, dump, f, cause);
}

void scan_file_add(struct scan_file *f, const struct scan_row *row)
{
	push_row(f, row);
}

int scan_file_insert(struct scan_file *f, int pos, const struct scan_row *row, char **cause)
{
	if (f->ranked) {	/* a new row makes every rank stale: none until the scan ends again */
		for (int i = 0; i < f->n; i++) {
			f->rows[i].rank = f->rows[i].rank_lo = f->rows[i].rank_hi = NAN;
			snprintf(f->rows[i].tied_with, sizeof f->rows[i].tied_with, "-");
		}
		f->ranked = 0;
	}
	insert_row(f, pos, row);
	return scan_file_save(f, cause);
}

/* The table's columns; at 80 columns kl, images and agree% are left out
 * (the file keeps them all), then layer_kind and the interval. */
static const struct table_col print_cols[] = {
	{ "layer", 5, 0 }, { "layer_kind", -10, 4 }, { "kind", -12, 0 }, { "level", 9, 0 }, { "trial", 5, 0 },
	{ "top1%", 8, 0 }, { "drop", 8, 0 }, { "95% CI", 16, 5 }, { "agree%", 7, 3 }, { "kl", 9, 1 },
	{ "images", 7, 2 },
};
#define NPRINT ((int)(sizeof print_cols / sizeof print_cols[0]))
#define PRINT_KEYS 5	/* layer .. trial: what a trials summary line repeats */

void scan_print_row(FILE *out, const struct scan_row *r, int header, int width)
{
	unsigned char show[NPRINT];
	table_fit(print_cols, NPRINT, width, show);
	if (header) {
		table_line(out, print_cols, NPRINT, show, NULL);
		return;
	}
	char c[NPRINT][40];
	snprintf(c[0], sizeof c[0], "%d", r->layer);
	snprintf(c[1], sizeof c[1], "%s", r->layer_kind);
	snprintf(c[2], sizeof c[2], "%s", perturb_kind_name(r->kind));
	snprintf(c[3], sizeof c[3], "%.6g", r->level);
	snprintf(c[4], sizeof c[4], "%d", r->trial);
	snprintf(c[5], sizeof c[5], "%.2f", 100 * r->top1);
	scan_drop_text(r, c[6], sizeof c[6]);
	snprintf(c[7], sizeof c[7], "[%.2f, %.2f]", r->drop_lo, r->drop_hi);
	snprintf(c[8], sizeof c[8], "%.2f", 100 * r->agree);
	snprintf(c[9], sizeof c[9], "%.4g", r->kl);
	snprintf(c[10], sizeof c[10], "%ld", r->images);
	const char *cells[NPRINT];
	for (int i = 0; i < NPRINT; i++)
		cells[i] = c[i];
	table_line(out, print_cols, NPRINT, show, cells);
}

void scan_print_left_out(FILE *out, int width)
{
	unsigned char show[NPRINT];
	table_fit(print_cols, NPRINT, width, show);
	table_note_left_out(out, print_cols, NPRINT, show, width);
}

void scan_print_trials(FILE *out, const struct scan_row *first, int n, double mean, double sd, double lo, double hi,
    int width)
{
	unsigned char show[NPRINT];
	table_fit(print_cols, NPRINT, width, show);
	char c[PRINT_KEYS][40], text[160];
	snprintf(c[0], sizeof c[0], "%d", first->layer);
	snprintf(c[1], sizeof c[1], "%s", first->layer_kind);
	snprintf(c[2], sizeof c[2], "%s", perturb_kind_name(first->kind));
	snprintf(c[3], sizeof c[3], "%.6g", first->level);
	snprintf(c[4], sizeof c[4], "all");
	int used = 0;
	for (int i = 0; i < PRINT_KEYS; i++)
		if (show[i]) {
			fprintf(out, "%s%*s", used ? " " : "", print_cols[i].width, c[i]);
			used += abs(print_cols[i].width) + (used > 0);
		}
	/* as much of "top1% mean .. sd .. min .. max .. over N trials" as fits */
	int len = snprintf(text, sizeof text, "  top1%% mean %.2f sd %.2f", mean, sd);
	const int room = width > 0 ? width - used : (int)sizeof text;
	char more[64];
	int m = snprintf(more, sizeof more, " min %.2f max %.2f", lo, hi);
	if (len + m <= room && len + m < (int)sizeof text)
		len += snprintf(text + len, sizeof text - (size_t)len, "%s", more);
	m = snprintf(more, sizeof more, " over %d trials", n);
	if (len + m <= room && len + m < (int)sizeof text)
		snprintf(text + len, sizeof text - (size_t)len, "%s", more);
	fprintf(out, "%s\n", text);
}

/* ---- ranks with their noise ------------------------------------------------------- */

int scan_row_no_effect(const struct scan_row *r)
{
	return isfinite(r->drop) && r->drop < 0 && r->drop_hi >= 0;
}

void scan_drop_text(const struct scan_row *r, char *buf, size_t size)
{
	if (scan_row_no_effect(r))
		snprintf(buf, size, "none");
	else
		snprintf(buf, size, "%.2f", r->drop);
}

static int same_level(const struct scan_row *a, const struct scan_row *b)
{
	return a->kind == b->kind && fabs(a->level - b->level) <= 1e-9 * fmax(1.0, fabs(a->level));
}

struct stats_paired scan_row_counts(const struct scan_row *r)
{
	struct stats_paired p = { r->images, 0, 0 };
	if (stats_paired_counts(r->images, r->drop, r->drop_lo, r->drop_hi, &p.n10, &p.n01) != 0) {
		long d = isfinite(r->drop) ? lround(r->drop * (double)r->images / 100.0) : 0;
		p.n10 = d > 0 ? d : 0;
		p.n01 = d < 0 ? -d : 0;
	}
	return p;
}

/* Ranks the rows of one kind and level (those with group[r] == g). */
static void rank_level(struct scan_file *f, const int *group, int g, uint64_t seed)
{
	int nrows = 0, nitems = 0;
	for (int r = 0; r < f->n; r++)
		nrows += group[r] == g;
	struct stats_paired *p = xcalloc((size_t)nrows, sizeof *p);
	double *drops = xcalloc((size_t)nrows, sizeof *drops);
	int *item = xcalloc((size_t)nrows, sizeof *item), *row = xcalloc((size_t)nrows, sizeof *row);
	int *layer = xcalloc((size_t)nrows, sizeof *layer);	/* per item */
	for (int r = 0, k = 0; r < f->n; r++) {
		if (group[r] != g)
			continue;
		int i = 0;
		while (i < nitems && layer[i] != f->rows[r].layer)
			i++;
		if (i == nitems)
			layer[nitems++] = f->rows[r].layer;
		p[k] = scan_row_counts(&f->rows[r]);
		/* the drop as the file holds it (4 decimals): a resumed file,
		 * read back, then ranks its rows exactly as the straight run did */
		drops[k] = round(f->rows[r].drop * 1e4) / 1e4;
		item[k] = i;
		row[k++] = r;
	}
	size_t ni = (size_t)nitems;
	double *rank = xcalloc(ni, sizeof *rank), *lo = xcalloc(ni, sizeof *lo), *hi = xcalloc(ni, sizeof *hi);
	double *pgt = xcalloc(ni * ni, sizeof *pgt);
	stats_rank_bootstrap(p, drops, item, nrows, nitems, STATS_BOOT_DRAWS, seed, rank, lo, hi, pgt);
	for (int k = 0; k < nrows; k++) {
		struct scan_row *r = &f->rows[row[k]];
		int i = item[k];
		r->rank = rank[i];
		r->rank_lo = lo[i];
		r->rank_hi = hi[i];
		size_t used = 0;
		r->tied_with[0] = '\0';
		for (int j = 0; j < nitems; j++) {
			if (j == i || !stats_tied(pgt[(size_t)i * ni + (size_t)j]))
				continue;
			char one[16];
			int len = snprintf(one, sizeof one, "%s%d", used ? ";" : "", layer[j]);
			if (used + (size_t)len + 2 > sizeof r->tied_with) {	/* room for ";+" */
				snprintf(r->tied_with + used, sizeof r->tied_with - used, ";+");
				break;
			}
			memcpy(r->tied_with + used, one, (size_t)len + 1);
			used += (size_t)len;
		}
		if (used == 0)
			snprintf(r->tied_with, sizeof r->tied_with, "-");
	}
	free(p);
	free(drops);
	free(item);
	free(row);
	free(layer);
	free(rank);
	free(lo);
	free(hi);
	free(pgt);
}

void scan_file_rank(struct scan_file *f)
{
	int *group = xcalloc((size_t)f->n + 1, sizeof *group), ng = 0;
	for (int r = 0; r < f->n; r++) {
		group[r] = -1;
		for (int q = 0; q < r && group[r] < 0; q++)
			if (same_level(&f->rows[q], &f->rows[r]))
				group[r] = group[q];
		if (group[r] < 0)
			group[r] = ng++;
	}
	for (int g = 0; g < ng; g++) {
		const struct scan_row *first = NULL;
		for (int r = 0; r < f->n && !first; r++)
			if (group[r] == g)
				first = &f->rows[r];
		/* a level's draws depend on the seed, its kind and level only */
		uint64_t seed = rng_mix64(f->header.seed ^ rng_mix64((uint64_t)first->kind * 0x9e3779b97f4a7c15ULL ^
		    (uint64_t)llround(first->level * 1e9)));
		rank_level(f, group, g, seed);
	}
	free(group);
	f->ranked = 1;
}

static const struct table_col rank_cols[] = {
	{ "rank", 5, 0 }, { "95% rank", 9, 0 }, { "layer", 5, 0 }, { "layer_kind", -10, 1 }, { "drop", 8, 0 },
	{ "95% CI", 16, 2 }, { "tied (order within noise)", -25, 0 },
};
#define NRANKCOLS ((int)(sizeof rank_cols / sizeof rank_cols[0]))

static void rank_interval_text(double lo, double hi, char *buf, size_t size)
{
	if (!isfinite(lo))
		snprintf(buf, size, "-");
	else if (lo == hi)
		snprintf(buf, size, "%g", lo);
	else
		snprintf(buf, size, "%g-%g", lo, hi);
}

void scan_print_ranking(FILE *out, const struct scan_file *f, int width)
{
	unsigned char show[NRANKCOLS];
	table_fit(rank_cols, NRANKCOLS, width, show);
	int ranked = 0;
	for (int r = 0; r < f->n; r++)
		ranked |= isfinite(f->rows[r].rank);
	if (!ranked)	/* no drops (unlabeled data): nothing to rank */
		return;
	unsigned char *seen = xcalloc((size_t)f->n + 1, 1);
	int none = 0;	/* a "none" was shown (rows table or here): the legend says what it means */
	for (int r = 0; r < f->n; r++)
		none |= scan_row_no_effect(&f->rows[r]);
	fprintf(out, "\nranking by drop (1: largest; trials averaged), 95%% bootstrap over images\n");
	for (int g = 0; g < f->n; g++) {
		if (seen[g])
			continue;
		/* this level's layers (one row each: their first trial), by rank */
		int *rows = xcalloc((size_t)f->n, sizeof *rows), n = 0;
		for (int r = g; r < f->n; r++)
			if (!seen[r] && same_level(&f->rows[g], &f->rows[r])) {
				seen[r] = 1;
				int dup = 0;
				for (int k = 0; k < n; k++)
					dup |= f->rows[rows[k]].layer == f->rows[r].layer;
				if (!dup)
					rows[n++] = r;
			}
		for (int a = 1; a < n; a++)	/* insertion sort: NaN ranks last */
			for (int b = a; b > 0; b--) {
				double x = f->rows[rows[b - 1]].rank, y = f->rows[rows[b]].rank;
				if (!(isnan(x) && !isnan(y)) && !(x > y))
					break;
				int t = rows[b];
				rows[b] = rows[b - 1];
				rows[b - 1] = t;
			}
		fprintf(out, "%s:%g\n", perturb_kind_name(f->rows[g].kind), f->rows[g].level);
		table_line(out, rank_cols, NRANKCOLS, show, NULL);
		for (int k = 0; k < n; k++) {
			/* the layer's trials averaged, as it was ranked */
			struct scan_row mean = f->rows[rows[k]], *r = &mean;
			int cnt = 0;
			mean.drop = mean.drop_lo = mean.drop_hi = 0;
			for (int q = rows[k]; q < f->n; q++)
				if (f->rows[q].layer == r->layer && same_level(&f->rows[q], r)) {
					mean.drop += f->rows[q].drop;
					mean.drop_lo += f->rows[q].drop_lo;
					mean.drop_hi += f->rows[q].drop_hi;
					cnt++;
				}
			mean.drop /= cnt;
			mean.drop_lo /= cnt;
			mean.drop_hi /= cnt;
			char c[NRANKCOLS][64];
			const char *cells[NRANKCOLS];
			if (isfinite(r->rank))
				snprintf(c[0], sizeof c[0], "%g", r->rank);
			else
				snprintf(c[0], sizeof c[0], "-");
			rank_interval_text(r->rank_lo, r->rank_hi, c[1], sizeof c[1]);
			snprintf(c[2], sizeof c[2], "%d", r->layer);
			snprintf(c[3], sizeof c[3], "%.15s", r->layer_kind);
			scan_drop_text(r, c[4], sizeof c[4]);
			none |= scan_row_no_effect(r);
			snprintf(c[5], sizeof c[5], "[%.2f, %.2f]", r->drop_lo, r->drop_hi);
			if (strcmp(r->tied_with, "-") == 0 || r->tied_with[0] == '\0')
				snprintf(c[6], sizeof c[6], "-");
			else {	/* "≈ 2;5", cut at a ';' with "+" to stay in the column */
				int room = abs(rank_cols[6].width) - 2, len = (int)strlen(r->tied_with);
				if (width > 0 && len > room) {
					len = room - 1;
					while (len > 0 && r->tied_with[len] != ';')
						len--;
				}
				snprintf(c[6], sizeof c[6], "\xe2\x89\x88 %.*s%s", len, r->tied_with,
				    len < (int)strlen(r->tied_with) ? (len ? ";+" : "+") : "");
			}
			for (int i = 0; i < NRANKCOLS; i++)
				cells[i] = c[i];
			table_line(out, rank_cols, NRANKCOLS, show, cells);
		}
		free(rows);
	}
	free(seen);
	table_note_left_out(out, rank_cols, NRANKCOLS, show, width);
	if (none)
		fprintf(out, "none: no measurable effect (a negative drop whose 95%% interval reaches 0)\n");
}

/* ---- reading ----------------------------------------------------------------------- */

static int csv_columns(void *ctx, const char *name, int lineno, char **cells, int n, char **cause)
{
	struct scan_file *f = ctx;
	f->ranked = table_csv_is_columns(ranked_fields, cells, n);
	if (!f->ranked && !table_csv_is_columns(row_fields, cells, n)) {
		*cause = xasprintf("%s:%d: not a safer scan file (expected the column line 'layer,layer_kind,kind,...')", name, lineno);
		return -1;
	}
	return 0;
}

static int csv_row(void *ctx, const char *name, int lineno, char **cells, int n, char **cause)
{
	struct scan_row r;
	const struct scan_file *f = ctx;
	const struct table_field *fields = f->ranked ? ranked_fields : row_fields;
	int want = f->ranked ? NRANKED : NCOLUMNS;
	if (n != want) {
		*cause = xasprintf("%s:%d: expected %d fields, found %d", name, lineno, want, n);
		return -1;
	}
	memset(&r, 0, sizeof r);
	int bad = table_csv_get(fields, cells, &r);
	if (bad >= 0) {
		*cause = xasprintf("%s:%d: bad value '%s' in column %s", name, lineno, cells[bad], fields[bad].key);
		return -1;
	}
	if (f->header.trials > 0 && r.trial >= f->header.trials) {
		*cause = xasprintf("%s:%d: trial %d, but the header says %d trials (0 to %d)", name, lineno, r.trial,
		    f->header.trials, f->header.trials - 1);
		return -1;
	}
	r.line = lineno;
	push_row(ctx, &r);
	return 0;
}

static int parse_csv(const char *name, const char *text, size_t len, struct scan_file *out, char **cause)
{
	const struct table_csv_reader r = {
		.what = "scan", .header = header_fields, .header_obj = &out->header, .max_cells = NRANKED,
		.columns = csv_columns, .row = csv_row, .ctx = out,
	};
	return table_csv_parse(name, text, len, &r, cause);
}

static int parse_json(const char *name, const char *text, size_t len, struct scan_file *out, char **cause)
{
	json_t *root = table_json_load(name, text, len, cause);
	if (root == NULL)
		return -1;
	int rc = -1;
	json_t *h = json_object_get(root, "header"), *rows = json_object_get(root, "rows"), *v;
	size_t i;
	if (!json_is_object(h) || !json_is_array(rows)) {
		*cause = xasprintf("%s: not a safer scan file (needs \"header\" and \"rows\")", name);
		goto out;
	}
	if (table_json_header(name, h, header_fields, &out->header, cause) != 0)
		goto out;
	json_array_foreach(rows, i, v) {
		struct scan_row r;
		memset(&r, 0, sizeof r);
		int ranked = json_object_get(v, "rank") != NULL;	/* optional: older files */
		out->ranked |= ranked;
		if (table_json_get(ranked ? ranked_fields : row_fields, v, &r) != 0) {
			*cause = xasprintf("%s: row %zu: missing or malformed fields", name, i);
			goto out;
		}
		push_row(out, &r);
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* Every scan has trials (>= 1), and each row's trial is one of them: a file
 * without it would be written back with "trials: 0", which no reader takes.
 * CSV rows were checked as they were read when the header came first. */
static int check_trials(const char *name, const struct scan_file *f, char **cause)
{
	if (f->header.trials < 1) {
		*cause = xasprintf("%s: no 'trials' in the header", name);
		return -1;
	}
	for (int i = 0; i < f->n; i++)
		if (f->rows[i].trial >= f->header.trials) {
			*cause = xasprintf("%s: row %d: trial %d, but the header says %d trials (0 to %d)", name, i + 1,
			    f->rows[i].trial, f->header.trials, f->header.trials - 1);
			return -1;
		}
	return 0;
}

int scan_file_parse(const char *name, const char *text, size_t len, int json, struct scan_file *out, char **cause)
{
	memset(out, 0, sizeof *out);
	out->path = xstrdup(name);
	out->json = json;
	int rc = json ? parse_json(name, text, len, out, cause) : parse_csv(name, text, len, out, cause);
	table_fill(header_fields, &out->header);	/* callers compare without NULL checks */
	if (rc == 0)
		rc = check_trials(name, out, cause);
	if (rc != 0)
		scan_file_free(out);
	return rc;
}

/* A file as scan_file_parse reads it, an empty one refused first. */
static int parse_file(const char *path, const char *text, size_t len, int json, void *out, char **cause)
{
	if (len == 0) {
		*cause = xasprintf("%s: empty file", path);
		return -1;
	}
	return scan_file_parse(path, text, len, json, out, cause);
}

int scan_file_read(const char *path, struct scan_file *out, char **cause)
{
	memset(out, 0, sizeof *out);
	return table_read(path, SCAN_MAX_FILE, parse_file, out, cause);
}
