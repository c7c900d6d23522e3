/* RFC 3339 timestamps in UTC ("2026-11-26T15:55:12.123456789Z") for state files and JSON logs. */
#pragma once

#include <time.h>

#define SHEEP_UTC_LEN 31 /* with the terminating NUL */

/* Formats ts into buf. Computed from the epoch seconds, not through gmtime_r/strftime: glibc
 * loads /etc/localtime on its first time conversion even for UTC, a file read per invocation. */
void sheep_utc_format(const struct timespec *ts, char buf[SHEEP_UTC_LEN]);

/* The current time, formatted as above. */
void sheep_utc_now(char buf[SHEEP_UTC_LEN]);
