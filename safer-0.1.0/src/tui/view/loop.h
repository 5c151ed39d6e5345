/* loop.h - the main loop: one poll() on stdin, the engine's wake fd, the
 * signal pipe and the gradient criteria's pipe; handlers change state, then
 * the loop schedules engine work and redraws (at most TUI_FPS times a
 * second), each from one place.  The loop never waits on inference. */
#ifndef SAFER_TUI_LOOP_H
#define SAFER_TUI_LOOP_H

#include "tui/view/view.h"

/* Runs until the user quits or a signal ends it; returns the exit status. */
int tui_loop_run(struct tui_view *v);

#endif
