import Dispatch
import Foundation
import Trainer

/// Turns SIGINT/SIGTERM into an `InterruptFlag` the training loop checks between steps
/// (it then checkpoints, flushes and marks the run interrupted). A second signal exits at once.
final class SignalTrap {
    let flag = InterruptFlag()
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [flag] in
                if flag.raised != nil {
                    FileHandle.standardError.write(Data("\nsecond signal: stopping now, without a checkpoint\n".utf8))
                    exit(128 + sig)
                }
                flag.raise(sig)
                FileHandle.standardError.write(Data("\nsignal \(sig): finishing the step, writing a checkpoint…\n".utf8))
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for s in sources { s.cancel() }
    }

    /// The exit code for an interrupted command (128 + signal).
    var exitCode: Int32? { flag.raised.map { 128 + $0 } }
}
