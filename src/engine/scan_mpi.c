/* scan_mpi.c - see scan_mpi.h.  Built only with configure --with-mpi.
 *
 * Protocol (tags below; payloads are the structs, sent as bytes: every rank
 * runs the same safer binary on the same kind of machine):
 *   worker -> 0   HELLO   ready; what it loaded, to catch a node with other files
 *   0 -> worker   ROW     the next plan row, or STOP (with the job's exit status)
 *   worker -> 0   RESULT  a measured row; also asks for the next one
 *   worker -> 0   QUIT    it must stop (signal, engine error); 0 then stops all
 *   worker -> 0   BYE     answer to STOP; rank 0 waits for every BYE
 * Only the main thread of each rank calls MPI; it polls the network and its
 * own engine every POLL_MS instead of blocking, so rank 0 measures rows too
 * and a signal is noticed at once (Open MPI's blocking calls busy-wait). */
#define _GNU_SOURCE	/* sched_getaffinity */
#include "config.h"
#include "engine/scan_mpi.h"
#include "engine/engine.h"
#include "formats/scan_file.h"
#include "core/progress.h"
#include "core/rng.h"
#include "engine/scan.h"
#include "core/util.h"

#include <mpi.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { TAG_HELLO = 1, TAG_ROW, TAG_RESULT, TAG_QUIT, TAG_STOP, TAG_BYE };
#define POLL_MS 2
#define STOP_WAIT_S 10.0	/* for the BYEs after a failure; then MPI_Abort */

struct up {
	int index;		/* RESULT: the plan row */
	int status;		/* QUIT: this rank's exit status */
	int nplan;		/* HELLO */
	uint64_t plan_hash;	/* HELLO: every row's job, --adaptive */
	char weights_checksum[24], data_checksum[24];	/* HELLO */
	struct scan_row row;	/* RESULT */
};

struct down {
	int index;		/* ROW */
	int status;		/* STOP: the exit status of the job */
};

static int mpi_on, mpi_rank, mpi_size = 1;

/* Started by a launcher?  A plain `safer scan` must not start MPI: Open MPI
 * would try to reach a runtime (singleton start-up) for nothing. */
static int launched(void)
{
	return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

void scan_mpi_init(int *argc, char ***argv)
{
	int provided;
	if (mpi_on || !launched())
		return;
	/* the engine's threads never call MPI: only the main thread does */
	MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
	/* failures come back as return codes, so rank 0 can say what happened */
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
	MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
	mpi_on = 1;
}

int scan_mpi_rank(void)
{
	return mpi_rank;
}

int scan_mpi_size(void)
{
	return mpi_size;
}

int scan_mpi_default_threads(void)
{
	if (!mpi_on)
		return 0;
	MPI_Comm node;
	int local = 1;
	if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
		MPI_Comm_size(node, &local);
		MPI_Comm_free(&node);
	}
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	int mine = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : (int)online;
	if (mine > 0 && mine < online)
		return mine;	/* bound (mpirun's default for <= 2 ranks, srun -c N) */
	int n = (int)(online / (local > 0 ? local : 1));
	return n > 0 ? n : 1;
}

int scan_mpi_agree(int status)
{
	int all = status;
	if (!mpi_on)
		return status;
	if (MPI_Allreduce(&status, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD) != MPI_SUCCESS)
		return status ? status : EXIT_FAILURE_RUNTIME;
	return all;
}

int scan_mpi_end(int status)
{
	if (mpi_on) {
		MPI_Finalize();
		mpi_on = 0;
	}
	return status;
}

static const char *signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : strsignal(sig);
}

static char *mpi_error(int err)
{
	char text[MPI_MAX_ERROR_STRING];
	int len = 0;
	MPI_Error_string(err, text, &len);
	return xasprintf("%.*s", len, text);
}

/* What a rank would measure: each row's layer, kind, level, rate and seed. */
static uint64_t plan_hash(const struct scan_state *s)
{
	uint64_t h = rng_mix64((uint64_t)s->nplan), bits;
	memcpy(&bits, &s->so->eps, sizeof bits);
	h = rng_mix64(h ^ bits);
	for (int i = 0; i < s->nplan; i++) {
		struct job_item it;
		scan_row_item(s, i, &it);
		memcpy(&bits, &it.p.rate, sizeof bits);
		h = rng_mix64(h ^ it.p.seed ^ (uint64_t)it.layer << 32 ^ bits);
	}
	return h;
}

/* ---- this rank's own engine, polled ------------------------------------------------ */

struct local {
	uint64_t id;		/* the job running, 0 when idle */
	int index;		/* its plan row */
};

static int local_start(struct scan_state *s, struct local *l, int index, char **cause)
{
	struct job_item item;
	struct engine_job job = scan_row_job(s, index, &item);
	l->index = index;
	l->id = engine_submit(s->e, &job, cause);
	return l->id ? 0 : -1;
}

static void local_cancel(struct scan_state *s, struct local *l)
{
	if (l->id)
		engine_cancel(s->e);	/* engine_free waits for it */
	l->id = 0;
}

/* Waits up to POLL_MS for the running row.  1: finished, *row filled;
 * 0: running, idle or cancelled; -1: the engine failed (*cause). */
static int local_poll(struct scan_state *s, struct local *l, struct scan_row *row, char **cause)
{
	struct pollfd pfd = { engine_wake_fd(s->e), POLLIN, 0 };
	if (l->id == 0) {
		poll(NULL, 0, POLL_MS);
		return 0;
	}
	if (poll(&pfd, 1, POLL_MS) > 0)
		engine_drain_wake(s->e);
	struct engine_progress p;
	int rc = 0;
	engine_poll(s->e, &p);
	if (p.job == l->id && (p.finished || p.cancelled)) {
		if (p.error) {
			*cause = p.error;
			p.error = NULL;
			rc = -1;
		} else if (p.finished) {
			scan_row_result(s, l->index, &p, row);
			rc = 1;
		}
		l->id = 0;
	}
	free(p.error);
	return rc;
}

/* ---- rank 0 ------------------------------------------------------------------------ */

struct coord {
	struct scan_state *s;
	int next;		/* plan rows before it are handed out or done */
	int status;		/* the first failure's exit status; 0 while all goes well */
	double stop_at;		/* when the STOPs of a failure went out */
	unsigned char *stopped;	/* per rank: STOP sent (or unreachable) */
	int *measured;		/* per rank: rows it measured (shown at the end) */
	int hellos, byes;	/* ranks checked, ranks done */
	struct progress pr;
	int tty;		/* the in-place progress line is on the terminal */
};

static int rows_left(struct coord *c)
{
	while (c->next < c->s->nplan && c->s->done[c->next])
		c->next++;
	return c->next < c->s->nplan;
}

/* The first failure sets the exit status and prints the one message. */
static void coord_fail(struct coord *c, int status, char *why)
{
	if (c->status == 0) {
		c->status = status;
		if (c->s->ndone > 0)
			fprintf(stderr, "%ssafer: scan: %s; %d of %d rows saved in %s; run again with --resume\n",
			    c->tty ? "\n" : "", why, c->s->ndone, c->s->nplan, c->s->so->output);
		else
			fprintf(stderr, "%ssafer: scan: %s; no row saved\n", c->tty ? "\n" : "", why);
	}
	free(why);
}

static void coord_send(struct coord *c, int to, int tag, int index)
{
	struct down d = { index, c->status };
	int err = MPI_Send(&d, sizeof d, MPI_BYTE, to, tag, MPI_COMM_WORLD);
	if (err != MPI_SUCCESS) {
		char *what = mpi_error(err);
		coord_fail(c, EXIT_FAILURE_RUNTIME, xasprintf("lost rank %d (MPI: %s)", to, what));
		free(what);
		c->stopped[to] = 1;
		c->byes++;	/* nobody will answer */
	} else if (tag == TAG_STOP) {
		c->stopped[to] = 1;
	}
}

/* A worker is free: its next row, or STOP. */
static void coord_answer(struct coord *c, int to)
{
	if (c->stopped[to])
		return;
	if (c->status == 0 && rows_left(c))
		coord_send(c, to, TAG_ROW, c->next++);
	else
		coord_send(c, to, TAG_STOP, 0);
}

static void coord_save(struct coord *c, int from, int index, const struct scan_row *row)
{
	char *cause = NULL;
	if (index < 0 || index >= c->s->nplan || c->s->done[index])
		return;
	c->measured[from]++;
	int rc = scan_state_save(c->s, index, row, &cause);
	if (rc != 0) {
		coord_fail(c, rc, cause);
		return;
	}
	if (progress_update(&c->pr, c->s->ndone, c->s->nplan)) {
		scan_progress_bar(c->s->ndone, c->s->nplan, c->s->t0);
		c->tty = 1;
	}
}

static void coord_hello(struct coord *c, int from, const struct up *u)
{
	const struct scan_header *h = &c->s->h;
	const char *what = NULL;
	c->hellos++;
	if (strncmp(u->weights_checksum, h->weights_checksum, sizeof u->weights_checksum) != 0)
		what = "another model (weights checksum differs)";
	else if (strncmp(u->data_checksum, h->data_checksum, sizeof u->data_checksum) != 0)
		what = "another data set (data checksum differs)";
	else if (u->nplan != c->s->nplan || u->plan_hash != plan_hash(c->s))
		what = "other scan options (rows, levels, seed, --rate or --adaptive differ)";
	if (what)
		coord_fail(c, EXIT_BAD_INPUT, xasprintf("rank %d has %s from rank 0", from, what));
	coord_answer(c, from);
}

static void coord_receive(struct coord *c)
{
	int flag = 0;
	MPI_Status st;
	while (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st) == MPI_SUCCESS && flag) {
		struct up u;
		int from = st.MPI_SOURCE, err;
		if ((err = MPI_Recv(&u, sizeof u, MPI_BYTE, from, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE)) != MPI_SUCCESS) {
			char *what = mpi_error(err);
			coord_fail(c, EXIT_FAILURE_RUNTIME, xasprintf("lost rank %d (MPI: %s)", from, what));
			free(what);
			return;
		}
		switch (st.MPI_TAG) {
		case TAG_HELLO:
			coord_hello(c, from, &u);
			break;
		case TAG_RESULT:
			coord_save(c, from, u.index, &u.row);	/* even after a failure: it is finished */
			coord_answer(c, from);
			break;
		case TAG_QUIT:
			coord_fail(c, u.status ? u.status : EXIT_FAILURE_RUNTIME,
			    u.status >= 128 ? xasprintf("rank %d stopped by %s", from, signal_name(u.status - 128))
					    : xasprintf("rank %d failed", from));
			break;
		case TAG_BYE:
			c->byes++;
			break;
		}
	}
}

static int coordinate(struct scan_state *s)
{
	struct coord c = { .s = s };
	progress_start(&c.pr, "scan", "rows", 1, s->so->quiet);
	struct local l = { 0, -1 };
	c.stopped = xcalloc((size_t)mpi_size, 1);
	c.measured = xcalloc((size_t)mpi_size, sizeof *c.measured);
	char *cause = NULL;
	for (;;) {
		if (interrupt_signal && c.status == 0)
			coord_fail(&c, interrupt_exit_status(), xasprintf("stopped by %s (mpirun sends SIGTERM to every rank "
			    "when it is interrupted or when a rank dies)", signal_name(interrupt_signal)));
		/* no row before every rank is known to measure the same thing */
		if (c.status == 0 && c.hellos == mpi_size - 1 && l.id == 0 && rows_left(&c) &&
		    local_start(s, &l, c.next++, &cause) != 0)
			coord_fail(&c, EXIT_BAD_INPUT, cause);
		if (c.status != 0 && c.stop_at == 0) {
			local_cancel(s, &l);
			for (int r = 1; r < mpi_size; r++)
				if (!c.stopped[r])
					coord_send(&c, r, TAG_STOP, 0);
			c.stop_at = now_seconds();
		}
		if (c.byes == mpi_size - 1 && l.id == 0 && (c.status != 0 || !rows_left(&c)))
			break;
		if (c.stop_at > 0 && now_seconds() - c.stop_at > STOP_WAIT_S) {
			fprintf(stderr, "safer: scan: %d of %d ranks did not stop within %.0f s; aborting the job\n",
			    mpi_size - 1 - c.byes, mpi_size - 1, STOP_WAIT_S);
			MPI_Abort(MPI_COMM_WORLD, c.status);
		}
		struct scan_row row;
		int r = local_poll(s, &l, &row, &cause);
		if (r < 0)
			coord_fail(&c, EXIT_BAD_INPUT, cause);
		else if (r > 0)
			coord_save(&c, 0, l.index, &row);
		coord_receive(&c);
	}
	if (c.tty && c.status == 0)
		fputc('\n', stderr);
	int wr = c.status == 0 ? scan_state_finish(s, &cause) : 0;
	if (wr != 0)
		coord_fail(&c, wr, cause);
	if (c.status == 0) {	/* how the rows were shared: load balance at a glance */
		fprintf(stderr, "safer: rows measured by rank 0..%d:", mpi_size - 1);
		for (int r = 0; r < mpi_size; r++)
			fprintf(stderr, " %d", c.measured[r]);
		fputc('\n', stderr);
	}
	free(c.measured);
	free(c.stopped);
	return c.status;
}

/* ---- other ranks -------------------------------------------------------------------- */

static int work_send(struct up *u, int tag)
{
	int err = MPI_Send(u, sizeof *u, MPI_BYTE, 0, tag, MPI_COMM_WORLD);
	if (err != MPI_SUCCESS) {
		char *what = mpi_error(err);
		fprintf(stderr, "safer: scan: rank %d lost rank 0 (MPI: %s)\n", mpi_rank, what);
		free(what);
		return -1;
	}
	return 0;
}

static int work(struct scan_state *s)
{
	struct up u;
	struct local l = { 0, -1 };
	int quit = 0;
	char *cause = NULL;
	memset(&u, 0, sizeof u);
	u.nplan = s->nplan;
	u.plan_hash = plan_hash(s);
	snprintf(u.weights_checksum, sizeof u.weights_checksum, "%s", s->h.weights_checksum);
	snprintf(u.data_checksum, sizeof u.data_checksum, "%s", s->h.data_checksum);
	if (work_send(&u, TAG_HELLO) != 0)
		return EXIT_FAILURE_RUNTIME;
	for (;;) {
		struct scan_row row;
		int r = local_poll(s, &l, &row, &cause);
		if (r > 0) {
			u.index = l.index;
			u.row = row;
			if (work_send(&u, TAG_RESULT) != 0)
				return EXIT_FAILURE_RUNTIME;
		}
		if (!quit && (r < 0 || interrupt_signal)) {
			if (r < 0) {
				fprintf(stderr, "safer: scan: rank %d: %s\n", mpi_rank, cause);
				free(cause);
			}
			local_cancel(s, &l);
			u.status = r < 0 ? EXIT_BAD_INPUT : interrupt_exit_status();
			quit = 1;	/* then wait for rank 0's STOP like everyone */
			if (work_send(&u, TAG_QUIT) != 0)
				return u.status;
		}
		int flag = 0, err;
		MPI_Status st;
		struct down d;
		if ((err = MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st)) == MPI_SUCCESS && flag)
			err = MPI_Recv(&d, sizeof d, MPI_BYTE, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		if (err != MPI_SUCCESS) {
			char *what = mpi_error(err);
			fprintf(stderr, "safer: scan: rank %d lost rank 0 (MPI: %s)\n", mpi_rank, what);
			free(what);
			return EXIT_FAILURE_RUNTIME;
		}
		if (!flag)
			continue;
		if (st.MPI_TAG == TAG_STOP) {
			local_cancel(s, &l);
			work_send(&u, TAG_BYE);
			return d.status;
		}
		if (!quit && local_start(s, &l, d.index, &cause) != 0) {
			fprintf(stderr, "safer: scan: rank %d: %s\n", mpi_rank, cause);
			free(cause);
			quit = 1;
			u.status = EXIT_BAD_INPUT;
			if (work_send(&u, TAG_QUIT) != 0)
				return u.status;
		}
	}
}

int scan_mpi_run(struct scan_state *s, int status)
{
	status = scan_mpi_agree(status);
	if (status != 0)
		return status;
	return mpi_rank == 0 ? coordinate(s) : work(s);
}
