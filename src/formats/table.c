/* table.c - see table.h */
#include "formats/table.h"
#include "core/atomic.h"
#include "core/format.h"
#include "core/util.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int table_is_json(const char *path)
{
	size_t n = strlen(path), k = strlen(".json");
	return n >= k && strcmp(path + n - k, ".json") == 0;
}

/* The member a field describes. */
#define MEMBER(obj, f, type) ((type *)((char *)(obj) + (f)->offset))
#define CMEMBER(obj, f, type) ((const type *)((const char *)(obj) + (f)->offset))

void table_free(const struct table_field *fields, void *obj)
{
	for (const struct table_field *f = fields; f->key; f++)
		if (f->type == TABLE_STR) {
			free(*MEMBER(obj, f, char *));
			*MEMBER(obj, f, char *) = NULL;
		}
}

void table_copy_strings(const struct table_field *fields, void *dst, const void *src)
{
	for (const struct table_field *f = fields; f->key; f++)
		if (f->type == TABLE_STR) {
			const char *s = *CMEMBER(src, f, char *const);
			*MEMBER(dst, f, char *) = xstrdup(s ? s : "");
		}
}

void table_fill(const struct table_field *fields, void *obj)
{
	for (const struct table_field *f = fields; f->key; f++)
		if (f->type == TABLE_STR && *MEMBER(obj, f, char *) == NULL)
			*MEMBER(obj, f, char *) = xstrdup("");
}

/* ---- writing ---------------------------------------------------------------- */

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void print_value(FILE *out, const struct table_field *f, const void *obj)
{
	const char *s;
	switch (f->type) {
	case TABLE_STR:
		s = *CMEMBER(obj, f, char *const);
		fputs(s ? s : "", out);
		break;
	case TABLE_CHARS:
		fputs(CMEMBER(obj, f, char), out);
		break;
	case TABLE_INT:
		fprintf(out, "%d", *CMEMBER(obj, f, int));
		break;
	case TABLE_LONG:
		fprintf(out, "%ld", *CMEMBER(obj, f, long));
		break;
	case TABLE_U64:
		fprintf(out, "%" PRIu64, *CMEMBER(obj, f, uint64_t));
		break;
	case TABLE_REAL:
		if (isnan(*CMEMBER(obj, f, double)))
			fputs("nan", out);	/* never "-nan": one spelling to read back */
		else
			fprintf(out, f->fmt, *CMEMBER(obj, f, double));
		break;
	case TABLE_NAME:
		fputs(f->name(CMEMBER(obj, f, char)), out);
		break;
	}
}

/* A header value on its one line: C escapes for the backslash and every
 * control byte (a newline in a path would end the line), the rest as is;
 * with ascii, bytes above 0x7f are escaped too. */
static void print_escaped_bytes(FILE *out, const char *s, int ascii)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		switch (*p) {
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f || (ascii && *p > 0x7f))
				fprintf(out, "\\x%02x", *p);
			else
				fputc(*p, out);
		}
}

static void print_escaped(FILE *out, const char *s)
{
	print_escaped_bytes(out, s, 0);
}

/* print_escaped undone in place: "\\", "\\n", "\\r", "\\t", "\\xHH"; any
 * other backslash stays as it is (files written before values were escaped). */
static void unescape(char *s)
{
	char *w = s;
	for (const char *p = s; *p; p++) {
		if (*p != '\\' || p[1] == '\0') {
			*w++ = *p;
			continue;
		}
		int hi, lo;
		switch (p[1]) {
		case '\\': *w++ = '\\'; p++; continue;
		case 'n': *w++ = '\n'; p++; continue;
		case 'r': *w++ = '\r'; p++; continue;
		case 't': *w++ = '\t'; p++; continue;
		case 'x':
			hi = hex_digit(p[2]);
			lo = hi >= 0 ? hex_digit(p[3]) : -1;
			if (lo >= 0 && (hi || lo)) {	/* never a NUL: the value is a C string */
				*w++ = (char)(hi * 16 + lo);
				p += 3;
				continue;
			}
			break;
		default:
			break;
		}
		*w++ = *p;
	}
	*w = '\0';
}

void table_csv_header(FILE *out, const char *title, const struct table_field *fields, const void *obj)
{
	fprintf(out, "# %s\n", title);
	for (const struct table_field *f = fields; f->key; f++) {
		fprintf(out, "# %s: ", f->key);
		if (f->type == TABLE_STR)
			print_escaped(out, *CMEMBER(obj, f, char *const) ? *CMEMBER(obj, f, char *const) : "");
		else if (f->type == TABLE_CHARS)
			print_escaped(out, CMEMBER(obj, f, char));
		else
			print_value(out, f, obj);
		fputc('\n', out);
	}
}

void table_csv_columns(FILE *out, const struct table_field *fields)
{
	for (const struct table_field *f = fields; f->key; f++)
		fprintf(out, "%s%s", f->key, f[1].key ? "," : "\n");
}

void table_csv_row(FILE *out, const struct table_field *fields, const void *obj)
{
	for (const struct table_field *f = fields; f->key; f++) {
		print_value(out, f, obj);
		fputc(f[1].key ? ',' : '\n', out);
	}
}

json_t *table_json_real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* JSON holds UTF-8 only: any other byte string (a Latin-1 path) is written as
 * {"escaped": "..."} in print_escaped's form, which the readers undo, so
 * every path round-trips. */
json_t *table_json_string(const char *s)
{
	json_t *j = json_string(s);
	if (j != NULL)
		return j;
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	if (m == NULL)
		return json_string("");
	print_escaped_bytes(m, s, 1);
	fclose(m);
	j = json_pack("{s:s}", "escaped", buf);
	free(buf);
	return j;
}

static json_t *json_value(const struct table_field *f, const void *obj)
{
	const char *s;
	char buf[32];
	switch (f->type) {
	case TABLE_STR:
		s = *CMEMBER(obj, f, char *const);
		return table_json_string(s ? s : "");
	case TABLE_CHARS:
		return table_json_string(CMEMBER(obj, f, char));
	case TABLE_INT:
		return json_integer(*CMEMBER(obj, f, int));
	case TABLE_LONG:
		return json_integer(*CMEMBER(obj, f, long));
	case TABLE_U64:
		snprintf(buf, sizeof buf, "%" PRIu64, *CMEMBER(obj, f, uint64_t));
		return json_string(buf);
	case TABLE_REAL:
		return table_json_real(*CMEMBER(obj, f, double));
	case TABLE_NAME:
		return json_string(f->name(CMEMBER(obj, f, char)));
	}
	return json_null();
}

json_t *table_json_object(const struct table_field *fields, const void *obj)
{
	json_t *o = json_object();
	for (const struct table_field *f = fields; f->key; f++)
		json_object_set_new(o, f->key, json_value(f, obj));
	return o;
}

/* A number token of jansson's output at p: its length, *real when it has a
 * fraction or an exponent (jansson writes every real so). */
static size_t number_token(const char *p, int *real)
{
	size_t n = 0;
	*real = 0;
	while (p[n] && strchr("+-0123456789.eE", p[n])) {
		*real |= p[n] == '.' || p[n] == 'e' || p[n] == 'E';
		n++;
	}
	return n;
}

void table_json_write(FILE *out, const json_t *root, size_t flags)
{
	char *text = json_dumps(root, flags);
	if (text == NULL) {	/* out of memory: jansson's own digits rather than nothing */
		json_dumpf(root, out, flags);
		fputc('\n', out);
		return;
	}
	int in_string = 0;
	for (const char *p = text; *p;) {
		if (in_string) {
			if (*p == '\\' && p[1])
				fputc(*p++, out);
			else if (*p == '"')
				in_string = 0;
			fputc(*p++, out);
			continue;
		}
		int real;
		size_t n = (*p == '-' || (*p >= '0' && *p <= '9')) ? number_token(p, &real) : 0;
		if (n == 0) {
			in_string = *p == '"';
			fputc(*p++, out);
			continue;
		}
		if (real) {
			char buf[40];
			fmt_real_shortest(strtod(p, NULL), buf, sizeof buf);
			fputs(buf, out);
			if (strpbrk(buf, ".e") == NULL)
				fputs(".0", out);	/* 1.0 stays a real */
		} else {
			fwrite(p, 1, n, out);
		}
		p += n;
	}
	fputc('\n', out);
	free(text);
}

void table_json_dump(FILE *out, json_t *root)
{
	table_json_write(out, root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
}

int table_save(const char *path, int json,
    void (*dump)(FILE *out, const void *obj, int json), const void *obj, char **cause)
{
	struct atomic_file a;
	int rc = atomic_open(&a, path, cause);
	if (rc != 0)
		return rc;
	dump(a.f, obj, json);
	return atomic_commit(&a, cause);
}

/* ---- text tables for people ---------------------------------------------------- */

int table_text_width(int wide)
{
	if (wide)
		return 0;
	if (!isatty(STDOUT_FILENO))
		return 80;	/* a file or a pipe: the width mail, diffs and logs read well at */
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *env = getenv("COLUMNS");
	long v;
	return env && parse_long(env, 20, 10000, &v) == 0 ? (int)v : 80;
}

int table_fit_width(const struct table_col *cols, int n, const unsigned char *show)
{
	int w = 0, k = 0;
	for (int i = 0; i < n; i++)
		if (show[i])
			w += abs(cols[i].width) + (k++ > 0);
	return w;
}

int table_fit(const struct table_col *cols, int n, int width, unsigned char *show)
{
	int out = 0;
	for (int i = 0; i < n; i++)
		show[i] = 1;
	while (width > 0 && table_fit_width(cols, n, show) > width) {
		int pick = 0;	/* the lowest drop rank still shown; columns of one rank go together */
		for (int i = 0; i < n; i++)
			if (show[i] && cols[i].drop > 0 && (pick == 0 || cols[i].drop < pick))
				pick = cols[i].drop;
		if (pick == 0)
			break;	/* only columns that stay: as narrow as it gets */
		for (int i = 0; i < n; i++)
			if (show[i] && cols[i].drop == pick) {
				show[i] = 0;
				out++;
			}
	}
	return out;
}

void table_line(FILE *out, const struct table_col *cols, int n, const unsigned char *show,
    const char *const *cells)
{
	int k = 0, last = -1;
	for (int i = 0; i < n; i++)
		last = show[i] ? i : last;
	for (int i = 0; i < n; i++) {
		if (!show[i])
			continue;
		const char *s = cells ? cells[i] : cols[i].title;
		/* no trailing blanks after a left-aligned last column */
		int w = i == last && cols[i].width < 0 ? 0 : cols[i].width;
		fprintf(out, "%s%*s", k++ ? " " : "", w, s ? s : "");
	}
	fputc('\n', out);
}

void table_note_left_out(FILE *out, const struct table_col *cols, int n, const unsigned char *show, int width)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		int seen = 0;	/* a title twice (two groups of columns) is named once */
		for (int j = 0; j < i; j++)
			seen |= !show[j] && strcmp(cols[j].title, cols[i].title) == 0;
		if (show[i] || seen)
			continue;
		if (k++ == 0)
			fprintf(out, "(left out to fit %d columns: %s", width, cols[i].title);
		else
			fprintf(out, ", %s", cols[i].title);
	}
	if (k)
		fputs("; --wide shows them)\n", out);
}

void table_wrap(FILE *out, const char *text, int width, int indent)
{
	int col = 0;
	const char *p = text;
	while (*p) {
		size_t gap = strspn(p, " ");	/* kept as it is ("source  scan ...") unless the line breaks there */
		size_t word = strcspn(p + gap, " ");
		if (col > indent && width > 0 && col + (int)(gap + word) > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else {
			fwrite(p, 1, gap, out);
			col += (int)gap;
		}
		fwrite(p + gap, 1, word, out);
		col += (int)word;
		p += gap + word;
	}
	fputc('\n', out);
}

/* ---- reading ------------------------------------------------------------------ */

/* A value read for a real field: finite (strtod also takes "inf", "nan",
 * "nan(123)") and in the field's range. */
static int real_check(const struct table_field *f, double v)
{
	if (!isfinite(v))
		return -1;
	return !f->ranged || (v >= f->min && v <= f->max) ? 0 : -1;
}

static int parse_value(const struct table_field *f, void *obj, const char *text)
{
	long v;
	switch (f->type) {
	case TABLE_STR:
		free(*MEMBER(obj, f, char *));
		*MEMBER(obj, f, char *) = xstrdup(text);
		return 0;
	case TABLE_CHARS:
		if (strlen(text) >= (size_t)f->hi)
			return -1;
		strcpy(MEMBER(obj, f, char), text);
		return 0;
	case TABLE_INT:
		if (parse_long(text, f->lo, f->hi, &v) != 0)
			return -1;
		*MEMBER(obj, f, int) = (int)v;
		return 0;
	case TABLE_LONG:
		return parse_long(text, f->lo, f->hi, MEMBER(obj, f, long));
	case TABLE_U64:
		return parse_u64(text, MEMBER(obj, f, uint64_t));
	case TABLE_REAL:
		if (strcmp(text, "nan") == 0 && f->nullable) {
			*MEMBER(obj, f, double) = NAN;
			return 0;
		}
		return parse_double(text, MEMBER(obj, f, double)) == 0 ? real_check(f, *MEMBER(obj, f, double)) : -1;
	case TABLE_NAME:
		return f->from_name(text, MEMBER(obj, f, char));
	}
	return -1;
}

static const struct table_field *field_named(const struct table_field *fields, const char *key)
{
	for (const struct table_field *f = fields; f->key; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

/* Sets the field named key from its text: 0, or -1 on a bad value.  Unknown
 * keys are comments (0). */
static int header_set(const struct table_field *fields, void *obj, const char *key, const char *text)
{
	const struct table_field *f = field_named(fields, key);
	return f ? parse_value(f, obj, text) : 0;
}

/* Splits a CSV line in place at commas (no quoting: safer never writes any);
 * returns the cell count, the real one even when only the first max cells
 * are stored (more than max: the line is refused, and says how many). */
static int split(char *line, char **cells, int max)
{
	int n = 0;
	for (char *p = line;; p++) {
		if (n == max) {	/* too many: only counted, for the message */
			for (p = strchr(p, ','); p; p = strchr(p + 1, ','))
				n++;
			return n + 1;
		}
		cells[n++] = p;
		p = strchr(p, ',');
		if (p == NULL)
			return n;
		*p = '\0';
	}
}

int table_csv_is_columns(const struct table_field *fields, char **cells, int n)
{
	int i = 0;
	for (const struct table_field *f = fields; f->key; f++, i++)
		if (i >= n || strcmp(cells[i], f->key) != 0)
			return 0;
	return i == n;
}

int table_csv_get(const struct table_field *fields, char **cells, void *obj)
{
	int i = 0;
	for (const struct table_field *f = fields; f->key; f++, i++)
		if (parse_value(f, obj, cells[i]) != 0)
			return i;
	return -1;
}

/* "# key: value" sets a header field; a '#' line without ": " is a comment. */
static int csv_header_line(const char *name, int lineno, char *line, const struct table_csv_reader *r,
    char **cause)
{
	char *colon = strstr(line, ": ");
	if (colon == NULL)
		return 0;
	*colon = '\0';
	const char *key = line + 1 + (line[1] == ' ');
	unescape(colon + 2);
	if (header_set(r->header, r->header_obj, key, colon + 2) != 0) {
		*cause = xasprintf("%s:%d: bad value for header '%s'", name, lineno, key);
		return -1;
	}
	return 0;
}

static int csv_lines(const char *name, char *text, const struct table_csv_reader *r, char **cause)
{
	int lineno = 0, seen_columns = 0, rc = 0;
	char *save = NULL;
	assert(r->max_cells <= TABLE_MAX_CELLS);
	for (char *line = strtok_r(text, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
		lineno++;	/* strtok_r skips empty lines; numbers stay right for files safer writes */
		size_t l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		if (line[0] == '#') {
			rc = csv_header_line(name, lineno, line, r, cause);
			continue;
		}
		char *cells[TABLE_MAX_CELLS + 1];
		int n = split(line, cells, r->max_cells);
		if (!seen_columns) {
			rc = r->columns(r->ctx, name, lineno, cells, n, cause);
			seen_columns = 1;
		} else {
			rc = r->row(r->ctx, name, lineno, cells, n, cause);
		}
	}
	if (rc == 0 && !seen_columns) {
		*cause = xasprintf("%s: not a safer %s file (no column line)", name, r->what);
		rc = -1;
	}
	return rc;
}

int table_csv_parse(const char *name, const char *text, size_t len, const struct table_csv_reader *r,
    char **cause)
{
	const char *magic = file_magic_kind(text, len);
	if (magic) {
		*cause = xasprintf("%s: not a safer %s file (%s)", name, r->what, magic);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		*cause = xasprintf("%s: binary data in a %s file", name, r->what);
		return -1;
	}
	char *copy = xmalloc(len + 1);	/* the text need not be NUL-terminated */
	memcpy(copy, text, len);
	copy[len] = '\0';
	int rc = csv_lines(name, copy, r, cause);
	free(copy);
	return rc;
}

int table_read(const char *path, size_t max,
    int (*parse)(const char *path, const char *text, size_t len, int json, void *out, char **cause),
    void *out, char **cause)
{
	size_t len;
	char *text = file_read_all(path, max, &len, cause);
	if (text == NULL)
		return -1;
	int rc = parse(path, text, len, table_is_json(path), out, cause);
	free(text);
	return rc;
}

json_t *table_json_load(const char *name, const char *text, size_t len, char **cause)
{
	const char *magic = file_magic_kind(text, len);
	if (magic) {
		*cause = xasprintf("%s: not JSON (%s)", name, magic);
		return NULL;
	}
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL)
		*cause = xasprintf("%s:%d: %s", name, err.line, err.text);
	return root;
}

/* json_str's {"escaped": "..."} back to its bytes (allocated), else NULL. */
static char *json_unescaped(json_t *v)
{
	json_t *e = json_is_object(v) ? json_object_get(v, "escaped") : NULL;
	if (!json_is_string(e))
		return NULL;
	char *raw = xstrdup(json_string_value(e));
	unescape(raw);
	return raw;
}

/* A string member as it is, a number as its text, anything else NULL. */
static const char *json_text(json_t *v, char *buf, size_t size)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		fmt_real_shortest(json_real_value(v), buf, size);
		return buf;
	}
	return NULL;
}

int table_json_header(const char *name, json_t *h, const struct table_field *fields, void *obj, char **cause)
{
	const char *key;
	json_t *v;
	json_object_foreach(h, key, v) {
		char buf[64];
		const struct table_field *f = field_named(fields, key);
		if (json_is_null(v) && f && f->type == TABLE_REAL && f->nullable) {
			*MEMBER(obj, f, double) = NAN;	/* what the writer writes for NaN */
			continue;
		}
		char *raw = json_unescaped(v);
		const char *s = raw ? raw : json_text(v, buf, sizeof buf);
		int bad = s == NULL || header_set(fields, obj, key, s) != 0;
		free(raw);
		if (bad) {
			*cause = xasprintf("%s: bad value for header '%s'", name, key);
			return -1;
		}
	}
	return 0;
}

int table_json_get_real(json_t *o, const char *key, double *out)
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

/* One field from its JSON member: integers must be JSON integers in range,
 * reals numbers or null, text fields strings. */
static int json_field(const struct table_field *f, json_t *o, void *obj)
{
	json_t *v = json_object_get(o, f->key);
	char buf[64];
	switch (f->type) {
	case TABLE_INT:
	case TABLE_LONG:
		if (!json_is_integer(v) || json_integer_value(v) < f->lo || json_integer_value(v) > f->hi)
			return -1;
		if (f->type == TABLE_INT)
			*MEMBER(obj, f, int) = (int)json_integer_value(v);
		else
			*MEMBER(obj, f, long) = (long)json_integer_value(v);
		return 0;
	case TABLE_REAL: {
		double *d = MEMBER(obj, f, double);
		if (table_json_get_real(o, f->key, d) != 0)
			return -1;
		return isnan(*d) && f->nullable ? 0 : real_check(f, *d);
	}
	case TABLE_U64: {
		const char *s = json_text(v, buf, sizeof buf);
		return s ? parse_value(f, obj, s) : -1;
	}
	case TABLE_STR:
	case TABLE_CHARS:
	case TABLE_NAME:
		if (json_is_object(v)) {
			char *raw = json_unescaped(v);
			int rc = raw ? parse_value(f, obj, raw) : -1;
			free(raw);
			return rc;
		}
		return json_is_string(v) ? parse_value(f, obj, json_string_value(v)) : -1;
	}
	return -1;
}

int table_json_get(const struct table_field *fields, json_t *o, void *obj)
{
	if (!json_is_object(o))
		return -1;
	for (const struct table_field *f = fields; f->key; f++)
		if (json_field(f, o, obj) != 0)
			return -1;
	return 0;
}
