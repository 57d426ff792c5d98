#!/usr/bin/env bash
# Issue 10: the service killed with SIGKILL in the middle of a sign-in load, then restarted.
#
# Packages the service, then runs dev.jitprov.bench.FaultKill (test sources): PostgreSQL (zonky), Kafka and
# SMTP in the harness JVM as the one-command local run does, the packaged service (target/quarkus-app) as a
# child process, pre-signed sign-ins for distinct users with 16 in flight, SIGKILL of the service after
# FAULT_KILL_AFTER, restart, the unacknowledged sign-ins posted again, then SQL checks: every acknowledged
# sign-in exists exactly once in the event store, no member key twice (store, members_view, member_index),
# and the members projection converges to the store. Prints "[fault-kill] PASS" (exit 0) or the failures.
#
# Usage: scripts/fault-kill.sh            (FAULT_USERS=1500 FAULT_KILL_AFTER=PT3S by default)
# Needs: JDK 17; about 2-3 minutes on 2 cores. Run nothing else with Maven at the same time.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -Plocal -Dlocal.main=dev.jitprov.bench.FaultKill \
  -Dfault.users="${FAULT_USERS:-1500}" -Dfault.killAfter="${FAULT_KILL_AFTER:-PT3S}"
