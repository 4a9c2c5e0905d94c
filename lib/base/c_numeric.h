/*
 * lib/base/c_numeric.h - internal: numbers to and from text in the "C" locale.
 *
 * strtod and printf follow LC_NUMERIC, which the program embedding the library sets as it
 * likes (Python's locale.setlocale(LC_ALL, ""), Lua's os.setlocale): under de_DE,
 * strtod("1.5") is 1 and "%g" of 1.5 is "1,5", so CSV and JSON input would be misread and
 * the JSON and CSV written would not be JSON or a number. Every conversion of the library's
 * own text formats goes through these, whatever the process locale. The "C" locale object
 * is made once (thread-safe); O(1) apart from the conversion itself.
 */
#ifndef CC_BASE_C_NUMERIC_H
#define CC_BASE_C_NUMERIC_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define CC__C_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CC__C_PRINTF(f, a)
#endif

/* strtod with '.' as the decimal point. */
double cc__strtod(const char *s, char **end);

/* snprintf / vsnprintf with '.' as the decimal point; return what they return. */
int cc__snprintf(char *buf, size_t n, const char *fmt, ...) CC__C_PRINTF(3, 4);
int cc__vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) CC__C_PRINTF(3, 0);

#endif
