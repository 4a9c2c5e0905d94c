/*
 * tests/fuzz/fuzz_recovery.c - libFuzzer harness for journal recovery.
 *
 * The input is a sequence of msgpack values, the payloads of a journal
 * segment's records: the harness frames each with a valid length and CRC-32C
 * (so the fuzzer explores what records say, not checksums), optionally tears
 * the last record (low bit of the first byte), writes the segment to a fresh
 * directory, recovers a runtime from it (COMMAND and ADVANCE records replayed
 * through the wire methods, runtime.attach/detach applied, records a segment
 * never holds refused) and closes it. Whatever the records say, recovery
 * returns a status and leaves nothing behind (ASan checks memory, the loop
 * checks handles).
 */
#include "kpi/journal_record.h"
#include "runtime/runtime_impl.h"
#include "runtime/wire_frame.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void clear_dir(void)
{
    DIR *d = opendir(dir);
    if (!d) abort();
    struct dirent *e;
    char path[256];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

/* libFuzzer ends with exit(): the scratch directory goes with it. */
static void remove_dir(void)
{
    clear_dir();
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/cc-fuzz-recovery-XXXXXX");
        if (!mkdtemp(dir)) abort();
        atexit(remove_dir);
    }
    int tear = data[0] & 1;
    data++;
    size--;
    clear_dir();
    char path[256];
    snprintf(path, sizeof path, "%s/journal-%016x.ccj", dir, 1);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    fwrite(CC__JOURNAL_MAGIC, 1, CC__JOURNAL_MAGIC_LEN, f);
    size_t off = 0, flen, written = CC__JOURNAL_MAGIC_LEN, last_start = 0, last = 0;
    while (off < size && cc__wire_scan(data + off, size - off, CC__JOURNAL_MAX_RECORD, &flen) ==
                             CC__SCAN_COMPLETE) {
        unsigned char hdr[CC__JOURNAL_HEADER];
        cc__journal_header(hdr, data + off, flen);
        fwrite(hdr, 1, sizeof hdr, f);
        fwrite(data + off, 1, flen, f);
        last_start = written;
        last = CC__JOURNAL_HEADER + flen;
        written += last;
        off += flen;
    }
    fclose(f);
    /* A crash in the middle of the last record's write. */
    if (tear && last > 0 && truncate(path, (off_t)(last_start + last / 2)) != 0) abort();
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) abort();
    cc_runtime_options o = CC_RUNTIME_OPTIONS_INIT;
    o.journal_dir = dir;
    o.fsync = CC_FSYNC_OFF;
    cc_runtime *rt;
    if (cc_runtime_new(&rt, &loop, NULL, &o) == CC_OK) {
        if (cc_runtime_close(rt, NULL, NULL) != CC_OK) abort();
        uv_run(&loop, UV_RUN_DEFAULT);
    }
    if (uv_loop_close(&loop) != 0) abort(); /* a handle left open */
    return 0;
}
