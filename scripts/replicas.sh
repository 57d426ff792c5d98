#!/usr/bin/env bash
# Issue 22: several packaged service processes (all roles on each) on one PostgreSQL, one Kafka, one SMTP server.
#
# Packages the service, then runs dev.jitprov.bench.ReplicaHarness (test sources): races a signed Response and a
# first sign-in on two replicas; then, under an open-loop sign-in load spread over the live replicas, starts a third
# replica, stops it with SIGTERM and kills replica B with SIGKILL, printing the timeline (kill, the consumer groups'
# members and partitions, view current again) and the members-view lag of each sign-in; then checks that every
# acknowledged sign-in is stored once, every stored event reached Kafka in per-key order, each temporary member was
# deleted once and each mail sent once. Prints "[replicas] PASS" (exit 0) or the failures.
#
# Usage: scripts/replicas.sh                 (REPLICAS_RATE=30 sign-ins/s for at most REPLICAS_SECONDS=110, REPLICAS_PAIRS=100)
#        REPLICAS_MODE=scale scripts/replicas.sh   sign-ins/s with 1, 2 and 3 API replicas, and their PostgreSQL connections
# Needs: JDK 17; about 4-5 minutes on 2 cores. Run nothing else with Maven at the same time.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -Plocal -Dlocal.main=dev.jitprov.bench.ReplicaHarness -Dreplicas.mode="${REPLICAS_MODE:-failover}" \
  -Dreplicas.rate="${REPLICAS_RATE:-30}" -Dreplicas.seconds="${REPLICAS_SECONDS:-110}" -Dreplicas.pairs="${REPLICAS_PAIRS:-100}"
