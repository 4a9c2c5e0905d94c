/*
 * lib/wfm/forecast_fit.h - internal: fitting the smoothing parameters.
 */
#ifndef CC_WFM_FORECAST_FIT_H
#define CC_WFM_FORECAST_FIT_H

#include "forecast_model.h"

/*
 * Sets m's parameters: those given (non-zero) in opt are kept, the others are chosen to
 * minimise the one-step squared error of the filter over y[n] (NLopt BOBYQA within bounds).
 * Leaves m initialised and run over y. *evals receives the objective evaluations.
 * Returns CC_OK, CC_EUNSUPPORTED (something to fit, built without NLopt; detail set),
 * CC_ERANGE (no parameter values tried keep the one-step errors finite; m's parameters are
 * then the starting values, within their bounds),
 * CC_ENOMEM.
 */
cc_status cc__fc_fit(cc__fc_model *m, const cc_forecast_options *opt, const double *y, size_t n,
                     int *evals);

#endif
