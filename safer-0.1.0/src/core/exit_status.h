/* exit_status.h - safer's exit statuses (documented in safer(1)); the engine
 * returns them too, so that an MPI rank and the command agree on them. */
#ifndef SAFER_EXIT_STATUS_H
#define SAFER_EXIT_STATUS_H

#define EXIT_OK 0
#define EXIT_FAILURE_RUNTIME 1	/* a failure that is not the input's fault */
#define EXIT_BAD_INPUT 2	/* bad usage, or a file that does not parse */
#define EXIT_INTERRUPTED 130	/* SIGINT; SIGTERM gives 143 */

#endif
