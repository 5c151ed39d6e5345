/* interrupt.h - SIGINT and SIGTERM turned into a flag that long work polls
 * between units (a scan row, a batch), so it can save what it has and stop. */
#ifndef SAFER_INTERRUPT_H
#define SAFER_INTERRUPT_H

#include <signal.h>

/* The signal number received (SIGINT or SIGTERM), 0 while none. */
extern volatile sig_atomic_t interrupt_signal;

/* Installs the handler for SIGINT and SIGTERM (no SA_RESTART: blocking calls
 * return EINTR so that a signal always ends a blocked safer). */
void interrupt_install(void);

/* The exit status that reports the interruption: 130 for SIGINT, 143 for SIGTERM. */
int interrupt_exit_status(void);

#endif
