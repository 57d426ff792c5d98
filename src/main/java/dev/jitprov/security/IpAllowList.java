package dev.jitprov.security;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The firewall's allow-list (R15): IPv4 and IPv6 CIDR blocks (a bare address is its own /32 or /128).
 * Empty means no firewall. Matching uses the ipaddress library; IPv4-mapped IPv6 clients
 * ({@code ::ffff:10.1.2.3}) are matched as the IPv4 address they carry.
 */
public final class IpAllowList {

    /** Only plain dotted-quad or colon-hex notation, optionally with a prefix length: no ranges, wildcards or masks. */
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/\\d{1,3})?");

    /** An entry that is not a CIDR block; {@code entry} is what the client sent. */
    public static final class InvalidCidrException extends IllegalArgumentException {
        private final String entry;

        InvalidCidrException(String entry) {
            super("'" + entry + "' is not an IPv4 or IPv6 CIDR block (for example 10.0.0.0/8 or 2001:db8::/32)");
            this.entry = entry;
        }

        public String entry() {
            return entry;
        }
    }

    private final List<IPAddress> blocks;

    private IpAllowList(List<IPAddress> blocks) {
        this.blocks = blocks;
    }

    /** Parses every entry; the first that is not a CIDR block fails the whole list. */
    public static IpAllowList parse(List<String> entries) {
        List<IPAddress> blocks = new ArrayList<>();
        for (String entry : entries == null ? List.<String>of() : entries) {
            blocks.add(block(entry));
        }
        return new IpAllowList(List.copyOf(blocks));
    }

    /** The entries in canonical form ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), duplicates removed, order kept. */
    public static List<String> canonical(List<String> entries) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (IPAddress block : parse(entries).blocks) {
            out.add(block.toCanonicalString());
        }
        return List.copyOf(out);
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether {@code clientAddress} may sign in: always with an empty list, never for an unreadable address. */
    public boolean permits(String clientAddress) {
        if (blocks.isEmpty()) {
            return true;
        }
        Optional<IPAddress> client = address(clientAddress);
        if (client.isEmpty()) {
            return false;
        }
        IPAddress a = client.get();
        for (IPAddress block : blocks) {
            if (block.getIPVersion() == a.getIPVersion() && block.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code address} lies in one of the blocks (never with an empty list, unlike {@link #permits}). */
    public boolean contains(String address) {
        return !blocks.isEmpty() && permits(address);
    }

    /** A client address as read from the connection or a trusted proxy header, without brackets, port or zone. */
    static Optional<IPAddress> address(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (s.startsWith("[") && s.contains("]")) {
            s = s.substring(1, s.indexOf(']'));
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        if (!(IPV4.matcher(s).matches() || IPV6.matcher(s).matches()) || s.contains("/")) {
            return Optional.empty();
        }
        IPAddress address = new IPAddressString(s).getAddress();
        if (address == null) {
            return Optional.empty();
        }
        if (address.isIPv6() && ((IPv6Address) address).isIPv4Mapped()) {
            return Optional.of(((IPv6Address) address).getEmbeddedIPv4Address());
        }
        return Optional.of(address.withoutPrefixLength());
    }

    private static IPAddress block(String entry) {
        if (entry == null) {
            throw new InvalidCidrException(null);
        }
        String s = entry.strip();
        if (!(IPV4.matcher(s).matches() || IPV6.matcher(s).matches())) {
            throw new InvalidCidrException(entry);
        }
        IPAddress address = new IPAddressString(s).getAddress();
        if (address == null) {
            throw new InvalidCidrException(entry);
        }
        if (!s.contains("/")) {
            return address;
        }
        int prefix = Integer.parseInt(s.substring(s.indexOf('/') + 1));
        if (prefix > address.getBitCount()) {
            throw new InvalidCidrException(entry);
        }
        // 10.1.2.3/8 means the block 10.0.0.0/8, as in most firewalls.
        return address.toPrefixBlock();
    }
}
