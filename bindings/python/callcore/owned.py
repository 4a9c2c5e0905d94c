"""The lifetime of a Python object that owns one C object.

Forecaster, Importer, KpiAggregator and Scenario each own one C object in
``self._ptr``; they share how it is released: ``close()`` frees it once
(idempotent), the object is a context manager, and garbage collection frees
what was never closed.
"""


class OwnedHandle:
    """Mixin: subclasses set ``_free_c = staticmethod(capi.cc_x_free)`` and may
    override ``_before_free()`` to detach what must not outlive the C object
    (run by ``close()`` only: at garbage collection nothing else is left)."""

    _ptr = None
    _free_c = None

    def _before_free(self):
        pass

    def close(self):
        """Frees the C object. Idempotent."""
        ptr, self._ptr = self._ptr, None
        if ptr is not None:
            self._before_free()
            self._free_c(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr is not None:
            self._free_c(ptr)
