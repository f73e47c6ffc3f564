// librdkafka's C API for AcmeKafka (built only with the `Kafka` trait). Compiled against Debian's
// librdkafka-dev headers; run against a newer librdkafka (see scripts/kafka.sh).
#include <librdkafka/rdkafka.h>

// rd_kafka_producev is variadic, which Swift cannot call: one non-variadic call for AcmeKafka's producer.
// The key and (with RD_KAFKA_MSG_F_COPY) the value are copied by librdkafka before this returns;
// `opaque` comes back in the delivery report as rkmessage->_private.
static inline rd_kafka_resp_err_t acme_rd_kafka_produce(rd_kafka_t *rk, const char *topic,
                                                        const void *key, size_t key_len,
                                                        const void *value, size_t value_len,
                                                        void *opaque) {
    return rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE((void *)value, value_len),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(opaque),
                             RD_KAFKA_V_END);
}
