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

/* A msgpack unsigned integer at p[0..n): the bytes it takes, 0 if none. */
static size_t cc__mp_uint(const unsigned char *p, size_t n, uint64_t *v)
{
    if (n < 1) return 0;
    if (p[0] <= 0x7f) {
        *v = p[0];
        return 1;
    }
    size_t w = p[0] == 0xcc ? 1 : p[0] == 0xcd ? 2 : p[0] == 0xce ? 4 : p[0] == 0xcf ? 8 : 0;
    if (!w || n < 1 + w) return 0;
    *v = 0;
    for (size_t i = 0; i < w; i++)
        *v = *v << 8 | p[1 + i];
    return 1 + w;
}

int cc__journal_record_head(const unsigned char *p, size_t n, uint64_t *kind, uint64_t *no)
{
    size_t h = n >= 1 && p[0] >= 0x92 && p[0] <= 0x9f ? 1
               : n >= 3 && p[0] == 0xdc               ? 3
               : n >= 5 && p[0] == 0xdd               ? 5
                                                      : 0;
    if (!h) return 0;
    size_t k = cc__mp_uint(p + h, n - h, kind);
    return k && cc__mp_uint(p + h + k, n - h - k, no);
}

int cc__valid_record_scan(const unsigned char *data, size_t len, size_t first, uint64_t gap,
                          uint32_t max, int seen, uint64_t last_no, int final, size_t *undecided)
{
    size_t q = first;
    for (; q + CC__JOURNAL_MIN_RECORD <= len; q++) {
        size_t avail = len - q - CC__JOURNAL_HEADER; /* payload bytes present */
        uint32_t n = cc__get_le32(data + q);
        if (n < 3 || n > max || (final && n > avail)) continue;
        size_t have = n < avail ? n : avail;
        uint64_t kind, no;
        if (!cc__journal_record_head(data + q + CC__JOURNAL_HEADER, have, &kind, &no)) {
            if (have < n && have < CC__JOURNAL_MAX_HEAD) break; /* more bytes may make one */
            continue;
        }
        if (kind < CC__JREC_COMMAND || kind > CC__JREC_STEP) continue;
        /* The records between the bad one and q, real records included, are
         * at least CC__JOURNAL_MIN_RECORD bytes each. */
        uint64_t most = (gap + q) / CC__JOURNAL_MIN_RECORD + 1;
        if (seen && (no <= last_no || no - last_no > most)) continue;
        if (n > avail) break; /* its checksum waits for its bytes */
        const unsigned char *payload;
        size_t plen, used;
        if (cc__journal_next_max(data + q, len - q, max, &payload, &plen, &used) ==
            CC__JSCAN_RECORD)
            return 1;
    }
    if (undecided) *undecided = q;
    return 0;
}

int cc__valid_record_after(const unsigned char *data, size_t len, size_t from, uint32_t max,
                           int seen, uint64_t last_no)
{
    return cc__valid_record_scan(data + from, len - from, 1, 0, max, seen, last_no, 1, NULL);
}

int cc__journal_step_count(const msgpack_object *root, uint64_t *count)
{
    if (root->type != MSGPACK_OBJECT_ARRAY || root->via.array.size != 3) return 0;
    const msgpack_object *f = root->via.array.ptr;
    if (f[2].type != MSGPACK_OBJECT_POSITIVE_INTEGER || f[2].via.u64 == 0 ||
        f[2].via.u64 > UINT32_MAX)
        return 0;
    *count = f[2].via.u64;
    return 1;
}
