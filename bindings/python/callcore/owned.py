"""The lifetime of a Python object that owns one C object.

Forecaster, Importer, KpiAggregator and Scenario each own one C object in
``self._ptr``; they share how it is released: ``close()`` frees it once
(idempotent), the object is a context manager, and garbage collection frees
what was never closed. ``close()`` is refused with :class:`callcore.Busy`
while a C call that uses the object is running (from one of its callbacks, or
from another thread): freeing it then would pull the object from under that call.
"""

import threading

from . import capi
from .errors import Busy, Closed

# Guards the in-use count and the handle of every object that owns a C object (engines
# too): a call starting in one thread and a close() in another must not both see the
# object free (the handle read, then the object freed before the call marked it in use).
# Held for a few bytecodes, never during a C call, so one lock serves every object.
_GUARD = threading.Lock()


def enter_call(obj):
    """Marks ``obj`` in use and returns its C handle (``obj._handle()`` raises Closed)."""
    with _GUARD:
        ptr = obj._handle()
        obj._calls += 1
    return ptr


def leave_call(obj):
    with _GUARD:
        obj._calls -= 1


def take_for_close(obj):
    """The C handle ``obj.close()`` is to free, detached from ``obj``; None when already
    closed. Raises Busy while a call uses the object."""
    with _GUARD:
        if obj._ptr is not None and obj._in_use():
            raise refuse_close_in_call(obj)
        ptr, obj._ptr = obj._ptr, None
    return ptr


def refuse_close_in_call(obj):
    """The Busy error of ``obj.close()`` during a call that uses ``obj``."""
    name = type(obj).__name__
    return Busy(capi.CC_EBUSY, f"{name}.close() during a call that uses the {name} (from "
                               "one of its callbacks?): close it once that call has returned")


def refuse_copy(obj, memo=None):
    """``__copy__`` / ``__deepcopy__`` of an object that owns a C object: the default
    copy shared ``_ptr`` between two owners, each freeing it (a double free)."""
    raise TypeError(f"{type(obj).__name__} owns a C object and cannot be copied")


class OwnedHandle:
    """Mixin: subclasses set ``_free_c = staticmethod(capi.cc_x_free)`` and may
    override ``_before_free()`` to detach what must not outlive the C object
    (run by ``close()`` only: at garbage collection nothing else is left).
    Every C call on the object goes through :meth:`_in_call`, not only those
    that run Python callbacks: the wrapper releases the GIL during C calls, so
    a close() from another thread must see a plain fit() or report() in
    progress too (freeing under it crashed the process)."""

    _ptr = None
    _free_c = None
    _calls = 0  # C calls using this object in progress
    _what = "object"  # in the Closed message

    def _before_free(self):
        pass

    def _handle(self):
        if self._ptr is None:
            raise Closed(capi.CC_ECLOSED, f"{self._what} is closed")
        return self._ptr

    def _in_use(self):
        """True while a C call that uses this object is running."""
        return self._calls > 0

    def _in_call(self, fn, *args):
        """Returns ``fn(handle, *args)``, a C call on this object, with the object
        marked in use for its duration (see :meth:`close`); Closed once closed."""
        ptr = enter_call(self)
        try:
            return fn(ptr, *args)
        finally:
            leave_call(self)

    def close(self):
        """Frees the C object. Idempotent. Raises :class:`callcore.Busy` when
        called while a C call uses the object (from one of its callbacks, or
        from another thread)."""
        ptr = take_for_close(self)
        if ptr is not None:
            self._before_free()
            self._free_c(ptr)

    __copy__ = __deepcopy__ = refuse_copy

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr is not None:
            self._free_c(ptr)
