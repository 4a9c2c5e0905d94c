/*
 * bindings/swig/python/errors.i - Python overlay: failing cc_status values
 * and NaN results of the pure maths become callcore.errors exceptions that
 * carry cc_error_last()'s detail; opaque out-parameters become return values.
 */
/* Signatures and C types in the low-level docstrings (help(callcore.capi)). */
%feature("autodoc", "1");

%{
/* callcore.errors.from_status, imported on the first failure and kept for the
 * life of the process (like the module itself). Touched with the GIL held. */
static PyObject *cc_py_error_factory;

/* Sets the Python error for a failing status; the detail message is copied
 * first because any further library call may overwrite it. */
static void cc_py_raise(int status)
{
    const char *detail = cc_sw_detail_of(status);
    PyObject *text = PyUnicode_DecodeUTF8(detail, (Py_ssize_t)strlen(detail), "replace");
    if (!text) return;
    if (!cc_py_error_factory) {
        PyObject *mod = PyImport_ImportModule("callcore.errors");
        if (mod) {
            cc_py_error_factory = PyObject_GetAttrString(mod, "from_status");
            Py_DECREF(mod);
        }
        if (!cc_py_error_factory) {
            /* Used outside its package: fall back on a plain RuntimeError. */
            PyErr_Clear();
            PyErr_Format(PyExc_RuntimeError, "%s: %U", cc_status_name(status), text);
            Py_DECREF(text);
            return;
        }
    }
    PyObject *exc = PyObject_CallFunction(cc_py_error_factory, "iO", status, text);
    Py_DECREF(text);
    if (!exc) return; /* the factory's own error propagates */
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
}
%}

/* Every call starts with no detail (see cc_sw_call_begin). */
%exception {
    cc_sw_call_begin();
    $action
}

%typemap(out) cc_status {
    if ($1 != CC_OK && PyErr_Occurred()) SWIG_fail; /* a binding-level error (TypeError) */
    if ($1 != CC_OK) {
        cc_py_raise((int)$1);
        SWIG_fail;
    }
    $result = SWIG_Py_Void();
}

/* Pure maths: NaN (or -1 for counts) with a detail message means invalid
 * input. The detail is cleared before the call so a stale message from an
 * earlier call is never reported. Apply to a function's return with
 * %apply double CC_CHECKED_DOUBLE { double cc_erlang_b };  */
%typemap(out) double CC_CHECKED_DOUBLE {
    if (PyErr_Occurred()) SWIG_fail; /* a binding-level error (TypeError) */
    if (isnan($1) && cc_error_last()[0] != '\0') {
        cc_py_raise(CC_EINVAL);
        SWIG_fail;
    }
    $result = PyFloat_FromDouble($1);
}
%typemap(out) int CC_CHECKED_COUNT {
    if ($1 < 0 && cc_error_last()[0] != '\0') {
        cc_py_raise(CC_EINVAL);
        SWIG_fail;
    }
    $result = PyLong_FromLong((long)$1);
}
%define %cc_checked_math(NAME)
%exception NAME {
    cc_sw_call_begin();
    $action
}
%enddef

/* `cc_x **out` out-parameters: the new object is returned as an unowned
 * pointer; the callcore package wraps it in a class that frees it. */
%define %cc_out_object(TYPE)
%typemap(in, numinputs=0) TYPE **OUT (TYPE *tmp = NULL) {
    $1 = &tmp;
}
%typemap(argout) TYPE **OUT {
    $result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, 0));
}
%enddef

/* TYPE is owned by the caller and freed by FREE: the callcore package's classes own the
 * pointers (close() / garbage collection) and refuse calls once closed, so here it is a
 * plain out-object and FREE a plain function. (The Lua overlay does more: objects.i.) */
%define %cc_owned_object(TYPE, FREE)
%cc_out_object(TYPE)
%enddef

/* Plain scalar out-parameters (counts, positions, times). */
%typemap(in, numinputs=0) int64_t *OUT (int64_t tmp = 0), uint64_t *OUT (uint64_t tmp = 0),
    double *OUT (double tmp = 0), int *OUT (int tmp = 0), size_t *OUT (size_t tmp = 0),
    uint32_t *OUT (uint32_t tmp = 0), int32_t *OUT (int32_t tmp = 0) {
    $1 = &tmp;
}
%typemap(argout) int64_t *OUT { $result = SWIG_Python_AppendOutput($result, PyLong_FromLongLong((long long)*$1)); }
%typemap(argout) int32_t *OUT { $result = SWIG_Python_AppendOutput($result, PyLong_FromLong((long)*$1)); }
%typemap(argout) int *OUT { $result = SWIG_Python_AppendOutput($result, PyLong_FromLong((long)*$1)); }
%typemap(argout) uint64_t *OUT { $result = SWIG_Python_AppendOutput($result, PyLong_FromUnsignedLongLong((unsigned long long)*$1)); }
%typemap(argout) uint32_t *OUT { $result = SWIG_Python_AppendOutput($result, PyLong_FromUnsignedLong((unsigned long)*$1)); }
%typemap(argout) size_t *OUT { $result = SWIG_Python_AppendOutput($result, PyLong_FromSize_t(*$1)); }
%typemap(argout) double *OUT { $result = SWIG_Python_AppendOutput($result, PyFloat_FromDouble(*$1)); }

/* Strings the library allocates for the caller (JSON reports): copied into a
 * Python str, then released with cc_free(). */
%typemap(in, numinputs=0) char **OUT_STRING (char *tmp = NULL) {
    $1 = &tmp;
}
%typemap(argout) char **OUT_STRING {
    PyObject *s = tmp$argnum ? PyUnicode_DecodeUTF8(tmp$argnum, (Py_ssize_t)strlen(tmp$argnum), "replace")
                             : SWIG_Py_Void();
    cc_free(tmp$argnum);
    if (!s) SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, s);
}
%typemap(freearg) char **OUT_STRING "";
