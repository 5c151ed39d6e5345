/* svg.h - a small SVG writer: the one renderer behind `safer plot`, `safer
 * report` and (later) the explorer's "save as SVG".
 *
 * Every call appends well-formed XML to a stream; text and attribute values
 * given as strings are escaped here, so a path with '&' or '<' in it cannot
 * break the document.  `attrs` arguments are raw attribute text the caller
 * composes from numbers and identifiers (class="cell" data-layer="3"), or
 * NULL; anything from a file goes through svg_attr_escaped first. */
#ifndef SAFER_SVG_H
#define SAFER_SVG_H

#include <stdio.h>

struct svg {
	FILE *f;	/* not owned */
	int depth;	/* open groups, for svg_end */
};

/* "<svg ...>" of w x h user units (pixels); standalone adds the XML
 * declaration (a file of its own, not inline in HTML). */
void svg_begin(struct svg *s, FILE *f, double w, double h, int standalone);
/* Closes any open group and the document. */
void svg_end(struct svg *s);

/* Escapes &, <, >, " and ' for text and attribute values. */
void svg_escape(FILE *f, const char *text);
/* A newly allocated copy of text escaped as svg_escape writes it. */
char *svg_escaped(const char *text);

void svg_title(struct svg *s, const char *text);
/* <metadata> holding one <safer:KEY>VALUE</safer:KEY> element per pair
 * (keys are XML names; NULL or empty values are left out). */
void svg_metadata(struct svg *s, const char *const *keys, const char *const *values, int n);
/* <style> with the given CSS (trusted text, no "]]>"). */
void svg_style(struct svg *s, const char *css);

void svg_group_begin(struct svg *s, const char *attrs);
void svg_group_end(struct svg *s);

/* fill/stroke: CSS colours ("#3b528b", "none", "url(#hatch)") or NULL. */
void svg_rect(struct svg *s, double x, double y, double w, double h, const char *fill, const char *attrs);
/* The same with a <title> child (a tooltip in browsers). */
void svg_rect_titled(struct svg *s, double x, double y, double w, double h, const char *fill,
    const char *attrs, const char *title);
void svg_line(struct svg *s, double x1, double y1, double x2, double y2, const char *stroke,
    const char *attrs);
/* n points as x0,y0,x1,y1...: a polyline, or a closed polygon. */
void svg_polyline(struct svg *s, const double *xy, int n, const char *stroke, const char *attrs);
void svg_polygon(struct svg *s, const double *xy, int n, const char *fill, const char *attrs);
void svg_circle(struct svg *s, double cx, double cy, double r, const char *fill, const char *attrs);
/* anchor: "start", "middle" or "end". */
void svg_text(struct svg *s, double x, double y, const char *anchor, double size, const char *text,
    const char *attrs);
/* Raw markup (defs, patterns): trusted text. */
void svg_raw(struct svg *s, const char *markup);

#endif
