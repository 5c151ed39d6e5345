/* cmd.c - what every subcommand shares: reporting a failure. */
#include "cli/cmd.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_fail(char *msg)
{
	fprintf(stderr, "safer: %s\n", msg);
	free(msg);
	return EXIT_BAD_INPUT;
}
