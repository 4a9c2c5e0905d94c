/*
 * bindings/swig/python/backend.i - a media backend implemented in Python.
 *
 * One C vtable (cc_py_backend) forwards every call to a Python "adapter"
 * object (callcore.engine._BackendAdapter) by method name: open(channel),
 * close(), offer(offer_dict, now_ms), withdraw(contact_id, agent, now_ms),
 * bridge(contact_id, agent, now_ms), announce(contact_id, position, ewt_ms,
 * now_ms), dial(contact_id, customer_id, agent, attempt, now_ms),
 * hangup(contact_id, reason, now_ms), supervise(contact_id, agent,
 * supervisor, mode, now_ms). A method returns an int cc_status (or None for
 * CC_OK).
 *
 * Ownership: the binding state holds a BORROWED reference to the adapter;
 * the callcore.Engine that bound it keeps the adapter alive until the engine
 * is freed (so a backend that refers back to its engine forms a cycle the
 * garbage collector can see and break).
 * Threads: each call takes the GIL (PyGILState_Ensure): the engine may run
 * with the GIL released. An exception escaping the adapter is reported with
 * PyErr_WriteUnraisable and the call fails with CC_EIO; the package's
 * adapter catches exceptions itself and re-raises them after the engine call.
 */
%{
#include "callcore/sys/backend.h"

typedef struct cc_py_backend_state {
    PyObject *adapter; /* borrowed, see above */
} cc_py_backend_state;

/* Calls adapter.<method>(*args); `args` is a new reference (or NULL after a
 * failed Py_BuildValue) and is consumed. Called with the GIL held. */
static cc_status cc_py_backend_invoke(PyObject *adapter, const char *method, PyObject *args)
{
    cc_status status = CC_OK;
    PyObject *fn = args ? PyObject_GetAttrString(adapter, method) : NULL;
    PyObject *r = fn ? PyObject_Call(fn, args, NULL) : NULL;
    if (!r) {
        PyErr_WriteUnraisable(adapter);
        status = args ? CC_EIO : CC_ENOMEM;
    } else if (r != Py_None) {
        long v = PyLong_AsLong(r);
        if (v == -1 && PyErr_Occurred()) {
            PyErr_WriteUnraisable(adapter);
            status = CC_EIO;
        } else {
            status = (cc_status)v;
        }
    }
    Py_XDECREF(r);
    Py_XDECREF(fn);
    Py_XDECREF(args);
    return status;
}

#define CC_PY_BACKEND_CALL(state, method, ...)                                  \
    do {                                                                        \
        PyGILState_STATE gil_ = PyGILState_Ensure();                            \
        cc_status st_ = cc_py_backend_invoke(((cc_py_backend_state *)(state))->adapter, \
                                             method, Py_BuildValue(__VA_ARGS__)); \
        PyGILState_Release(gil_);                                               \
        return st_;                                                             \
    } while (0)

static cc_status cc_py_backend_open(void *state, cc_engine *engine, cc_channel channel, void *config)
{
    (void)engine;
    ((cc_py_backend_state *)state)->adapter = (PyObject *)config;
    CC_PY_BACKEND_CALL(state, "open", "(i)", (int)channel);
}

static void cc_py_backend_close(void *state)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    (void)cc_py_backend_invoke(((cc_py_backend_state *)state)->adapter, "close", PyTuple_New(0));
    PyGILState_Release(gil);
}

static cc_status cc_py_backend_offer(void *state, const cc_backend_offer *o, int64_t now_ms)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject *d = Py_BuildValue("{s:K,s:K,s:i,s:s,s:s,s:L,s:i,s:i}",
        "contact_id", (unsigned long long)o->contact_id,
        "customer_id", (unsigned long long)o->customer_id, "channel", (int)o->channel,
        "queue", o->queue ? o->queue : "", "agent", o->agent ? o->agent : "",
        "ring_timeout_ms", (long long)o->ring_timeout_ms, "priority", (int)o->priority,
        "ring_all", (int)o->ring_all);
    cc_status st = cc_py_backend_invoke(((cc_py_backend_state *)state)->adapter, "offer",
                                        d ? Py_BuildValue("(NL)", d, (long long)now_ms) : NULL);
    PyGILState_Release(gil);
    return st;
}

static cc_status cc_py_backend_withdraw(void *state, uint64_t contact_id, const char *agent, int64_t now_ms)
{
    CC_PY_BACKEND_CALL(state, "withdraw", "(KzL)", (unsigned long long)contact_id, agent,
                       (long long)now_ms);
}

static cc_status cc_py_backend_bridge(void *state, uint64_t contact_id, const char *agent, int64_t now_ms)
{
    CC_PY_BACKEND_CALL(state, "bridge", "(KzL)", (unsigned long long)contact_id, agent,
                       (long long)now_ms);
}

static cc_status cc_py_backend_announce(void *state, uint64_t contact_id, int32_t position,
                                        int64_t ewt_ms, int64_t now_ms)
{
    CC_PY_BACKEND_CALL(state, "announce", "(KiLL)", (unsigned long long)contact_id, (int)position,
                       (long long)ewt_ms, (long long)now_ms);
}

static cc_status cc_py_backend_dial(void *state, uint64_t contact_id, uint64_t customer_id,
                                    const char *agent, int32_t attempt, int64_t now_ms)
{
    CC_PY_BACKEND_CALL(state, "dial", "(KKziL)", (unsigned long long)contact_id,
                       (unsigned long long)customer_id, agent, (int)attempt, (long long)now_ms);
}

static cc_status cc_py_backend_hangup(void *state, uint64_t contact_id, const char *reason, int64_t now_ms)
{
    CC_PY_BACKEND_CALL(state, "hangup", "(KzL)", (unsigned long long)contact_id, reason,
                       (long long)now_ms);
}

static cc_status cc_py_backend_supervise(void *state, uint64_t contact_id, const char *agent,
                                         const char *supervisor, cc_supervise_mode mode, int64_t now_ms)
{
    CC_PY_BACKEND_CALL(state, "supervise", "(KzziL)", (unsigned long long)contact_id, agent,
                       supervisor, (int)mode, (long long)now_ms);
}

static const cc_backend cc_py_backend = {
    CC_BACKEND_VERSION, sizeof(cc_py_backend_state), "python",
    cc_py_backend_open, cc_py_backend_close, cc_py_backend_offer, cc_py_backend_withdraw,
    cc_py_backend_bridge, cc_py_backend_announce, cc_py_backend_dial, cc_py_backend_hangup,
    cc_py_backend_supervise,
};
%}

%inline %{
/* Binds the Python adapter object as the backend of `channel` (see above).
 * The caller keeps `adapter` alive while bound. */
cc_status cc_py_engine_bind_backend(cc_engine *self, cc_channel channel, PyObject *adapter)
{
    return cc_engine_bind_backend(self, channel, &cc_py_backend, adapter);
}
%}
