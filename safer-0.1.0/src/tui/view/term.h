/* term.h - the terminal: signals as loop events, curses on and off (stray
 * output captured meanwhile and replayed after), colours and glyphs. */
#ifndef SAFER_TUI_TERM_H
#define SAFER_TUI_TERM_H

#include "tui/view/view.h"

int tui_term_signals_open(void);
int tui_term_signal_fd(void);
/* The next signal that arrived, 0 when none. */
int tui_term_signal_take(void);
void tui_term_signals_close(void);
int tui_term_start(struct tui_view *v, char **cause);
void tui_term_stop(void);
void tui_term_resize(struct tui_view *v);
int tui_term_input_fd(void);

#endif
