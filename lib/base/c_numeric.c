/*
 * lib/base/c_numeric.c - numbers to and from text in the "C" locale (c_numeric.h).
 */
#define _GNU_SOURCE /* strtod_l, newlocale, uselocale */
#include "c_numeric.h"

#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static locale_t cc__c_locale; /* (locale_t)0 when newlocale failed: the process locale */
static pthread_once_t cc__c_locale_once = PTHREAD_ONCE_INIT;

static void cc__c_locale_make(void)
{
    cc__c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

static locale_t cc__c(void)
{
    pthread_once(&cc__c_locale_once, cc__c_locale_make);
    return cc__c_locale;
}

double cc__strtod(const char *s, char **end)
{
    locale_t c = cc__c();
    return c ? strtod_l(s, end, c) : strtod(s, end);
}

int cc__vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    /* glibc has no vsnprintf_l: the calling thread's locale is switched for the call */
    locale_t c = cc__c();
    locale_t old = c ? uselocale(c) : (locale_t)0;
    int r = vsnprintf(buf, n, fmt, ap);
    if (c) uselocale(old);
    return r;
}

int cc__snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = cc__vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}
