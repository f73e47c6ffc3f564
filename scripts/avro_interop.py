#!/usr/bin/env python3
"""Reads and writes Avro container files with fastavro, for AcmeAvro's interoperability tests.

Values cross the process boundary in the Avro specification's JSON encoding: a union value is null or
{"<branch>": value} (the branch's fullname, or its type name), bytes and fixed are strings of code points
0-255, and logical types keep their underlying values (a timestamp-millis is the long).

  avro_interop.py check                             exit 0 when fastavro can be imported
  avro_interop.py read FILE                         print {"codec", "canonical", "fingerprint", "records"}
  avro_interop.py write SCHEMA.avsc CODEC OUT       write the JSON array of records on stdin to OUT
  avro_interop.py canonical SCHEMA.avsc             print {"canonical", "fingerprint"}
"""
import datetime
import json
import math
import sys

try:
    import fastavro
    from fastavro.schema import fingerprint, to_parsing_canonical_form
except ImportError:
    fastavro = None

PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
NAMED = {"record", "error", "enum", "fixed"}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def collect_names(schema, names):
    """Maps every named type's fullname to its definition (fastavro's parsed schemas use fullnames)."""
    if isinstance(schema, list):
        for branch in schema:
            collect_names(branch, names)
    elif isinstance(schema, dict):
        kind = schema["type"]
        if kind in NAMED:
            names[schema["name"]] = schema
        if kind in ("record", "error"):
            for field in schema["fields"]:
                collect_names(field["type"], names)
        elif kind == "array":
            collect_names(schema["items"], names)
        elif kind == "map":
            collect_names(schema["values"], names)
        elif isinstance(kind, (dict, list)):
            collect_names(kind, names)
    return names


def resolve(schema, names):
    while True:
        if isinstance(schema, str) and schema not in PRIMITIVES:
            schema = names[schema]
        elif isinstance(schema, dict) and isinstance(schema["type"], (dict, list)):
            schema = schema["type"]
        elif isinstance(schema, dict) and schema["type"] not in NAMED | {"array", "map"} and not schema.get("logicalType"):
            schema = schema["type"]
        else:
            return schema


def kind_of(schema):
    return schema if isinstance(schema, str) else "union" if isinstance(schema, list) else schema["type"]


def branch_name(schema, names):
    schema = resolve(schema, names)
    kind = kind_of(schema)
    return schema["name"] if kind in NAMED else kind


def matches(schema, datum, names):
    schema = resolve(schema, names)
    kind = kind_of(schema)
    if kind == "null":
        return datum is None
    if kind == "boolean":
        return isinstance(datum, bool)
    if kind in ("int", "long"):
        return (isinstance(datum, int) and not isinstance(datum, bool)) or isinstance(datum, datetime.datetime)
    if kind in ("float", "double"):
        return isinstance(datum, (int, float)) and not isinstance(datum, bool)
    if kind in ("bytes", "fixed"):
        return isinstance(datum, bytes)
    if kind == "string":
        return isinstance(datum, str)
    if kind == "enum":
        return isinstance(datum, str) and datum in schema["symbols"]
    if kind == "array":
        return isinstance(datum, list)
    return isinstance(datum, dict)


def number(value):
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def to_tagged(schema, datum, names):
    """A value fastavro read (named types in unions as (name, value) tuples) in the specification's JSON encoding."""
    schema = resolve(schema, names)
    kind = kind_of(schema)
    if kind == "union":
        if datum is None:
            return None
        if isinstance(datum, tuple):
            name, datum = datum
            branch = next(b for b in schema if branch_name(b, names) == name)
        else:
            branch = next(b for b in schema if kind_of(resolve(b, names)) != "null" and matches(b, datum, names))
        return {branch_name(branch, names): to_tagged(branch, datum, names)}
    if kind in ("record", "error"):
        return {f["name"]: to_tagged(f["type"], datum[f["name"]], names) for f in schema["fields"]}
    if kind == "array":
        return [to_tagged(schema["items"], item, names) for item in datum]
    if kind == "map":
        return {key: to_tagged(schema["values"], value, names) for key, value in datum.items()}
    if isinstance(datum, datetime.datetime):
        delta = datum - EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return micros // 1000 if schema.get("logicalType") == "timestamp-millis" else micros
    if isinstance(datum, bytes):
        return datum.decode("latin-1")
    if kind in ("float", "double"):
        return number(float(datum))
    return datum


def from_tagged(schema, value, names):
    """The fastavro datum for a value in the specification's JSON encoding (unions as (name, value) tuples)."""
    schema = resolve(schema, names)
    kind = kind_of(schema)
    if kind == "union":
        if value is None:
            return None
        ((name, inner),) = value.items()
        branch = next(b for b in schema if branch_name(b, names) == name)
        return (name, from_tagged(branch, inner, names))
    if kind in ("record", "error"):
        return {f["name"]: from_tagged(f["type"], value[f["name"]], names) for f in schema["fields"]}
    if kind == "array":
        return [from_tagged(schema["items"], item, names) for item in value]
    if kind == "map":
        return {key: from_tagged(schema["values"], item, names) for key, item in value.items()}
    if kind in ("bytes", "fixed"):
        return value.encode("latin-1")
    if kind in ("float", "double"):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(value, value)
    return value


def canonical(schema):
    form = to_parsing_canonical_form(schema)
    return {"canonical": form, "fingerprint": fingerprint(form, "CRC-64-AVRO")}


def main(argv):
    if fastavro is None:
        print("fastavro is not installed for " + sys.executable + ": python3 -m pip install 'fastavro>=1.10'", file=sys.stderr)
        return 3
    command = argv[1] if len(argv) > 1 else ""
    if command == "check":
        return 0
    if command == "read":
        with open(argv[2], "rb") as file:
            reader = fastavro.reader(file, return_named_type=True)
            schema = fastavro.parse_schema(reader.writer_schema)
            names = collect_names(schema, {})
            records = [to_tagged(schema, record, names) for record in reader]
            result = {"codec": reader.codec, "records": records, **canonical(schema)}
        json.dump(result, sys.stdout, ensure_ascii=False, allow_nan=False)
        return 0
    if command == "write":
        with open(argv[2]) as file:
            schema = fastavro.parse_schema(json.load(file))
        names = collect_names(schema, {})
        records = [from_tagged(schema, value, names) for value in json.load(sys.stdin)]
        with open(argv[4], "wb") as out:
            fastavro.writer(out, schema, records, codec=argv[3])
        return 0
    if command == "canonical":
        with open(argv[2]) as file:
            json.dump(canonical(fastavro.parse_schema(json.load(file))), sys.stdout, ensure_ascii=False)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
