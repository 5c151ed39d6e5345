/* cmd_tui.c - `safer tui` (and `safer` with no command): options, loading,
 * then the live explorer in src/tui/. */
#include "cli/cmd.h"
#include "cli/options.h"
#include "tui/view/explorer.h"
#include "core/util.h"

#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char tui_help[] =
"The live explorer: pick a layer and a perturbation (pruning, quantization,\n"
"bit flips, noise, ...) and watch the accuracy drop as images are evaluated;\n"
"accuracy-vs-level curves, a layers x levels heatmap scan, and a budget\n"
"builder that measures a whole per-layer compression budget (filled for a\n"
"target with f), importance criteria against the measured drops (i) and the\n"
"measured accuracy/size front (p).  Press ? inside for the keys.  `safer` with no command opens it on the bundled model.\n\n"
"      --budget FILE     start from this budget (w writes it back)\n"
"      --rank RANK       add the criteria of a safer rank file (gradients...)\n"
"  -h, --help            this help\n\n"
COMMON_HELP_NO_JSON
"\nThe working budget is kept in $XDG_STATE_HOME/safer/session.budget\n"
"(default ~/.local/state/safer/session.budget) and offered at the next start.\n";

struct cmd_tui {
	const char *budget_path, *rank_path;
	struct dataset d;	/* owned; the engine becomes the explorer's */
};

enum cmd_tui_code { CMD_TUI_BUDGET = OPTIONS_OWN, CMD_TUI_RANK };

static const struct options_spec cmd_tui_options[] = {
	{ "budget", CMD_TUI_BUDGET, OPTIONS_VALUE },
	{ "rank", CMD_TUI_RANK, OPTIONS_VALUE },
	{ NULL, 0, OPTIONS_FLAG },
};

static int cmd_tui_option(void *state, int code, const char *arg)
{
	struct cmd_tui *s = state;
	if (code == CMD_TUI_BUDGET)
		s->budget_path = arg;
	else
		s->rank_path = arg;
	return 0;
}

static int cmd_tui_exec(void *state, struct setup_opts *o)
{
	struct cmd_tui *s = state;
	char *cause = NULL;
	setlocale(LC_ALL, "");
	if (o->json)	/* the common set takes it; the explorer has nothing to print */
		return cmd_fail(xstrdup("tui: --json: the explorer has no machine-readable output (try 'safer eval --json')"));
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cmd_fail(xstrdup("tui: standard input and output must be a terminal (try 'safer eval')"));
	if (setup_opts_finish(o, &cause) != 0)
		return cmd_fail(cause);
	o->det_keep = 1;	/* a detector's boxes, for the picture view */
	const char *slash = strrchr(o->cfg, '/');
	fprintf(stderr, "safer: loading %s and the data, measuring the baseline...\n", slash ? slash + 1 : o->cfg);
	struct engine *e = setup_load_engine(o, &s->d, &cause);
	if (e == NULL)
		return cmd_fail(cause);
	int status = tui_explore(o, &s->d, e, s->budget_path, s->rank_path, &cause);	/* frees e */
	return status < 0 ? cmd_fail(cause) : status;
}

static void cmd_tui_free(void *state)
{
	struct cmd_tui *s = state;
	dataset_free(&s->d);
}

const struct cmd_entry cmd_tui_entry = {
	.name = "tui",
	.args = "[-c CFG -w WEIGHTS] [-d DATA | --idx IMAGES LABELS] [--limit N]\n[--budget FILE] [--rank RANK]",
	.summary = "the live explorer (the default command)",
	.help = tui_help,
	.options = cmd_tui_options,
	.common = 1,
	.size = sizeof(struct cmd_tui),
	.option = cmd_tui_option,
	.exec = cmd_tui_exec,
	.free = cmd_tui_free,
};
