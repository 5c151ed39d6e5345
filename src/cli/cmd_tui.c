/* cmd_tui.c - `safer tui` (and `safer` with no command): options, loading,
 * then the live explorer in src/tui/. */
#include "cli/cmd.h"
#include "cli/options.h"
#include "tui/view/explorer.h"
#include "core/util.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char tui_help[] =
"Usage: safer tui [-c CFG -w WEIGHTS] [-d DATA | --idx IMAGES LABELS] [--limit N]\n"
"                 [--budget FILE] [--rank RANK]\n"
"The live explorer: pick a layer and a perturbation (pruning, quantization,\n"
"bit flips, noise, ...) and watch the accuracy drop as images are evaluated;\n"
"accuracy-vs-level curves, a layers x levels heatmap scan, and a budget\n"
"builder that measures a whole per-layer compression budget (filled for a\n"
"target with f), importance criteria against the measured drops (i) and the\n"
"measured accuracy/size front (p).  Press ? inside for the keys.  `safer` with no command opens it on the bundled model.\n\n"
"      --budget FILE     start from this budget (w writes it back)\n"
"      --rank RANK       add the criteria of a safer rank file (gradients...)\n"
"  -h, --help            this help\n\n"
COMMON_HELP
"\nThe working budget is kept in $XDG_STATE_HOME/safer/session.budget\n"
"(default ~/.local/state/safer/session.budget) and offered at the next start.\n";

static int tui_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "budget", required_argument, NULL, 'B' },
		{ "rank", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct setup_opts o;
	const char *budget_path = NULL, *rank_path = NULL;
	int c, r;
	setup_opts_init(&o);
	while ((c = getopt_long(argc, argv, COMMON_SHORTOPTS "h", longopts, NULL)) != -1) {
		if ((r = options_handle_common(&o, c, optarg, argc, argv)) == 1)
			continue;
		if (r == 0 && c == 'h') {
			fputs(tui_help, stdout);
			return EXIT_OK;
		}
		if (r == 0 && c == 'B') {
			budget_path = optarg;
			continue;
		}
		if (r == 0 && c == 'K') {
			rank_path = optarg;
			continue;
		}
		if (r == 0)
			fprintf(stderr, "Try 'safer tui --help'.\n");
		return EXIT_BAD_INPUT;
	}
	if (optind < argc) {
		fprintf(stderr, "safer: tui: unexpected argument '%s'\n", argv[optind]);
		return EXIT_BAD_INPUT;
	}
	setlocale(LC_ALL, "");
	char *cause = NULL;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cmd_fail(xstrdup("tui: standard input and output must be a terminal (try 'safer eval')"));
	if (setup_opts_finish(&o, &cause) != 0) {
		setup_opts_free(&o);
		return cmd_fail(cause);
	}
	const char *slash = strrchr(o.cfg, '/');
	fprintf(stderr, "safer: loading %s and the data, measuring the baseline...\n", slash ? slash + 1 : o.cfg);
	struct dataset d;
	struct engine *e = setup_load_engine(&o, &d, &cause);
	if (e == NULL) {
		setup_opts_free(&o);
		return cmd_fail(cause);
	}
	int status = tui_explore(&o, &d, e, budget_path, rank_path, &cause);	/* frees e */
	dataset_free(&d);
	if (status < 0)
		status = cmd_fail(cause);
	setup_opts_free(&o);
	return status;
}

const struct cmd_entry cmd_tui_entry = {
	"tui", "[-c CFG -w WEIGHTS] [-d DATA | --idx IMAGES LABELS] [--budget FILE]",
	"the live explorer (the default command)", tui_exec,
};
