/* The JavaScript host's two halves: the runtime and loop (host.c), the hardware interface (hw.c). */
#pragma once
#include "quickjs.h"

/* Install the hardware interface as the global `__toro_hw`. */
void hw_install(JSContext *ctx);
/* The event loop's turn() and the uncaught-error reporter the kernel registered (JS_UNDEFINED until then). */
JSValue hw_turn_function(void);
JSValue hw_uncaught_function(void);
