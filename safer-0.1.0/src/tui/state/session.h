/* session.h - the working budget survives the session: saved on exit to
 * $XDG_STATE_HOME/safer/session.budget (default ~/.local/state/...), offered
 * back at the next start. */
#ifndef SAFER_TUI_SESSION_H
#define SAFER_TUI_SESSION_H

struct tui;

int tui_session_save(struct tui *t, char **cause);
void tui_session_offer(struct tui *t);

#endif
