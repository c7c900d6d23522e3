/* UTC timestamps without the C library's time zone machinery: the proleptic Gregorian calendar
 * computed from days since 1970-01-01 in 400-year eras of 146097 days. */
#include <stdio.h>
#include "util/utctime.h"

static void civil_from_days(long long days, long long *y, unsigned *m, unsigned *d)
{
	/* shift the epoch to 0000-03-01 so that the leap day ends each 4-, 100- and 400-year cycle */
	long long z = days + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);			      /* [0, 146096] */
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);		      /* [0, 365] */
	unsigned mp = (5 * doy + 2) / 153;				      /* March = 0 */

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

void sheep_utc_format(const struct timespec *ts, char buf[SHEEP_UTC_LEN])
{
	long long secs = (long long)ts->tv_sec;
	long long days = (secs >= 0 ? secs : secs - 86399) / 86400;
	unsigned rem = (unsigned)(secs - days * 86400); /* [0, 86399] */
	long long y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	/* years outside 0..9999 cannot be written in RFC 3339; clamp rather than overflow buf */
	if (y < 0)
		y = 0;
	else if (y > 9999)
		y = 9999;
	/* the modulos change no value in range; they bound the widths for the compiler */
	snprintf(buf, SHEEP_UTC_LEN, "%04u-%02u-%02uT%02u:%02u:%02u.%09uZ", (unsigned)y % 10000,
		 m % 13, d % 32, rem / 3600 % 24, rem / 60 % 60, rem % 60,
		 (unsigned)ts->tv_nsec % 1000000000u);
}

void sheep_utc_now(char buf[SHEEP_UTC_LEN])
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	sheep_utc_format(&ts, buf);
}
