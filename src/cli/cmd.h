/* cmd.h - the command table: one file per subcommand, each exporting a
 * const descriptor (the tmux pattern). */
#ifndef SAFER_CMD_H
#define SAFER_CMD_H

#include "core/exit_status.h"
#include "core/interrupt.h"

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

/* Prints "safer: MSG" to stderr and frees msg; returns EXIT_BAD_INPUT. */
int cmd_fail(char *msg);

#endif
