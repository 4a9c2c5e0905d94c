/*
 * bindings/swig/config.i - reading the C option structs from script values.
 *
 * Option structs (cc_queue_config, cc_agent_config, ...) reach the wrapper as
 * a mapping of the script language (Python dict, Lua table). The area files
 * fill each struct once, here in neutral C, through a small reader API that
 * every language overlay implements (python/config.i, lua/config.i):
 *
 *   cc_sw_obj                     borrowed handle on a script value
 *   int cc_sw_kind(m, key)        CC_SW_ABSENT (missing or None/nil), _INT,
 *                                 _NUM, _STR, _LIST, _MAP, _OTHER
 *   int cc_sw_get_i64/u64/f64/str(m, key, &out)   0, or -1 with the language
 *                                 error set (wrong type, out of range); absent: unchanged
 *   int cc_sw_each(m, key, fn, ud) calls fn(item, item_key, ud) per element of
 *                                 a list (item_key NULL) or mapping; 0 / -1
 *   int cc_sw_item_i64/u64/str(item, &out)    the element itself
 *   int cc_sw_check_keys(m, what, allowed)    refuses unknown keys (typos)
 *   int cc_sw_fail(fmt, ...)      sets the language's TypeError; returns -1
 *   int cc_sw_fail_range(fmt, ...) the same for a value its C field cannot hold
 *                                 (Python: OverflowError, as for direct arguments)
 * and for results, a mapping being built:
 *   cc_sw_put_i64/f64/str(out, key, value)
 *
 * Strings read are borrowed from the script value for the duration of the
 * call (the C library copies what it keeps). Arrays built for a call live in
 * a cc_sw_arena released after the call.
 */
%{
enum { CC_SW_ABSENT = 0, CC_SW_INT, CC_SW_NUM, CC_SW_STR, CC_SW_LIST, CC_SW_MAP, CC_SW_OTHER };

/* Memory for the arrays of one call; at most CC_SW_ARENA_MAX blocks, which
 * bounds the number of array members a single option struct may have. */
#define CC_SW_ARENA_MAX 8
typedef struct cc_sw_arena {
    void *blocks[CC_SW_ARENA_MAX];
    int n;
} cc_sw_arena;

static void *cc_sw_alloc(cc_sw_arena *a, size_t count, size_t size)
{
    if (a->n == CC_SW_ARENA_MAX) return NULL;
    void *p = calloc(count ? count : 1, size);
    if (p) a->blocks[a->n++] = p;
    return p;
}

static void cc_sw_arena_free(cc_sw_arena *a)
{
    for (int i = 0; i < a->n; i++) free(a->blocks[i]);
    a->n = 0;
}

/* The detail of a failure the binding's own helpers report (a horizon too large, out of
 * memory for a result): cc_error_last() can only be set inside the library. Thread-local
 * like cc_error_last(); cleared with it when a wrapped call starts. */
static _Thread_local char cc_sw_detail[256];

/* Records `fmt` as the detail of `status` and returns `status`. */
static cc_status cc_sw_error(cc_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cc_sw_detail, sizeof cc_sw_detail, fmt, ap);
    va_end(ap);
    return status;
}

/* Every wrapped call starts with no detail, so a failure never reports the detail of an
 * earlier one. */
static void cc_sw_call_begin(void)
{
    cc_error_clear();
    cc_sw_detail[0] = '\0';
}

/* The detail of a failing status: the binding's own, else the library's, else the
 * status's text (a status must never go out without its own words). */
static const char *cc_sw_detail_of(int status)
{
    if (cc_sw_detail[0]) return cc_sw_detail;
    const char *d = cc_error_last();
    return d && d[0] ? d : cc_strerror(status);
}
%}
