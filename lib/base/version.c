/*
 * lib/base/version.c - run-time version.
 */
#include "callcore/version.h"

const char *cc_version(void)
{
    return CC_VERSION_STRING;
}

unsigned int cc_version_hex(void)
{
    return CC_VERSION_HEX;
}
