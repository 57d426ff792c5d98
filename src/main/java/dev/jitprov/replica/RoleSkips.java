package dev.jitprov.replica;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.inject.Singleton;

/** Scheduled jobs skip their runs on replicas that do not have their role. */
public final class RoleSkips {

    private RoleSkips() {
    }

    abstract static class SkipWithout implements Scheduled.SkipPredicate {
        private final RolesConfig roles;
        private final ReplicaRole role;

        SkipWithout(RolesConfig roles, ReplicaRole role) {
            this.roles = roles;
            this.role = role;
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !roles.has(role);
        }
    }

    @Singleton
    public static class UnlessExpirer extends SkipWithout {
        public UnlessExpirer(RolesConfig roles) {
            super(roles, ReplicaRole.EXPIRER);
        }
    }

    @Singleton
    public static class UnlessNotifier extends SkipWithout {
        public UnlessNotifier(RolesConfig roles) {
            super(roles, ReplicaRole.NOTIFIER);
        }
    }

    @Singleton
    public static class UnlessProjector extends SkipWithout {
        public UnlessProjector(RolesConfig roles) {
            super(roles, ReplicaRole.PROJECTOR);
        }
    }

    @Singleton
    public static class UnlessApi extends SkipWithout {
        public UnlessApi(RolesConfig roles) {
            super(roles, ReplicaRole.API);
        }
    }
}
