/* budget_file.c - the working budget and files: write (atomic), load, export of
 * the budgeted weights.  Failures come back as *cause for the status line. */
#include "tui/state/budget_file.h"
#include "tui/state/budget.h"
#include "tui/state/msg.h"
#include "tui/state/types.h"
#include "core/atomic.h"
#include "engine/export.h"
#include "core/format.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

char *tui_budget_file_default_path(const struct tui *t, const char *suffix)
{
	return xasprintf("%s%s", t->cfg_base, suffix);
}

int tui_budget_file_write(struct tui *t, const char *path, char **cause)
{
	struct atomic_file a;
	budget_compact(&t->budget.b);
	if (atomic_open(&a, path, cause) != 0)
		return -1;
	if (budget_write(a.f, &t->budget.b, t->model) != 0) {
		*cause = xasprintf("%s: write failed", path);
		atomic_abort(&a);
		return -1;
	}
	if (atomic_commit(&a, cause) != 0)
		return -1;
	free(t->budget.path);
	t->budget.path = xstrdup(path);
	t->budget.dirty = 0;
	return 0;
}

int tui_budget_file_load(struct tui *t, const char *path, char **cause)
{
	struct budget nb;
	if (budget_load(path, t->model, &nb, cause) != 0)
		return -1;
	char *what = xasprintf("open %s", path);
	tui_budget_set(t, &nb, what);
	free(what);
	free(t->budget.path);
	t->budget.path = xstrdup(path);
	t->budget.dirty = 0;
	return 0;
}

int tui_budget_file_export(struct tui *t, const char *path, char **cause)
{
	if (t->budget.b.n == 0) {
		*cause = xstrdup("the budget is empty: nothing to bake into the weights");
		return -1;
	}
	struct export_result res;
	if (export_budget(t->opts->cfg, t->opts->weights, &t->budget.b, path, &res, cause) != 0)
		return -1;
	char size[32];
	tui_msg(t, 0, "exported %d perturbation%s to %s (%s)%s", res.applied, res.applied == 1 ? "" : "s", path,
	    fmt_bytes_short((double)res.bytes, size, sizeof size),
	    res.activation_skipped ? "; actbits cannot live in a weights file" : "");
	return 0;
}
