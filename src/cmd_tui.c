/* cmd_tui.c - `safer tui` (and `safer` with no command): options, loading,
 * then the live explorer in src/tui/. */
#include "cmd.h"
#include "options.h"
#include "tui/tui.h"
#include "util.h"

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

/* "fmnist-plain" from ".../cfg/fmnist-plain.cfg" */
static char *cfg_base(const char *cfg)
{
	const char *slash = strrchr(cfg, '/');
	char *s = xstrdup(slash ? slash + 1 : cfg);
	size_t n = strlen(s);
	if (n > 4 && strcmp(s + n - 4, ".cfg") == 0)
		s[n - 4] = '\0';
	return s;
}

/* "fashion-mnist/t10k-images" for an IDX file, the file name otherwise. */
static char *data_label(const char *source)
{
	const char *slash = strrchr(source, '/');
	const char *base = slash ? slash + 1 : source;
	const char *idx = strstr(base, "-idx");
	if (idx == NULL)
		return xstrdup(base);
	const char *dir = base;
	if (slash != NULL) {
		dir = slash;
		while (dir > source && dir[-1] != '/')
			dir--;
	}
	if (dir == base)
		return xasprintf("%.*s", (int)(idx - base), base);
	return xasprintf("%.*s/%.*s", (int)(slash - dir), dir, (int)(idx - base), base);
}

static void state_init(struct tui *t, const struct common_opts *o, const struct dataset *d, struct engine *e)
{
	memset(t, 0, sizeof *t);
	t->opts = o;
	t->data = d;
	t->eng = e;
	t->model = engine_model(e);
	t->cfg_base = cfg_base(o->cfg);
	t->data_label = data_label(d->source);
	/* the master weights are pristine now; jobs perturb them later */
	t->weights_checksum = xasprintf("%016" PRIx64, model_checksum(t->model));
	for (int k = 0; k < PERTURB_KIND_COUNT; k++) {
		t->level[k] = levels_default((enum perturb_kind)k);
		t->step[k] = levels_default_step((enum perturb_kind)k);
	}
	t->kind = PERTURB_PRUNE;
	t->seed = 1;
	t->trials = 1;
	t->view = t->last_view = VIEW_CURVE;
	for (int l = 0; l < t->model->n; l++)
		if (t->model->layers[l].has_weights) {
			t->layer = l;
			break;
		}
	budget_cost(&t->budget.b, t->model, &t->budget.cost);
	t->budget.assumed = NAN;
	crit_init(t);	/* weight statistics of the pristine weights */
}

static void state_free(struct tui *t)
{
	results_free(&t->results);
	crit_free(&t->crit);
	pareto_free(&t->pareto);
	scan_free(&t->scan);
	budget_free(&t->budget.b);
	free(t->budget.path);
	free(t->cfg_base);
	free(t->data_label);
	free(t->weights_checksum);
}

/* --budget FILE: a missing file is a new budget; one that does not parse is
 * reported on the status line and the explorer starts empty. */
static void initial_budget(struct tui *t, const char *path)
{
	char *cause = NULL;
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		t->budget.path = xstrdup(path);
		tui_msg(t, 0, "%s does not exist yet: w writes it", path);
	} else if (budgetio_load(t, path, &cause) != 0) {
		tui_fail(t, "budget", cause);
	} else {
		tui_msg(t, 0, "loaded %s (%d layer%s)", path, t->budget.b.n, t->budget.b.n == 1 ? "" : "s");
	}
}

/* The explorer proper, between loading and cleanup. */
static int run(struct tui *t, const char *budget_path, const char *rank_path)
{
	char *cause = NULL;
	if (term_signals_open() != 0 || term_start(t, &cause) != 0) {
		term_signals_close();
		return cmd_fail(cause ? cause : xstrdup("tui: cannot set up signals"));
	}
	if (budget_path)
		initial_budget(t, budget_path);
	else
		session_offer(t);
	if (rank_path && crit_load(t, rank_path, &cause) != 0)
		tui_fail(t, "rank", cause);
	jobs_request_live(t, 0);
	crit_background_start(t);
	int status = tui_run(t);
	crit_background_stop(t);
	term_stop();
	term_signals_close();
	if (session_save(t, &cause) != 0) {
		fprintf(stderr, "safer: session not saved: %s\n", cause);
		free(cause);
	}
	return status;
}

static int tui_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "budget", required_argument, NULL, 'B' },
		{ "rank", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct common_opts o;
	const char *budget_path = NULL, *rank_path = NULL;
	int c, r;
	common_opts_init(&o);
	while ((c = getopt_long(argc, argv, COMMON_SHORTOPTS "h", longopts, NULL)) != -1) {
		if ((r = common_opts_handle(&o, c, optarg, argc, argv)) == 1)
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
	if (common_opts_finish(&o, &cause) != 0) {
		common_opts_free(&o);
		return cmd_fail(cause);
	}
	const char *slash = strrchr(o.cfg, '/');
	fprintf(stderr, "safer: loading %s and the data, measuring the baseline...\n", slash ? slash + 1 : o.cfg);
	struct dataset d;
	struct engine *e = common_load_engine(&o, &d, &cause);
	if (e == NULL) {
		common_opts_free(&o);
		return cmd_fail(cause);
	}
	struct tui t;
	state_init(&t, &o, &d, e);
	int status = run(&t, budget_path, rank_path);
	engine_free(e);	/* cancels and restores a running job */
	state_free(&t);
	dataset_free(&d);
	common_opts_free(&o);
	return status;
}

const struct cmd_entry cmd_tui_entry = {
	"tui", "[-c CFG -w WEIGHTS] [-d DATA | --idx IMAGES LABELS] [--budget FILE]",
	"the live explorer (the default command)", tui_exec,
};
