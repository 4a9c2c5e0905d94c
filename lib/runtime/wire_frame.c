/*
 * lib/runtime/wire_frame.c - msgpack value extent scanner (see wire_frame.h).
 */
#include "wire_frame.h"

#include <stdint.h>

static uint64_t cc__be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/*
 * Classifies the header at p[0]: how many header bytes it has (hdr), how many
 * payload bytes follow (payload, known once the header bytes are available)
 * and how many child values it opens (children). Returns 0, or -1 for 0xc1.
 * `len_bytes` is how many bytes of the header hold the length (0 if none).
 */
typedef struct cc__hdr {
    size_t hdr;        /* bytes of the header, type byte included */
    int len_bytes;     /* length field width following the type byte */
    uint64_t fixed;    /* payload bytes known from the type byte alone */
    int kind;          /* 0 scalar/blob, 1 array, 2 map */
    uint64_t inline_n; /* element count of fixarray/fixmap */
} cc__hdr;

static int cc__classify(unsigned char b, cc__hdr *h)
{
    h->hdr = 1;
    h->len_bytes = 0;
    h->fixed = 0;
    h->kind = 0;
    h->inline_n = 0;
    if (b <= 0x7f || b >= 0xe0) return 0;
    if (b >= 0x80 && b <= 0x8f) {
        h->kind = 2;
        h->inline_n = b & 0x0f;
        return 0;
    }
    if (b >= 0x90 && b <= 0x9f) {
        h->kind = 1;
        h->inline_n = b & 0x0f;
        return 0;
    }
    if (b >= 0xa0 && b <= 0xbf) {
        h->fixed = b & 0x1f;
        return 0;
    }
    switch (b) {
    case 0xc0:
    case 0xc2:
    case 0xc3:
        return 0;
    case 0xc4:
    case 0xd9:
        h->len_bytes = 1;
        break;
    case 0xc5:
    case 0xda:
        h->len_bytes = 2;
        break;
    case 0xc6:
    case 0xdb:
        h->len_bytes = 4;
        break;
    case 0xc7:
        h->len_bytes = 1;
        h->fixed = 1;
        break; /* ext: + type byte */
    case 0xc8:
        h->len_bytes = 2;
        h->fixed = 1;
        break;
    case 0xc9:
        h->len_bytes = 4;
        h->fixed = 1;
        break;
    case 0xca:
        h->fixed = 4;
        break;
    case 0xcb:
        h->fixed = 8;
        break;
    case 0xcc:
    case 0xd0:
        h->fixed = 1;
        break;
    case 0xcd:
    case 0xd1:
        h->fixed = 2;
        break;
    case 0xce:
    case 0xd2:
        h->fixed = 4;
        break;
    case 0xcf:
    case 0xd3:
        h->fixed = 8;
        break;
    case 0xd4:
        h->fixed = 2;
        break;
    case 0xd5:
        h->fixed = 3;
        break;
    case 0xd6:
        h->fixed = 5;
        break;
    case 0xd7:
        h->fixed = 9;
        break;
    case 0xd8:
        h->fixed = 17;
        break;
    case 0xdc:
        h->kind = 1;
        h->len_bytes = 2;
        break;
    case 0xdd:
        h->kind = 1;
        h->len_bytes = 4;
        break;
    case 0xde:
        h->kind = 2;
        h->len_bytes = 2;
        break;
    case 0xdf:
        h->kind = 2;
        h->len_bytes = 4;
        break;
    default:
        return -1; /* 0xc1: never used */
    }
    h->hdr += (size_t)h->len_bytes;
    return 0;
}

cc__scan_result cc__wire_scan_resume(cc__scan_state *st, const unsigned char *data, size_t len,
                                     size_t max_size, size_t *frame_len)
{
    /* remaining[d]: values still to read at depth d (a map of n pairs counts 2n).
     * The walk's position lives in *st, so a value that is not complete yet is
     * taken up again where it stopped: each header and payload is stepped
     * over once, whatever the number of reads the value arrives in. */
    if (!st->active) {
        st->active = 1;
        st->depth = 0;
        st->pos = 0;
        st->remaining[0] = 1;
    }
    uint64_t *remaining = st->remaining;
    for (;;) {
        while (st->depth > 0 && remaining[st->depth] == 0)
            st->depth--;
        size_t pos = st->pos;
        if (st->depth == 0 && remaining[0] == 0) {
            st->active = 0; /* the next call starts the next value */
            *frame_len = pos;
            return CC__SCAN_COMPLETE;
        }
        if (pos >= max_size) return CC__SCAN_TOO_BIG;
        if (pos >= len) return CC__SCAN_MORE;
        cc__hdr h;
        if (cc__classify(data[pos], &h) != 0) return CC__SCAN_BAD;
        if (h.hdr > max_size - pos) return CC__SCAN_TOO_BIG;
        if (h.hdr > len - pos) return CC__SCAN_MORE; /* this header is read again */
        uint64_t n = h.len_bytes ? cc__be(data + pos + 1, h.len_bytes) : h.inline_n;
        pos += h.hdr;
        if (h.kind == 0) {
            uint64_t payload = h.fixed + (h.len_bytes ? n : 0);
            /* Every byte of the payload must fit in the frame. */
            if (payload > max_size - pos) return CC__SCAN_TOO_BIG;
            /* Nothing is recorded until the payload is here: the next call
             * reads this header again (O(1)), not the value from its start. */
            if (payload > len - pos) return CC__SCAN_MORE;
            remaining[st->depth]--;
            st->pos = pos + (size_t)payload;
            continue;
        }
        uint64_t children = h.kind == 2 ? 2 * n : n; /* n < 2^32: no overflow */
        /* Each child takes at least one byte: a count larger than the room
         * left can never complete. */
        if (children > max_size - pos) return CC__SCAN_TOO_BIG;
        if (children > 0 && st->depth == CC__WIRE_MAX_DEPTH) return CC__SCAN_BAD;
        remaining[st->depth]--;
        st->pos = pos;
        if (children > 0) remaining[++st->depth] = children;
    }
}

cc__scan_result cc__wire_scan(const unsigned char *data, size_t len, size_t max_size,
                              size_t *frame_len)
{
    cc__scan_state st;
    st.active = 0;
    return cc__wire_scan_resume(&st, data, len, max_size, frame_len);
}
