// zlib for AcmeAvro's deflate codec (Avro container files): raw deflate, RFC 1951.
#include <zlib.h>
