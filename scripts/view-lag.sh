#!/usr/bin/env bash
# Issue 5: view lag of the read side (relay -> Kafka -> projections) while sign-ins commit at given rates,
# measured from outside the packaged service's process.
#
# Packages the service, then runs dev.jitprov.bench.ViewLagHarness (test sources): PostgreSQL, Kafka and SMTP in the
# harness JVM, the service as a child process; one real sign-in gives the template events, then copies are committed
# one sign-in per transaction at each rate (the first rate is the baseline). Prints lines starting with [bench];
# see docs/benchmarks.md.
#
# Usage: scripts/view-lag.sh   (LAG_RATES=50,500,1000 LAG_SECONDS=30 LAG_WRITERS=8)
# Needs: JDK 17; about 3 minutes on 2 cores. Run nothing else with Maven at the same time.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -Plocal -Dlocal.main=dev.jitprov.bench.ViewLagHarness \
  -Dlag.rates="${LAG_RATES:-50,500,1000}" -Dlag.seconds="${LAG_SECONDS:-30}" -Dlag.writers="${LAG_WRITERS:-8}"
