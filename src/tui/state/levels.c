/* levels.c - the level ladder of each perturbation kind: the values +/- step
 * through, the curve's x axis and the heatmap's columns.
 *
 * Levels are always produced here, from an integer position on a ladder, so
 * the same level computed twice is the same double and results can be looked
 * up by exact value. */
#include "tui/state/levels.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum scale { LINEAR, INTEGER, LOGARITHMIC };

/* For LOGARITHMIC kinds the "step" is the number of ladder steps per decade. */
static const struct kind_ui {
	enum scale scale;
	double level, step;	/* defaults */
	double wlo, whi;	/* window shown on the curve and heatmap */
} kui[PERTURB_KIND_COUNT] = {
	[PERTURB_PRUNE] = { LINEAR, 0.5, 0.1, 0, 1 },
	[PERTURB_PRUNE_RANDOM] = { LINEAR, 0.5, 0.1, 0, 1 },
	[PERTURB_PRUNE_FILTER] = { LINEAR, 0.5, 0.1, 0, 1 },
	[PERTURB_QUANT] = { INTEGER, 4, 1, 2, 16 },
	[PERTURB_QUANT_PC] = { INTEGER, 4, 1, 2, 16 },
	[PERTURB_ACTQUANT] = { INTEGER, 4, 1, 2, 16 },
	[PERTURB_BITFLIP] = { LOGARITHMIC, 1e-4, 1, 1e-7, 1e-1 },
	[PERTURB_BITFLIP_EXP] = { LOGARITHMIC, 1e-4, 1, 1e-7, 1e-1 },
	[PERTURB_BITFLIP_SIGN] = { LOGARITHMIC, 1e-2, 1, 1e-4, 1 },
	[PERTURB_BITFLIP_INT8] = { LOGARITHMIC, 1e-2, 1, 1e-5, 1 },
	[PERTURB_NOISE] = { LINEAR, 0.5, 0.1, 0, 2 },
	[PERTURB_BITPOS] = { INTEGER, 30, 1, 0, 31 },
	[PERTURB_STUCK0] = { LOGARITHMIC, 1e-3, 1, 1e-6, 1e-1 },
	[PERTURB_STUCK1] = { LOGARITHMIC, 1e-5, 1, 1e-7, 1e-2 },
};

static const double linear_steps[] = { 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5 };
static const double integer_steps[] = { 1, 2, 4 };
static const double log_steps[] = { 10, 5, 3, 2, 1 };	/* per decade, fine to coarse */
#define NELEM(a) ((int)(sizeof a / sizeof a[0]))
#define LOG_FLOOR (-9)	/* lowest decade a logarithmic level reaches */

static const struct kind_ui *ui_of(enum perturb_kind k)
{
	return &kui[(unsigned)k < PERTURB_KIND_COUNT ? k : 0];
}

/* Rounds away binary noise (3 * 0.1) so equal levels are equal doubles. */
static double canon(double v)
{
	return round(v * 1e9) / 1e9;
}

static double log_level(int e, double per_decade)
{
	return pow(10.0, e / per_decade);
}

static double clamp_range(enum perturb_kind k, double v)
{
	double lo, hi;
	int integer;
	perturb_kind_range(k, &lo, &hi, &integer);
	return v < lo ? lo : v > hi ? hi : v;
}

double tui_levels_default(enum perturb_kind k)
{
	return ui_of(k)->level;
}

double tui_levels_default_step(enum perturb_kind k)
{
	return ui_of(k)->step;
}

int tui_levels_same(double a, double b)
{
	return a == b || fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

double tui_levels_snap(enum perturb_kind k, double step, double level)
{
	const struct kind_ui *u = ui_of(k);
	switch (u->scale) {
	case LINEAR:
		return clamp_range(k, canon(round(level / step) * step));
	case INTEGER:
		return clamp_range(k, u->wlo + round((level - u->wlo) / step) * step);
	case LOGARITHMIC:
		if (level <= 0)
			return level;
		return clamp_range(k, log_level((int)lround(log10(level) * step), step));
	}
	return level;
}

double tui_levels_move(enum perturb_kind k, double step, double level, int dir)
{
	const struct kind_ui *u = ui_of(k);
	double v = level;
	switch (u->scale) {
	case LINEAR: {
		double i = dir > 0 ? floor(level / step + 1e-9) + 1 : ceil(level / step - 1e-9) - 1;
		v = canon(i * step);
		break;
	}
	case INTEGER:
		v = tui_levels_snap(k, step, level) + dir * step;
		break;
	case LOGARITHMIC: {
		if (level <= 0) {
			v = dir > 0 ? u->wlo : level;
			break;
		}
		int e = (int)lround(log10(level) * step) + dir;
		if (e < LOG_FLOOR * step)
			e = (int)ceil(LOG_FLOOR * step);
		v = log_level(e, step);
		break;
	}
	}
	return clamp_range(k, v);
}

static int index_of(const double *list, int n, double v)
{
	int best = 0;
	for (int i = 1; i < n; i++)
		if (fabs(list[i] - v) < fabs(list[best] - v))
			best = i;
	return best;
}

double tui_levels_step_change(enum perturb_kind k, double step, int dir)
{
	const double *list = linear_steps;
	int n = NELEM(linear_steps);
	if (ui_of(k)->scale == INTEGER) {
		list = integer_steps;
		n = NELEM(integer_steps);
	} else if (ui_of(k)->scale == LOGARITHMIC) {
		list = log_steps;
		n = NELEM(log_steps);
	}
	int i = index_of(list, n, step) + (dir > 0 ? 1 : -1);
	return list[i < 0 ? 0 : i >= n ? n - 1 : i];
}

int tui_levels_ladder(enum perturb_kind k, double step, double *out, int max)
{
	const struct kind_ui *u = ui_of(k);
	int n = 0;
	switch (u->scale) {
	case LINEAR:
		for (long i = (long)ceil(u->wlo / step - 1e-9); i <= (long)floor(u->whi / step + 1e-9) && n < max; i++)
			out[n++] = canon(i * step);
		break;
	case INTEGER:
		for (double v = u->wlo; v <= u->whi && n < max; v += step)
			out[n++] = v;
		break;
	case LOGARITHMIC:
		for (int e = (int)ceil(log10(u->wlo) * step - 1e-9); e <= (int)floor(log10(u->whi) * step + 1e-9) && n < max; e++)
			out[n++] = log_level(e, step);
		break;
	}
	return n;
}

int tui_levels_columns(enum perturb_kind k, double step, double *out, int max)
{
	int n = tui_levels_ladder(k, step, out, max);
	if (n > 0 && ui_of(k)->scale == LINEAR && out[0] == 0) {
		for (int i = 1; i < n; i++)
			out[i - 1] = out[i];
		n--;
	}
	return n;
}

char *tui_levels_format(enum perturb_kind k, double level, char *buf, size_t size)
{
	switch (ui_of(k)->scale) {
	case LINEAR:
		snprintf(buf, size, "%.2f", level);
		break;
	case INTEGER:
		snprintf(buf, size, "%.0f", level);
		break;
	case LOGARITHMIC: {
		if (level <= 0 || level >= 1) {
			snprintf(buf, size, "%g", level);
			break;
		}
		int e = (int)floor(log10(level) + 1e-9);
		double m = level / pow(10.0, e);
		if (fabs(m - 1) < 1e-6)
			snprintf(buf, size, "1e%d", e);
		else
			snprintf(buf, size, "%.2ge%d", m, e);
		break;
	}
	}
	return buf;
}

char *tui_levels_format_step(enum perturb_kind k, double step, char *buf, size_t size)
{
	switch (ui_of(k)->scale) {
	case LINEAR:
		snprintf(buf, size, "%.2f", step);
		break;
	case INTEGER:
		snprintf(buf, size, "%.0f", step);
		break;
	case LOGARITHMIC:
		snprintf(buf, size, "%.0f/dec", step);
		break;
	}
	return buf;
}

const char *tui_levels_unit(enum perturb_kind k)
{
	double lo, hi;
	int integer;
	perturb_kind_range(k, &lo, &hi, &integer);
	if (integer)
		return "bits";
	return strncmp(perturb_kind_name(k), "bitflip", 7) == 0 ? "probability" : "fraction";
}
