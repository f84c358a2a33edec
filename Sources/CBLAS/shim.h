#include <cblas.h>

/// Stops OpenBLAS's worker threads (exported by OpenBLAS, used by its fork handler). They
/// start when the library loads and spin in sched_yield; the next threaded call restarts them.
int blas_thread_shutdown_(void);
