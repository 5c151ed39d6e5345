/* status.c - the status line: data set, threads, the last message and what
 * the engine is doing; or the open prompt (state/prompt.c), which takes the
 * keyboard until answered: this file turns keys into its edits. */
#include "tui/view/status.h"
#include "tui/view/draw.h"
#include "tui/view/tabs.h"
#include "tui/state/jobs.h"
#include "tui/state/metric.h"
#include "tui/state/prompt.h"

#include <curses.h>
#include <stdio.h>

#define CTRL(c) ((c) & 0x1f)

int tui_status_key(struct tui *t, int ch)
{
	const struct tui_prompt *p = &t->prompt;
	if (!p->active)
		return 0;
	t->dirty = 1;
	if (p->yesno) {
		if (ch == 'y' || ch == 'Y')
			tui_prompt_finish(t, 1);
		else if (ch == 'n' || ch == 'N' || ch == 27 || ch == CTRL('g'))
			tui_prompt_finish(t, 0);
		return 1;
	}
	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER)
		tui_prompt_finish(t, p->len > 0);
	else if (ch == 27 || ch == CTRL('g'))
		tui_prompt_finish(t, 0);
	else if (ch == KEY_BACKSPACE || ch == 127 || ch == CTRL('h'))
		tui_prompt_erase(t);
	else if (ch == CTRL('u'))
		tui_prompt_clear(t);
	else if (ch >= 32 && ch < 256)
		tui_prompt_insert(t, ch);
	return 1;
}

/* The question, cut with an ellipsis when long (a file prompt keeps at
 * least 20 columns for its answer), then the answer's end in view. */
static void status_prompt(const struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	const struct tui_prompt *p = &t->prompt;
	char q[200];
	snprintf(q, sizeof q, p->yesno ? "%s (y/n) " : "%s: ", p->question);
	int qw = p->yesno ? r->w : r->w - 20;
	if (p->yesno && tui_draw_width(q) > r->w) {
		/* "(y/n)" must stay in view: cut the question before it */
		char cut[200];
		snprintf(cut, sizeof cut, "%s", p->question);
		tui_draw_text_fit(r, 0, 0, r->w - 7, v->attr[R_ACCENT], cut);
		tui_draw_text(r, 0, r->w - 7, v->attr[R_ACCENT], " (y/n)");
		return;
	}
	tui_draw_text_fit(r, 0, 0, qw, v->attr[R_ACCENT], q);
	int x = tui_draw_width(q);
	if (x > qw)
		x = qw;
	if (p->yesno)
		return;
	const char *shown = p->buf;
	while (*shown && tui_draw_width(shown) > r->w - x - 2)	/* keep the end of a long path in view */
		shown++;
	tui_draw_text(r, 0, x, v->attr[R_NORMAL], shown);
	tui_draw_text(r, 0, x + tui_draw_width(shown), A_REVERSE, " ");
}

void tui_status_draw(const struct tui_view *v, const struct tui *t)
{
	const struct tui_rect *r = &v->r_status;
	tui_draw_clear(r);
	if (t->prompt.active) {
		status_prompt(v, t, r);
		return;
	}
	char info[160], act[64], buf[80], metric[48] = "";
	const char *tag = tui_metric_tag(t);
	if (tag != NULL)
		snprintf(metric, sizeof metric, "%s %s ", tag, v->g.dot);
	snprintf(act, sizeof act, " %s ", tui_jobs_activity(t, buf, sizeof buf));
	int aw = tui_draw_width(act), room = r->w - aw, mw = tui_draw_width(t->msg);
	/* the message matters more than the data set's name */
	snprintf(info, sizeof info, "%s %s %s %d img %s %s%d thr ", t->cfg_base, v->g.dot, t->data_label,
	    t->data->count, v->g.dot, metric, engine_threads(t->eng));
	if (!t->msg[0])
		mw = 40;	/* the hint: room for most of it */
	if (tui_draw_width(info) + mw + 2 > room)
		snprintf(info, sizeof info, "%s %s %d img %s %s%d thr ", t->cfg_base, v->g.dot, t->data->count,
		    v->g.dot, metric, engine_threads(t->eng));
	if (tui_draw_width(info) + mw + 2 > room)
		info[0] = '\0';
	tui_draw_text(r, 0, 0, v->attr[R_DIM], info);
	int x = tui_draw_width(info);
	if (x > 0)
		tui_draw_text(r, 0, x++, v->attr[R_DIM], v->g.vline);
	/* the message ends before the activity, cut with an ellipsis, a bar
	 * between; without one, what the focused element is */
	const struct tui_pane *fp = tui_tabs_focused(t);
	char hint[256] = "";
	if (!t->msg[0] && fp->explain != NULL)
		fp->explain(t, hint, sizeof hint);
	const char *shown = t->msg[0] ? t->msg : hint;
	tui_draw_text_fit(r, 0, x + 1, room - x - 3, v->attr[t->msg_error ? R_ERROR : t->msg[0] ? R_NORMAL : R_DIM], shown);
	if (shown[0])
		tui_draw_text(r, 0, room - 1, v->attr[R_DIM], v->g.vline);
	tui_draw_text(r, 0, r->w - aw, v->attr[t->run.active ? R_ACCENT : R_DIM], act);
}
