/* cmd.h - the subcommands: each cmd_<name>.c exports one const descriptor
 * (the tmux pattern) and cmd_run, the one driver, parses its command line,
 * so a command's exec starts from options already checked.
 *
 * A command keeps everything it owns in its state struct, which the driver
 * allocates zeroed and hands to init, option, exec and free in that order;
 * free runs on every path (--help, a bad option, a failed or finished
 * exec), so exec and its helpers return a status without cleaning up. */
#ifndef SAFER_CMD_H
#define SAFER_CMD_H

#include <stddef.h>

#include "core/exit_status.h"
#include "core/interrupt.h"

struct options_spec;
struct setup_opts;

struct cmd_entry {
	const char *name;
	const char *args;	/* synopsis after "safer NAME"; each '\n' starts an indented line */
	const char *summary;	/* one line for `safer --help` */
	const char *help;	/* `safer NAME --help` after the "Usage:" lines */
	const struct options_spec *options;	/* the command's own (options.h) */
	int common;		/* also takes the model/data options, listed first */
	int operands;		/* at most this many arguments that are not options
				 * (files), handed in order to option as CMD_OPERAND */

	size_t size;		/* of the state */
	void (*init)(void *state);	/* optional: defaults before parsing */
	/* One of the command's own options: 0, or -1 on a bad value (message printed). */
	int (*option)(void *state, int code, const char *arg);
	/* After a clean parse; common is zeroed defaults when !common.  Returns the exit status. */
	int (*exec)(void *state, struct setup_opts *common);
	void (*free)(void *state);	/* optional */

	/* Optional, around the whole run (scan: MPI_Init, MPI_Finalize): begin
	 * comes before parsing and may edit argc/argv; end comes last and
	 * returns the status to exit with. */
	void (*begin)(int *argc, char ***argv);
	int (*end)(int status);
};

extern const struct cmd_entry cmd_info_entry;
extern const struct cmd_entry cmd_eval_entry;
extern const struct cmd_entry cmd_scan_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_tui_entry, cmd_tour_entry;
extern const struct cmd_entry cmd_rank_entry, cmd_compare_entry, cmd_budget_entry;
extern const struct cmd_entry cmd_plot_entry, cmd_report_entry;

/* The code option gets for an operand (no option has it: getopt's 0 is a
 * flag's, which no table uses). */
#define CMD_OPERAND 0

/* Runs command c on argv (argv[0] names it in getopt's messages): -h/--help
 * prints the usage and help to stdout (EXIT_OK); an unknown option or a
 * missing value prints one "safer: NAME: ..." line that names it, a
 * bad value its own message, a leftover argument "safer: NAME: unexpected
 * argument 'ARG'" (all EXIT_BAD_INPUT); otherwise exec's status. */
int cmd_run(const struct cmd_entry *c, int argc, char **argv);

/* Prints "safer: MSG" to stderr and frees msg; returns EXIT_BAD_INPUT. */
int cmd_fail(char *msg);
/* The same, returning status (a write that failed: EXIT_FAILURE_RUNTIME). */
int cmd_fail_status(int status, char *msg);
/* status, or EXIT_FAILURE_RUNTIME with "safer: standard output: ERROR" when
 * what was written to stdout could not be (a full disk, /dev/full, an I/O
 * error): cmd_run ends with it, so no command exits 0 with its output lost. */
int cmd_check_stdout(int status);

#endif
