"""libcallcore for Python: contact-center routing, workforce maths and KPIs.

The package wraps the C library (through the SWIG module ``callcore.capi``)
in Python classes. Failing calls raise :class:`callcore.Error` subclasses
carrying the library's detail message; events arrive as :class:`Event`
objects; objects with a lifetime are context managers.
"""

from . import capi
from .errors import *  # noqa: F401,F403 - the exception hierarchy is public API
from .errors import __all__ as _errors_all
from .events import *  # noqa: F401,F403
from .events import __all__ as _events_all
from .engine import *  # noqa: F401,F403
from .engine import __all__ as _engine_all
from .wfm import *  # noqa: F401,F403
from .wfm import __all__ as _wfm_all
from .kpi import *  # noqa: F401,F403
from .kpi import __all__ as _kpi_all
from .forecast import *  # noqa: F401,F403
from .forecast import __all__ as _forecast_all
from .sim import *  # noqa: F401,F403
from .sim import __all__ as _sim_all

__version__ = capi.cc_version()
VERSION_HEX = capi.cc_version_hex()


def strerror(status):
    """Returns the English text of a cc_status value."""
    return capi.cc_strerror(int(status))


__all__ = ["capi", "strerror", "VERSION_HEX"] + list(_errors_all) + list(_events_all) + list(_engine_all) + list(_wfm_all) + list(_kpi_all) + list(_forecast_all) + list(_sim_all)
