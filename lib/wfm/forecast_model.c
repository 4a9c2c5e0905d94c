/*
 * lib/wfm/forecast_model.c - the forecasting filters (see forecast_model.h).
 *
 * Holt-Winters in error-correction form with a damped trend (Gardner & McKenzie 1985);
 * the double-seasonal model is Taylor (2003), J. Oper. Res. Soc. 54:799, multiplicative, with
 * an AR(1) adjustment of the one-step error. Seasonal naive and the seasonal moving
 * average read the history ring.
 */
#include "forecast_model.h"

#include "base/mem.h"

#include <math.h>
#include <string.h>

/* Guards the divisions of the multiplicative models against zero counts. */
#define CC__FC_TINY 1e-6

cc_status cc__fc_model_alloc(cc__fc_model *m, const cc_forecast_options *opt)
{
    memset(m, 0, sizeof *m);
    m->method = opt->method;
    m->m1 = opt->period;
    m->m2 = opt->week ? opt->week : 7 * opt->period;
    m->window = opt->window ? opt->window : 5;
    m->hist_len = m->m2 > m->window * m->m1 ? m->m2 : m->window * m->m1;
    m->s1 = cc__calloc(m->m1, sizeof(double));
    m->s2 = cc__calloc(m->m2, sizeof(double));
    m->hist = cc__calloc(m->hist_len, sizeof(double));
    if (!m->s1 || !m->s2 || !m->hist) {
        cc__fc_model_release(m);
        return CC_ENOMEM;
    }
    return CC_OK;
}

void cc__fc_model_release(cc__fc_model *m)
{
    cc__free(m->s1);
    cc__free(m->s2);
    cc__free(m->hist);
    m->s1 = m->s2 = m->hist = NULL;
}

size_t cc__fc_min_history(const cc__fc_model *m)
{
    switch (m->method) {
    case CC_FORECAST_SEASONAL_NAIVE_WEEKLY:
    case CC_FORECAST_DOUBLE_SEASONAL:
    case CC_FORECAST_DAILY_PROFILE:
        return 2 * m->m2;
    case CC_FORECAST_MOVING_AVERAGE:
        return (m->window + 1) * m->m1;
    default:
        return 2 * m->m1;
    }
}

int cc__fc_is_multiplicative(const cc__fc_model *m)
{
    return m->method == CC_FORECAST_HOLT_WINTERS_MULTIPLICATIVE ||
           m->method == CC_FORECAST_DOUBLE_SEASONAL || m->method == CC_FORECAST_DAILY_PROFILE;
}

static double cc__fc_mean(const double *y, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += y[i];
    return s / (double)n;
}

/* Holt-Winters start: level = mean of day 1, trend = day-2 mean minus day-1 mean per
 * interval, season = the average of the first two days' deviations from their means. */
static void cc__fc_init_holt_winters(cc__fc_model *m, const double *y)
{
    size_t p = m->m1;
    double d1 = cc__fc_mean(y, p), d2 = cc__fc_mean(y + p, p);
    m->level = d1;
    m->trend = (d2 - d1) / (double)p;
    int mult = m->method == CC_FORECAST_HOLT_WINTERS_MULTIPLICATIVE;
    for (size_t i = 0; i < p; i++) {
        if (mult)
            m->s1[i] = 0.5 * (y[i] / fmax(d1, CC__FC_TINY) + y[p + i] / fmax(d2, CC__FC_TINY));
        else
            m->s1[i] = 0.5 * ((y[i] - d1) + (y[p + i] - d2));
    }
    /* The level describes the time just before the first observation. */
    m->level = d1 - m->trend * 0.5 * (double)(p - 1);
}

/* Taylor's start: level = mean of the first week; daily index = each interval's mean over
 * the days of the first week, over the level; weekly index = what the daily index leaves. */
static void cc__fc_init_double_seasonal(cc__fc_model *m, const double *y)
{
    size_t p = m->m1, w = m->m2, days = w / p;
    m->level = fmax(cc__fc_mean(y, w), CC__FC_TINY);
    for (size_t i = 0; i < p; i++) {
        double s = 0.0;
        for (size_t d = 0; d < days; d++)
            s += y[d * p + i];
        m->s1[i] = fmax(s / (double)days / m->level, CC__FC_TINY);
    }
    for (size_t k = 0; k < w; k++)
        m->s2[k] = fmax(y[k] / (m->level * m->s1[k % p]), CC__FC_TINY);
}

/* Daily-profile start: level = mean daily total of the first week, day-of-week factors from
 * the first two weeks (kept in s2[0 .. days)), intraday shares from the first week. */
static void cc__fc_init_daily_profile(cc__fc_model *m, const double *y)
{
    size_t p = m->m1, days = m->m2 / p;
    double week1 = 0.0;
    for (size_t i = 0; i < m->m2; i++)
        week1 += y[i];
    m->level = fmax(week1 / (double)days, CC__FC_TINY);
    for (size_t d = 0; d < days; d++) {
        double t1 = 0.0, t2 = 0.0;
        for (size_t i = 0; i < p; i++) {
            t1 += y[d * p + i];
            t2 += y[m->m2 + d * p + i];
        }
        m->s2[d] = fmax(0.5 * (t1 + t2) / m->level, CC__FC_TINY);
    }
    for (size_t i = 0; i < p; i++) {
        double s = 0.0;
        for (size_t d = 0; d < days; d++)
            s += y[d * p + i];
        m->s1[i] = s / fmax(week1, CC__FC_TINY);
    }
    m->day_total = 0.0;
    m->day_forecast = m->level * m->s2[0];
}

void cc__fc_init(cc__fc_model *m, const double *y, size_t n)
{
    (void)n;
    m->t = 0;
    m->err = 0.0;
    m->sse = m->sse_rel = 0.0;
    m->nerr = 0;
    m->level = m->trend = 0.0;
    memset(m->hist, 0, m->hist_len * sizeof(double));
    switch (m->method) {
    case CC_FORECAST_HOLT_WINTERS_ADDITIVE:
    case CC_FORECAST_HOLT_WINTERS_MULTIPLICATIVE:
        cc__fc_init_holt_winters(m, y);
        m->score_from = m->m1;
        break;
    case CC_FORECAST_DOUBLE_SEASONAL:
        cc__fc_init_double_seasonal(m, y);
        m->score_from = m->m2;
        break;
    case CC_FORECAST_DAILY_PROFILE:
        cc__fc_init_daily_profile(m, y);
        m->score_from = m->m2;
        break;
    case CC_FORECAST_SEASONAL_NAIVE_WEEKLY:
        m->score_from = m->m2;
        break;
    case CC_FORECAST_MOVING_AVERAGE:
        m->score_from = m->window * m->m1;
        break;
    default:
        m->score_from = m->m1;
        break;
    }
}

static double cc__fc_hist(const cc__fc_model *m, size_t i)
{
    return m->hist[i % m->hist_len];
}

/* Forecast of absolute index `at` (>= m->t) for the history-based methods, or NaN when the
 * history is too short. */
static double cc__fc_from_history(const cc__fc_model *m, size_t at)
{
    size_t lag = m->method == CC_FORECAST_SEASONAL_NAIVE_WEEKLY ? m->m2 : m->m1;
    size_t ahead = at - m->t + 1;                  /* h >= 1 */
    size_t back = lag * ((ahead + lag - 1) / lag); /* whole seasons back to observed data */
    if (back > at) return NAN;
    size_t base = at - back;
    if (m->method != CC_FORECAST_MOVING_AVERAGE) return cc__fc_hist(m, base);
    if (base < (m->window - 1) * m->m1) return NAN;
    double s = 0.0;
    for (size_t k = 0; k < m->window; k++)
        s += cc__fc_hist(m, base - k * m->m1);
    return s / (double)m->window;
}

/* Sum phi + phi^2 + ... + phi^h of the damped trend. */
static double cc__fc_damped(double phi, size_t h)
{
    if (phi == 1.0) return (double)h;
    return phi * (1.0 - pow(phi, (double)h)) / (1.0 - phi);
}

static double cc__fc_one_step(const cc__fc_model *m)
{
    size_t t = m->t;
    switch (m->method) {
    case CC_FORECAST_HOLT_WINTERS_ADDITIVE:
        return m->level + m->phi * m->trend + m->s1[t % m->m1];
    case CC_FORECAST_HOLT_WINTERS_MULTIPLICATIVE:
        return (m->level + m->phi * m->trend) * m->s1[t % m->m1];
    case CC_FORECAST_DOUBLE_SEASONAL:
        return m->level * m->s1[t % m->m1] * m->s2[t % m->m2] + m->phi * m->err;
    case CC_FORECAST_DAILY_PROFILE:
        return m->day_forecast * m->s1[t % m->m1];
    default:
        return cc__fc_from_history(m, t);
    }
}

static void cc__fc_update_holt_winters(cc__fc_model *m, double y)
{
    size_t i = m->t % m->m1;
    double s = m->s1[i], prev = m->level, damped = m->phi * m->trend;
    if (m->method == CC_FORECAST_HOLT_WINTERS_ADDITIVE) {
        m->level = m->alpha * (y - s) + (1.0 - m->alpha) * (prev + damped);
        m->s1[i] = m->gamma * (y - m->level) + (1.0 - m->gamma) * s;
    } else {
        m->level = m->alpha * y / fmax(s, CC__FC_TINY) + (1.0 - m->alpha) * (prev + damped);
        m->level = fmax(m->level, CC__FC_TINY);
        m->s1[i] = fmax(m->gamma * y / m->level + (1.0 - m->gamma) * s, CC__FC_TINY);
    }
    m->trend = m->beta * (m->level - prev) + (1.0 - m->beta) * damped;
}

static void cc__fc_update_double_seasonal(cc__fc_model *m, double y)
{
    size_t i = m->t % m->m1, k = m->t % m->m2;
    double d = m->s1[i], w = m->s2[k];
    m->err = y - m->level * d * w; /* the AR(1) acts on the error of the seasonal part */
    m->level =
        fmax(m->alpha * y / fmax(d * w, CC__FC_TINY) + (1.0 - m->alpha) * m->level, CC__FC_TINY);
    m->s1[i] = fmax(m->gamma * y / (m->level * w) + (1.0 - m->gamma) * d, CC__FC_TINY);
    m->s2[k] = fmax(m->omega * y / (m->level * d) + (1.0 - m->omega) * w, CC__FC_TINY);
}

/* Day position within the week of absolute interval index `at`. */
static size_t cc__fc_day_of_week(const cc__fc_model *m, size_t at)
{
    return (at / m->m1) % (m->m2 / m->m1);
}

/* Daily-profile: accumulate the day; at its last interval update the daily Holt-Winters
 * (level, day-of-week factor) and the intraday shares, then forecast tomorrow's total. */
static void cc__fc_update_daily_profile(cc__fc_model *m, double y)
{
    m->day_total += y;
    if (m->t % m->m1 != m->m1 - 1) return;
    size_t dow = cc__fc_day_of_week(m, m->t), start = m->t + 1 - m->m1;
    double total = m->day_total, f = m->s2[dow];
    m->level = fmax(m->alpha * total / f + (1.0 - m->alpha) * m->level, CC__FC_TINY);
    m->s2[dow] = fmax(m->gamma * total / m->level + (1.0 - m->gamma) * f, CC__FC_TINY);
    if (total > 0.0) {
        /* today's y are in the history ring except the last, which is y itself */
        for (size_t i = 0; i + 1 < m->m1; i++)
            m->s1[i] =
                m->omega * m->hist[(start + i) % m->hist_len] / total + (1.0 - m->omega) * m->s1[i];
        m->s1[m->m1 - 1] = m->omega * y / total + (1.0 - m->omega) * m->s1[m->m1 - 1];
    }
    m->day_total = 0.0;
    m->day_forecast = m->level * m->s2[cc__fc_day_of_week(m, m->t + 1)];
}

double cc__fc_step(cc__fc_model *m, double y)
{
    double f = cc__fc_one_step(m);
    double e = y - f;
    if (m->t >= m->score_from && isfinite(e)) {
        m->sse += e * e;
        double rel = e / fmax(fabs(f), 1.0);
        m->sse_rel += rel * rel;
        m->nerr++;
    }
    switch (m->method) {
    case CC_FORECAST_HOLT_WINTERS_ADDITIVE:
    case CC_FORECAST_HOLT_WINTERS_MULTIPLICATIVE:
        cc__fc_update_holt_winters(m, y);
        break;
    case CC_FORECAST_DOUBLE_SEASONAL:
        cc__fc_update_double_seasonal(m, y);
        break;
    case CC_FORECAST_DAILY_PROFILE:
        cc__fc_update_daily_profile(m, y);
        break;
    default:
        break;
    }
    m->hist[m->t % m->hist_len] = y;
    m->t++;
    return e;
}

void cc__fc_forecast(const cc__fc_model *m, size_t h, double *out)
{
    for (size_t j = 1; j <= h; j++) {
        size_t at = m->t + j - 1;
        double f;
        switch (m->method) {
        case CC_FORECAST_HOLT_WINTERS_ADDITIVE:
            f = m->level + cc__fc_damped(m->phi, j) * m->trend + m->s1[at % m->m1];
            break;
        case CC_FORECAST_HOLT_WINTERS_MULTIPLICATIVE:
            f = (m->level + cc__fc_damped(m->phi, j) * m->trend) * m->s1[at % m->m1];
            break;
        case CC_FORECAST_DOUBLE_SEASONAL:
            f = m->level * m->s1[at % m->m1] * m->s2[at % m->m2] + pow(m->phi, (double)j) * m->err;
            break;
        case CC_FORECAST_DAILY_PROFILE:
            /* the rest of today keeps this morning's total; later days use the level */
            f = (at / m->m1 == m->t / m->m1 ? m->day_forecast
                                            : m->level * m->s2[cc__fc_day_of_week(m, at)]) *
                m->s1[at % m->m1];
            break;
        default:
            f = cc__fc_from_history(m, at);
            break;
        }
        out[j - 1] = isfinite(f) && f > 0.0 ? f : (isnan(f) ? f : 0.0);
    }
}

double cc__fc_sigma(const cc__fc_model *m)
{
    if (m->nerr == 0) return NAN;
    double s = cc__fc_is_multiplicative(m) ? m->sse_rel : m->sse;
    return sqrt(s / (double)m->nerr);
}

/*
 * L(j, lag) = sum of phi^k over 0 <= k < j with j - k a positive multiple of lag: what an
 * error k steps ahead adds, through the seasonal index it updates, to the forecast j steps
 * ahead. phi^(j mod lag) (1 + r + ... + r^(q-1)) with r = phi^lag, q = j / lag; phi < 1
 * (the double-seasonal AR coefficient). O(1).
 */
static double cc__fc_lagged_sum(double phi, size_t j, size_t lag)
{
    size_t q = j / lag;
    if (q == 0) return 0.0;
    double r = pow(phi, (double)lag);
    return pow(phi, (double)(j % lag)) * (1.0 - pow(r, (double)q)) / (1.0 - r);
}

/*
 * Daily profile, `k` days past the first forecast day. Its one-step errors are day-ahead
 * errors; a day's relative error moves the level by alpha times itself and that weekday's
 * factor by gamma (1 - alpha) times itself (the factor update uses the new level), so a
 * further day i adds c_i^2 with c_i = alpha + gamma (1 - alpha) [i a multiple of the days
 * in a week]: the same weekday next week also carries the factor's error. O(1).
 */
static double cc__fc_daily_profile_factor(const cc__fc_model *m, size_t k)
{
    size_t weeks = k / (m->m2 / m->m1);
    double a2 = m->alpha * m->alpha, cw = m->alpha + m->gamma * (1.0 - m->alpha);
    return sqrt(1.0 + (double)k * a2 + (double)weeks * (cw * cw - a2));
}

/*
 * out[h-1] = sqrt(1 + sum_{j<h} c_j^2): the h-step error of the innovations form (Hyndman,
 * Koehler, Ord & Snyder 2008, ch. 6) with c_j = alpha (1 + beta (phi + ... + phi^j)) +
 * gamma (1 - alpha) [j a multiple of the period] for Holt-Winters (the season update,
 * gamma (y - new level) + (1 - gamma) s, moves s by gamma (1 - alpha) times the one-step
 * error, as the trend moves by alpha beta), the same on the relative scale for
 * the multiplicative model (an approximation there). The double-seasonal model, linearised
 * on the relative scale: its error term follows e_t = phi e_{t-1} + eps_t and every update
 * is driven by e_t (the level by alpha e_t, the daily and weekly indices by gamma (1 - alpha)
 * e_t and omega (1 - alpha) e_t), so a shock reaches j steps ahead through the AR term
 * (phi^j), through the level (alpha (1 + phi + ... + phi^(j-1))) and through the index
 * updates it drives at each later step whose slot comes round again at j:
 * c_j = phi^j + alpha sum_{k<j} phi^k + gamma (1 - alpha) L(j, period) + omega (1 - alpha)
 * L(j, week) (cc__fc_lagged_sum). Seasonal naive: the error of y - y(k seasons back) grows
 * with the k seasons crossed; moving average: constant. O(h) for all h at once.
 */
void cc__fc_sd_factors(const cc__fc_model *m, size_t h, double *out)
{
    double v = 1.0, phi_j = 1.0, geo = 0.0;
    for (size_t j = 1; j <= h; j++) {
        switch (m->method) {
        case CC_FORECAST_SEASONAL_NAIVE_DAILY:
            out[j - 1] = sqrt((double)((j + m->m1 - 1) / m->m1));
            continue;
        case CC_FORECAST_SEASONAL_NAIVE_WEEKLY:
            out[j - 1] = sqrt((double)((j + m->m2 - 1) / m->m2));
            continue;
        case CC_FORECAST_MOVING_AVERAGE:
            out[j - 1] = 1.0;
            continue;
        case CC_FORECAST_DAILY_PROFILE:
            out[j - 1] = cc__fc_daily_profile_factor(m, (j - 1) / m->m1);
            continue;
        default:
            break;
        }
        out[j - 1] = sqrt(v);
        /* c_j for the next horizon j + 1 */
        geo += phi_j; /* 1 + phi + ... + phi^(j-1) */
        phi_j *= m->phi;
        double c;
        if (m->method == CC_FORECAST_DOUBLE_SEASONAL)
            c = phi_j + m->alpha * geo +
                (1.0 - m->alpha) * (m->gamma * cc__fc_lagged_sum(m->phi, j, m->m1) +
                                    m->omega * cc__fc_lagged_sum(m->phi, j, m->m2));
        else
            c = m->alpha * (1.0 + m->beta * cc__fc_damped(m->phi, j)) +
                (j % m->m1 == 0 ? m->gamma * (1.0 - m->alpha) : 0.0);
        v += c * c;
    }
}
