#if Kafka
import Dispatch
import Foundation
import Synchronization

/// One dedicated OS thread that runs blocking librdkafka calls one after another, so they never occupy a
/// thread of Swift's cooperative pool. `run` suspends the calling task until its job has run.
final class BlockingWorker: Sendable {
    private let jobs = Mutex<(queue: [@Sendable () -> Void], stopping: Bool)>(([], false))
    private let wake = DispatchSemaphore(value: 0)

    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the worker thread and returns its result; throws `KafkaError.closed` after `stop`.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = submit { continuation.resume(with: Result { try body() }) }
            if !accepted { continuation.resume(throwing: KafkaError.closed) }
        }
    }

    /// Queues `body`; false if the worker is stopping.
    @discardableResult
    func submit(_ body: @escaping @Sendable () -> Void) -> Bool {
        let accepted = jobs.withLock { jobs in
            guard !jobs.stopping else { return false }
            jobs.queue.append(body)
            return true
        }
        if accepted { wake.signal() }
        return accepted
    }

    /// Runs `last` after the jobs queued so far, then ends the thread; later jobs are refused.
    func stop(after last: @escaping @Sendable () -> Void) {
        let accepted = jobs.withLock { jobs in
            guard !jobs.stopping else { return false }
            jobs.queue.append(last)
            jobs.stopping = true
            return true
        }
        if accepted { wake.signal() }
    }

    /// Each signal stands for one queued job; the thread ends after the job `stop` queued.
    private func loop() {
        while true {
            wake.wait()
            let job = jobs.withLock { $0.queue.removeFirst() }
            job()
            if jobs.withLock({ $0.stopping && $0.queue.isEmpty }) { return }
        }
    }

    /// Runs one blocking call on a thread of its own (for rare calls such as creating topics).
    static func once<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = name
            thread.start()
        }
    }
}
#endif
