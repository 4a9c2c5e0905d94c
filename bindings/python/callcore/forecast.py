"""Interval volume forecasting: seasonal naive, moving average, Holt-Winters
(additive, multiplicative) and Taylor's double-seasonal model, with fitted
parameters, prediction intervals, accuracy metrics and backtests::

    with callcore.Forecaster("double_seasonal", period=240, week=7 * 240) as f:
        f.fit(history)                      # numpy array or any sequence
        tomorrow = f.predict(240)           # .mean, .lower, .upper
    plan = callcore.staffing_plan(tomorrow.mean, interval_s=360, aht_s=200)

Arrays come back as numpy arrays when numpy is installed.
"""

import math
import operator
import types

from . import capi
from .owned import OwnedHandle
from .wfm import _array

__all__ = ["Forecaster", "FORECAST_METHODS", "forecast_accuracy", "backtest"]

try:
    import numpy as _np
except ImportError:  # pragma: no cover - numpy is installed where the tests run
    _np = None

FORECAST_METHODS = tuple(capi.cc_forecast_method_name(m)
                         for m in range(capi.CC_FORECAST_METHOD_COUNT))


def _column(values):
    return _np.asarray(values, dtype=_np.float64) if _np is not None else list(values)


def _options(method, period, **params):
    opts = {k: v for k, v in params.items() if v is not None}
    opts["method"] = method
    # operator.index, not int(): 47.9 intervals a day are not 47, nor is "48" a count
    # (week and window, read in C, refuse them too)
    opts["period"] = operator.index(period)
    return opts


class Forecaster(OwnedHandle):
    """A forecaster (``cc_forecaster``) for one method: one of
    :data:`FORECAST_METHODS` ("seasonal_naive_daily", ...,
    "double_seasonal"). ``period`` = intervals per day; optional ``week``
    (intervals per week, default 7 days), ``window`` (moving average days),
    fixed smoothing parameters ``alpha``, ``beta``, ``gamma``, ``omega``,
    ``phi`` (0 / None = fitted), and ``level`` (prediction-interval coverage,
    default 0.95)."""

    _free_c = staticmethod(capi.cc_forecaster_free)
    _what = "forecaster"

    def __init__(self, method, *, period, week=None, window=None, alpha=None, beta=None,
                 gamma=None, omega=None, phi=None, level=None):
        self._ptr = None
        self._ptr = capi.cc_forecaster_new(_options(
            method, period, week=week, window=window, alpha=alpha, beta=beta, gamma=gamma,
            omega=omega, phi=phi, level=level))

    def fit(self, history):
        """Fits the parameters left free on ``history`` (interval counts in
        time order, no gaps) and runs the model over it. Returns self."""
        self._in_call(capi.cc_forecaster_fit, _array(history))
        return self

    def observe(self, values):
        """Feeds new observations without refitting."""
        self._in_call(capi.cc_forecaster_observe, _array(values))

    def predict(self, horizon):
        """The next ``horizon`` intervals: a namespace of arrays mean, lower,
        upper (the prediction interval at the forecaster's level)."""
        cols = self._in_call(capi.cc_sw_forecaster_predict, operator.index(horizon))
        return types.SimpleNamespace(**{k: _column(v) for k, v in cols.items()})

    @property
    def params(self):
        """Parameters in use and fit statistics (alpha, beta, gamma, omega,
        phi, sigma, sse, observations, evaluations)."""
        return types.SimpleNamespace(**self._in_call(capi.cc_sw_forecaster_params))



def forecast_accuracy(actual, forecast):
    """MAPE, WAPE and sMAPE (fractions) of ``forecast`` against ``actual``
    (same length); None where undefined (MAPE with every actual 0)."""
    d = capi.cc_sw_forecast_accuracy(_array(actual), _array(forecast))
    # C says "undefined" with NaN
    return types.SimpleNamespace(**{k: None if math.isnan(d[k]) else d[k]
                                    for k in ("mape", "wape", "smape")})


def backtest(y, method, *, period, initial, horizon=None, step=None, refit=False, **params):
    """Rolling-origin backtest of ``method`` on ``y``: from each origin
    (``initial``, then every ``step``) the model forecasts ``horizon``
    intervals. Returns mape, wape, smape, mase, coverage, points, origins."""
    bt = {"initial": operator.index(initial), "refit": int(bool(refit))}
    if horizon is not None:
        bt["horizon"] = operator.index(horizon)
    if step is not None:
        bt["step"] = operator.index(step)
    d = capi.cc_sw_forecast_backtest(_options(method, period, **params), bt, _array(y))
    return types.SimpleNamespace(**d)
