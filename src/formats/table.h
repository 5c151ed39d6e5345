/* table.h - what safer's result tables (scan files, rank files) have in
 * common: CSV with '#'-prefixed provenance lines "# key: value" before a
 * column line, or JSON {"header": {...}, ...}, chosen by the extension, and
 * saved atomically.
 *
 * A format describes its header (and fixed columns, where it has them) once,
 * as a list of fields of a struct; the CSV and JSON writers and readers all
 * walk that list, so a file reads back as it was written. */
#ifndef SAFER_TABLE_H
#define SAFER_TABLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

enum table_type {
	TABLE_STR,	/* char *, owned; never NULL after a read */
	TABLE_CHARS,	/* char[hi], NUL-terminated */
	TABLE_INT,	/* int from lo to hi */
	TABLE_LONG,	/* long from lo to hi */
	TABLE_U64,	/* uint64_t: a decimal string in JSON (beyond a double's precision) */
	TABLE_REAL,	/* double, printed with fmt in CSV; finite, within [min, max]
			 * when ranged; NaN only when nullable: "nan" (JSON: null) */
	TABLE_NAME,	/* an enum, written as its name */
};

struct table_field {
	const char *key;
	enum table_type type;
	size_t offset;		/* of the member in the struct described */
	long lo, hi;		/* accepted range; TABLE_CHARS: hi is the array size */
	const char *fmt;	/* TABLE_REAL in CSV */
	int nullable;		/* TABLE_REAL: NaN ("nan", JSON null) means "not measured" */
	int ranged;		/* TABLE_REAL: read values must lie in [min, max] */
	double min, max;
	const char *(*name)(const void *member);		/* TABLE_NAME */
	int (*from_name)(const char *name, void *member);	/* TABLE_NAME: 0 or -1 */
};

#define TABLE_FIELD(k, t, st, m, ...) { .key = (k), .type = (t), .offset = offsetof(st, m), __VA_ARGS__ }
#define TABLE_STR_FIELD(k, st, m) TABLE_FIELD(k, TABLE_STR, st, m, .fmt = NULL)
#define TABLE_CHARS_FIELD(k, st, m) TABLE_FIELD(k, TABLE_CHARS, st, m, .hi = sizeof ((st *)0)->m)
#define TABLE_INT_FIELD(k, st, m, l, h) TABLE_FIELD(k, TABLE_INT, st, m, .lo = (l), .hi = (h))
#define TABLE_LONG_FIELD(k, st, m, l, h) TABLE_FIELD(k, TABLE_LONG, st, m, .lo = (l), .hi = (h))
#define TABLE_U64_FIELD(k, st, m) TABLE_FIELD(k, TABLE_U64, st, m, .fmt = NULL)
#define TABLE_REAL_FIELD(k, st, m, f) TABLE_FIELD(k, TABLE_REAL, st, m, .fmt = (f))
/* A real in [l, h]; null: NaN is allowed (unlabeled data has no top-1). */
#define TABLE_REAL_IN_FIELD(k, st, m, f, l, h, null) \
	TABLE_FIELD(k, TABLE_REAL, st, m, .fmt = (f), .ranged = 1, .min = (l), .max = (h), .nullable = (null))
#define TABLE_NAME_FIELD(k, st, m, to, from) TABLE_FIELD(k, TABLE_NAME, st, m, .name = (to), .from_name = (from))
/* The provenance every result file starts with, in this order, for a header
 * struct with char * members of these names. */
#define TABLE_PROVENANCE_FIELDS(st) \
	TABLE_STR_FIELD("version", st, version), \
	TABLE_STR_FIELD("cfg", st, cfg), \
	TABLE_STR_FIELD("weights", st, weights), \
	TABLE_STR_FIELD("weights_checksum", st, weights_checksum), \
	TABLE_STR_FIELD("data", st, data), \
	TABLE_STR_FIELD("data_checksum", st, data_checksum)
/* Ends every field list. */
#define TABLE_END { .key = NULL }

/* The file is JSON: its name ends in ".json" (anything else is CSV). */
int table_is_json(const char *path);

/* ---- a struct described by fields ---- */
/* Frees the TABLE_STR members (and sets them to NULL). */
void table_free(const struct table_field *fields, void *obj);
/* The TABLE_STR members of dst become copies of src's ("" for NULL); the
 * other members are left as they are (copy the struct first). */
void table_copy_strings(const struct table_field *fields, void *dst, const void *src);
/* TABLE_STR members still NULL become "", so readers need no NULL checks. */
void table_fill(const struct table_field *fields, void *obj);

/* ---- writing ---- */
/* "# TITLE\n", then "# key: value\n" per field. */
void table_csv_header(FILE *out, const char *title, const struct table_field *fields, const void *obj);
/* The keys, comma-separated, and a newline: the column line. */
void table_csv_columns(FILE *out, const struct table_field *fields);
/* The values, comma-separated, and a newline. */
void table_csv_row(FILE *out, const struct table_field *fields, const void *obj);
/* A new JSON object of the fields, in order. */
json_t *table_json_object(const struct table_field *fields, const void *obj);
/* A JSON number, or null for NaN and infinities (JSON numbers are finite). */
json_t *table_json_real(double v);
/* A JSON string, or {"escaped": "..."} (C escapes, ASCII only) for bytes that
 * are not UTF-8, which jansson cannot hold: a Latin-1 path still round-trips. */
json_t *table_json_string(const char *s);
/* Writes root with jansson's dump flags and a newline, every real as the
 * shortest text that reads back as the same double (0.927, not jansson's
 * 0.92700000000000005; no exponent from 1e-4 to 1e15; still with a '.' or an exponent, so a reader sees a
 * real).  Every JSON safer writes goes through here.  root stays the caller's. */
void table_json_write(FILE *out, const json_t *root, size_t flags);
/* Writes root (indent 1, keys in order) and a newline, then releases it. */
void table_json_dump(FILE *out, json_t *root);
/* Writes path atomically through dump(out, obj, json); refuses what atomic_open
 * refuses (an input of this run, a non-regular file).  0, or with *cause the exit
 * status core/atomic.h gives (2: refused, 1: the write failed). */
int table_save(const char *path, int json,
    void (*dump)(FILE *out, const void *obj, int json), const void *obj, char **cause);

/* ---- text tables for people ----
 * A table printed on stdout fits a width: columns with a drop rank are left
 * out, lowest rank first, until the rest fits; --wide prints them all.  The
 * widths are fixed, so a table can be printed a row at a time (a scan). */
struct table_col {
	const char *title;
	int width;		/* characters; < 0: left-aligned in -width */
	int drop;		/* 0: always shown; else left out in increasing order */
};
/* The width tables fit: 0 (no limit) with wide; the terminal's columns when
 * stdout is one (COLUMNS when it does not say); 80 otherwise (a file, a pipe). */
int table_text_width(int wide);
/* Sets show[i] for the columns that fit width (0: every one), leaving out
 * the lowest drop rank first (all columns of that rank at once); returns
 * how many were left out. */
int table_fit(const struct table_col *cols, int n, int width, unsigned char *show);
/* The width of a line of the shown columns (one space between them). */
int table_fit_width(const struct table_col *cols, int n, const unsigned char *show);
/* A line of the shown columns: cells (NULL: the titles) padded to their
 * widths, one space apart, and a newline. */
void table_line(FILE *out, const struct table_col *cols, int n, const unsigned char *show,
    const char *const *cells);
/* "(left out to fit 80 columns: kl, images; --wide shows them)" when any was. */
void table_note_left_out(FILE *out, const struct table_col *cols, int n, const unsigned char *show, int width);
/* text (one paragraph) wrapped at spaces to width (0: one line), lines after
 * the first indented by indent spaces, and a newline. */
void table_wrap(FILE *out, const char *text, int width, int indent);

/* ---- reading ---- */
/* The cells are exactly the keys, in order. */
int table_csv_is_columns(const struct table_field *fields, char **cells, int n);
/* Sets every field from its cell (as many cells as fields): -1, or the index
 * of the first bad cell. */
int table_csv_get(const struct table_field *fields, char **cells, void *obj);

/* A CSV table: '#' lines set header fields, the first other line is the
 * column line, the rest are rows.  The callbacks get the line's real cell
 * count n, of which cells holds the first max_cells (n > max_cells: too
 * many); they return 0, or -1 with *cause. */
struct table_csv_reader {
	const char *what;	/* "scan", "rank": the kind of file, in messages */
	const struct table_field *header;
	void *header_obj;
	int max_cells;		/* at most TABLE_MAX_CELLS */
	int (*columns)(void *ctx, const char *name, int lineno, char **cells, int n, char **cause);
	int (*row)(void *ctx, const char *name, int lineno, char **cells, int n, char **cause);
	void *ctx;
};
#define TABLE_MAX_CELLS 64
/* "NAME[:LINE]: problem" on error. */
int table_csv_parse(const char *name, const char *text, size_t len, const struct table_csv_reader *r,
    char **cause);

/* Reads the file at path (at most max bytes) and hands its text to parse,
 * with json chosen by the extension; parse's result, or -1 with *cause when
 * the file cannot be read. */
int table_read(const char *path, size_t max,
    int (*parse)(const char *path, const char *text, size_t len, int json, void *out, char **cause),
    void *out, char **cause);

/* The JSON root of text, or NULL with "NAME:LINE: problem". */
json_t *table_json_load(const char *name, const char *text, size_t len, char **cause);
/* Sets the header fields from the members of the object h (strings, or
 * numbers as their text; null for a nullable real).  -1 with *cause on a
 * bad value. */
int table_json_header(const char *name, json_t *h, const struct table_field *fields, void *obj, char **cause);
/* Sets every field from the members of the object o, all required: 0 or -1. */
int table_json_get(const struct table_field *fields, json_t *o, void *obj);
/* o[key] as a number, null as NaN: 0, or -1 when missing or not a number. */
int table_json_get_real(json_t *o, const char *key, double *out);

#endif
