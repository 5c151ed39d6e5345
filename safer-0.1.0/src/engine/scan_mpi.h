/* scan_mpi.h - `safer scan` split across MPI ranks (configure --with-mpi).
 *
 * Rank 0 owns the result file: it reads it (--resume), hands out plan rows
 * in scan order to whichever rank asks first (dynamic load balancing),
 * measures rows itself with its own engine while it waits, and saves every
 * finished row at once, at its place in scan order (scan_state_save).  The
 * other ranks only measure the rows they are given and send them back.  A
 * row's seed depends only on the row (scan_row_item), so every value equals a
 * single-process run's; only the seconds column differs.
 *
 * Without --with-mpi, or when safer was not started by mpirun/srun, these
 * are stubs: one process, no MPI call, nothing changes. */
#ifndef SAFER_SCAN_MPI_H
#define SAFER_SCAN_MPI_H

#include "core/exit_status.h"
#include "core/interrupt.h"

struct scan_state;

#ifdef HAVE_MPI
/* MPI_Init when started by an MPI launcher (mpirun, srun); call once, first. */
void scan_mpi_init(int *argc, char ***argv);
int scan_mpi_rank(void);	/* 0 without MPI */
int scan_mpi_size(void);	/* 1 without MPI */
/* Worker threads per rank when --threads is not given: the CPUs mpirun/srun
 * bound this rank to, else the node's CPUs shared among its ranks.  0 without
 * MPI (the engine's own default, one per CPU).  Collective. */
int scan_mpi_default_threads(void);
/* Collective: the largest of every rank's status (0 when all are ready). */
int scan_mpi_agree(int status);
/* Collective: the scan, after `status` (rank 0: opening the file) is agreed
 * on.  Returns the exit status, the same on every rank. */
int scan_mpi_run(struct scan_state *s, int status);
/* MPI_Finalize if MPI was started; returns status. */
int scan_mpi_end(int status);
#else
static inline void scan_mpi_init(int *argc, char ***argv) { (void)argc; (void)argv; }
static inline int scan_mpi_rank(void) { return 0; }
static inline int scan_mpi_size(void) { return 1; }
static inline int scan_mpi_default_threads(void) { return 0; }
static inline int scan_mpi_agree(int status) { return status; }
static inline int scan_mpi_run(struct scan_state *s, int status) { (void)s; return status ? status : EXIT_FAILURE_RUNTIME; }
static inline int scan_mpi_end(int status) { return status; }
#endif

#endif
