/* msg.h - the one-line message the status line shows. */
#ifndef SAFER_TUI_MSG_H
#define SAFER_TUI_MSG_H

struct tui;

void tui_msg(struct tui *t, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "what: cause" as an error; frees cause. */
void tui_msg_fail(struct tui *t, const char *what, char *cause);

#endif
