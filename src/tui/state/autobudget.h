/* autobudget.h - budgets for a target inside the explorer (the f key and the
 * Pareto front), through the same allocators as `safer budget`. */
#ifndef SAFER_TUI_AUTOBUDGET_H
#define SAFER_TUI_AUTOBUDGET_H

#include "tui/state/types.h"

/* Where a budget for a target comes from: the measured curves when every
 * weight layer has some, else one criterion's scores. */
struct tui_autobudget_source {
	int curves_ok;
	struct sens_curves curves;	/* owned */
	int col;			/* criterion column otherwise */
	char what[128];
};
void tui_autobudget_source(const struct tui *t, struct alloc_target *target, struct tui_autobudget_source *s);
void tui_autobudget_source_free(struct tui_autobudget_source *s);
int tui_autobudget_allocate(const struct tui *t, const struct tui_autobudget_source *s,
    const struct alloc_target *target, struct budget *out, double *assumed, char **cause);
/* The target as alloc_target_text writes it, sizes in IEC units ("size=357KiB"). */
char *tui_autobudget_target_text(const struct alloc_target *target, char *buf, size_t size);
/* What a budget reached in the target's own terms ("63%", "3.50 bits",
 * "357KiB") into buf; returns 1 when it goes well past the target
 * (per-layer levels are discrete: sparsity=0.6 can give 63%), else 0. */
int tui_autobudget_outcome(const struct alloc_target *target, const struct budget_cost *c, char *buf, size_t size);
/* Fills the budget for a target typed as for `safer budget --target`. */
void tui_autobudget_fill(struct tui *t, const char *text);

#endif
