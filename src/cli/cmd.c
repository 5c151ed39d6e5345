/* cmd.c - what every subcommand shares: the option driver and reporting a
 * failure. */
#include "cli/cmd.h"
#include "cli/options.h"
#include "core/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one option every command has, after its own. */
static const struct options_spec help_option[] = {
	{ "help", 'h', OPTIONS_FLAG },
	{ NULL, 0, OPTIONS_FLAG },
};

struct optable {
	struct option *longopts;	/* owned, ends with a zero entry */
	char *shortopts;		/* owned */
};

static size_t spec_count(const struct options_spec *s)
{
	size_t n = 0;
	while (s && s[n].name)
		n++;
	return n;
}

/* getopt_long's tables from the common set (if the command takes it), the
 * command's own options and --help, in that order: getopt lists the
 * candidates of an ambiguous abbreviation in table order. */
static void optable_build(const struct cmd_entry *c, struct optable *t)
{
	const struct options_spec *parts[] = { c->common ? options_common : NULL, c->options, help_option };
	size_t n = 0, k = 0, m = 0;
	for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++)
		n += spec_count(parts[p]);
	t->longopts = xcalloc(n + 1, sizeof *t->longopts);
	t->shortopts = xcalloc(2 * n + 2, 1);
	t->shortopts[m++] = ':';	/* a missing value returns ':', not '?' */
	for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++)
		for (size_t i = 0; i < spec_count(parts[p]); i++) {
			const struct options_spec *s = &parts[p][i];
			int has_arg = s->arg == OPTIONS_VALUE ? required_argument : no_argument;
			t->longopts[k++] = (struct option){ s->name, has_arg, NULL, s->code };
			if (s->code > 0 && s->code <= UCHAR_MAX) {
				t->shortopts[m++] = (char)s->code;
				if (has_arg == required_argument)
					t->shortopts[m++] = ':';
			}
		}
}

static void optable_free(struct optable *t)
{
	free(t->longopts);
	free(t->shortopts);
}

/* "Usage: safer NAME ARGS", continuation lines of ARGS under its first. */
static void print_usage(const struct cmd_entry *c)
{
	int indent = (int)(strlen("Usage: safer  ") + strlen(c->name));
	const char *line = c->args;
	printf("Usage: safer %s ", c->name);
	for (;;) {
		const char *nl = strchr(line, '\n');
		if (nl == NULL) {
			printf("%s\n", line);
			break;
		}
		printf("%.*s\n%*s", (int)(nl - line), line, indent, "");
		line = nl + 1;
	}
	fputs(c->help, stdout);
}

/* getopt's complaint as one "safer: NAME: ..." line (opterr is off: its own
 * lines lack the prefix).  arg is the argument getopt stopped at. */
static void bad_option(const struct cmd_entry *c, const struct optable *t, int code, const char *arg)
{
	char shortopt[3] = { '-', (char)optopt, '\0' };
	int is_long = arg && strncmp(arg, "--", 2) == 0;
	const char *what = is_long ? arg : shortopt;
	if (code == ':') {
		fprintf(stderr, "safer: %s: option '%s' needs a value (try 'safer %s --help')\n", c->name, what, c->name);
		return;
	}
	if (is_long && optopt != 0) {	/* --flag=VALUE */
		fprintf(stderr, "safer: %s: option '%.*s' takes no value (try 'safer %s --help')\n", c->name,
		    (int)strcspn(arg, "="), arg, c->name);
		return;
	}
	if (is_long) {	/* unknown, or a prefix of several */
		size_t len = strcspn(arg + 2, "=");
		char cands[256] = "";
		int n = 0;
		for (const struct option *o = t->longopts; o->name; o++)
			if (strncmp(o->name, arg + 2, len) == 0 && strlen(cands) + strlen(o->name) + 4 < sizeof cands)
				strcat(strcat(cands, n++ ? ", --" : "--"), o->name);
		if (n > 1) {
			fprintf(stderr, "safer: %s: option '%.*s' is ambiguous (%s)\n", c->name, (int)(len + 2), arg, cands);
			return;
		}
		fprintf(stderr, "safer: %s: unknown option '%.*s' (try 'safer %s --help')\n", c->name, (int)(len + 2), arg,
		    c->name);
		return;
	}
	fprintf(stderr, "safer: %s: unknown option '%s' (try 'safer %s --help')\n", c->name, what, c->name);
}

/* -1 when exec may run, else the exit status. */
static int parse(const struct cmd_entry *c, void *state, struct setup_opts *common, int argc, char **argv)
{
	struct optable t;
	int code, status = -1;
	optable_build(c, &t);
	opterr = 0;
	while (status < 0 && (code = getopt_long(argc, argv, t.shortopts, t.longopts, NULL)) != -1) {
		int r = c->common ? options_handle_common(common, code, optarg, argc, argv) : 0;
		if (r == 1)
			continue;
		if (r < 0) {
			status = EXIT_BAD_INPUT;
		} else if (code == 'h') {
			print_usage(c);
			status = EXIT_OK;
		} else if (code == '?' || code == ':') {
			bad_option(c, &t, code, optind > 0 && optind <= argc ? argv[optind - 1] : NULL);
			status = EXIT_BAD_INPUT;
		} else if (c->option(state, code, optarg) != 0) {
			status = EXIT_BAD_INPUT;
		}
	}
	/* file operands (plot, report), in order, for commands that take them */
	for (int i = 0; status < 0 && optind < argc && i < c->operands; i++)
		if (c->option(state, CMD_OPERAND, argv[optind++]) != 0)
			status = EXIT_BAD_INPUT;
	if (status < 0 && optind < argc) {
		fprintf(stderr, "safer: %s: unexpected argument '%s'\n", c->name, argv[optind]);
		status = EXIT_BAD_INPUT;
	}
	optable_free(&t);
	return status;
}

int cmd_run(const struct cmd_entry *c, int argc, char **argv)
{
	if (c->begin)
		c->begin(&argc, &argv);
	void *state = xcalloc(1, c->size ? c->size : 1);
	struct setup_opts common;
	setup_opts_init(&common);
	if (c->init)
		c->init(state);
	int status = parse(c, state, &common, argc, argv);
	if (status < 0)
		status = c->exec(state, &common);
	if (c->free)
		c->free(state);
	free(state);
	setup_opts_free(&common);
	status = cmd_check_stdout(status);
	return c->end ? c->end(status) : status;
}

int cmd_fail_status(int status, char *msg)
{
	fprintf(stderr, "safer: %s\n", msg);
	free(msg);
	return status;
}

int cmd_fail(char *msg)
{
	return cmd_fail_status(EXIT_BAD_INPUT, msg);
}

int cmd_check_stdout(int status)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	/* ferror without a failed fflush: an earlier write failed, errno may be gone */
	fprintf(stderr, "safer: standard output: %s\n", strerror(errno ? errno : EIO));
	clearerr(stdout);
	return status == EXIT_OK ? EXIT_FAILURE_RUNTIME : status;
}
