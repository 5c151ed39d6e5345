/* main.c - the command table and dispatch, nothing else. */
#include "config.h"
#include "cli/cmd.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cmd_entry *const commands[] = {
	&cmd_tui_entry,
	&cmd_info_entry,
	&cmd_eval_entry,
	&cmd_scan_entry,
	&cmd_export_entry,
	&cmd_rank_entry, &cmd_compare_entry, &cmd_budget_entry,
	&cmd_plot_entry, &cmd_report_entry,
	&cmd_tour_entry,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fprintf(f, "Usage: safer [COMMAND] [OPTIONS]\n"
	    "Layer-level sensitivity of Darknet classifiers, measured on real data.\n\n"
	    "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nWith no command, safer opens the explorer (tui) on the bundled model.\n"
	    "'safer COMMAND --help' describes a command; safer(1) has everything.\n"
	    "  -h, --help     this help\n"
	    "  -V, --version  version\n");
}

int main(int argc, char **argv)
{
	/* `safer scan | head` must end quietly, not with a broken-pipe message */
	signal(SIGPIPE, SIG_DFL);
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			usage(stdout);
			return cmd_check_stdout(EXIT_OK);
		}
		if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
			printf("safer %s\n", PACKAGE_VERSION);
			return cmd_check_stdout(EXIT_OK);
		}
		/* options without a command belong to the explorer */
		return cmd_run(&cmd_tui_entry, argc, argv);
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i]->name) == 0)
			return cmd_run(commands[i], argc - 1, argv + 1);
	fprintf(stderr, "safer: unknown command '%s' (try 'safer --help')\n", argv[1]);
	return EXIT_BAD_INPUT;
}
