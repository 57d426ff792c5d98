package dev.jitprov.replica;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** SmallRye's start-up warning about consumers without upstream is expected only for channels the roles switch off. */
class ChannelsOffByRoleTest {

    private static final String FORMAT = "SRMSG00207: Some components are not connected to either downstream consumers or upstream producers:\n%s";

    private static LogRecord warning(String listed) {
        LogRecord record = new LogRecord(Level.WARNING, FORMAT);
        record.setParameters(new Object[]{listed});
        return record;
    }

    private static final String OWN_CHANNELS = """
            \t- SubscriberMethod{method:'dev.jitprov.notification.AdminNotifier#consume', incoming:'notification-events'} has no upstream
            \t- SubscriberMethod{method:'dev.jitprov.projection.ProjectionConsumers#all', incoming:'projections'} has no upstream
            """;

    @Test
    void consumersOfChannelsSwitchedOffAreExpected() {
        assertThat(ChannelsOffByRole.expected(warning(OWN_CHANNELS), Set.of("notification-events", "projections", "expiry-events")::contains)).isTrue();
    }

    @Test
    void aConsumerOfAChannelThatIsOnButUnconnectedKeepsTheWarning() {
        assertThat(ChannelsOffByRole.expected(warning(OWN_CHANNELS), Set.of("notification-events")::contains)).isFalse();
    }

    @Test
    void anyOtherUnconnectedComponentKeepsTheWarning() {
        String withEmitter = OWN_CHANNELS + "\t- Emitter{channel:'provisioning-events-out'} has no downstream\n";

        assertThat(ChannelsOffByRole.expected(warning(withEmitter), channel -> true)).isFalse();
        assertThat(ChannelsOffByRole.expected(new LogRecord(Level.WARNING, "SRMSG18285: Failed to poll"), channel -> true)).isFalse();
    }
}
