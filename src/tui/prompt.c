/* prompt.c - the status line: data set, threads, the last message and what
 * the engine is doing; and the one-line prompts (y/n questions and file
 * names) that take over the keyboard until answered. */
#include "tui/tui.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)

void tui_msg(struct tui *t, int error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof t->msg, fmt, ap);
	va_end(ap);
	/* one line: messages quote file contents and paths */
	for (char *p = t->msg; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	t->msg_error = error;
	t->dirty = 1;
}

void tui_fail(struct tui *t, const char *what, char *cause)
{
	tui_msg(t, 1, "%s: %s", what, cause ? cause : "failed");
	free(cause);
}

static void prompt_open(struct tui *t, int yesno, const char *question, const char *initial, prompt_done_fn done)
{
	struct prompt *p = &t->prompt;
	p->active = 1;
	p->yesno = yesno;
	snprintf(p->question, sizeof p->question, "%s", question);
	snprintf(p->buf, sizeof p->buf, "%s", initial ? initial : "");
	p->len = (int)strlen(p->buf);
	p->done = done;
	t->dirty = 1;
}

void prompt_yesno(struct tui *t, const char *question, prompt_done_fn done)
{
	prompt_open(t, 1, question, NULL, done);
}

void prompt_text(struct tui *t, const char *label, const char *initial, prompt_done_fn done)
{
	prompt_open(t, 0, label, initial, done);
}

/* Closes the prompt before calling back: the callback may open another. */
static void prompt_finish(struct tui *t, int accepted)
{
	char text[sizeof t->prompt.buf];
	prompt_done_fn done = t->prompt.done;
	snprintf(text, sizeof text, "%s", t->prompt.buf);
	t->prompt.active = 0;
	t->dirty = 1;
	done(t, accepted, text);
}

static void prompt_edit(struct prompt *p, int ch)
{
	if (ch == KEY_BACKSPACE || ch == 127 || ch == CTRL('h')) {
		while (p->len > 0 && ((unsigned char)p->buf[p->len - 1] & 0xC0) == 0x80)
			p->len--;	/* a whole UTF-8 character */
		if (p->len > 0)
			p->len--;
	} else if (ch == CTRL('u')) {
		p->len = 0;
	} else if (ch >= 32 && ch < 256 && p->len + 1 < (int)sizeof p->buf) {
		p->buf[p->len++] = (char)ch;
	}
	p->buf[p->len] = '\0';
}

/* Returns 1 when the prompt took the key. */
int prompt_key(struct tui *t, int ch)
{
	struct prompt *p = &t->prompt;
	if (!p->active)
		return 0;
	t->dirty = 1;
	if (p->yesno) {
		if (ch == 'y' || ch == 'Y')
			prompt_finish(t, 1);
		else if (ch == 'n' || ch == 'N' || ch == 27 || ch == CTRL('g'))
			prompt_finish(t, 0);
		return 1;
	}
	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER)
		prompt_finish(t, p->len > 0);
	else if (ch == 27 || ch == CTRL('g'))
		prompt_finish(t, 0);
	else if (ch != KEY_RESIZE && ch != KEY_MOUSE)
		prompt_edit(p, ch);
	return 1;
}

static void status_prompt(struct tui *t, const struct tui_rect *r)
{
	const struct prompt *p = &t->prompt;
	char q[200];
	snprintf(q, sizeof q, p->yesno ? "%s (y/n) " : "%s: ", p->question);
	draw_text(r, 0, 0, t->attr[R_ACCENT], q);
	int x = draw_width(q);
	const char *shown = p->buf;
	while (draw_width(shown) > r->w - x - 2)	/* keep the end of a long path in view */
		shown++;
	if (!p->yesno) {
		draw_text(r, 0, x, t->attr[R_NORMAL], shown);
		draw_text(r, 0, x + draw_width(shown), A_REVERSE, " ");
	}
}

void view_status_draw(struct tui *t)
{
	const struct tui_rect *r = &t->r_status;
	draw_clear(r);
	if (t->prompt.active) {
		status_prompt(t, r);
		return;
	}
	char info[160], act[64], buf[80];
	snprintf(act, sizeof act, " %s ", jobs_activity(t, buf, sizeof buf));
	int aw = draw_width(act), room = r->w - aw, mw = draw_width(t->msg);
	/* the message matters more than the data set's name */
	snprintf(info, sizeof info, "%s %s %s %d img %s %d thr ", t->cfg_base, t->g.dot, t->data_label,
	    t->data->count, t->g.dot, engine_threads(t->eng));
	if (draw_width(info) + mw + 2 > room)
		snprintf(info, sizeof info, "%s %s %d img %s %d thr ", t->cfg_base, t->g.dot, t->data->count,
		    t->g.dot, engine_threads(t->eng));
	if (draw_width(info) + mw + 2 > room)
		info[0] = '\0';
	draw_text(r, 0, 0, t->attr[R_DIM], info);
	int x = draw_width(info);
	if (x > 0)
		draw_text(r, 0, x++, t->attr[R_DIM], t->g.vline);
	struct tui_rect mr = { r->y, r->x, 1, room };
	draw_text(&mr, 0, x + 1, t->attr[t->msg_error ? R_ERROR : R_NORMAL], t->msg);
	draw_text(r, 0, r->w - aw, t->attr[t->run.active ? R_ACCENT : R_DIM], act);
}
