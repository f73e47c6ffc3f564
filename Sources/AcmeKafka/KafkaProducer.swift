#if Kafka
import AcmeEvents
import CRdKafka
import Foundation
import Synchronization

/// An idempotent librdkafka producer whose delivery reports are served by ONE dedicated poller thread
/// (`rd_kafka_poll` every 100 ms at most, woken at once by a report). `publish` enqueues a batch and waits
/// for the batch's reports: each message carries the batch as its opaque, and the report callback, running
/// on the poller thread, counts it off and resumes the waiting task when the last one arrives.
final class KafkaProducer: @unchecked Sendable {
    /// The librdkafka handle; thread-safe. Destroyed by the poller thread when it ends.
    let handle: OpaquePointer
    /// Enqueueing holds the lock, so no message is enqueued after the poller thread starts to close.
    private let state = Mutex<(closed: Bool, flushTimeout: Int32, onClosed: CheckedContinuation<Void, Never>?)>((false, 0, nil))
    private let stopping = Atomic<Bool>(false)

    init(configuration: KafkaConfiguration) throws {
        let conf = try RdKafka.configuration(configuration.producerProperties)
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
            guard let message, let opaque = message.pointee._private else { return }
            Unmanaged<DeliveryBatch>.fromOpaque(opaque).takeUnretainedValue().delivered(message.pointee.err)
        }
        handle = try RdKafka.client(RD_KAFKA_PRODUCER, conf)
        let thread = Thread { [self] in pollUntilClosed() }
        thread.name = "kafka-producer-poll"
        thread.start()
    }

    /// Enqueues the events and returns once each has been acknowledged; throws the first failure. A batch
    /// that fails part-way still waits for the reports of what was enqueued.
    func publish(_ events: [OutgoingEvent]) async throws {
        guard !events.isEmpty else { return }
        let batch = DeliveryBatch(count: events.count)
        let opaque = Unmanaged.passUnretained(batch).toOpaque()
        var index = 0
        while index < events.count {
            let code = enqueue(events[index], opaque)
            if code == RD_KAFKA_RESP_ERR_NO_ERROR {
                index += 1
            } else if code == RD_KAFKA_RESP_ERR__QUEUE_FULL && !Task.isCancelled {
                // The local queue drains as the broker acknowledges; wait without holding a thread.
                try? await Task.sleep(for: .milliseconds(5))
            } else {
                let error: any Error = code == RD_KAFKA_RESP_ERR__QUEUE_FULL ? CancellationError()
                    : code == RD_KAFKA_RESP_ERR__DESTROY ? KafkaError.closed : RdKafka.error("produce", code)
                batch.notEnqueued(events.count - index, error: error)
                break
            }
        }
        // `batch` lives until `wait` returns, and `wait` returns only after the last report for it.
        try await batch.wait()
    }

    private func enqueue(_ event: OutgoingEvent, _ opaque: UnsafeMutableRawPointer) -> rd_kafka_resp_err_t {
        state.withLock { state in
            guard !state.closed else { return RD_KAFKA_RESP_ERR__DESTROY }
            return event.value.withUnsafeBytes { value in
                var key = event.key
                return key.withUTF8 { key in
                    acme_rd_kafka_produce(handle, event.topic.rawValue, key.baseAddress, key.count,
                                          value.baseAddress, value.count, opaque)
                }
            }
        }
    }

    /// librdkafka's fatal error, if it raised one: the idempotent producer can no longer guarantee order
    /// or no duplicates (e.g. it was fenced), and every later send fails. Only a new producer recovers.
    var fatalError: KafkaError? {
        var reason = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &reason, reason.count)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return .librdkafka(operation: "produce (fatal)", code: code.rawValue, reason: RdKafka.string(reason))
    }

    /// Delivers what is queued (up to `timeout`), fails the rest, stops the poller thread and destroys the
    /// handle. Until then the poller thread keeps the producer alive, so every producer must be closed.
    func close(timeout: Duration = .seconds(10)) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let first = state.withLock { state in
                guard !state.closed else { return false }
                state = (true, RdKafka.millis(timeout), continuation)
                return true
            }
            if first { stopping.store(true, ordering: .releasing) } else { continuation.resume() }
        }
    }

    private func pollUntilClosed() {
        while !stopping.load(ordering: .acquiring) {
            rd_kafka_poll(handle, 100)
        }
        rd_kafka_flush(handle, state.withLock { $0.flushTimeout })
        // Whatever is still queued fails with a purge error, so no `publish` waits forever.
        rd_kafka_purge(handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
        rd_kafka_flush(handle, 1_000)
        rd_kafka_destroy(handle)
        state.withLock { $0.onClosed.take() }?.resume()
    }
}

/// The delivery reports still due for one `publish` call.
final class DeliveryBatch: Sendable {
    private let state: Mutex<(pending: Int, error: (any Error)?, waiter: CheckedContinuation<Void, any Error>?)>

    init(count: Int) {
        state = Mutex((count, nil, nil))
    }

    /// A delivery report (on the poller thread).
    func delivered(_ code: rd_kafka_resp_err_t) {
        settle(1, error: code == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : RdKafka.error("delivery", code))
    }

    /// Messages that were never enqueued, so no report will come for them.
    func notEnqueued(_ count: Int, error: any Error) {
        settle(count, error: error)
    }

    private func settle(_ count: Int, error: (any Error)?) {
        let done = state.withLock { state -> (CheckedContinuation<Void, any Error>, (any Error)?)? in
            state.pending -= count
            if state.error == nil, let error { state.error = error }
            guard state.pending == 0, let waiter = state.waiter.take() else { return nil }
            return (waiter, state.error)
        }
        guard let (waiter, error) = done else { return }
        if let error { waiter.resume(throwing: error) } else { waiter.resume() }
    }

    func wait() async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            let error = state.withLock { state -> (any Error)?? in
                guard state.pending == 0 else { state.waiter = waiter; return nil }
                return .some(state.error)
            }
            switch error {
            case .none: break
            case .some(.none): waiter.resume()
            case .some(.some(let error)): waiter.resume(throwing: error)
            }
        }
    }
}
#endif
