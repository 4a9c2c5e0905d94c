/*
 * bindings/swig/errors.i - the error model and version (callcore/status.h,
 * callcore/version.h). Language-neutral: the overlay's `cc_status` out
 * typemap turns every failing status into the language's error, carrying
 * cc_error_last()'s detail message.
 */
%include "callcore/version.h"
%include "callcore/status.h"
