/* budget.c - see budget.h */
#include "core/budget.h"
#include "core/format.h"
#include "core/util.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define BUDGET_MAX_BYTES (1024 * 1024)
/* Longest piece of the input quoted in a message, so messages stay one line. */
#define QUOTE_MAX 40

enum key_id { K_PRUNE, K_PRUNE_FILTER, K_BITS, K_BITS_PC, K_ACTBITS, NKEYS };

static const struct key_info {
	const char *name;
	int integer;
	double lo, hi;
} keys[NKEYS] = {
	[K_PRUNE] = { "prune", 0, 0, 1 },
	[K_PRUNE_FILTER] = { "prune-filter", 0, 0, 1 },
	[K_BITS] = { "bits", 1, 2, 16 },
	[K_BITS_PC] = { "bits-pc", 1, 2, 16 },
	[K_ACTBITS] = { "actbits", 1, 2, 16 },
};

struct parser {
	const char *name;
	const struct model *m;
	struct budget_layer *v;		/* sections in file order */
	int n, cap;
	int cur;			/* index of the open section, -1 before the first */
	int keyline[NKEYS];		/* where each key was set in the open section */
	int line;
	char *err;
	int errline;
};

/* ---- parsing ------------------------------------------------------------- */

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p->err = xasprintf("%s:%d: %s", p->name, p->line, msg);
	p->errline = p->line;
	return -1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* "[ layer N ]" -> N; -1 malformed, -2 N too large. */
static int parse_header(const char *s, int *layer)
{
	s++;
	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, "layer", 5) != 0 || !isspace((unsigned char)s[5]))
		return -1;
	s += 5;
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	long long v = 0;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (*s++ - '0');
		if (v > INT_MAX)
			return -2;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (s[0] != ']' || s[1] != '\0')
		return -1;
	*layer = (int)v;
	return 0;
}

static int check_layer(struct parser *p, int layer)
{
	const struct model *m = p->m;
	if (m == NULL)
		return 0;
	if (layer >= m->n) {
		if (m->n == 0)
			return fail(p, "layer %d does not exist (the network has no layers)", layer);
		return fail(p, "layer %d does not exist (the network has layers 0..%d)",
		    layer, m->n - 1);
	}
	const struct layer_desc *d = &m->layers[layer];
	if (!d->has_weights) {
		const char *kind = d->kind_name ? d->kind_name : layer_kind_name(d->kind);
		return fail(p, "layer %d is %s, which has no weights", layer, kind);
	}
	return 0;
}

static int open_section(struct parser *p, const char *s)
{
	int layer, r = parse_header(s, &layer);
	if (r == -2)
		return fail(p, "layer number too large in '%.*s'", QUOTE_MAX, s);
	if (r != 0)
		return fail(p, "expected [layer N], not '%.*s'", QUOTE_MAX, s);
	if (check_layer(p, layer) != 0)
		return -1;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->v = xreallocarray(p->v, (size_t)p->cap, sizeof *p->v);
	}
	p->cur = p->n++;
	p->v[p->cur] = (struct budget_layer){ .layer = layer, .line = p->line };
	memset(p->keyline, 0, sizeof p->keyline);
	return 0;
}

static int find_key(const char *s)
{
	for (int k = 0; k < NKEYS; k++)
		if (strcmp(s, keys[k].name) == 0)
			return k;
	return -1;
}

/* Checks the value text of key k and returns the number in *out. */
static int parse_value(struct parser *p, int k, const char *s, double *out)
{
	const char *kn = keys[k].name;
	if (*s == '\0')
		return fail(p, "missing value for '%s'", kn);
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end != '\0')
		return fail(p, "%s: '%.*s' is not a number", kn, QUOTE_MAX, s);
	if (!isfinite(v))
		return fail(p, "%s: '%.*s' is not a finite number", kn, QUOTE_MAX, s);
	if (keys[k].integer && v != floor(v))
		return fail(p, "%s=%.*s is not an integer", kn, QUOTE_MAX, s);
	if (v < keys[k].lo || v > keys[k].hi)
		return fail(p, "%s=%.*s out of range (%g..%g)", kn, QUOTE_MAX, s,
		    keys[k].lo, keys[k].hi);
	*out = v == 0 ? 0 : v;	/* -0 reads as 0 */
	return 0;
}

static int set_key(struct parser *p, char *s)
{
	char *eq = strchr(s, '=');
	if (eq == NULL)
		return fail(p, "missing '=' in '%.*s' (expected KEY=VALUE)", QUOTE_MAX, s);
	*eq = '\0';
	char *key = trim(s), *val = trim(eq + 1);
	if (*key == '\0')
		return fail(p, "missing key before '='");
	int k = find_key(key);
	if (k < 0)
		return fail(p, "unknown key '%.*s' (expected prune, prune-filter, bits, bits-pc, actbits)",
		    QUOTE_MAX, key);
	struct budget_layer *l = &p->v[p->cur];
	if (p->keyline[k] != 0)
		return fail(p, "duplicate key '%s' in [layer %d] (first at line %d)",
		    key, l->layer, p->keyline[k]);
	int other = k == K_BITS ? K_BITS_PC : k == K_BITS_PC ? K_BITS : -1;
	if (other >= 0 && p->keyline[other] != 0)
		return fail(p, "bits and bits-pc both set in [layer %d] (%s at line %d); choose one",
		    l->layer, keys[other].name, p->keyline[other]);
	double v = 0;
	if (parse_value(p, k, val, &v) != 0)
		return -1;
	p->keyline[k] = p->line;
	switch (k) {
	case K_PRUNE: l->prune = v; break;
	case K_PRUNE_FILTER: l->prune_filter = v; break;
	case K_BITS: l->bits = (int)v; break;
	case K_BITS_PC: l->bits_pc = (int)v; break;
	case K_ACTBITS: l->actbits = (int)v; break;
	}
	return 0;
}

static int parse_line(struct parser *p, char *s)
{
	char *hash = strchr(s, '#');
	if (hash != NULL)
		*hash = '\0';	/* comments may follow a value */
	s = trim(s);
	if (*s == '\0')
		return 0;
	if (*s == '[')
		return open_section(p, s);
	if (p->cur < 0)
		return fail(p, "expected a [layer N] section before '%.*s'", QUOTE_MAX, s);
	return set_key(p, s);
}

static int cmp_section(const void *a, const void *b)
{
	const struct budget_layer *x = a, *y = b;
	if (x->layer != y->layer)
		return x->layer < y->layer ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Sorts the sections and reports the earliest repeated one, unless an error
 * already stopped the parse before it.  Done once at the end so that many
 * sections cost n log n rather than a search per header. */
static void check_duplicates(struct parser *p)
{
	if (p->n > 1)
		qsort(p->v, (size_t)p->n, sizeof *p->v, cmp_section);
	int dup = -1;
	for (int i = 1; i < p->n; i++) {
		if (p->v[i].layer == p->v[i - 1].layer &&
		    (dup < 0 || p->v[i].line < p->v[dup].line))
			dup = i;
	}
	if (dup < 0 || (p->err != NULL && p->errline < p->v[dup].line))
		return;
	int first = dup;
	while (first > 0 && p->v[first - 1].layer == p->v[dup].layer)
		first--;
	free(p->err);
	p->err = NULL;
	p->line = p->v[dup].line;
	fail(p, "duplicate section [layer %d] (first at line %d)",
	    p->v[dup].layer, p->v[first].line);
}

static int nul_line(const char *text, size_t len)
{
	const char *z = memchr(text, '\0', len);
	int line = 1;
	for (const char *c = text; c < z; c++)
		line += *c == '\n';
	return line;
}

int budget_parse(const char *name, const char *text, size_t len, const struct model *m,
    struct budget *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (len > BUDGET_MAX_BYTES) {
		*cause = xasprintf("%s: budget too large (%zu bytes, limit %d)", name, len,
		    BUDGET_MAX_BYTES);
		return -1;
	}
	const char *magic = file_magic_kind(text, len);
	if (magic) {
		*cause = xasprintf("%s: not a budget file (%s)", name, magic);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		*cause = xasprintf("%s:%d: NUL byte in budget text", name, nul_line(text, len));
		return -1;
	}
	struct parser p = { .name = name, .m = m, .cur = -1 };
	char *buf = xmalloc(len + 1);	/* a copy we may cut into lines */
	memcpy(buf, text, len);
	buf[len] = '\0';
	char *s = buf;
	for (p.line = 1; s != NULL; p.line++) {
		char *nl = strchr(s, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		if (parse_line(&p, s) != 0)
			break;
		s = nl;
	}
	free(buf);
	check_duplicates(&p);
	if (p.err != NULL) {
		free(p.v);
		*cause = p.err;
		return -1;
	}
	out->n = p.n;
	out->layers = p.n ? p.v : NULL;
	if (p.n == 0)
		free(p.v);
	return 0;
}

int budget_load(const char *path, const struct model *m, struct budget *out, char **cause)
{
	size_t len;
	memset(out, 0, sizeof *out);
	char *text = file_read_all(path, BUDGET_MAX_BYTES, &len, cause);
	if (text == NULL)
		return -1;
	/* Likely a truncated or wrongly named file; comments alone are fine. */
	size_t i = 0;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i == len) {
		free(text);
		*cause = xasprintf("%s: empty budget file", path);
		return -1;
	}
	int r = budget_parse(path, text, len, m, out, cause);
	free(text);
	return r;
}

void budget_free(struct budget *b)
{
	free(b->layers);
	b->layers = NULL;
	b->n = 0;
}

/* ---- writing ------------------------------------------------------------- */

/* Short when that reads back exactly, else every digit: files must round-trip. */
static const char *fmt_fraction(double v, char *buf, size_t size)
{
	return fmt_real_shortest(v, buf, size);
}

static void write_comment(FILE *f, const struct budget_layer *l, const struct model *m)
{
	if (l->layer < 0 || l->layer >= m->n) {
		fprintf(f, "# layer %d: not in the network\n", l->layer);
		return;
	}
	const struct layer_desc *d = &m->layers[l->layer];
	const char *kind = d->kind_name ? d->kind_name : layer_kind_name(d->kind);
	char sum[64];
	fprintf(f, "# layer %d: %s, %llu params, %llu MACs: %s\n", l->layer, kind,
	    (unsigned long long)d->params, (unsigned long long)d->macs,
	    budget_layer_summary(l, sum, sizeof sum));
}

static void write_section(FILE *f, const struct budget_layer *l)
{
	char num[40];
	fprintf(f, "\n[layer %d]\n", l->layer);
	if (l->prune != 0)
		fprintf(f, "prune=%s\n", fmt_fraction(l->prune, num, sizeof num));
	if (l->prune_filter != 0)
		fprintf(f, "prune-filter=%s\n", fmt_fraction(l->prune_filter, num, sizeof num));
	if (l->bits != 0)
		fprintf(f, "bits=%d\n", l->bits);
	if (l->bits_pc != 0)
		fprintf(f, "bits-pc=%d\n", l->bits_pc);
	if (l->actbits != 0)
		fprintf(f, "actbits=%d\n", l->actbits);
}

int budget_write(FILE *f, const struct budget *b, const struct model *m)
{
	fprintf(f, "# safer budget\n");
	for (int i = 0; m != NULL && i < b->n; i++)
		write_comment(f, &b->layers[i], m);
	for (int i = 0; i < b->n; i++)
		write_section(f, &b->layers[i]);
	return ferror(f) ? -1 : 0;
}

/* ---- access -------------------------------------------------------------- */

/* Index of the first entry with layer >= `layer`. */
static int lower_bound(const struct budget *b, int layer)
{
	int lo = 0, hi = b->n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (b->layers[mid].layer < layer)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct budget_layer *budget_get(struct budget *b, int layer)
{
	int i = lower_bound(b, layer);
	if (i < b->n && b->layers[i].layer == layer)
		return &b->layers[i];
	b->layers = xreallocarray(b->layers, (size_t)b->n + 1, sizeof *b->layers);
	memmove(&b->layers[i + 1], &b->layers[i], (size_t)(b->n - i) * sizeof *b->layers);
	b->n++;
	b->layers[i] = (struct budget_layer){ .layer = layer };
	return &b->layers[i];
}

const struct budget_layer *budget_find(const struct budget *b, int layer)
{
	int i = lower_bound(b, layer);
	return i < b->n && b->layers[i].layer == layer ? &b->layers[i] : NULL;
}

static int layer_is_empty(const struct budget_layer *l)
{
	return l->prune == 0 && l->prune_filter == 0 && l->bits == 0 &&
	    l->bits_pc == 0 && l->actbits == 0;
}

void budget_compact(struct budget *b)
{
	int j = 0;
	for (int i = 0; i < b->n; i++)
		if (!layer_is_empty(&b->layers[i]))
			b->layers[j++] = b->layers[i];
	b->n = j;
	if (j == 0) {
		free(b->layers);
		b->layers = NULL;
	}
}

/* ".50" for 0.5, "1.00" for 1: narrow columns. */
static void short_fraction(char *buf, size_t size, double v)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%.2f", v);
	snprintf(buf, size, "%s", tmp[0] == '0' && tmp[1] == '.' ? tmp + 1 : tmp);
}

char *budget_layer_summary(const struct budget_layer *l, char *buf, size_t size)
{
	char out[128] = "", part[40], num[32];
	if (l->prune != 0) {
		short_fraction(num, sizeof num, l->prune);
		snprintf(part, sizeof part, " p%s", num);
		strcat(out, part);
	}
	if (l->prune_filter != 0) {
		short_fraction(num, sizeof num, l->prune_filter);
		snprintf(part, sizeof part, " f%s", num);
		strcat(out, part);
	}
	if (l->bits != 0 || l->bits_pc != 0) {
		snprintf(part, sizeof part, l->bits ? " q%d" : " qc%d",
		    l->bits ? l->bits : l->bits_pc);
		strcat(out, part);
	}
	if (l->actbits != 0) {
		snprintf(part, sizeof part, " a%d", l->actbits);
		strcat(out, part);
	}
	if (size > 0)
		snprintf(buf, size, "%s", out[0] ? out + 1 : "-");
	return buf;
}

/* ---- perturbations and cost ---------------------------------------------- */

static void add_item(struct job_item **items, int *n, int layer, enum perturb_kind k, double level)
{
	*items = xreallocarray(*items, (size_t)*n + 1, sizeof **items);
	(*items)[(*n)++] = (struct job_item){
		.layer = layer,
		.p = { .kind = k, .level = level, .rate = PERTURB_DEFAULT_RATE, .seed = 0 },
	};
}

int budget_items(const struct budget *b, struct job_item **items)
{
	int n = 0;
	*items = NULL;
	for (int i = 0; i < b->n; i++) {
		const struct budget_layer *l = &b->layers[i];
		if (l->prune != 0)
			add_item(items, &n, l->layer, PERTURB_PRUNE, l->prune);
		if (l->prune_filter != 0)
			add_item(items, &n, l->layer, PERTURB_PRUNE_FILTER, l->prune_filter);
		if (l->bits != 0)
			add_item(items, &n, l->layer, PERTURB_QUANT, l->bits);
		else if (l->bits_pc != 0)
			add_item(items, &n, l->layer, PERTURB_QUANT_PC, l->bits_pc);
		if (l->actbits != 0)
			add_item(items, &n, l->layer, PERTURB_ACTQUANT, l->actbits);
	}
	return n;
}

/* Storage bits of one weight layer under its budget entry (or none). */
static double layer_bits(const struct layer_desc *d, const struct budget_layer *l, double s, int bw)
{
	double n = (double)d->wt.nweights;
	double dense = n * bw, wbits = dense;
	if (s > 0) {
		double sparse = n + round(n * (1 - s)) * bw;	/* mask + survivors */
		wbits = sparse < dense ? sparse : dense;
	}
	if (l != NULL && l->bits != 0)
		wbits += 32;
	else if (l != NULL && l->bits_pc != 0)
		wbits += 32.0 * d->wt.filters;
	/* Biases and batch-norm stay float32. */
	uint64_t other = d->params > d->wt.nweights ? d->params - d->wt.nweights : 0;
	return wbits + 32.0 * (double)other;
}

void budget_cost(const struct budget *b, const struct model *m, struct budget_cost *out)
{
	double bits = 0, wsum = 0, wbits = 0, zeroed = 0;
	memset(out, 0, sizeof *out);
	for (int i = 0; i < m->n; i++) {
		const struct layer_desc *d = &m->layers[i];
		double macs = (double)d->macs;
		out->float_bops += macs * 32 * 32;
		if (!d->has_weights) {
			/* Nothing in a budget touches these: float32 throughout. */
			bits += 32.0 * (double)d->params;
			out->effective_macs += macs;
			out->bops += macs * 32 * 32;
			continue;
		}
		const struct budget_layer *l = budget_find(b, i);
		double p = l ? l->prune : 0, pf = l ? l->prune_filter : 0;
		double s = 1 - (1 - p) * (1 - pf);
		int bw = l && l->bits ? l->bits : l && l->bits_pc ? l->bits_pc : 32;
		int ba = l && l->actbits ? l->actbits : 32;
		double n = (double)d->wt.nweights;
		bits += layer_bits(d, l, s, bw);
		out->effective_macs += macs * (1 - s);
		out->bops += macs * (1 - s) * bw * ba;
		wsum += n;
		wbits += n * bw;
		zeroed += n * s;
	}
	out->bytes = bits / 8;
	out->float_bytes = (double)m->total_params * 4;
	out->ratio = out->bytes > 0 ? out->float_bytes / out->bytes : 1;
	out->macs = m->total_macs;
	out->avg_bits = wsum > 0 ? wbits / wsum : 32;
	out->sparsity = wsum > 0 ? zeroed / wsum : 0;
}
