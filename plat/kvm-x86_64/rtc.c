/* The CMOS real-time clock (MC146818), read once at boot for the wall
 * clock. It counts whole seconds; the TSC does the rest. */
#include <stdbool.h>
#include "io.h"
#include "kvm.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_STATUS_A 0x0a
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_B 0x0b
#define RTC_CENTURY 0x32 /* where QEMU and most PCs keep it */
#define RTC_A_UIP 0x80
#define RTC_B_BINARY 0x04
#define RTC_B_24H 0x02
#define RTC_HOUR_PM 0x80

static uint8_t kn_kvm_cmos_read(uint8_t reg)
{
	kn_outb(CMOS_INDEX, reg);
	return kn_inb(CMOS_DATA);
}

bool kn_kvm_rtc_updating(void)
{
	return kn_kvm_cmos_read(RTC_STATUS_A) & RTC_A_UIP;
}

struct kn_kvm_rtc_time {
	uint8_t sec, min, hour, day, mon, year, century;
};

static bool kn_kvm_rtc_snapshot(struct kn_kvm_rtc_time *t)
{
	/* The registers are unstable while an update is in progress. */
	for (unsigned i = 0; kn_kvm_rtc_updating(); i++)
		if (i > 100000)
			return false;
	t->sec = kn_kvm_cmos_read(RTC_SECONDS);
	t->min = kn_kvm_cmos_read(RTC_MINUTES);
	t->hour = kn_kvm_cmos_read(RTC_HOURS);
	t->day = kn_kvm_cmos_read(RTC_DAY);
	t->mon = kn_kvm_cmos_read(RTC_MONTH);
	t->year = kn_kvm_cmos_read(RTC_YEAR);
	t->century = kn_kvm_cmos_read(RTC_CENTURY);
	return true;
}

static bool kn_kvm_rtc_same(const struct kn_kvm_rtc_time *a, const struct kn_kvm_rtc_time *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->day == b->day &&
	       a->mon == b->mon && a->year == b->year && a->century == b->century;
}

static unsigned kn_kvm_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

/* Days from 1970-01-01 to the given proleptic Gregorian date, counting
 * in 400-year eras of 146097 days from a year starting in March. */
static int64_t kn_kvm_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	if (m <= 2)
		y--;
	int64_t era = y / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t kn_kvm_rtc_read(void)
{
	struct kn_kvm_rtc_time a, b;
	for (unsigned tries = 0;; tries++) {
		if (tries == 5 || !kn_kvm_rtc_snapshot(&a) || !kn_kvm_rtc_snapshot(&b))
			return -1;
		if (kn_kvm_rtc_same(&a, &b))
			break;
	}
	uint8_t status_b = kn_kvm_cmos_read(RTC_STATUS_B);
	if (status_b == 0xff) /* no device answers */
		return -1;
	bool pm = !(status_b & RTC_B_24H) && (a.hour & RTC_HOUR_PM);
	unsigned sec = a.sec, min = a.min, hour = a.hour & ~RTC_HOUR_PM;
	unsigned day = a.day, mon = a.mon, year = a.year, century = a.century;
	if (!(status_b & RTC_B_BINARY)) {
		sec = kn_kvm_bcd(sec);
		min = kn_kvm_bcd(min);
		hour = kn_kvm_bcd(hour);
		day = kn_kvm_bcd(day);
		mon = kn_kvm_bcd(mon);
		year = kn_kvm_bcd(year);
		century = kn_kvm_bcd(century);
	}
	if (!(status_b & RTC_B_24H))
		hour = hour % 12 + (pm ? 12 : 0);
	if (century < 19 || century > 99)
		century = 20;
	if (sec > 59 || min > 59 || hour > 23 || day < 1 || day > 31 || mon < 1 || mon > 12 ||
	    year > 99)
		return -1;
	int64_t days = kn_kvm_days_from_civil(century * 100 + year, mon, day);
	return days * 86400 + hour * 3600 + min * 60 + sec;
}
