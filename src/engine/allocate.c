/* allocate.c - see allocate.h */
#include "engine/allocate.h"
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PRUNE_MAX 0.99
#define BITS_MIN 2
#define BITS_MAX 16
#define BISECT_ITERS 60
#define MEASURE_ITERS 8

/* ---- targets ------------------------------------------------------------- */

static const char *const target_names[] = { "bits", "sparsity", "size", "drop" };

const char *alloc_knob_name(enum alloc_knob k)
{
	return k == KNOB_QUANT ? "quant" : "prune";
}

static int parse_size(const char *s, double *out)
{
	static const struct {
		const char *suffix;
		double mult;
	} units[] = { { "", 1 }, { "B", 1 }, { "KB", 1e3 }, { "kB", 1e3 }, { "MB", 1e6 }, { "KiB", 1024 },
	    { "MiB", 1048576 } };
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v <= 0)
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].suffix) == 0) {
			*out = v * units[i].mult;
			return 0;
		}
	return -1;
}

static int parse_value(enum alloc_target_kind k, const char *s, double *out)
{
	if (k == TARGET_SIZE)
		return parse_size(s, out);
	double v;
	if (parse_double(s, &v) != 0 || !isfinite(v))
		return -1;
	if ((k == TARGET_BITS && (v < BITS_MIN || v > BITS_MAX)) || (k == TARGET_SPARSITY && (v <= 0 || v >= 1)) ||
	    (k == TARGET_DROP && (v < 0 || v > 100)))
		return -1;
	*out = v;
	return 0;
}

int alloc_target_parse(const char *text, struct alloc_target *out, char **cause)
{
	/* bits: the allocator's range; a wider target would be capped silently */
	static const char *const hint[] = { "2..16 bits", "a fraction in (0, 1)", "bytes with B, KB, MB, KiB or MiB",
	    "points from 0 to 100" };
	const char *eq = strchr(text, '=');
	size_t klen = eq ? (size_t)(eq - text) : strlen(text);
	memset(out, 0, sizeof *out);
	for (int k = 0; k < 4; k++) {
		if (strlen(target_names[k]) != klen || strncmp(text, target_names[k], klen) != 0)
			continue;
		out->kind = (enum alloc_target_kind)k;
		out->knob = k == TARGET_SPARSITY ? KNOB_PRUNE : KNOB_QUANT;
		if (eq == NULL)
			return 0;
		if (parse_value(out->kind, eq + 1, &out->value) != 0) {
			*cause = xasprintf("--target %s: '%s' is not %s", target_names[k], eq + 1, hint[k]);
			return -1;
		}
		out->has_value = 1;
		return 0;
	}
	*cause = xasprintf("--target: '%s' is not bits=B, sparsity=F, size=BYTES or drop=POINTS", text);
	return -1;
}

char *alloc_target_text(const struct alloc_target *t, char *buf, size_t size)
{
	if (!t->has_value)
		snprintf(buf, size, "%s", target_names[t->kind]);
	else if (t->kind == TARGET_SIZE)
		snprintf(buf, size, "size=%.0fB", t->value);
	else
		snprintf(buf, size, "%s=%g", target_names[t->kind], t->value);
	return buf;
}

static double weight_count(const struct model *m)
{
	double n = 0;
	for (int l = 0; l < m->n; l++)
		if (m->layers[l].has_weights)
			n += (double)m->layers[l].wt.nweights;
	return n;
}

/* What the target bounds, in its unit; lower is cheaper.  Drop targets
 * compress storage. */
static double target_cost(const struct alloc_target *t, const struct budget *b, const struct model *m)
{
	struct budget_cost bc;
	budget_cost(b, m, &bc);
	switch (t->kind) {
	case TARGET_BITS: return bc.avg_bits * weight_count(m);
	case TARGET_SPARSITY: return (1 - bc.sparsity) * weight_count(m);
	default: return bc.bytes;
	}
}

static double target_limit(const struct alloc_target *t, const struct model *m)
{
	switch (t->kind) {
	case TARGET_BITS: return t->value * weight_count(m);
	case TARGET_SPARSITY: return (1 - t->value) * weight_count(m);
	case TARGET_SIZE: return t->value;
	default: return -INFINITY;
	}
}

/* Rounding slack only: costs are sums of exact products. */
static int cost_ok(double cost, double limit)
{
	if (limit == -INFINITY)
		return 0;	/* drop targets: no cost is ever enough */
	return cost <= limit + 1e-9 * fabs(limit) + 1e-9;
}

double alloc_target_measure(const struct alloc_target *t, const struct budget *b, const struct model *m)
{
	struct budget_cost bc;
	budget_cost(b, m, &bc);
	switch (t->kind) {
	case TARGET_BITS: return bc.avg_bits;
	case TARGET_SPARSITY: return bc.sparsity;
	case TARGET_SIZE: return bc.bytes;
	default: return NAN;
	}
}

int alloc_target_met(const struct alloc_target *t, const struct budget *b, const struct model *m, double drop)
{
	if (t->kind == TARGET_DROP)
		return isfinite(drop) && drop <= t->value + 1e-9;
	return cost_ok(target_cost(t, b, m), target_limit(t, m));
}

static void set_level(struct budget *b, int layer, enum alloc_knob k, double level)
{
	if (level == 0)
		return;
	struct budget_layer *l = budget_get(b, layer);
	if (k == KNOB_QUANT)
		l->bits = (int)lround(level);
	else
		l->prune = level;
}

/* ---- curves ------------------------------------------------------------------ */

void sens_curves_free(struct sens_curves *c)
{
	for (int i = 0; i < c->n; i++) {
		free(c->c[i].level);
		free(c->c[i].drop);
	}
	free(c->c);
	memset(c, 0, sizeof *c);
}

static int level_usable(enum alloc_knob k, double v)
{
	if (k == KNOB_QUANT)
		return v == floor(v) && v >= BITS_MIN && v <= BITS_MAX;
	return v > 0 && v <= 1;
}

/* Trials averaged per level, then sorted from least to most compressed. */
static void curve_build(const struct scan_file *s, enum perturb_kind kind, enum alloc_knob k, int layer,
    struct sens_curve *c)
{
	memset(c, 0, sizeof *c);
	c->layer = layer;
	int *cnt = NULL;
	for (int i = 0; i < s->n; i++) {
		const struct scan_row *r = &s->rows[i];
		if (r->layer != layer || r->kind != kind || !isfinite(r->drop) || !level_usable(k, r->level))
			continue;
		int j = 0;
		while (j < c->n && fabs(c->level[j] - r->level) > 1e-9)
			j++;
		if (j == c->n) {
			c->level = xreallocarray(c->level, (size_t)c->n + 1, sizeof *c->level);
			c->drop = xreallocarray(c->drop, (size_t)c->n + 1, sizeof *c->drop);
			cnt = xreallocarray(cnt, (size_t)c->n + 1, sizeof *cnt);
			c->level[j] = r->level;
			c->drop[j] = 0;
			cnt[j] = 0;
			c->n++;
		}
		c->drop[j] += r->drop;
		cnt[j]++;
	}
	for (int j = 0; j < c->n; j++)
		c->drop[j] /= cnt[j];
	free(cnt);
	/* insertion sort: a handful of levels */
	for (int i = 1; i < c->n; i++)
		for (int j = i; j > 0; j--) {
			int swap = k == KNOB_QUANT ? c->level[j] > c->level[j - 1] : c->level[j] < c->level[j - 1];
			if (!swap)
				break;
			double tl = c->level[j], td = c->drop[j];
			c->level[j] = c->level[j - 1], c->drop[j] = c->drop[j - 1];
			c->level[j - 1] = tl, c->drop[j - 1] = td;
		}
}

int sens_curves_from_scan(const struct scan_file *s, const struct model *m, enum alloc_knob knob,
    struct sens_curves *out, char **cause)
{
	enum perturb_kind kind = knob == KNOB_QUANT ? PERTURB_QUANT : PERTURB_PRUNE;
	memset(out, 0, sizeof *out);
	out->knob = knob;
	for (int i = 0; i < s->n; i++)
		if (s->rows[i].layer >= m->n || !m->layers[s->rows[i].layer].has_weights) {
			*cause = xasprintf("%s: layer %d has no weights in this model", s->path, s->rows[i].layer);
			return -1;
		}
	for (int l = 0; l < m->n; l++) {
		if (!m->layers[l].has_weights)
			continue;
		struct sens_curve c;
		curve_build(s, kind, knob, l, &c);
		if (c.n == 0) {
			free(c.level);
			free(c.drop);
			continue;
		}
		out->c = xreallocarray(out->c, (size_t)out->n + 1, sizeof *out->c);
		out->c[out->n++] = c;
	}
	if (out->n == 0) {
		*cause = xasprintf("%s: no '%s' rows to build sensitivity curves from (scan with -p %s:...)", s->path,
		    perturb_kind_name(kind), perturb_kind_name(kind));
		return -1;
	}
	return 0;
}

double sens_curves_predict(const struct sens_curves *c, const struct budget *b)
{
	double sum = 0;
	for (int i = 0; i < b->n; i++) {
		const struct budget_layer *l = &b->layers[i];
		double v = c->knob == KNOB_QUANT ? l->bits : l->prune;
		int other = c->knob == KNOB_QUANT ? (l->prune != 0 || l->bits_pc != 0) : (l->bits != 0 || l->bits_pc != 0);
		if (other || l->prune_filter != 0 || l->actbits != 0)
			return NAN;
		if (v == 0)
			continue;
		const struct sens_curve *cv = NULL;
		for (int j = 0; j < c->n; j++)
			if (c->c[j].layer == l->layer)
				cv = &c->c[j];
		int k = 0;
		while (cv && k < cv->n && fabs(cv->level[k] - v) > 1e-9)
			k++;
		if (cv == NULL || k == cv->n)
			return NAN;
		sum += cv->drop[k];
	}
	return sum;
}

/* ---- multiple-choice knapsack over the curves ---------------------------------- */

/* One layer's choices (the measured levels; prune adds "dense", drop 0) and
 * their cost in the target's unit relative to the uncompressed layer. */
struct lopts {
	int layer;
	int n;
	double *level, *drop, *cost;
};

static double single_cost(const struct alloc_target *t, const struct model *m, int layer, enum alloc_knob k,
    double level)
{
	struct budget b = { 0 };
	set_level(&b, layer, k, level);
	double c = target_cost(t, &b, m);
	budget_free(&b);
	return c;
}

static struct lopts *lopts_from_curves(const struct model *m, const struct sens_curves *c,
    const struct alloc_target *t)
{
	struct lopts *L = xcalloc((size_t)c->n, sizeof *L);
	double base = single_cost(t, m, 0, c->knob, 0);
	int dense = c->knob == KNOB_PRUNE;	/* a layer may stay dense; every layer is quantized */
	for (int i = 0; i < c->n; i++) {
		const struct sens_curve *cv = &c->c[i];
		L[i].layer = cv->layer;
		L[i].n = cv->n + dense;
		L[i].level = xcalloc((size_t)L[i].n, sizeof *L[i].level);
		L[i].drop = xcalloc((size_t)L[i].n, sizeof *L[i].drop);
		L[i].cost = xcalloc((size_t)L[i].n, sizeof *L[i].cost);
		for (int o = dense; o < L[i].n; o++) {
			L[i].level[o] = cv->level[o - dense];
			L[i].drop[o] = cv->drop[o - dense];
			L[i].cost[o] = single_cost(t, m, cv->layer, c->knob, cv->level[o - dense]) - base;
		}
	}
	return L;
}

static void lopts_free(struct lopts *L, int n)
{
	for (int i = 0; i < n; i++) {
		free(L[i].level);
		free(L[i].drop);
		free(L[i].cost);
	}
	free(L);
}

/* Cost of a choice, and its assumed drop (sum of single-layer drops). */
static double state_cost(const struct lopts *L, int n, const int *cur, double base, double *drop)
{
	double c = base;
	*drop = 0;
	for (int i = 0; i < n; i++) {
		c += L[i].cost[cur[i]];
		*drop += L[i].drop[cur[i]];
	}
	return c;
}

/* Every layer at its cheapest (mode 0) or richest (mode 1) option. */
static void state_extreme(const struct lopts *L, int n, int mode, int *cur)
{
	for (int i = 0; i < n; i++) {
		cur[i] = 0;
		for (int o = 1; o < L[i].n; o++)
			if (mode ? L[i].cost[o] > L[i].cost[cur[i]] : L[i].cost[o] < L[i].cost[cur[i]])
				cur[i] = o;
	}
}

/* One dynamic programme: min sum(drop) with integer weights (grid steps
 * above each layer's cheapest option, cheap[]) summing to at most cap. */
static void knapsack_grid(const struct lopts *L, int n, const int *cheap, double unit, int cap, int *cur)
{
	double *best = xcalloc((size_t)cap + 1, sizeof *best), *next = xmalloc(((size_t)cap + 1) * sizeof *next);
	unsigned short *pick = xcalloc((size_t)n * ((size_t)cap + 1), sizeof *pick);
	int maxn = 1;
	for (int i = 0; i < n; i++)
		maxn = L[i].n > maxn ? L[i].n : maxn;
	int *w = xmalloc((size_t)maxn * sizeof *w);
	for (int i = 0; i < n; i++) {
		for (int o = 0; o < L[i].n; o++)
			w[o] = (int)fmin(floor((L[i].cost[o] - L[i].cost[cheap[i]]) / unit + 1e-9), cap + 1.0);
		for (int g = 0; g <= cap; g++) {
			next[g] = INFINITY;
			for (int o = 0; o < L[i].n; o++)
				if (w[o] <= g && best[g - w[o]] + L[i].drop[o] < next[g]) {
					next[g] = best[g - w[o]] + L[i].drop[o];
					pick[(size_t)i * (cap + 1) + g] = (unsigned short)o;
				}
		}
		memcpy(best, next, ((size_t)cap + 1) * sizeof *best);
	}
	for (int i = n - 1, g = cap; i >= 0; i--) {
		cur[i] = pick[(size_t)i * (cap + 1) + g];
		g -= (int)fmin(floor((L[i].cost[cur[i]] - L[i].cost[cheap[i]]) / unit + 1e-9), cap + 1.0);
	}
	free(w);
	free(best);
	free(next);
	free(pick);
}

/* min sum(drop) subject to cost <= limit, one option per layer: dynamic
 * programming over costs on a grid of KNAP_GRID steps of the slack above the
 * cheapest choice, rounded down (so an exact fit stays representable); a
 * solution the rounding let past the limit is redone with less capacity.
 * Misses the exact optimum by at most n grid steps.  -1 when even the
 * cheapest choice does not fit. */
#define KNAP_GRID 4096
static int knapsack(const struct lopts *L, int n, double base, double limit, int *cur)
{
	double d;
	int *cheap = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *cheap);
	state_extreme(L, n, 0, cheap);
	double cheapest = state_cost(L, n, cheap, base, &d), slack = limit - cheapest;
	memcpy(cur, cheap, (size_t)n * sizeof *cur);
	if (!cost_ok(cheapest, limit)) {
		free(cheap);
		return -1;
	}
	for (int cap = KNAP_GRID; slack > 0 && cap >= 0; ) {
		knapsack_grid(L, n, cheap, slack / KNAP_GRID, cap, cur);
		double over = state_cost(L, n, cur, base, &d) - limit;
		if (cost_ok(over + limit, limit))
			break;
		memcpy(cur, cheap, (size_t)n * sizeof *cur);
		cap -= (int)ceil(over / (slack / KNAP_GRID)) + 1;
	}
	free(cheap);
	return 0;
}

/* Drop targets: the smallest cost limit whose knapsack choice stays within
 * the drop, by bisection on the limit (measured, or assumed additive). */
static int knapsack_for_drop(const struct lopts *L, int n, double base, const struct alloc_target *t,
    enum alloc_knob knob, alloc_measure_fn measure, void *ctx, int *cur, struct alloc_info *info, char **cause)
{
	int *try = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *try), *last = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *last);
	double d, lo, hi, last_drop = NAN;
	state_extreme(L, n, 0, try);
	lo = state_cost(L, n, try, base, &d);
	state_extreme(L, n, 1, cur);	/* the richest choice must be within the drop */
	hi = state_cost(L, n, cur, base, &d);
	int rc = 0, have_last = 0;
	for (int it = -1; it < 24 && rc == 0; it++) {
		double c = it < 0 ? hi : (lo + hi) / 2;	/* it = -1 checks the richest */
		if (knapsack(L, n, base, c, try) != 0) {
			lo = c;
			continue;
		}
		if (have_last && memcmp(try, last, (size_t)n * sizeof *try) == 0) {
			d = last_drop;		/* same choice as last time: no new measurement */
		} else if (measure) {
			struct budget b;
			memset(&b, 0, sizeof b);
			for (int i = 0; i < n; i++)
				set_level(&b, L[i].layer, knob, L[i].level[try[i]]);
			rc = measure(&b, &d, ctx, cause);
			budget_free(&b);
			info->evaluations++;
		} else {
			state_cost(L, n, try, base, &d);
		}
		memcpy(last, try, (size_t)n * sizeof *try);
		last_drop = d;
		have_last = 1;
		if (rc != 0)
			break;
		if (d <= t->value + 1e-9) {
			hi = c;
			memcpy(cur, try, (size_t)n * sizeof *cur);
		} else if (it < 0) {
			char a[64];
			*cause = xasprintf("target %s is out of reach: the least compressed choice on the curves already "
			    "drops %.2f points", alloc_target_text(t, a, sizeof a), d);
			rc = -1;
		} else {
			lo = c;
		}
	}
	free(try);
	free(last);
	return rc;
}

int allocate_budget(const struct model *m, const struct sens_curves *c, const struct alloc_target *t,
    alloc_measure_fn measure, void *ctx, struct budget *out, struct alloc_info *info, char **cause)
{
	struct lopts *L = lopts_from_curves(m, c, t);
	double base = single_cost(t, m, 0, c->knob, 0);
	int *cur = xcalloc((size_t)(c->n > 0 ? c->n : 1), sizeof *cur), rc = 0;
	memset(info, 0, sizeof *info);
	memset(out, 0, sizeof *out);
	if (t->kind == TARGET_DROP) {
		rc = knapsack_for_drop(L, c->n, base, t, c->knob, measure, ctx, cur, info, cause);
	} else if (knapsack(L, c->n, base, target_limit(t, m), cur) != 0) {
		char a[64];
		struct budget b = { 0 };
		state_extreme(L, c->n, 0, cur);
		for (int i = 0; i < c->n; i++)
			set_level(&b, L[i].layer, c->knob, L[i].level[cur[i]]);
		*cause = xasprintf("target %s is out of reach with the scan's %s levels (the most compressed "
		    "choice gives %.4g)", alloc_target_text(t, a, sizeof a), alloc_knob_name(c->knob),
		    alloc_target_measure(t, &b, m));
		budget_free(&b);
		rc = -1;
	}
	if (rc == 0) {
		for (int i = 0; i < c->n; i++)
			set_level(out, L[i].layer, c->knob, L[i].level[cur[i]]);
		budget_compact(out);
		state_cost(L, c->n, cur, base, &info->assumed_drop);
	}
	free(cur);
	lopts_free(L, c->n);
	return rc;
}

/* ---- from scores, and uniform -------------------------------------------------- */

struct shares {
	const struct model *m;
	const struct alloc_target *t;
	const int *layers;
	double *rho;		/* importance per weight */
	int n;
	int uniform;
	int min_bits;		/* 3 first: see shares_run */
	alloc_measure_fn measure;
	void *ctx;
	struct alloc_info *info;
	char **cause;
};

static void shares_density(struct shares *s, const double *scores)
{
	double mx = 0;
	for (int i = 0; i < s->n; i++)
		if (isfinite(scores[i]) && scores[i] > mx)
			mx = scores[i];
	double floor_s = mx > 0 ? 1e-6 * mx : 1;
	for (int i = 0; i < s->n; i++) {
		double v = isfinite(scores[i]) && scores[i] > floor_s ? scores[i] : floor_s;
		s->rho[i] = v / (double)s->m->layers[s->layers[i]].wt.nweights;
	}
}

static int share_bits(double c, double rho, int min_bits)
{
	long b = lround(c + 0.5 * log2(rho));
	return (int)(b < min_bits ? min_bits : b > BITS_MAX ? BITS_MAX : b);
}

/* To 0.001; below 1% a layer stays dense (a mask would cost more than it saves). */
static double share_prune(double lambda, double rho)
{
	double p = lambda / rho;
	p = round((p < PRUNE_MAX ? p : PRUNE_MAX) * 1000) / 1000;
	return p < 0.01 ? 0 : p;
}

/* The budget at parameter x: c (quant; larger = more bits) or lambda (prune;
 * larger = sparser). */
static void shares_budget(const struct shares *s, double x, struct budget *b)
{
	memset(b, 0, sizeof *b);
	for (int i = 0; i < s->n; i++)
		set_level(b, s->layers[i], s->t->knob,
		    s->t->knob == KNOB_QUANT ? share_bits(x, s->rho[i], s->min_bits) : share_prune(x, s->rho[i]));
}

/* 1 if the budget at x meets the target, 0 if not, -1 on a measuring error. */
static int shares_ok(struct shares *s, double x)
{
	struct budget b;
	double drop = NAN;
	shares_budget(s, x, &b);
	int rc = 0;
	if (s->t->kind == TARGET_DROP) {
		rc = s->measure(&b, &drop, s->ctx, s->cause);
		s->info->evaluations++;
	}
	int ok = rc == 0 ? alloc_target_met(s->t, &b, s->m, drop) : -1;
	budget_free(&b);
	return ok;
}

/* Bisection between a parameter that meets the target and one that does not. */
static int shares_bisect(struct shares *s, double good, double bad, int iters, double *out)
{
	for (int i = 0; i < iters; i++) {
		double mid = (good + bad) / 2;
		int ok = shares_ok(s, mid);
		if (ok < 0)
			return -1;
		if (ok)
			good = mid;
		else
			bad = mid;
	}
	*out = good;
	return 0;
}

/* Adds single bits back where rho * 4^-bits is largest while the target holds. */
static void shares_fill_bits(const struct shares *s, struct budget *b)
{
	unsigned char *full = xcalloc((size_t)s->n, 1);
	double limit = target_limit(s->t, s->m);
	for (;;) {
		int best = -1;
		double gain = -1;
		for (int i = 0; i < s->n; i++) {
			struct budget_layer *l = budget_get(b, s->layers[i]);
			double g = s->rho[i] * pow(4, -l->bits);
			if (!full[i] && l->bits < BITS_MAX && g > gain) {
				gain = g;
				best = i;
			}
		}
		if (best < 0)
			break;
		struct budget_layer *l = budget_get(b, s->layers[best]);
		l->bits++;
		if (!cost_ok(target_cost(s->t, b, s->m), limit)) {
			budget_get(b, s->layers[best])->bits--;
			full[best] = 1;
		}
	}
	free(full);
}

/* 0, -1 on a measuring error, -2 when the target is out of reach (*cause set). */
static int shares_allocate(struct shares *s, struct budget *out, char **cause)
{
	double lo = INFINITY, hi = -INFINITY, rmax = 0;
	for (int i = 0; i < s->n; i++) {
		lo = fmin(lo, 0.5 * log2(s->rho[i]));
		hi = fmax(hi, 0.5 * log2(s->rho[i]));
		rmax = fmax(rmax, s->rho[i]);
	}
	int quant = s->t->knob == KNOB_QUANT, drop = s->t->kind == TARGET_DROP;
	/* rich: every layer at 16 bits / unpruned; cheap: at min_bits / at the cap */
	double rich = quant ? BITS_MAX - lo + 1 : 0, cheap = quant ? s->min_bits - hi - 1 : PRUNE_MAX * rmax * 1.001;
	/* cost targets want the richest setting that fits, drop targets the
	 * cheapest one within the drop */
	double first = drop ? cheap : rich, other = drop ? rich : cheap, x;
	int ok = shares_ok(s, first);
	if (ok < 0)
		return -1;
	if (ok) {
		x = first;
	} else {
		if ((ok = shares_ok(s, other)) <= 0) {
			char a[64], b[32];
			if (ok < 0)
				return -1;
			snprintf(b, sizeof b, "%d bits", s->min_bits);
			*cause = xasprintf("target %s is out of reach even with every layer at %s",
			    alloc_target_text(s->t, a, sizeof a),
			    drop ? (quant ? "16 bits" : "no pruning") : (quant ? b : "99% pruning"));
			return -2;
		}
		if (shares_bisect(s, other, first, drop ? MEASURE_ITERS : BISECT_ITERS, &x) != 0)
			return -1;
	}
	shares_budget(s, x, out);
	if (quant && !s->uniform && !drop)
		shares_fill_bits(s, out);
	budget_compact(out);
	return 0;
}

static int shares_run(const struct model *m, const int *layers, const double *scores, int n, int uniform,
    const struct alloc_target *t, alloc_measure_fn measure, void *ctx, struct budget *out,
    struct alloc_info *info, char **cause)
{
	memset(info, 0, sizeof *info);
	info->assumed_drop = NAN;
	memset(out, 0, sizeof *out);
	if (t->kind == TARGET_DROP && measure == NULL) {
		*cause = xstrdup("a drop target without a scan needs measurements");
		return -1;
	}
	if (n == 0) {
		*cause = xstrdup("no weight layers to allocate");
		return -1;
	}
	/* Every layer keeps at least 3 bits when the target allows: per-tensor
	 * 2-bit quantization is where measured curves fall off a cliff (17 to 48
	 * points for five of the bundled model's six layers), and without a scan
	 * nothing tells which layers would survive it. */
	struct shares s = { m, t, layers, xcalloc((size_t)n, sizeof(double)), n, uniform, 3, measure, ctx, info,
	    cause };
	shares_density(&s, scores);
	int rc = shares_allocate(&s, out, cause);
	if (rc == -2 && t->knob == KNOB_QUANT) {
		free(*cause);
		*cause = NULL;
		s.min_bits = BITS_MIN;
		rc = shares_allocate(&s, out, cause);
	}
	free(s.rho);
	return rc < 0 ? -1 : 0;
}

int allocate_from_scores(const struct model *m, const int *layers, const double *scores, int n,
    const struct alloc_target *t, alloc_measure_fn measure, void *ctx, struct budget *out,
    struct alloc_info *info, char **cause)
{
	return shares_run(m, layers, scores, n, 0, t, measure, ctx, out, info, cause);
}

int allocate_uniform(const struct model *m, const struct alloc_target *t, alloc_measure_fn measure, void *ctx,
    struct budget *out, struct alloc_info *info, char **cause)
{
	int n = model_weight_layers(m), k = 0;
	int *layers = xcalloc((size_t)(n > 0 ? n : 1), sizeof *layers);
	double *scores = xcalloc((size_t)(n > 0 ? n : 1), sizeof *scores);
	/* equal importance per weight: every layer gets the same share */
	for (int l = 0; l < m->n; l++)
		if (m->layers[l].has_weights) {
			layers[k] = l;
			scores[k++] = (double)m->layers[l].wt.nweights;
		}
	int rc = shares_run(m, layers, scores, n, 1, t, measure, ctx, out, info, cause);
	free(layers);
	free(scores);
	return rc;
}

/* ---- fronts ------------------------------------------------------------------ */

int alloc_pareto_targets(const struct alloc_target *t, const struct model *m, double *v)
{
	static const double bits[] = { 2, 3, 4, 5, 6, 8 }, drop[] = { 0.25, 0.5, 1, 2, 4 };
	static const double shrink[] = { 4, 6, 8, 10, 12, 14 };
	int n = 0;
	switch (t->kind) {
	case TARGET_BITS:
		for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
			v[n++] = bits[i];
		break;
	case TARGET_SPARSITY:
		for (int i = 1; i <= 9; i++)
			v[n++] = i / 10.0;
		break;
	case TARGET_SIZE:
		for (size_t i = 0; i < sizeof shrink / sizeof shrink[0]; i++)
			v[n++] = round((double)m->total_params * 4 / shrink[i]);
		break;
	case TARGET_DROP:
		for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
			v[n++] = drop[i];
		break;
	}
	return n;
}
