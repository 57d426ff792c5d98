#!/usr/bin/env bash
# Issue 20: where the machine's CPU goes per sign-in, all parts co-located as ./mvnw -Plocal runs them.
#
# Packages the service, then runs dev.jitprov.bench.SignInCost (test sources): PostgreSQL (data on disk, with
# pg_stat_statements), Kafka and SMTP in the harness JVM, the packaged service as a child process. After a warm-up of
# COST_WARMUP first sign-ins it runs COST_USERS first sign-ins, then as many repeat sign-ins, closed loop with
# COST_CONCURRENCY in flight, and prints per sign-in: CPU ms by process (service, PostgreSQL, Kafka broker, SMTP,
# client), the service's CPU by stage and by component (JFR execution samples), rows written per table and statements
# (round trips) per sign-in.
#
# Usage: scripts/sign-in-cost.sh     (COST_WARMUP=3000 COST_USERS=3000 COST_CONCURRENCY=16)
#        COST_SERVICE_ARGS="-Djit.roles=api ..." to measure other settings of the service.
#        COST_APP=/path/to/target/quarkus-app/quarkus-run.jar to measure another build (a baseline: see docs/benchmarks.md).
#        COST_SERVICE_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java: the service on another JVM (COST_STOP_SECONDS=300
#          gives a training run with -XX:AOTCacheOutput the time to write its cache at exit; see docs/benchmarks.md).
#        COST_JVM_DEFAULTS=true: the service on the JVM's defaults (G1, a quarter of the RAM) instead of the local run's
#          options (the container image's, dev.jitprov.stack.LocalStack.SERVICE_JVM_OPTIONS).
#        COST_SPLIT=true: the measured service runs jit.roles=api, a second process the background roles (both reported).
#        COST_OPEN_RATE=300: a third phase, COST_USERS new members at that rate (open loop), with the members view's lag.
#        COST_HISTORY=400: a last phase, a sign-in of each of COST_HISTORY_MEMBERS (300) members after that many events
#          of earlier sessions were added to their streams (and one sign-in each to catch up, not measured).
# Needs: JDK 17; about 5 minutes on 2 cores (signing the responses takes a third of it). Nothing else with Maven meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -Plocal -Dlocal.main=dev.jitprov.bench.SignInCost \
  -Dcost.warmup="${COST_WARMUP:-3000}" -Dcost.users="${COST_USERS:-3000}" -Dcost.concurrency="${COST_CONCURRENCY:-16}" \
  -Dcost.serviceArgs="${COST_SERVICE_ARGS:-}" -Dcost.split="${COST_SPLIT:-false}" -Dcost.openRate="${COST_OPEN_RATE:-0}" \
  -Dcost.history="${COST_HISTORY:-0}" -Dcost.historyMembers="${COST_HISTORY_MEMBERS:-300}" \
  -Dcost.jvmDefaults="${COST_JVM_DEFAULTS:-false}" ${COST_APP:+-Dservice.app="$COST_APP"} \
  ${COST_SERVICE_JAVA:+-Dservice.java="$COST_SERVICE_JAVA"} -Dservice.stopSeconds="${COST_STOP_SECONDS:-20}" \
  -Dcost.jfr="${COST_JFR:-true}"
