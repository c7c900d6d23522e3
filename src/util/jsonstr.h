/* A string as a JSON string literal (for the few JSON lines built without a generator). */
#ifndef SHEEP_UTIL_JSONSTR_H
#define SHEEP_UTIL_JSONSTR_H

/* "..." with quotes, backslashes and control characters escaped; malloc'd, NULL on ENOMEM. */
char *sheep_json_quote(const char *s);

#endif
