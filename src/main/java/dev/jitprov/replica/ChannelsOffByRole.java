package dev.jitprov.replica;

import org.eclipse.microprofile.config.ConfigProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SmallRye warns at start (SRMSG00207 "Some components are not connected …") about every {@code @Incoming} method whose
 * channel is switched off. On a replica those are the channels its roles do not consume ({@link RoleChannels}): on a
 * replica with every role, the consumers' own channels, which {@code background-events} replaces (ADR 0016); on an
 * API replica, all of them. That is the configuration working, not a fault: the message is logged at INFO when every
 * method it lists is on a channel switched off; a method missing its upstream for any other reason keeps the WARN.
 */
final class ChannelsOffByRole {

    private static final Pattern NO_UPSTREAM = Pattern.compile("incoming:'([^']+)'\\} has no upstream");
    private static final Pattern LISTED = Pattern.compile("(?m)^\\s*- ");

    private ChannelsOffByRole() {
    }

    /** Lowers the record to INFO when it only lists consumers of channels switched off. */
    static void lowerIfExpected(LogRecord record) {
        if (record.getLevel().intValue() == Level.WARNING.intValue() && expected(record, ChannelsOffByRole::switchedOff)) {
            record.setLevel(Level.INFO);
        }
    }

    static boolean expected(LogRecord record, Predicate<String> switchedOff) {
        String message = record.getMessage();
        if (message == null || !message.startsWith("SRMSG00207")) {
            return false;
        }
        StringBuilder text = new StringBuilder(message);
        if (record.getParameters() != null) {
            for (Object parameter : record.getParameters()) {
                text.append('\n').append(parameter);
            }
        }
        List<String> channels = new ArrayList<>();
        Matcher matcher = NO_UPSTREAM.matcher(text);
        while (matcher.find()) {
            channels.add(matcher.group(1));
        }
        long listed = LISTED.matcher(text).results().count();
        return !channels.isEmpty() && channels.size() == listed && channels.stream().allMatch(switchedOff);
    }

    private static boolean switchedOff(String channel) {
        return !ConfigProvider.getConfig().getOptionalValue("mp.messaging.incoming." + channel + ".enabled", Boolean.class).orElse(true);
    }
}
