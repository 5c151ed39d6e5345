/* cmd_tour.c - `safer tour`: the explorer with its guided tour open (the
 * steps are src/tui/state/tour.c), on the bundled model unless told. */
#include "cli/cmd.h"
#include "cli/options.h"
#include "tui/view/explorer.h"
#include "core/util.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char tour_help[] =
"The explorer with a guided tour: magnitude pruning and why small weights\n"
"matter little, quantization levels, bit flips and why the exponent bits are\n"
"deadly, why layers differ, cheap criteria against the measured drops, and a\n"
"budget with its additivity.  Each step says what to press and what to\n"
"notice, and moves on once it is done; z skips a step, Z goes back, z on the\n"
"last step closes the tour (z in `safer tui` opens it too).  The tour starts\n"
"with an empty budget and leaves the session budget alone.\n\n"
"  -h, --help            this help\n\n"
COMMON_HELP_NO_JSON;

struct cmd_tour {
	struct dataset d;	/* owned; the engine becomes the explorer's */
};

static const struct options_spec cmd_tour_options[] = {
	{ NULL, 0, OPTIONS_FLAG },
};

static int cmd_tour_exec(void *state, struct setup_opts *o)
{
	struct cmd_tour *s = state;
	char *cause = NULL;
	setlocale(LC_ALL, "");
	if (o->json)
		return cmd_fail(xstrdup("tour: --json: the tour has no machine-readable output"));
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cmd_fail(xstrdup("tour: standard input and output must be a terminal"));
	if (setup_opts_finish(o, &cause) != 0)
		return cmd_fail(cause);
	o->det_keep = 1;
	const char *slash = strrchr(o->cfg, '/');
	fprintf(stderr, "safer: loading %s and the data, measuring the baseline...\n", slash ? slash + 1 : o->cfg);
	struct engine *e = setup_load_engine(o, &s->d, &cause);
	if (e == NULL)
		return cmd_fail(cause);
	int status = tui_explore_tour(o, &s->d, e, &cause);	/* frees e */
	return status < 0 ? cmd_fail(cause) : status;
}

static void cmd_tour_free(void *state)
{
	struct cmd_tour *s = state;
	dataset_free(&s->d);
}

const struct cmd_entry cmd_tour_entry = {
	.name = "tour",
	.args = "[-c CFG -w WEIGHTS] [-d DATA | --idx IMAGES LABELS] [--limit N]",
	.summary = "a guided tour of the explorer, for students",
	.help = tour_help,
	.options = cmd_tour_options,
	.common = 1,
	.size = sizeof(struct cmd_tour),
	.exec = cmd_tour_exec,
	.free = cmd_tour_free,
};
