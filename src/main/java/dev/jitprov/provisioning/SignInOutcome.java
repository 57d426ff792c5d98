package dev.jitprov.provisioning;

import java.time.Instant;
import java.util.List;

/** What a sign-in leads to: events to append to the member's stream, or a rejection to audit. */
public sealed interface SignInOutcome {

    /**
     * @param events        to append to the member stream; ends with {@code SessionStarted}
     * @param effectiveRole the session's role
     * @param provisioned   true when the member was created by this sign-in (R8; notify admins, R16)
     */
    record Accepted(List<MemberEvent> events, String effectiveRole, boolean provisioned) implements SignInOutcome {
        public Accepted {
            events = List.copyOf(events);
        }
    }

    /** Refused; {@code code} is the {@link LoginRejected} code (for example {@code unknown_user}). */
    record Rejected(String code, String detail) implements SignInOutcome {

        public LoginRejected toEvent(String nameId, String responseId, String issuer, Instant at) {
            return new LoginRejected(code, detail, nameId, responseId, issuer, at);
        }
    }
}
