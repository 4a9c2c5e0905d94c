/*
 * lib/kpi/journal_record.c - record framing and CRC-32C (journal_record.h).
 */
#include "journal_record.h"

#include <string.h>

/* Reflected CRC-32C table (polynomial 0x82F63B78), built once on first use;
 * building it twice concurrently writes the same values, so it is harmless. */
static uint32_t cc__crc_table[256];
static volatile int cc__crc_ready;

static void cc__crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        cc__crc_table[i] = c;
    }
    cc__crc_ready = 1;
}

uint32_t cc__crc32c(uint32_t crc, const void *data, size_t len)
{
    if (!cc__crc_ready) cc__crc_init();
    const unsigned char *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = cc__crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static void cc__put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t cc__get_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void cc__journal_header(unsigned char hdr[CC__JOURNAL_HEADER], const void *payload, size_t len)
{
    cc__put_le32(hdr, (uint32_t)len);
    uint32_t crc = cc__crc32c(0, hdr, 4);
    crc = cc__crc32c(crc, payload, len);
    cc__put_le32(hdr + 4, crc);
}

cc__jscan cc__journal_next(const unsigned char *data, size_t avail, const unsigned char **payload,
                           size_t *len, size_t *used)
{
    return cc__journal_next_max(data, avail, CC__JOURNAL_MAX_RECORD, payload, len, used);
}

cc__jscan cc__journal_next_max(const unsigned char *data, size_t avail, uint32_t max,
                               const unsigned char **payload, size_t *len, size_t *used)
{
    if (avail == 0) return CC__JSCAN_END;
    if (avail < CC__JOURNAL_HEADER) return CC__JSCAN_MORE;
    uint32_t n = cc__get_le32(data);
    if (n == 0 || n > max) return CC__JSCAN_TORN;
    if (n > avail - CC__JOURNAL_HEADER) return CC__JSCAN_MORE;
    uint32_t crc = cc__crc32c(0, data, 4);
    crc = cc__crc32c(crc, data + CC__JOURNAL_HEADER, n);
    if (crc != cc__get_le32(data + 4)) return CC__JSCAN_TORN;
    *payload = data + CC__JOURNAL_HEADER;
    *len = n;
    *used = CC__JOURNAL_HEADER + (size_t)n;
    return CC__JSCAN_RECORD;
}
