package dev.jitprov.notification;

/** One new member in a daily digest. */
public record DigestEntry(String email, String role, boolean temporary, String at) {
}
