/* sheep_utc_format against the C library's own calendar (gmtime_r + strftime) and a few dates
 * where a hand-made calendar goes wrong: leap days of 2000 and 2100, before the epoch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <cmocka.h>

#include "util/utctime.h"

static void expect(time_t secs, long nsec, const char *want)
{
	struct timespec ts = {.tv_sec = secs, .tv_nsec = nsec};
	char buf[SHEEP_UTC_LEN];

	sheep_utc_format(&ts, buf);
	assert_string_equal(buf, want);
}

static void test_known_dates(void **state)
{
	(void)state;
	expect(0, 0, "1970-01-01T00:00:00.000000000Z");
	expect(-1, 999999999, "1969-12-31T23:59:59.999999999Z");
	expect(951782400, 5, "2000-02-29T00:00:00.000000005Z");
	expect(951868799, 0, "2000-02-29T23:59:59.000000000Z");
	expect(4107542399, 0, "2100-02-28T23:59:59.000000000Z");
	expect(4107542400, 0, "2100-03-01T00:00:00.000000000Z");
	expect(1795708512, 123456789, "2026-11-26T15:55:12.123456789Z");
	expect(253402300799, 0, "9999-12-31T23:59:59.000000000Z");
}

/* Every ~37 hours from 1900 to 2400, plus the second before and after each midnight. */
static void test_matches_libc(void **state)
{
	(void)state;
	for (int64_t t = -2208988800LL; t < 13569465600LL; t += 133337) {
		for (int64_t s = t - t % 86400 - 1; s <= t - t % 86400 + 1; s++) {
			struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = 42};
			time_t tt = (time_t)s;
			char want[64], got[SHEEP_UTC_LEN], with_ns[80];
			struct tm tm;

			gmtime_r(&tt, &tm);
			strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
			snprintf(with_ns, sizeof(with_ns), "%s.000000042Z", want);
			sheep_utc_format(&ts, got);
			assert_string_equal(got, with_ns);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_dates),
	    cmocka_unit_test(test_matches_libc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
