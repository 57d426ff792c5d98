#!/usr/bin/env bash
# Issue 10: the whole sign-in path of the packaged service under load, measured from outside its process.
#
# Packages the service, then runs dev.jitprov.bench.LoadHarness (test sources): PostgreSQL, Kafka and SMTP in
# the harness JVM, the service as a child process, pre-signed responses posted over HTTP (closed loop, then an
# open loop at LOAD_RATE/s), the bare OpenSAML rate measured in the same run as the baseline, members view lag,
# the service's RSS and the invariants. Prints lines starting with [bench]; see docs/benchmarks.md.
#
# Usage: scripts/load.sh   (LOAD_USERS=3000 LOAD_REPEATS=1000 LOAD_CONCURRENCY=16 LOAD_RATE=500 LOAD_OPEN=5000
#                           LOAD_WARMUP=PT40S LOAD_HEAP=192m LOAD_POOL=20)
# Needs: JDK 17; about 4 minutes on 2 cores. Run nothing else with Maven at the same time.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -Plocal -Dlocal.main=dev.jitprov.bench.LoadHarness \
  -Dload.users="${LOAD_USERS:-3000}" -Dload.repeats="${LOAD_REPEATS:-1000}" -Dload.concurrency="${LOAD_CONCURRENCY:-16}" \
  -Dload.rate="${LOAD_RATE:-500}" -Dload.open="${LOAD_OPEN:-5000}" -Dload.warmup="${LOAD_WARMUP:-PT40S}" \
  -Dload.heap="${LOAD_HEAP:-192m}" -Dload.pool="${LOAD_POOL:-20}"
