/* Only the explorer's view (src/tui/view/) may include curses (see README: the layered tree). */
#error "curses is included outside src/tui/view/"
