/* term.c - the terminal: signals as loop events, curses on and off, colours
 * and glyphs.
 *
 * Signals (the htop/tmux way): SIGINT, SIGTERM, SIGHUP and SIGWINCH only write their
 * number into a self-pipe that the main loop polls; nothing else happens in
 * handler context.  Because our SIGWINCH handler is installed before curses
 * starts, ncurses leaves resizing to us (tui_term_resize).
 *
 * Stray output: while curses owns the screen, fds 1 and 2 point at a nameless
 * temporary file, so nothing Darknet or a library prints can corrupt the
 * display; curses writes through its own duplicate of the terminal fd.  After
 * endwin the captured text is replayed to the real stderr. */
#include "tui/view/term.h"
#include "tui/view/draw.h"
#include "core/util.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int sig_fds[2] = { -1, -1 };
static struct sigaction old_int, old_term, old_hup, old_winch;

static struct {
	SCREEN *scr;
	FILE *tty;		/* curses output: a duplicate of the original stdout */
	int capture;		/* temporary file receiving fds 1 and 2 */
	int saved_out, saved_err;
} term = { NULL, NULL, -1, -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;
	ssize_t r = write(sig_fds[1], &c, 1);
	(void)r;	/* a full pipe already holds a wake-up */
	errno = saved;
}

int tui_term_signals_open(void)
{
	if (pipe(sig_fds) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(sig_fds[i], F_SETFL, fcntl(sig_fds[i], F_GETFL) | O_NONBLOCK);
		fcntl(sig_fds[i], F_SETFD, FD_CLOEXEC);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sigaction(SIGWINCH, &sa, &old_winch);
	return 0;
}

int tui_term_signal_fd(void)
{
	return sig_fds[0];
}

int tui_term_signal_take(void)
{
	unsigned char c;
	return read(sig_fds[0], &c, 1) == 1 ? c : 0;
}

void tui_term_signals_close(void)
{
	if (sig_fds[0] < 0)
		return;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGWINCH, &old_winch, NULL);
	close(sig_fds[0]);
	close(sig_fds[1]);
	sig_fds[0] = sig_fds[1] = -1;
}

int tui_term_input_fd(void)
{
	return STDIN_FILENO;
}

/* ---- output capture --------------------------------------------------------- */

static void capture_begin(void)
{
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/safer-tui-XXXXXX", dir && *dir ? dir : "/tmp");
	term.capture = mkstemp(path);
	if (term.capture >= 0)
		unlink(path);	/* nameless: nothing left behind, even after a crash */
	free(path);
	fflush(stdout);
	fflush(stderr);
	term.saved_out = dup(STDOUT_FILENO);
	term.saved_err = dup(STDERR_FILENO);
	if (term.capture >= 0) {
		dup2(term.capture, STDOUT_FILENO);
		dup2(term.capture, STDERR_FILENO);
	}
}

static void capture_end(void)
{
	fflush(stdout);
	fflush(stderr);
	if (term.saved_out >= 0) {
		dup2(term.saved_out, STDOUT_FILENO);
		close(term.saved_out);
	}
	if (term.saved_err >= 0) {
		dup2(term.saved_err, STDERR_FILENO);
		close(term.saved_err);
	}
	term.saved_out = term.saved_err = -1;
	if (term.capture < 0)
		return;
	char buf[4096];
	ssize_t n;
	lseek(term.capture, 0, SEEK_SET);
	while ((n = read(term.capture, buf, sizeof buf)) > 0)
		if (write(STDERR_FILENO, buf, (size_t)n) != n)
			break;
	close(term.capture);
	term.capture = -1;
}

/* ---- colours and glyphs ----------------------------------------------------- */

static void theme_mono(struct tui_view *v)
{
	static const attr_t mono[R_ROLE_COUNT] = {
		[R_NORMAL] = A_NORMAL, [R_TITLE] = A_BOLD, [R_FOCUS] = A_REVERSE | A_BOLD,
		[R_DIM] = A_DIM, [R_GOOD] = A_NORMAL, [R_WARN] = A_BOLD,
		[R_ACCENT] = A_BOLD, [R_SELECT] = A_REVERSE, [R_HEAT0] = A_DIM, [R_HEAT1] = A_NORMAL,
		[R_HEAT2] = A_BOLD, [R_HEAT3] = A_BOLD, [R_ERROR] = A_BOLD | A_UNDERLINE,
	};
	memcpy(v->attr, mono, sizeof mono);
}

static void theme_colour(struct tui_view *v)
{
	static const struct { int role, fg, attr; } map[] = {
		{ R_TITLE, COLOR_CYAN, A_BOLD }, { R_GOOD, COLOR_GREEN, 0 }, { R_WARN, COLOR_YELLOW, A_BOLD },
		{ R_ACCENT, COLOR_MAGENTA, A_BOLD }, { R_HEAT0, COLOR_GREEN, 0 },
		{ R_HEAT1, COLOR_YELLOW, 0 }, { R_HEAT2, COLOR_MAGENTA, A_BOLD }, { R_HEAT3, COLOR_RED, A_BOLD },
		{ R_ERROR, COLOR_RED, A_BOLD },
	};
	start_color();
	int bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		init_pair((short)(i + 1), (short)map[i].fg, (short)bg);
		v->attr[map[i].role] = (attr_t)COLOR_PAIR(i + 1) | (attr_t)map[i].attr;
	}
	short focus = (short)(sizeof map / sizeof map[0] + 1);
	init_pair(focus, COLOR_BLACK, COLOR_CYAN);
	v->attr[R_FOCUS] = (attr_t)COLOR_PAIR(focus) | A_BOLD;
}

static void theme(struct tui_view *v)
{
	const char *nc = getenv("NO_COLOR");
	theme_mono(v);
	if (has_colors() && !(nc && *nc))
		theme_colour(v);
}

static void glyphs(struct tui_view *v)
{
	static const struct tui_glyphs utf8 = {
		1, "─", "│", "…", "→", "·", "▸", "‹", "›",
		{ "", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█" },
		{ " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" },
		{ "·", "░", "▒", "▓", "█" }, "░",
	};
	static const struct tui_glyphs ascii = {
		0, "-", "|", "~", ">", ".", ">", "<", ">",
		{ "", ".", ".", ":", ":", "=", "=", "#", "#" },
		{ " ", ".", ".", ":", ":", "|", "|", "#", "#" },
		{ ".", "-", "+", "*", "#" }, ".",
	};
	const char *cs = nl_langinfo(CODESET);
	int is_utf8 = cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
	v->g = is_utf8 ? utf8 : ascii;
	tui_draw_set_utf8(is_utf8);
}

/* ---- curses ----------------------------------------------------------------- */

/* Out of memory while curses runs: give the terminal back and let the
 * message reach the real stderr (util_on_fatal; nothing here allocates). */
static void term_fatal(void)
{
	if (term.scr != NULL)
		endwin();
	capture_end();
}

int tui_term_start(struct tui_view *v, char **cause)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = xstrdup("tui: standard input and output must be a terminal");
		return -1;
	}
	int fd = dup(STDOUT_FILENO);
	term.tty = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (term.tty == NULL) {
		*cause = xasprintf("tui: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	capture_begin();
	term.scr = newterm(NULL, term.tty, stdin);
	if (term.scr == NULL) {
		const char *tn = getenv("TERM");
		tui_term_stop();
		*cause = xasprintf("tui: cannot drive terminal type '%s'", tn ? tn : "(unset)");
		return -1;
	}
	set_term(term.scr);
	static int hooked;
	if (!hooked) {
		util_on_fatal(term_fatal);
		hooked = 1;
	}
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	theme(v);
	glyphs(v);
	v->rows = LINES;
	v->cols = COLS;
	return 0;
}

void tui_term_stop(void)
{
	if (term.scr != NULL) {
		endwin();
		delscreen(term.scr);
		term.scr = NULL;
	}
	if (term.tty != NULL) {
		fclose(term.tty);
		term.tty = NULL;
	}
	capture_end();
}

void tui_term_resize(struct tui_view *v)
{
	struct winsize ws;
	if (term.tty != NULL && ioctl(fileno(term.tty), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	v->rows = LINES;
	v->cols = COLS;
	clearok(curscr, TRUE);
	v->t->dirty = 1;
}
