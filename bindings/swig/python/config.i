/*
 * bindings/swig/python/config.i - Python side of the reader API of config.i:
 * option structs are read from dicts (keys = C field names), results are
 * returned as dicts. Called with the GIL held.
 */
%{
typedef PyObject *cc_sw_obj;
typedef PyObject *cc_sw_out;

static int cc_sw_fail(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    PyErr_SetString(PyExc_TypeError, msg);
    return -1;
}

/* Borrowed value of `key`, or NULL when absent or None. */
static PyObject *cc_sw_value(cc_sw_obj m, const char *key)
{
    PyObject *v = PyDict_GetItemString(m, key);
    return v == Py_None ? NULL : v;
}

static int cc_sw_kind_of(PyObject *v)
{
    if (!v || v == Py_None) return CC_SW_ABSENT;
    if (PyBool_Check(v) || PyLong_Check(v) || PyIndex_Check(v)) return CC_SW_INT;
    if (PyFloat_Check(v)) return CC_SW_NUM;
    if (PyUnicode_Check(v)) return CC_SW_STR;
    if (PyDict_Check(v)) return CC_SW_MAP;
    if (PyList_Check(v) || PyTuple_Check(v)) return CC_SW_LIST;
    return CC_SW_OTHER;
}

static int cc_sw_kind(cc_sw_obj m, const char *key)
{
    return cc_sw_kind_of(cc_sw_value(m, key));
}

/* A value outside the range of its C field: OverflowError, as SWIG raises for a direct
 * argument. Returns -1. */
static int cc_sw_fail_range(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    PyErr_SetString(PyExc_OverflowError, msg);
    return -1;
}

/* `v` as a Python int (a new reference), or NULL with TypeError naming `key` (or "value"
 * for an element without a key). */
static PyObject *cc_py_index(PyObject *v, const char *key)
{
    PyObject *n = PyNumber_Index(v);
    if (!n) {
        PyErr_Clear();
        if (key) cc_sw_fail("'%s' must be an integer, got %s", key, Py_TYPE(v)->tp_name);
        else cc_sw_fail("expected an integer, got %s", Py_TYPE(v)->tp_name);
    }
    return n;
}

/* Reads the integer `v` into *out: TypeError when it is not an integer, OverflowError
 * (naming the range) when it does not fit int64_t. */
static int cc_py_int64(PyObject *v, const char *key, int64_t *out)
{
    PyObject *n = cc_py_index(v, key);
    if (!n) return -1;
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(n, &overflow);
    Py_DECREF(n);
    if (x == -1 && PyErr_Occurred()) return -1;
    if (overflow) {
        PyErr_Format(PyExc_OverflowError, "'%s' must be in %lld..%lld, got %R",
                     key ? key : "value", LLONG_MIN, LLONG_MAX, v);
        return -1;
    }
    *out = (int64_t)x;
    return 0;
}

/* The same for uint64_t fields (contact and customer ids, seeds): 0..2**64-1; a negative
 * value is refused, not wrapped to a huge id. */
static int cc_py_uint64(PyObject *v, const char *key, uint64_t *out)
{
    PyObject *n = cc_py_index(v, key);
    if (!n) return -1;
    unsigned long long x = PyLong_AsUnsignedLongLong(n);
    Py_DECREF(n);
    if (x == (unsigned long long)-1 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_OverflowError)) return -1;
        PyErr_Clear();
        PyErr_Format(PyExc_OverflowError, "'%s' must be in 0..%llu, got %R", key ? key : "value",
                     ULLONG_MAX, v);
        return -1;
    }
    *out = (uint64_t)x;
    return 0;
}

static int cc_sw_item_i64(cc_sw_obj v, int64_t *out)
{
    return cc_py_int64(v, NULL, out);
}

static int cc_sw_item_u64(cc_sw_obj v, uint64_t *out)
{
    return cc_py_uint64(v, NULL, out);
}

static int cc_sw_item_f64(cc_sw_obj v, double *out)
{
    double x = PyFloat_AsDouble(v);
    if (x == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return cc_sw_fail("expected a number, got %s", Py_TYPE(v)->tp_name);
    }
    *out = x;
    return 0;
}

static int cc_sw_item_str(cc_sw_obj v, const char **out)
{
    if (!PyUnicode_Check(v)) return cc_sw_fail("expected a str, got %s", Py_TYPE(v)->tp_name);
    *out = cc_py_utf8(v, "string");
    return *out ? 0 : -1;
}

static int cc_sw_get_i64(cc_sw_obj m, const char *key, int64_t *out)
{
    PyObject *v = cc_sw_value(m, key);
    return v ? cc_py_int64(v, key, out) : 0;
}

static int cc_sw_get_u64(cc_sw_obj m, const char *key, uint64_t *out)
{
    PyObject *v = cc_sw_value(m, key);
    return v ? cc_py_uint64(v, key, out) : 0;
}

static int cc_sw_get_f64(cc_sw_obj m, const char *key, double *out)
{
    PyObject *v = cc_sw_value(m, key);
    if (!v) return 0;
    if (cc_sw_item_f64(v, out) != 0) {
        PyErr_Clear();
        return cc_sw_fail("'%s' must be a number, got %s", key, Py_TYPE(v)->tp_name);
    }
    return 0;
}

static int cc_sw_get_str(cc_sw_obj m, const char *key, const char **out)
{
    PyObject *v = cc_sw_value(m, key);
    if (!v) return 0;
    if (!PyUnicode_Check(v)) return cc_sw_fail("'%s' must be a str, got %s", key, Py_TYPE(v)->tp_name);
    char what[96];
    snprintf(what, sizeof what, "'%s'", key);
    *out = cc_py_utf8(v, what);
    return *out ? 0 : -1;
}

typedef int (*cc_sw_each_fn)(cc_sw_obj item, const char *item_key, void *ud);

/* Number of elements of the list or mapping under key (0 when absent). */
static int cc_sw_len(cc_sw_obj m, const char *key, size_t *n)
{
    PyObject *v = cc_sw_value(m, key);
    *n = 0;
    if (!v) return 0;
    int kind = cc_sw_kind_of(v);
    if (kind != CC_SW_LIST && kind != CC_SW_MAP)
        return cc_sw_fail("'%s' must be a list or a dict, got %s", key, Py_TYPE(v)->tp_name);
    *n = (size_t)PyObject_Length(v);
    return 0;
}

static int cc_sw_each(cc_sw_obj m, const char *key, cc_sw_each_fn fn, void *ud)
{
    PyObject *v = cc_sw_value(m, key);
    if (!v) return 0;
    if (PyDict_Check(v)) {
        Py_ssize_t pos = 0;
        PyObject *k, *item;
        while (PyDict_Next(v, &pos, &k, &item)) {
            const char *ks = NULL;
            if (cc_sw_item_str(k, &ks) != 0) return -1;
            if (fn(item, ks, ud) != 0) return -1;
        }
        return 0;
    }
    if (PyList_Check(v) || PyTuple_Check(v)) {
        Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
        for (Py_ssize_t i = 0; i < n; i++)
            if (fn(PySequence_Fast_GET_ITEM(v, i), NULL, ud) != 0) return -1;
        return 0;
    }
    return cc_sw_fail("'%s' must be a list or a dict, got %s", key, Py_TYPE(v)->tp_name);
}

static int cc_sw_is_map(cc_sw_obj v)
{
    return PyDict_Check(v);
}

/* Refuses keys that are not in `allowed` (NULL-terminated): a typo in an
 * option name must not be silently ignored. */
static int cc_sw_check_keys(cc_sw_obj m, const char *what, const char *const *allowed)
{
    if (!PyDict_Check(m)) return cc_sw_fail("%s must be a dict, got %s", what, Py_TYPE(m)->tp_name);
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(m, &pos, &k, &v)) {
        const char *ks = NULL;
        if (cc_sw_item_str(k, &ks) != 0) return -1;
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, ks) == 0) ok = 1;
        if (!ok) return cc_sw_fail("%s: unknown key '%s'", what, ks);
    }
    return 0;
}

static void cc_sw_put_i64(cc_sw_out out, const char *key, int64_t v)
{
    PyObject *o = PyLong_FromLongLong((long long)v);
    if (o) { PyDict_SetItemString(out, key, o); Py_DECREF(o); }
}
static void cc_sw_put_u64(cc_sw_out out, const char *key, uint64_t v)
{
    PyObject *o = PyLong_FromUnsignedLongLong((unsigned long long)v);
    if (o) { PyDict_SetItemString(out, key, o); Py_DECREF(o); }
}
static void cc_sw_put_f64(cc_sw_out out, const char *key, double v)
{
    PyObject *o = PyFloat_FromDouble(v);
    if (o) { PyDict_SetItemString(out, key, o); Py_DECREF(o); }
}
static void cc_sw_put_str(cc_sw_out out, const char *key, const char *s)
{
    PyObject *o = cc_py_str_or_none(s);
    if (o) { PyDict_SetItemString(out, key, o); Py_DECREF(o); }
}
%}

/* A const option struct argument read from a dict by FILL(m, &tmp, arena). */
%define %cc_config_in(TYPE, FILL)
%typemap(in) const TYPE *CONFIG_IN (TYPE tmp, cc_sw_arena arena = {{0}, 0}) {
    if ($input == Py_None) {
        $1 = NULL;
    } else {
        if (FILL($input, &tmp, &arena) != 0) SWIG_fail;
        $1 = &tmp;
    }
}
%typemap(freearg) const TYPE *CONFIG_IN {
    cc_sw_arena_free(&arena$argnum);
}
%enddef

/* A result struct (TYPE *out with out->version preset) returned as a dict. */
%define %cc_result_out(TYPE, INIT, PUT)
%typemap(in, numinputs=0) TYPE *RESULT_OUT (TYPE tmp = INIT) {
    $1 = &tmp;
}
%typemap(argout) TYPE *RESULT_OUT {
    PyObject *d = PyDict_New();
    if (!d) SWIG_fail;
    PUT(d, $1);
    if (PyErr_Occurred()) { Py_DECREF(d); SWIG_fail; }
    $result = SWIG_Python_AppendOutput($result, d);
}
%enddef

/* Lists of names built in C (cc_sw_names) become a Python list of str. */
%typemap(in, numinputs=0) cc_sw_names *NAMES_OUT (cc_sw_names tmp = {NULL, 0, 0, 0}) {
    $1 = &tmp;
}
%typemap(argout) cc_sw_names *NAMES_OUT {
    PyObject *list = NULL;
    if ($1->failed) {
        PyErr_NoMemory();
    } else if ((list = PyList_New((Py_ssize_t)$1->n)) != NULL) {
        for (size_t i = 0; i < $1->n; i++) {
            PyObject *s = cc_py_str_or_none($1->items[i]);
            if (!s) { Py_CLEAR(list); break; }
            PyList_SET_ITEM(list, (Py_ssize_t)i, s);
        }
    }
    cc_sw_names_free($1);
    if (!list) SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, list);
}

/* Byte buffers: library-allocated out-buffers become bytes (then cc_free);
 * bytes-like inputs are borrowed for the call. */
%typemap(in, numinputs=0) (void **OUT_BYTES, size_t *OUT_BYTES_LEN) (void *buf = NULL, size_t len = 0) {
    $1 = &buf;
    $2 = &len;
}
%typemap(argout) (void **OUT_BYTES, size_t *OUT_BYTES_LEN) {
    PyObject *b = PyBytes_FromStringAndSize((const char *)*$1, (Py_ssize_t)*$2);
    cc_free(*$1);
    if (!b) SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, b);
}
%typemap(in) (const void *BYTES_IN, size_t BYTES_IN_LEN) (Py_buffer view, int have = 0) {
    if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) != 0) SWIG_fail;
    have = 1;
    $1 = view.buf;
    $2 = (size_t)view.len;
}
%typemap(freearg) (const void *BYTES_IN, size_t BYTES_IN_LEN) {
    if (have$argnum) PyBuffer_Release(&view$argnum);
}

/* The "event_sink" key of an options dict: a Python callable (borrowed; the
 * object that passes the options keeps it alive while installed). */
%{
static int cc_sw_get_event_sink(cc_sw_obj m, const char *key, cc_event_fn *fn, void **ud)
{
    PyObject *v = cc_sw_value(m, key);
    if (!v) return 0;
    if (PyCapsule_CheckExact(v)) { /* an event hub (events.i) */
        void *hub = PyCapsule_GetPointer(v, CC_PY_HUB_CAPSULE);
        if (!hub) return -1;
        *fn = cc_py_hub_sink;
        *ud = hub;
        return 0;
    }
    if (!PyCallable_Check(v)) return cc_sw_fail("'%s' must be callable", key);
    *fn = cc_py_event_sink;
    *ud = v;
    return 0;
}
%}

/* Interval arrays: a float64 C-contiguous buffer (numpy) is read in place;
 * any other sequence of numbers (list, tuple, array.array, numpy of another
 * dtype) is converted into a temporary array. None is an empty array. */
%typemap(in) (const double *ARRAY_IN, size_t ARRAY_IN_LEN) (Py_buffer view, int have_view = 0, double *copy = NULL) {
    $1 = NULL;
    $2 = 0;
    if ($input != Py_None) {
        if (PyObject_CheckBuffer($input) &&
            PyObject_GetBuffer($input, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) == 0) {
            if (view.format && strcmp(view.format, "d") == 0 && view.ndim == 1) {
                have_view = 1;
                $1 = (double *)view.buf;
                $2 = (size_t)(view.len / (Py_ssize_t)sizeof(double));
            } else {
                PyBuffer_Release(&view);
            }
        } else {
            PyErr_Clear();
        }
        if (!have_view) {
            PyObject *seq = PySequence_Fast($input, "expected a sequence of numbers");
            if (!seq) SWIG_fail;
            Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
            copy = (double *)malloc((size_t)(n ? n : 1) * sizeof(double));
            if (!copy) { Py_DECREF(seq); PyErr_NoMemory(); SWIG_fail; }
            for (Py_ssize_t i = 0; i < n; i++) {
                copy[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, i));
                if (copy[i] == -1.0 && PyErr_Occurred()) {
                    Py_DECREF(seq);
                    PyErr_Format(PyExc_TypeError, "item %zd is not a number", i);
                    SWIG_fail;
                }
            }
            Py_DECREF(seq);
            $1 = copy;
            $2 = (size_t)n;
        }
    }
}
%typemap(freearg) (const double *ARRAY_IN, size_t ARRAY_IN_LEN) {
    if (have_view$argnum) PyBuffer_Release(&view$argnum);
    free(copy$argnum);
}

%{
/* One struct field of every row, as a list (ints or floats). */
static void cc_sw_put_column_i(cc_sw_out d, const char *key, const void *rows, size_t n, size_t stride, size_t offset)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (!list) return;
    for (size_t i = 0; i < n; i++) {
        int v;
        memcpy(&v, (const char *)rows + i * stride + offset, sizeof v);
        PyList_SET_ITEM(list, (Py_ssize_t)i, PyLong_FromLong(v));
    }
    PyDict_SetItemString(d, key, list);
    Py_DECREF(list);
}
static void cc_sw_put_column_f(cc_sw_out d, const char *key, const void *rows, size_t n, size_t stride, size_t offset)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (!list) return;
    for (size_t i = 0; i < n; i++) {
        double v;
        memcpy(&v, (const char *)rows + i * stride + offset, sizeof v);
        PyList_SET_ITEM(list, (Py_ssize_t)i, PyFloat_FromDouble(v));
    }
    PyDict_SetItemString(d, key, list);
    Py_DECREF(list);
}
%}

/* The "on_contact" key of KPI options: a Python callable receiving a dict per
 * finished contact (borrowed; callcore.KpiAggregator keeps it alive). The
 * dict is built by cc_sw_put_kpi_contact (kpi.i), declared here. */
%{
struct cc_kpi_contact;
static void cc_sw_put_kpi_contact(cc_sw_out d, const struct cc_kpi_contact *c);

static void cc_py_contact_fn(const struct cc_kpi_contact *c, void *user_data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject *d = PyDict_New();
    if (d) {
        cc_sw_put_kpi_contact(d, c);
        PyObject *r = PyErr_Occurred() ? NULL : PyObject_CallOneArg((PyObject *)user_data, d);
        Py_XDECREF(r);
        Py_DECREF(d);
    }
    if (PyErr_Occurred()) PyErr_WriteUnraisable((PyObject *)user_data);
    PyGILState_Release(gil);
}

static int cc_sw_get_contact_fn(cc_sw_obj m, const char *key,
                                void (**fn)(const struct cc_kpi_contact *, void *), void **ud)
{
    PyObject *v = cc_sw_value(m, key);
    if (!v) return 0;
    if (!PyCallable_Check(v)) return cc_sw_fail("'%s' must be callable", key);
    *fn = cc_py_contact_fn;
    *ud = v;
    return 0;
}
%}
