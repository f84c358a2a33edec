import CBLAS
import Foundation

extension BLAS {
    /// The spin time (2^n cycles) OpenBLAS's idle worker threads wait before sleeping.
    ///
    /// By default they spin in `sched_yield` for a long time after every call; on a 2-core
    /// machine that steals the core the main thread needs for everything between matrix
    /// products (model C, 20 small layers: 13.5k → 37.6k samples/s with 2 threads). Only
    /// scheduling changes; results stay bit-identical.
    public static let quietThreadTimeout = "4"

    /// OpenBLAS reads `OPENBLAS_THREAD_TIMEOUT` once, when it is loaded — before `main`.
    /// When it is unset, this re-executes the program with it set (same arguments); call it
    /// first thing in `main`. Returns normally when nothing needs doing or `exec` fails.
    public static func reexecWithQuietThreads() {
        let env = ProcessInfo.processInfo.environment
        guard env["OPENBLAS_THREAD_TIMEOUT"] == nil, env["TRACKER_NO_REEXEC"] == nil else { return }
        setenv("OPENBLAS_THREAD_TIMEOUT", quietThreadTimeout, 1)
        let args = CommandLine.arguments
        var cArgs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) }
        cArgs.append(nil)
        execv("/proc/self/exe", &cArgs)
        // exec failed (no /proc): carry on with OpenBLAS's defaults.
        unsetenv("OPENBLAS_THREAD_TIMEOUT")
        for p in cArgs { free(p) }
    }

    /// Stops OpenBLAS's idle worker threads, which start spinning as soon as the library
    /// loads. Commands that do no matrix products call this first: on a 2-core machine the
    /// spinning thread otherwise takes a core for the whole life of a short command. A later
    /// threaded call starts the workers again.
    public static func stopIdleThreads() {
        _ = blas_thread_shutdown_()
    }
}
