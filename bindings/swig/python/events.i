/*
 * bindings/swig/python/events.i - Python overlay: events as dicts, and a
 * Python callable as the event sink of any event source.
 *
 * Ownership: the C event is borrowed for the callback, so the dict holds
 * copies (strings become str). The callable passed as a sink is borrowed by
 * C: the Python object that installs it (callcore.Engine, ...) keeps a strong
 * reference for as long as the sink is installed.
 * Threads: the trampoline takes the GIL itself (PyGILState_Ensure), so the
 * event source may run with the GIL released or on another thread.
 */
%{
static int cc_py_dict_set(PyObject *d, const char *key, PyObject *value)
{
    if (!value) return -1;
    int rc = PyDict_SetItemString(d, key, value);
    Py_DECREF(value);
    return rc;
}

static PyObject *cc_py_str_or_none(const char *s)
{
    if (!s) Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

/* Returns a new dict with every field of `e`, or NULL with a Python error. */
static PyObject *cc_py_event_dict(const cc_event *e)
{
    PyObject *d = PyDict_New();
    if (!d) return NULL;
    if (cc_py_dict_set(d, "type", PyLong_FromLong((long)e->type)) ||
        cc_py_dict_set(d, "flags", PyLong_FromUnsignedLong(e->flags)) ||
        cc_py_dict_set(d, "time_ms", PyLong_FromLongLong(e->time_ms)) ||
        cc_py_dict_set(d, "seq", PyLong_FromUnsignedLongLong(e->seq)) ||
        cc_py_dict_set(d, "contact_id", PyLong_FromUnsignedLongLong(e->contact_id)) ||
        cc_py_dict_set(d, "customer_id", PyLong_FromUnsignedLongLong(e->customer_id)) ||
        cc_py_dict_set(d, "queue", cc_py_str_or_none(e->queue)) ||
        cc_py_dict_set(d, "agent", cc_py_str_or_none(e->agent)) ||
        cc_py_dict_set(d, "target_queue", cc_py_str_or_none(e->target_queue)) ||
        cc_py_dict_set(d, "target_agent", cc_py_str_or_none(e->target_agent)) ||
        cc_py_dict_set(d, "reason", cc_py_str_or_none(e->reason)) ||
        cc_py_dict_set(d, "channel", PyLong_FromLong((long)e->channel)) ||
        cc_py_dict_set(d, "priority", PyLong_FromLong((long)e->priority)) ||
        cc_py_dict_set(d, "agent_state", PyLong_FromLong((long)e->agent_state)) ||
        cc_py_dict_set(d, "prev_agent_state", PyLong_FromLong((long)e->prev_agent_state)) ||
        cc_py_dict_set(d, "survey", PyLong_FromLong((long)e->survey)) ||
        cc_py_dict_set(d, "virtual_start_ms", PyLong_FromLongLong(e->virtual_start_ms)) ||
        cc_py_dict_set(d, "wait_ms", PyLong_FromLongLong(e->wait_ms)) ||
        cc_py_dict_set(d, "duration_ms", PyLong_FromLongLong(e->duration_ms)) ||
        cc_py_dict_set(d, "hold_ms", PyLong_FromLongLong(e->hold_ms)) ||
        cc_py_dict_set(d, "value", PyFloat_FromDouble(e->value))) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

/* cc_event_fn trampoline: user_data is the Python callable. An exception the
 * callable lets escape cannot cross the C library; the callcore package's
 * sinks catch and re-raise it after the C call returns, so reaching
 * PyErr_WriteUnraisable here means a raw capi user passed a raising callable. */
static void cc_py_event_sink(const cc_event *e, void *user_data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject *d = cc_py_event_dict(e);
    if (d) {
        PyObject *r = PyObject_CallOneArg((PyObject *)user_data, d);
        Py_XDECREF(r);
        Py_DECREF(d);
    }
    if (PyErr_Occurred()) PyErr_WriteUnraisable((PyObject *)user_data);
    PyGILState_Release(gil);
}
%}

/* const cc_event * arguments (feeding an aggregator by hand) take a dict with
 * the same keys cc_py_event_dict produces; missing keys are 0 / None. */
%{
static int cc_py_get_i64(PyObject *d, const char *key, int64_t *out)
{
    PyObject *v = PyDict_GetItemString(d, key); /* borrowed */
    if (!v || v == Py_None) { *out = 0; return 0; }
    long long x = PyLong_AsLongLong(v);
    if (x == -1 && PyErr_Occurred()) return -1;
    *out = (int64_t)x;
    return 0;
}
/* Ids and sequence numbers are uint64_t: ids from 2**63 up (an engine's own events carry
 * them) must come back in, negatives are refused. */
static int cc_py_get_u64(PyObject *d, const char *key, uint64_t *out)
{
    PyObject *v = PyDict_GetItemString(d, key);
    if (!v || v == Py_None) { *out = 0; return 0; }
    unsigned long long x = PyLong_AsUnsignedLongLong(v);
    if (x == (unsigned long long)-1 && PyErr_Occurred()) return -1;
    *out = (uint64_t)x;
    return 0;
}
static int cc_py_get_f64(PyObject *d, const char *key, double *out)
{
    PyObject *v = PyDict_GetItemString(d, key);
    if (!v || v == Py_None) { *out = 0; return 0; }
    double x = PyFloat_AsDouble(v);
    if (x == -1.0 && PyErr_Occurred()) return -1;
    *out = x;
    return 0;
}
/* Borrowed UTF-8 view, valid while the dict holds the str. */
static int cc_py_get_str(PyObject *d, const char *key, const char **out)
{
    PyObject *v = PyDict_GetItemString(d, key);
    if (!v || v == Py_None) { *out = NULL; return 0; }
    if (!PyUnicode_Check(v)) {
        PyErr_Format(PyExc_TypeError, "event '%s' must be a str or None, not %s", key,
                     Py_TYPE(v)->tp_name);
        return -1;
    }
    char what[64];
    snprintf(what, sizeof what, "event '%s'", key);
    *out = cc_py_utf8(v, what);
    return *out ? 0 : -1;
}
/* 0 when the event field `key` fits its C type [lo, hi]; else OverflowError (a priority
 * of 2**32 + 7 must not become 7). */
static int cc_py_event_range(const char *key, int64_t v, int64_t lo, int64_t hi)
{
    if (v >= lo && v <= hi) return 0;
    PyErr_Format(PyExc_OverflowError, "event '%s' must be in %lld..%lld, got %lld", key,
                 (long long)lo, (long long)hi, (long long)v);
    return -1;
}

static int cc_py_event_from_dict(PyObject *d, cc_event *e)
{
    int64_t v[16];
    memset(e, 0, sizeof *e);
    if (!PyDict_Check(d)) {
        PyErr_SetString(PyExc_TypeError, "event must be a dict");
        return -1;
    }
    if (cc_py_get_i64(d, "type", &v[0]) || cc_py_get_i64(d, "flags", &v[1]) ||
        cc_py_get_i64(d, "time_ms", &v[2]) || cc_py_get_u64(d, "seq", &e->seq) ||
        cc_py_get_u64(d, "contact_id", &e->contact_id) ||
        cc_py_get_u64(d, "customer_id", &e->customer_id) ||
        cc_py_get_i64(d, "channel", &v[6]) || cc_py_get_i64(d, "priority", &v[7]) ||
        cc_py_get_i64(d, "agent_state", &v[8]) || cc_py_get_i64(d, "prev_agent_state", &v[9]) ||
        cc_py_get_i64(d, "survey", &v[10]) || cc_py_get_i64(d, "virtual_start_ms", &v[11]) ||
        cc_py_get_i64(d, "wait_ms", &v[12]) || cc_py_get_i64(d, "duration_ms", &v[13]) ||
        cc_py_get_i64(d, "hold_ms", &v[14]) || cc_py_get_f64(d, "value", &e->value) ||
        cc_py_get_str(d, "queue", &e->queue) || cc_py_get_str(d, "agent", &e->agent) ||
        cc_py_get_str(d, "target_queue", &e->target_queue) ||
        cc_py_get_str(d, "target_agent", &e->target_agent) ||
        cc_py_get_str(d, "reason", &e->reason))
        return -1;
    if (cc_py_event_range("type", v[0], INT_MIN, INT_MAX) ||
        cc_py_event_range("flags", v[1], 0, UINT32_MAX) ||
        cc_py_event_range("channel", v[6], INT_MIN, INT_MAX) ||
        cc_py_event_range("priority", v[7], INT32_MIN, INT32_MAX) ||
        cc_py_event_range("agent_state", v[8], INT_MIN, INT_MAX) ||
        cc_py_event_range("prev_agent_state", v[9], INT_MIN, INT_MAX) ||
        cc_py_event_range("survey", v[10], INT_MIN, INT_MAX))
        return -1;
    e->type = (cc_event_type)v[0];
    e->flags = (uint32_t)v[1];
    e->time_ms = v[2];
    e->channel = (cc_channel)v[6];
    e->priority = (int32_t)v[7];
    e->agent_state = (cc_agent_state)v[8];
    e->prev_agent_state = (cc_agent_state)v[9];
    e->survey = (cc_survey_kind)v[10];
    e->virtual_start_ms = v[11];
    e->wait_ms = v[12];
    e->duration_ms = v[13];
    e->hold_ms = v[14];
    return 0;
}
%}
%typemap(in) const cc_event *EVENT_IN (cc_event tmp) {
    if (cc_py_event_from_dict($input, &tmp) != 0) SWIG_fail;
    $1 = &tmp;
}

/* Importer sinks: a Python callable, or a callcore KPI aggregator (a cc_kpi
 * pointer), which receives the events in C through cc_kpi_sink. */
%typemap(in) (cc_event_fn EVENT_SINK_OR_KPI, void *EVENT_SINK_OR_KPI_DATA) {
    void *kpi = NULL;
    if ($input == Py_None) {
        $1 = NULL;
        $2 = NULL;
    } else if (SWIG_IsOK(SWIG_ConvertPtr($input, &kpi, $descriptor(cc_kpi *), 0))) {
        $1 = cc_kpi_sink;
        $2 = kpi;
    } else if (PyCallable_Check($input)) {
        $1 = cc_py_event_sink;
        $2 = (void *)$input;
    } else {
        SWIG_exception_fail(SWIG_TypeError, "sink must be callable, a cc_kpi or None");
    }
}

/* An engine's event hub: events go to a KPI aggregator in C (no Python
 * round trip) and, when Python sinks are subscribed, to a Python callable.
 * The hub lives in a PyCapsule owned by the callcore.Engine; the aggregator
 * and the callable are borrowed (the Engine keeps both alive). */
%{
typedef struct cc_py_hub {
    void *kpi;          /* cc_kpi *, or NULL */
    PyObject *callable; /* or NULL: no Python sink subscribed */
} cc_py_hub;

#define CC_PY_HUB_CAPSULE "callcore.hub"

void cc_kpi_sink(const cc_event *event, void *user_data);

static void cc_py_hub_sink(const cc_event *e, void *user_data)
{
    cc_py_hub *hub = (cc_py_hub *)user_data;
    if (hub->kpi) cc_kpi_sink(e, hub->kpi);
    if (hub->callable) cc_py_event_sink(e, hub->callable);
}

static void cc_py_hub_destroy(PyObject *capsule)
{
    free(PyCapsule_GetPointer(capsule, CC_PY_HUB_CAPSULE));
}
%}

%nothreadallow cc_py_hub_new;
%nothreadallow cc_py_hub_set_callable;
%nothreadallow cc_py_hub_set_kpi;
%inline %{
/* A new hub (a capsule) sending events to `kpi` (a cc_kpi, or None) and to
 * `callable` (or None). Pass it as the "event_sink" option of an engine. */
PyObject *cc_py_hub_new(PyObject *kpi, PyObject *callable)
{
    void *k = NULL;
    if (kpi != Py_None && !SWIG_IsOK(SWIG_ConvertPtr(kpi, &k, SWIGTYPE_p_cc_kpi, 0))) {
        PyErr_SetString(PyExc_TypeError, "kpi must be a cc_kpi or None");
        return NULL;
    }
    if (callable != Py_None && !PyCallable_Check(callable)) {
        PyErr_SetString(PyExc_TypeError, "callable must be callable or None");
        return NULL;
    }
    cc_py_hub *hub = (cc_py_hub *)calloc(1, sizeof *hub);
    if (!hub) return PyErr_NoMemory();
    hub->kpi = k;
    hub->callable = callable == Py_None ? NULL : callable;
    PyObject *capsule = PyCapsule_New(hub, CC_PY_HUB_CAPSULE, cc_py_hub_destroy);
    if (!capsule) free(hub);
    return capsule;
}

/* Replaces the hub's Python callable (None: events reach only the KPI). */
PyObject *cc_py_hub_set_callable(PyObject *capsule, PyObject *callable)
{
    cc_py_hub *hub = (cc_py_hub *)PyCapsule_GetPointer(capsule, CC_PY_HUB_CAPSULE);
    if (!hub) return NULL;
    if (callable != Py_None && !PyCallable_Check(callable)) {
        PyErr_SetString(PyExc_TypeError, "callable must be callable or None");
        return NULL;
    }
    hub->callable = callable == Py_None ? NULL : callable;
    Py_RETURN_NONE;
}

/* Replaces the hub's aggregator (None: events reach only the callable);
 * callcore.KpiAggregator.close() detaches itself this way. */
PyObject *cc_py_hub_set_kpi(PyObject *capsule, PyObject *kpi)
{
    cc_py_hub *hub = (cc_py_hub *)PyCapsule_GetPointer(capsule, CC_PY_HUB_CAPSULE);
    void *k = NULL;
    if (!hub) return NULL;
    if (kpi != Py_None && !SWIG_IsOK(SWIG_ConvertPtr(kpi, &k, SWIGTYPE_p_cc_kpi, 0))) {
        PyErr_SetString(PyExc_TypeError, "kpi must be a cc_kpi or None");
        return NULL;
    }
    hub->kpi = k;
    Py_RETURN_NONE;
}
%}
