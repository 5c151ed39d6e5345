/* cmd.h - the command table: one file per subcommand, each exporting a
 * const descriptor (the tmux pattern). */
#ifndef SAFER_CMD_H
#define SAFER_CMD_H

#include <signal.h>

/* Exit statuses (documented in safer(1)). */
#define EXIT_OK 0
#define EXIT_FAILURE_RUNTIME 1	/* a failure that is not the input's fault */
#define EXIT_BAD_INPUT 2	/* bad usage, or a file that does not parse */
#define EXIT_INTERRUPTED 130	/* SIGINT; SIGTERM gives 143 */

struct cmd_entry {
	const char *name;
	const char *args;	/* one-line synopsis after the name */
	const char *summary;
	int (*exec)(int argc, char **argv);
};

extern const struct cmd_entry cmd_info_entry;
extern const struct cmd_entry cmd_eval_entry;
extern const struct cmd_entry cmd_scan_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_tui_entry;
extern const struct cmd_entry cmd_rank_entry, cmd_compare_entry, cmd_budget_entry;

/* Set by the SIGINT/SIGTERM handler; long work checks it between units. */
extern volatile sig_atomic_t cmd_interrupted;
void cmd_install_signals(void);
/* 130 for SIGINT, 143 for SIGTERM. */
int cmd_interrupt_status(void);

/* Prints "safer: MSG" to stderr and frees msg; returns EXIT_BAD_INPUT. */
int cmd_fail(char *msg);

#endif
