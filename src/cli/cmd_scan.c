/* cmd_scan.c - `safer scan`: the SAfER sensitivity scan, layer × kind × level
 * × trial, one row at a time, each row saved before the next starts. */
#include "config.h"
#include "cli/cmd.h"
#include "engine/engine.h"
#include "cli/options.h"
#include "formats/scan_file.h"
#include "formats/table.h"
#include "engine/scan.h"
#include "engine/scan_mpi.h"
#include "core/progress.h"
#include "core/stats.h"
#include "core/util.h"

#include <limits.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char scan_help[] =
"For every weight layer (or the listed ones) x kind x level (x trial for\n"
"stochastic kinds) measure top-1, the drop from the baseline with a paired 95%\n"
"interval, agreement with the unperturbed network and the mean KL divergence.\n"
"Built with configure --with-mpi and started by mpirun or srun, the rows are\n"
"shared among the MPI ranks and rank 0 writes FILE (-o is then required).\n\n"
"  -p, --perturb SPEC    KIND:L1,L2,... or KIND:FROM:TO:STEP (repeatable)\n"
"  -l, --layers LIST     layer indexes, e.g. 0,2,5-7 (default: all weight layers)\n"
"  -o, --output FILE     results as CSV (.csv) or JSON (.json), saved after every row\n"
"      --resume          continue FILE, skipping rows it already holds\n"
"      --force           replace an existing FILE\n"
"  -T, --trials T        trials of stochastic kinds (default 5)\n"
"  -s, --seed S          base seed (default 1)\n"
"      --rate R          fraction of weights hit by bitpos (default 0.001)\n"
"      --adaptive EPS    stop each row when the drop is known within EPS points\n"
"Without -o the rows go to stdout as a table, or with --json as the JSON a .json\n"
"FILE holds ({header, rows}, printed when the scan ends or is interrupted).\n\n"
COMMON_HELP;

/* "0,2,5-7" -> sorted unique flags over [0, n). */
static int parse_layers(const char *text, const struct model *m, unsigned char *pick, char **cause)
{
	const char *p = text;
	while (*p) {
		char *end;
		errno = 0;
		long a = strtol(p, &end, 10), b = a;
		if (end == p || a < 0)
			goto bad;
		const char *big = errno == ERANGE ? p : NULL;	/* beyond a long: no layer */
		if (*end == '-') {
			const char *q = end + 1;
			errno = 0;
			b = strtol(q, &end, 10);
			if (end == q || b < a)
				goto bad;
			if (big == NULL && errno == ERANGE)
				big = q;
		}
		if (*end != ',' && *end != '\0')
			goto bad;
		if (big) {	/* the digits as given, not LONG_MAX */
			*cause = xasprintf("--layers: layer %.*s does not exist (the network has layers 0..%d)",
			    (int)strspn(big, "0123456789"), big, m->n - 1);
			return -1;
		}
		for (long l = a; l <= b; l++) {
			if (l >= m->n) {
				*cause = xasprintf("--layers: layer %ld does not exist (the network has layers 0..%d)", l, m->n - 1);
				return -1;
			}
			if (!m->layers[l].has_weights) {
				if (a == b) {
					*cause = xasprintf("--layers: layer %ld is %s, which has no weights", l, m->layers[l].kind_name);
					return -1;
				}
				continue;	/* a range may span layers without weights */
			}
			pick[l] = 1;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
bad:
	*cause = xasprintf("--layers: '%s' is not a list like 0,2,5-7", text);
	return -1;
}

/* Mean, sd, min and max of top-1 over the trials just finished. */
static void print_trials_summary(FILE *out, const struct scan_row *rows, int n, int width)
{
	double v[n > 0 ? n : 1], mean, sd, lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < n; i++) {
		v[i] = 100 * rows[i].top1;
		lo = fmin(lo, v[i]);
		hi = fmax(hi, v[i]);
	}
	stats_mean_sd(v, n, &mean, &sd);
	scan_print_trials(out, &rows[0], n, mean, sd, lo, hi, width);
}

/* 0: row measured; 1: interrupted (the row is dropped); -1: *cause. */
static int run_row(struct scan_state *s, int index, struct scan_row *row, char **cause)
{
	struct job_item item;
	struct engine_job job = scan_row_job(s, index, &item);
	struct engine_progress p;
	if (engine_run(s->e, &job, &p, &interrupt_signal, cause) != 0)
		return -1;
	if (!p.finished)
		return 1;
	scan_row_result(s, index, &p, row);
	return 0;
}

/* One process: every row in scan order. */
static int scan_loop(struct scan_state *s, const struct dataset *d)
{
	const struct scan_opts *so = s->so;
	char *cause = NULL;
	int rc = EXIT_OK, done = s->ndone, ngroup = 0, wr;
	int table = !so->output && !so->json;	/* the table shows how far the scan is */
	int bar = 0;	/* an in-place line is on the terminal */
	struct progress pr;
	progress_start(&pr, "scan", "rows", 1, so->quiet || table);
	struct scan_file json;	/* --json without -o: the rows, printed at the end */
	scan_file_init(&json, "standard output", &s->h);
	json.json = 1;
	if (table) {
		printf("# baseline %s %.2f%% on %d images\n", s->h.metric && strcmp(s->h.metric, "top1") != 0
		    ? "mAP@.5 (in the top1 column)" : "top-1", 100 * s->h.baseline_top1, d->count);
		scan_print_row(stdout, NULL, 1, so->width);
	}
	struct scan_row *group = xmalloc((size_t)so->trials * sizeof *group);
	for (int i = 0; i < s->nplan && rc == EXIT_OK; i++) {
		int trials = perturb_kind_is_stochastic(s->plan[i].kind) ? so->trials : 1;
		if (s->plan[i].trial == 0)
			ngroup = 0;
		if (s->done[i])
			continue;
		struct scan_row row;
		int r = run_row(s, i, &row, &cause);
		if (r < 0) {
			rc = cmd_fail(cause);
			break;
		}
		if (r > 0 || interrupt_signal) {
			rc = interrupt_exit_status();
			break;
		}
		if (so->output && (wr = scan_state_save(s, i, &row, &cause)) != 0) {
			rc = cmd_fail_status(wr, cause);
			break;
		}
		if (!so->output)	/* --json prints them, the table ranks them */
			scan_file_add(&json, &row);
		if (table) {
			scan_print_row(stdout, &row, 0, so->width);
			if ((rc = cmd_check_stdout(EXIT_OK)) != EXIT_OK)
				break;	/* the table cannot be written: no use measuring on */
		}
		group[ngroup++] = row;
		done++;
		if (progress_update(&pr, done, s->nplan)) {
			scan_progress_bar(done, s->nplan, s->t0);
			bar = 1;
		}
		if (table && trials > 1 && ngroup == trials)
			print_trials_summary(stdout, group, ngroup, so->width);
	}
	free(group);
	if (table && rc == EXIT_OK) {
		scan_print_left_out(stdout, so->width);
		scan_file_rank(&json);
		scan_print_ranking(stdout, &json, so->width);
	}
	if (bar)
		fputc('\n', stderr);
	int stopped = interrupt_signal && rc == interrupt_exit_status();
	if (stopped && so->output && s->out.n == 0)
		fprintf(stderr, "safer: interrupted before the first row was saved; %s not written\n", so->output);
	else if (stopped && so->output)
		fprintf(stderr, "safer: interrupted: %d of %d rows saved in %s; run again with --resume\n", s->ndone,
		    s->nplan, so->output);
	else if (stopped)
		fprintf(stderr, "safer: interrupted: %d of %d rows measured (-o FILE would keep them for --resume)\n",
		    done, s->nplan);
	/* an interrupted scan still shows the rows it measured */
	if (!so->output && so->json && (rc == EXIT_OK || interrupt_signal)) {
		scan_file_rank(&json);
		scan_file_dump(stdout, &json);
	}
	scan_file_free(&json);
	if (rc == EXIT_OK && (wr = scan_state_finish(s, &cause)) != 0)
		rc = cmd_fail_status(wr, cause);
	return rc;
}

static int scan_run(struct scan_opts *so, struct engine *e, const struct dataset *d, const unsigned char *pick)
{
	struct scan_state s;
	char *cause = NULL;
	int rc = EXIT_OK;
	scan_state_init(&s, so, e, d, pick);
	if (scan_mpi_rank() == 0 && scan_state_open(&s, &cause) != 0)
		rc = cmd_fail(cause);	/* refused before anything is written: bad input */
	if (scan_mpi_size() > 1)
		rc = scan_mpi_run(&s, rc);
	else if (rc == EXIT_OK)
		rc = scan_loop(&s, d);
	scan_state_free(&s);
	return rc;
}

struct cmd_scan {
	struct scan_opts so;	/* grids owned */
	struct engine *e;	/* owned */
	struct dataset d;	/* owned */
	unsigned char *pick;	/* owned: per layer, scanned or not */
};

enum cmd_scan_code { CMD_SCAN_RESUME = OPTIONS_OWN, CMD_SCAN_FORCE, CMD_SCAN_RATE, CMD_SCAN_ADAPTIVE };

static const struct options_spec cmd_scan_options[] = {
	{ "perturb", 'p', OPTIONS_VALUE },
	{ "layers", 'l', OPTIONS_VALUE },
	{ "output", 'o', OPTIONS_VALUE },
	{ "resume", CMD_SCAN_RESUME, OPTIONS_FLAG },
	{ "force", CMD_SCAN_FORCE, OPTIONS_FLAG },
	{ "trials", 'T', OPTIONS_VALUE },
	{ "seed", 's', OPTIONS_VALUE },
	{ "rate", CMD_SCAN_RATE, OPTIONS_VALUE },
	{ "adaptive", CMD_SCAN_ADAPTIVE, OPTIONS_VALUE },
	{ NULL, 0, OPTIONS_FLAG },
};

static void cmd_scan_init(void *state)
{
	struct scan_opts *so = &((struct cmd_scan *)state)->so;
	so->trials = 5;
	so->seed = 1;
	so->rate = PERTURB_DEFAULT_RATE;
}

static int cmd_scan_option(void *state, int code, const char *arg)
{
	struct scan_opts *so = &((struct cmd_scan *)state)->so;
	char *cause = NULL;
	long v;
	switch (code) {
	case 'p':
		so->grids = xreallocarray(so->grids, (size_t)so->ngrids + 1, sizeof *so->grids);
		if (perturb_grid_parse(arg, &so->grids[so->ngrids], &cause) != 0) {
			cmd_fail(xasprintf("-p %s: %s", arg, cause));
			free(cause);
			return -1;
		}
		so->ngrids++;
		return 0;
	case 'l': so->layers = arg; return 0;
	case 'o': so->output = arg; return 0;
	case CMD_SCAN_RESUME: so->resume = 1; return 0;
	case CMD_SCAN_FORCE: so->force = 1; return 0;
	case 'T':
		if (parse_count("trials", arg, 1, 10000, &v) != 0)
			return -1;
		so->trials = (int)v;
		return 0;
	case 's':
		if (parse_u64(arg, &so->seed) != 0) {
			fprintf(stderr, "safer: --seed: '%s' is not a non-negative integer\n", arg);
			return -1;
		}
		return 0;
	case CMD_SCAN_RATE:
		return parse_real("rate", arg, 0, 1, &so->rate);
	case CMD_SCAN_ADAPTIVE:
		return parse_real("adaptive", arg, 1e-6, 100, &so->eps);
	default:	/* not in cmd_scan_options */
		return -1;
	}
}

/* Under mpirun/srun every rank parses the same arguments (MPI starts before
 * the parse: scan_mpi_init is the entry's begin), so option errors end every
 * rank the same way before any message passing. */
static int cmd_scan_exec(void *state, struct setup_opts *common)
{
	struct cmd_scan *s = state;
	struct scan_opts *so = &s->so;
	char *cause = NULL;
	if (so->ngrids == 0) {
		fprintf(stderr, "safer: scan: give at least one -p KIND:LEVELS (e.g. -p prune:0.1:0.9:0.1)\n");
		return EXIT_BAD_INPUT;
	}
	if (so->resume && !so->output) {
		fprintf(stderr, "safer: scan: --resume needs -o FILE\n");
		return EXIT_BAD_INPUT;
	}
	if (scan_mpi_size() > 1 && !so->output) {
		if (scan_mpi_rank() == 0)	/* every rank stops: one message */
			fprintf(stderr, "safer: scan: under MPI give -o FILE (rank 0 writes it)\n");
		return EXIT_BAD_INPUT;
	}
	if (setup_opts_finish(common, &cause) != 0)
		return scan_mpi_agree(cmd_fail(cause));
	so->cfg = common->cfg;
	so->weights = common->weights;
	so->json = common->json;
	so->quiet = common->quiet;
	so->width = table_text_width(common->wide);
	if (common->threads == 0)
		common->threads = scan_mpi_default_threads();
	interrupt_install();
	s->e = setup_load_engine(common, &s->d, &cause);
	if (s->e == NULL)
		return scan_mpi_agree(cmd_fail(cause));	/* this rank failed: tell the others */
	const struct model *m = engine_model(s->e);
	s->pick = xcalloc((size_t)m->n, 1);
	if (so->layers && parse_layers(so->layers, m, s->pick, &cause) != 0)
		return scan_mpi_agree(cmd_fail(cause));
	for (int l = 0; !so->layers && l < m->n; l++)
		s->pick[l] = (unsigned char)m->layers[l].has_weights;
	return scan_run(so, s->e, &s->d, s->pick);
}

static void cmd_scan_free(void *state)
{
	struct cmd_scan *s = state;
	free(s->pick);
	engine_free(s->e);
	dataset_free(&s->d);
	for (int i = 0; i < s->so.ngrids; i++)
		perturb_grid_free(&s->so.grids[i]);
	free(s->so.grids);
}

const struct cmd_entry cmd_scan_entry = {
	.name = "scan",
	.args = "[model/data options] -p SPEC [-p SPEC ...] [--layers LIST]\n"
	    "[-o FILE] [--resume] [--trials T] [--seed S] [--rate R] [--adaptive EPS]",
	.summary = "the SAfER sensitivity scan: layers x perturbations x levels",
	.help = scan_help,
	.options = cmd_scan_options,
	.common = 1,
	.size = sizeof(struct cmd_scan),
	.init = cmd_scan_init,
	.option = cmd_scan_option,
	.exec = cmd_scan_exec,
	.free = cmd_scan_free,
	.begin = scan_mpi_init,
	.end = scan_mpi_end,
};
