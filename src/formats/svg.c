/* svg.c - see svg.h */
#include "formats/svg.h"
#include "core/util.h"

#include <string.h>

static void indent(const struct svg *s)
{
	for (int i = 0; i <= s->depth; i++)
		fputc(' ', s->f);
}

/* attrs with a leading space, or nothing */
static void put_attrs(const struct svg *s, const char *attrs)
{
	if (attrs != NULL && attrs[0] != '\0')
		fprintf(s->f, " %s", attrs);
}

static void put_paint(const struct svg *s, const char *what, const char *colour)
{
	if (colour != NULL) {
		fprintf(s->f, " %s=\"", what);
		svg_escape(s->f, colour);
		fputc('"', s->f);
	}
}

void svg_begin(struct svg *s, FILE *f, double w, double h, int standalone)
{
	s->f = f;
	s->depth = 0;
	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:safer=\"urn:safer:provenance\" "
	    "width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" font-family=\"sans-serif\">\n", w, h, w, h);
}

void svg_end(struct svg *s)
{
	while (s->depth > 0)
		svg_group_end(s);
	fputs("</svg>\n", s->f);
}

void svg_escape(FILE *f, const char *text)
{
	for (const char *p = text; p != NULL && *p != '\0'; p++)
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* control characters are not allowed in XML 1.0 at all */
			fputc((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' ? '?' : *p, f);
		}
}

char *svg_escaped(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL)
		mem_exhausted("an escaped string");
	svg_escape(f, text);
	fclose(f);
	return buf;
}

void svg_title(struct svg *s, const char *text)
{
	indent(s);
	fputs("<title>", s->f);
	svg_escape(s->f, text);
	fputs("</title>\n", s->f);
}

void svg_metadata(struct svg *s, const char *const *keys, const char *const *values, int n)
{
	indent(s);
	fputs("<metadata>\n", s->f);
	for (int i = 0; i < n; i++) {
		if (values[i] == NULL || values[i][0] == '\0')
			continue;
		indent(s);
		fprintf(s->f, " <safer:%s>", keys[i]);
		svg_escape(s->f, values[i]);
		fprintf(s->f, "</safer:%s>\n", keys[i]);
	}
	indent(s);
	fputs("</metadata>\n", s->f);
}

void svg_style(struct svg *s, const char *css)
{
	indent(s);
	fprintf(s->f, "<style><![CDATA[%s]]></style>\n", css);
}

void svg_group_begin(struct svg *s, const char *attrs)
{
	indent(s);
	fputs("<g", s->f);
	put_attrs(s, attrs);
	fputs(">\n", s->f);
	s->depth++;
}

void svg_group_end(struct svg *s)
{
	if (s->depth == 0)
		return;
	s->depth--;
	indent(s);
	fputs("</g>\n", s->f);
}

static void rect_open(struct svg *s, double x, double y, double w, double h, const char *fill, const char *attrs)
{
	indent(s);
	fprintf(s->f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"", x, y, w, h);
	put_paint(s, "fill", fill);
	put_attrs(s, attrs);
}

void svg_rect(struct svg *s, double x, double y, double w, double h, const char *fill, const char *attrs)
{
	rect_open(s, x, y, w, h, fill, attrs);
	fputs("/>\n", s->f);
}

void svg_rect_titled(struct svg *s, double x, double y, double w, double h, const char *fill,
    const char *attrs, const char *title)
{
	rect_open(s, x, y, w, h, fill, attrs);
	fputs("><title>", s->f);
	svg_escape(s->f, title);
	fputs("</title></rect>\n", s->f);
}

void svg_line(struct svg *s, double x1, double y1, double x2, double y2, const char *stroke,
    const char *attrs)
{
	indent(s);
	fprintf(s->f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"", x1, y1, x2, y2);
	put_paint(s, "stroke", stroke);
	put_attrs(s, attrs);
	fputs("/>\n", s->f);
}

static void points(struct svg *s, const double *xy, int n)
{
	fputs(" points=\"", s->f);
	for (int i = 0; i < n; i++)
		fprintf(s->f, "%s%.2f,%.2f", i ? " " : "", xy[2 * i], xy[2 * i + 1]);
	fputc('"', s->f);
}

void svg_polyline(struct svg *s, const double *xy, int n, const char *stroke, const char *attrs)
{
	indent(s);
	fputs("<polyline fill=\"none\"", s->f);
	put_paint(s, "stroke", stroke);
	points(s, xy, n);
	put_attrs(s, attrs);
	fputs("/>\n", s->f);
}

void svg_polygon(struct svg *s, const double *xy, int n, const char *fill, const char *attrs)
{
	indent(s);
	fputs("<polygon", s->f);
	put_paint(s, "fill", fill);
	points(s, xy, n);
	put_attrs(s, attrs);
	fputs("/>\n", s->f);
}

void svg_circle(struct svg *s, double cx, double cy, double r, const char *fill, const char *attrs)
{
	indent(s);
	fprintf(s->f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", cx, cy, r);
	put_paint(s, "fill", fill);
	put_attrs(s, attrs);
	fputs("/>\n", s->f);
}

void svg_text(struct svg *s, double x, double y, const char *anchor, double size, const char *text,
    const char *attrs)
{
	indent(s);
	fprintf(s->f, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\" font-size=\"%g\"", x, y,
	    anchor ? anchor : "start", size);
	put_attrs(s, attrs);
	fputc('>', s->f);
	svg_escape(s->f, text);
	fputs("</text>\n", s->f);
}

void svg_raw(struct svg *s, const char *markup)
{
	indent(s);
	fputs(markup, s->f);
	fputc('\n', s->f);
}
