/*
 * bindings/swig/python/strings.i - Python str to C string: a NUL-terminated UTF-8 view
 * borrowed from the str for the call (CPython caches the UTF-8 form inside the object, so
 * nothing is copied or freed).
 *
 * C reads a string up to its first NUL, so a str with an embedded NUL would reach the
 * library cut short: add_queue("sales\0evil") made a queue named 'sales'. Such a str is
 * refused with ValueError, as Python's own APIs refuse it (open, os.environ).
 */
%{
/* The UTF-8 view of the str `v`, or NULL with ValueError (embedded NUL) or the codec's
 * error (lone surrogates) set; `what` names the value in the message. */
static const char *cc_py_utf8(PyObject *v, const char *what)
{
    Py_ssize_t len = 0;
    const char *s = PyUnicode_AsUTF8AndSize(v, &len);
    if (!s) return NULL;
    if (memchr(s, '\0', (size_t)len)) {
        PyErr_Format(PyExc_ValueError, "%s: embedded null character in %R", what, v);
        return NULL;
    }
    return s;
}
%}

/* Every const char * argument: a str (checked as above) or None (NULL). */
%typemap(in) const char * {
    if ($input == Py_None) {
        $1 = NULL;
    } else if (PyUnicode_Check($input)) {
        $1 = ($1_ltype)cc_py_utf8($input, "$symname() argument $argnum");
        if (!$1) SWIG_fail;
    } else {
        PyErr_Format(PyExc_TypeError, "$symname() argument $argnum must be str or None, not %s",
                     Py_TYPE($input)->tp_name);
        SWIG_fail;
    }
}
%typemap(freearg) const char * ""; /* borrowed from the str: nothing to free */

/* File paths (cc_import_file, cc_sim_scenario_load, a scenario's base_dir): a str goes to C
 * as os.fsencode() gives it, the filesystem encoding with surrogateescape, and bytes as
 * they are, as open() takes them. A name that is not UTF-8 (os.listdir gives 'jan\udce9' for
 * a Latin-1 'janvier' file) raised UnicodeEncodeError through the UTF-8 view above, and
 * bytes were refused, so such a file could not be opened at all. */
%{
/* The path `v` (str or bytes) as bytes for C, or NULL with the error set (wrong type,
 * encoding, embedded NUL); *owner is the bytes object the pointer lives in (a new
 * reference, released after the call). */
static const char *cc_py_path(PyObject *v, const char *what, PyObject **owner)
{
    PyObject *b = NULL;
    if (PyUnicode_Check(v)) {
        b = PyUnicode_EncodeFSDefault(v);
    } else if (PyBytes_Check(v)) {
        b = v;
        Py_INCREF(b);
    } else {
        PyErr_Format(PyExc_TypeError, "%s must be str, bytes or None, not %s", what,
                     Py_TYPE(v)->tp_name);
        return NULL;
    }
    if (!b) return NULL;
    if (memchr(PyBytes_AS_STRING(b), '\0', (size_t)PyBytes_GET_SIZE(b))) {
        PyErr_Format(PyExc_ValueError, "%s: embedded null character in %R", what, v);
        Py_DECREF(b);
        return NULL;
    }
    *owner = b;
    return PyBytes_AS_STRING(b);
}
%}
%typemap(in) const char *path (PyObject *owner = NULL), const char *base_dir (PyObject *owner = NULL) {
    if ($input == Py_None) {
        $1 = NULL;
    } else if (!($1 = ($1_ltype)cc_py_path($input, "$symname() argument $argnum", &owner))) {
        SWIG_fail;
    }
}
%typemap(freearg) const char *path, const char *base_dir {
    Py_XDECREF(owner$argnum);
}
