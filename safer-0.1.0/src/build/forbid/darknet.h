/* Only src/backend/ may include darknet.h (see README: the layered tree). */
#error "darknet.h is included outside src/backend/"
