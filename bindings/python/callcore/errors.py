"""Exceptions raised by the callcore package.

Every failing C call (a negative ``cc_status``) raises a subclass of
:class:`Error` that carries the status code, its symbolic name and the
detail message the library recorded (``cc_error_last()``)::

    try:
        engine.queue("sales").configure(ring_timeout_ms=-5)
    except callcore.InvalidArgument as e:
        print(e.status, e.name, e.detail)

Invalid input to the pure maths (Erlang, staffing) raises
:class:`InvalidArgument` too; it is also a :class:`ValueError`.
"""

from . import capi

__all__ = [
    "Error", "InvalidArgument", "OutOfMemory", "NotFound", "AlreadyExists",
    "InvalidState", "VersionError", "Full", "IOError_", "ParseError", "RangeError",
    "Unsupported", "Busy", "Closed", "AuthError", "Timeout", "Infeasible",
    "from_status",
]


class Error(Exception):
    """A libcallcore call failed.

    Attributes:
        status: the ``cc_status`` value (a negative int).
        name: its symbolic name, e.g. ``"CC_EINVAL"``.
        detail: the library's detail message (may be empty).
    """

    def __init__(self, status, detail=""):
        self.status = int(status)
        self.name = capi.cc_status_name(self.status)
        self.detail = detail
        text = capi.cc_strerror(self.status)
        super().__init__(f"{self.name}: {detail}" if detail else f"{self.name}: {text}")

    def __reduce__(self):
        # pickle and copy rebuild an exception from its args (the message); an Error is
        # rebuilt from its status and detail (multiprocessing sends exceptions pickled).
        return type(self), (self.status, self.detail), self.__dict__


class InvalidArgument(Error, ValueError):
    """CC_EINVAL: an argument is out of its domain."""


class OutOfMemory(Error, MemoryError):
    """CC_ENOMEM: an allocation failed; the object is unchanged."""


class NotFound(Error, LookupError):
    """CC_ENOTFOUND: no queue, agent or contact with that id."""


class AlreadyExists(Error):
    """CC_EEXIST: an object with that id exists already."""


class InvalidState(Error):
    """CC_ESTATE: the operation is not allowed in the object's current state."""


class VersionError(Error):
    """CC_EVERSION: unsupported structure or protocol version."""


class Full(Error):
    """CC_EFULL: a capacity or queue limit was reached."""


class IOError_(Error, OSError):
    """CC_EIO: input/output error (named with a trailing underscore so it does
    not shadow the built-in alias of OSError)."""


class ParseError(Error, ValueError):
    """CC_EPARSE: malformed input."""


class RangeError(Error, ValueError):
    """CC_ERANGE: a value is out of range."""


class Unsupported(Error):
    """CC_EUNSUPPORTED: the feature is not in this build."""


class Busy(Error):
    """CC_EBUSY: the resource is busy."""


class Closed(Error):
    """CC_ECLOSED: the object is closed or closing."""


class AuthError(Error, PermissionError):
    """CC_EAUTH: authentication required or failed."""


class Timeout(Error, TimeoutError):
    """CC_ETIMEOUT: the operation timed out."""


class Infeasible(Error):
    """CC_EINFEASIBLE: no solution satisfies the constraints."""


_BY_STATUS = {
    capi.CC_EINVAL: InvalidArgument,
    capi.CC_ENOMEM: OutOfMemory,
    capi.CC_ENOTFOUND: NotFound,
    capi.CC_EEXIST: AlreadyExists,
    capi.CC_ESTATE: InvalidState,
    capi.CC_EVERSION: VersionError,
    capi.CC_EFULL: Full,
    capi.CC_EIO: IOError_,
    capi.CC_EPARSE: ParseError,
    capi.CC_ERANGE: RangeError,
    capi.CC_EUNSUPPORTED: Unsupported,
    capi.CC_EBUSY: Busy,
    capi.CC_ECLOSED: Closed,
    capi.CC_EAUTH: AuthError,
    capi.CC_ETIMEOUT: Timeout,
    capi.CC_EINFEASIBLE: Infeasible,
}


def from_status(status, detail=""):
    """Returns the exception instance for a failing ``cc_status``; the C
    wrapper raises what this returns. Unknown codes give a plain Error."""
    return _BY_STATUS.get(int(status), Error)(status, detail)
