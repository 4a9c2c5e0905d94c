"""Forecasting through Python: methods, prediction intervals, accuracy, backtests."""
import csv
import os

import numpy as np
import pytest

import callcore


def synthetic(days, period=48, seed=1):
    """A daily pattern with noise: what an intraday series looks like."""
    rng = np.random.default_rng(seed)
    shape = 20 + 15 * np.sin(np.linspace(0, np.pi, period))
    return np.concatenate([shape * (1 + 0.1 * (d % 7 == 0)) for d in range(days)]) + \
        rng.normal(0, 1.0, days * period).clip(-5, 5)


def test_methods_are_listed_and_parsed():
    assert "double_seasonal" in callcore.FORECAST_METHODS
    assert len(callcore.FORECAST_METHODS) == callcore.capi.CC_FORECAST_METHOD_COUNT
    with pytest.raises(TypeError, match="unknown forecast method 'crystal_ball'"):
        callcore.Forecaster("crystal_ball", period=48)
    with pytest.raises(callcore.InvalidArgument):
        callcore.Forecaster("seasonal_naive_daily", period=0)


def test_seasonal_naive_repeats_yesterday():
    y = synthetic(3)
    with callcore.Forecaster("seasonal_naive_daily", period=48) as f:
        p = f.fit(y).predict(48)
    assert isinstance(p.mean, np.ndarray)
    assert np.allclose(p.mean, np.maximum(y[-48:], 0))
    assert np.all(p.lower <= p.mean) and np.all(p.mean <= p.upper)


def test_holt_winters_fits_and_forecasts_close_to_the_pattern():
    y = synthetic(21)
    f = callcore.Forecaster("holt_winters_additive", period=48)
    f.fit(list(y[:-48]))  # a plain list works too
    p = f.predict(48)
    acc = callcore.forecast_accuracy(y[-48:], p.mean)
    assert acc.wape < 0.15
    assert 0 < f.params.alpha < 1 and f.params.observations == len(y) - 48
    f.observe(y[-48:])
    assert f.params.observations == len(y)
    f.close()
    with pytest.raises(callcore.Closed):
        f.predict(1)


def test_undefined_accuracy_is_none_as_documented():
    # With every actual 0, MAPE and WAPE divide by nothing: the docstring says None, the
    # call gave NaN (which compares unequal to everything and passes `is None` checks by).
    acc = callcore.forecast_accuracy([0, 0], [1, 1])
    assert acc.mape is None and acc.wape is None
    assert acc.smape == pytest.approx(2.0)


def test_accuracy_and_backtest_checks():
    with pytest.raises(callcore.InvalidArgument, match="forecast has 2 entries but actual has 3"):
        callcore.forecast_accuracy([1, 2, 3], [1, 2])
    with pytest.raises(callcore.InvalidArgument):
        callcore.Forecaster("holt_winters_additive", period=48).fit([1.0, 2.0])  # too short
    y = synthetic(28)
    bt = callcore.backtest(y, "seasonal_naive_weekly", period=48, initial=14 * 48)
    assert bt.origins == 14 and bt.points == 14 * 48
    assert 0 <= bt.wape < 0.5


def test_interval_counts_refuse_fractions_and_strings():
    # int() ran period 48.9 as 48, predict(2.7) as 2 intervals and backtest's initial "672"
    # as 672, where week and window (read in C) already refuse fractions and strings.
    y = synthetic(28)
    for bad in (47.9, "48"):
        with pytest.raises(TypeError):
            callcore.Forecaster("seasonal_naive_daily", period=bad)
        with pytest.raises(TypeError):
            callcore.backtest(y, "seasonal_naive_daily", period=bad, initial=14 * 48)
    f = callcore.Forecaster("seasonal_naive_daily", period=np.int64(48)).fit(y)  # any integer
    for bad in (2.7, "2"):
        with pytest.raises(TypeError):
            f.predict(bad)
    assert len(f.predict(np.int32(2)).mean) == 2
    for bad in ({"initial": 14 * 48.5}, {"initial": "672"}, {"horizon": 47.5},
                {"step": "48"}):
        args = {"initial": 14 * 48, **bad}
        with pytest.raises(TypeError):
            callcore.backtest(y, "seasonal_naive_daily", period=48, **args)


def test_real_bank_arrivals_weekly_beats_daily_naive(data_dir):
    path = os.path.join(data_dir, "anonymous-bank", "daily-6min-counts.csv")
    y = np.array([float(r["calls"]) for r in csv.DictReader(open(path))][: 240 * 56])
    daily = callcore.backtest(y, "seasonal_naive_daily", period=240, initial=240 * 28)
    weekly = callcore.backtest(y, "seasonal_naive_weekly", period=240, initial=240 * 28)
    assert weekly.wape < daily.wape  # weekends differ from weekdays


def test_a_horizon_too_large_raises_with_its_own_detail(engine_available):
    f = callcore.Forecaster("seasonal_naive_daily", period=48).fit(synthetic(3))
    with pytest.raises(callcore.NotFound):  # leaves a detail behind in the library
        callcore.Engine().agent("nobody")
    # 3 * horizon doubles would wrap size_t: refused before anything is allocated
    for horizon in (2 ** 62, 6148914691236517206, 2 ** 64 - 1):
        with pytest.raises(callcore.RangeError, match="horizon") as e:
            f.predict(horizon)
        assert "nobody" not in e.value.detail
    # fits size_t but not memory: out of memory, again with its own detail
    with pytest.raises(callcore.OutOfMemory) as e:
        f.predict(2 ** 59)
    assert "horizon of 576460752303423488 intervals" in e.value.detail
    with pytest.raises(OverflowError):
        f.predict(-1)
    assert len(f.predict(5).mean) == 5  # still usable


def test_backtest_horizon_and_step_of_any_size_are_clipped_at_the_end():
    y = synthetic(21, period=24)
    to_end = callcore.backtest(y, "seasonal_naive_daily", period=24, initial=48,
                               horizon=len(y) - 48)
    for horizon in (2 ** 62, 2 ** 63 - 1):
        bt = callcore.backtest(y, "seasonal_naive_daily", period=24, initial=48, horizon=horizon)
        assert (bt.origins, bt.points, bt.wape) == (1, len(y) - 48, to_end.wape)
    bt = callcore.backtest(y, "seasonal_naive_daily", period=24, initial=48, horizon=24,
                           step=2 ** 63 - 1)
    assert (bt.origins, bt.points) == (1, 24)
