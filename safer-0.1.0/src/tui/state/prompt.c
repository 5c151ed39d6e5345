/* prompt.c - the one-line prompts (y/n questions and file names) as state:
 * the view (view/status.c) turns keys into these edits and draws them. */
#include "tui/state/prompt.h"

#include <stdio.h>
#include <string.h>

static void prompt_open(struct tui *t, int yesno, const char *question, const char *initial, tui_prompt_done done)
{
	struct tui_prompt *p = &t->prompt;
	p->active = 1;
	p->yesno = yesno;
	snprintf(p->question, sizeof p->question, "%s", question);
	snprintf(p->buf, sizeof p->buf, "%s", initial ? initial : "");
	p->len = (int)strlen(p->buf);
	p->done = done;
	t->dirty = 1;
}

void tui_prompt_yesno(struct tui *t, const char *question, tui_prompt_done done)
{
	prompt_open(t, 1, question, NULL, done);
}

void tui_prompt_text(struct tui *t, const char *label, const char *initial, tui_prompt_done done)
{
	prompt_open(t, 0, label, initial, done);
}

void tui_prompt_insert(struct tui *t, int byte)
{
	struct tui_prompt *p = &t->prompt;
	if (p->len + 1 < (int)sizeof p->buf) {
		p->buf[p->len++] = (char)byte;
		p->buf[p->len] = '\0';
	}
}

void tui_prompt_erase(struct tui *t)
{
	struct tui_prompt *p = &t->prompt;
	while (p->len > 0 && ((unsigned char)p->buf[p->len - 1] & 0xC0) == 0x80)
		p->len--;	/* a whole UTF-8 character */
	if (p->len > 0)
		p->len--;
	p->buf[p->len] = '\0';
}

void tui_prompt_clear(struct tui *t)
{
	t->prompt.len = 0;
	t->prompt.buf[0] = '\0';
}

/* Closes the prompt before calling back: the callback may open another. */
void tui_prompt_finish(struct tui *t, int accepted)
{
	char text[sizeof t->prompt.buf];
	tui_prompt_done done = t->prompt.done;
	snprintf(text, sizeof text, "%s", t->prompt.buf);
	t->prompt.active = 0;
	t->dirty = 1;
	if (done != NULL)
		done(t, accepted, text);
}
