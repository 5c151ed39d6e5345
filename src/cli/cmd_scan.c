/* cmd_scan.c - `safer scan`: the SAfER sensitivity scan, layer × kind × level
 * × trial, one row at a time, each row saved before the next starts. */
#include "config.h"
#include "cli/cmd.h"
#include "engine/engine.h"
#include "cli/options.h"
#include "formats/scan_file.h"
#include "engine/scan.h"
#include "engine/scan_mpi.h"
#include "core/stats.h"
#include "core/util.h"

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char scan_help[] =
"Usage: safer scan [model/data options] -p SPEC [-p SPEC ...] [--layers LIST]\n"
"                  [-o FILE] [--resume] [--trials T] [--seed S] [--rate R] [--adaptive EPS]\n"
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
"      --adaptive EPS    stop each row when the drop is known within EPS points\n\n"
COMMON_HELP;

/* "0,2,5-7" -> sorted unique flags over [0, n). */
static int parse_layers(const char *text, const struct model *m, unsigned char *pick, char **cause)
{
	const char *p = text;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p || a < 0)
			goto bad;
		if (*end == '-') {
			const char *q = end + 1;
			b = strtol(q, &end, 10);
			if (end == q || b < a)
				goto bad;
		}
		if (*end != ',' && *end != '\0')
			goto bad;
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
static void print_trials_summary(FILE *out, const struct scan_row *rows, int n)
{
	double v[n > 0 ? n : 1], mean, sd, lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < n; i++) {
		v[i] = 100 * rows[i].top1;
		lo = fmin(lo, v[i]);
		hi = fmax(hi, v[i]);
	}
	stats_mean_sd(v, n, &mean, &sd);
	fprintf(out, "%5d %-10s %-13s %9.6g   all   top1%% mean %.2f sd %.2f min %.2f max %.2f over %d trials\n",
	    rows[0].layer, rows[0].layer_kind, perturb_kind_name(rows[0].kind), rows[0].level, mean, sd, lo, hi, n);
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
	int rc = EXIT_OK, done = s->ndone, ngroup = 0;
	int tty = so->output && isatty(2);
	if (!so->output) {
		printf("# baseline top-1 %.2f%% on %d images\n", 100 * s->h.baseline_top1, d->count);
		scan_print_row(stdout, NULL, 1);
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
		if (so->output && scan_state_save(s, i, &row, &cause) != 0) {
			rc = cmd_fail(cause);
			break;
		}
		if (!so->output) {
			scan_print_row(stdout, &row, 0);
			fflush(stdout);
		}
		group[ngroup++] = row;
		done++;
		if (tty)
			scan_progress_bar(done, s->nplan, s->t0);
		if (!so->output && trials > 1 && ngroup == trials)
			print_trials_summary(stdout, group, ngroup);
	}
	free(group);
	if (tty)
		fputc('\n', stderr);
	if (rc == EXIT_OK && scan_state_finish(s, &cause) != 0)
		rc = cmd_fail(cause);
	return rc;
}

static int scan_run(struct scan_opts *so, struct engine *e, const struct dataset *d, const unsigned char *pick)
{
	struct scan_state s;
	char *cause = NULL;
	int rc = EXIT_OK;
	scan_state_init(&s, so, e, d, pick);
	if (scan_mpi_rank() == 0 && scan_state_open(&s, &cause) != 0)
		rc = cmd_fail(cause);
	if (scan_mpi_size() > 1)
		rc = scan_mpi_run(&s, rc);
	else if (rc == EXIT_OK)
		rc = scan_loop(&s, d);
	scan_state_free(&s);
	return rc;
}

static int scan_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "perturb", required_argument, NULL, 'p' },
		{ "layers", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "resume", no_argument, NULL, 0x200 },
		{ "force", no_argument, NULL, 0x201 },
		{ "trials", required_argument, NULL, 'T' },
		{ "seed", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 0x202 },
		{ "adaptive", required_argument, NULL, 0x203 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scan_opts so;
	struct setup_opts common;
	memset(&so, 0, sizeof so);
	setup_opts_init(&common);
	so.trials = 5;
	so.seed = 1;
	so.rate = PERTURB_DEFAULT_RATE;
	int c, r, status = EXIT_BAD_INPUT;
	long v;
	char *cause = NULL;
	/* under mpirun/srun every rank parses the same arguments, so option
	 * errors end every rank the same way before any message passing */
	scan_mpi_init(&argc, &argv);
	while ((c = getopt_long(argc, argv, COMMON_SHORTOPTS "p:l:o:T:s:h", longopts, NULL)) != -1) {
		if ((r = options_handle_common(&common, c, optarg, argc, argv)) == 1)
			continue;
		if (r < 0)
			goto out;
		switch (c) {
		case 'p':
			so.grids = xreallocarray(so.grids, (size_t)so.ngrids + 1, sizeof *so.grids);
			if (perturb_grid_parse(optarg, &so.grids[so.ngrids], &cause) != 0) {
				status = cmd_fail(xasprintf("-p %s: %s", optarg, cause));
				free(cause);
				goto out;
			}
			so.ngrids++;
			break;
		case 'l': so.layers = optarg; break;
		case 'o': so.output = optarg; break;
		case 0x200: so.resume = 1; break;
		case 0x201: so.force = 1; break;
		case 'T':
			if (parse_count("trials", optarg, 1, 10000, &v) != 0)
				goto out;
			so.trials = (int)v;
			break;
		case 's':
			if (parse_u64(optarg, &so.seed) != 0) {
				fprintf(stderr, "safer: --seed: '%s' is not a non-negative integer\n", optarg);
				goto out;
			}
			break;
		case 0x202:
			if (parse_real("rate", optarg, 0, 1, &so.rate) != 0)
				goto out;
			break;
		case 0x203:
			if (parse_real("adaptive", optarg, 1e-6, 100, &so.eps) != 0)
				goto out;
			break;
		case 'h':
			fputs(scan_help, stdout);
			status = EXIT_OK;
			goto out;
		default:
			fprintf(stderr, "Try 'safer scan --help'.\n");
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "safer: scan: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	if (so.ngrids == 0) {
		fprintf(stderr, "safer: scan: give at least one -p KIND:LEVELS (e.g. -p prune:0.1:0.9:0.1)\n");
		goto out;
	}
	if (so.resume && !so.output) {
		fprintf(stderr, "safer: scan: --resume needs -o FILE\n");
		goto out;
	}
	if (scan_mpi_size() > 1 && !so.output) {
		if (scan_mpi_rank() == 0)	/* every rank stops: one message */
			fprintf(stderr, "safer: scan: under MPI give -o FILE (rank 0 writes it)\n");
		goto out;
	}
	if (setup_opts_finish(&common, &cause) != 0) {
		status = scan_mpi_agree(cmd_fail(cause));
		goto out;
	}
	so.cfg = common.cfg;
	so.weights = common.weights;
	if (common.threads == 0)
		common.threads = scan_mpi_default_threads();
	interrupt_install();
	struct dataset d;
	struct engine *e = setup_load_engine(&common, &d, &cause);
	if (e == NULL) {
		status = scan_mpi_agree(cmd_fail(cause));	/* this rank failed: tell the others */
		goto out;
	}
	const struct model *m = engine_model(e);
	unsigned char *pick = xcalloc((size_t)m->n, 1);
	if (so.layers && parse_layers(so.layers, m, pick, &cause) != 0) {
		status = scan_mpi_agree(cmd_fail(cause));
	} else {
		for (int l = 0; !so.layers && l < m->n; l++)
			pick[l] = (unsigned char)m->layers[l].has_weights;
		status = scan_run(&so, e, &d, pick);
	}
	free(pick);
	engine_free(e);
	dataset_free(&d);
out:
	for (int i = 0; i < so.ngrids; i++)
		perturb_grid_free(&so.grids[i]);
	free(so.grids);
	setup_opts_free(&common);
	return scan_mpi_end(status);
}

const struct cmd_entry cmd_scan_entry = {
	"scan", "[model/data options] -p SPEC [-p SPEC ...] [--layers LIST] [-o FILE] [--resume]",
	"the SAfER sensitivity scan: layers x perturbations x levels", scan_exec,
};
