package dev.jitprov.paging;

import dev.jitprov.provisioning.DomainException;

import java.util.List;

/** Paging of list endpoints: {@code page} counts from 1; lists answer {@code {items, total, page, size}}. */
public record PageRequest(int page, int size) {

    public record Page<T>(List<T> items, long total, int page, int size) {
    }

    public static PageRequest of(Integer page, Integer size, int maxSize) {
        int p = page == null ? 1 : page;
        int s = size == null ? Math.min(50, maxSize) : size;
        if (p < 1) {
            throw DomainException.invalid("invalid_page", "'page' counts from 1, was " + p);
        }
        if (s < 1 || s > maxSize) {
            throw DomainException.invalid("invalid_page_size", "'size' must be between 1 and " + maxSize + ", was " + s);
        }
        return new PageRequest(p, s);
    }

    public int offset() {
        return (page - 1) * size;
    }

    public <T> Page<T> page(List<T> items, long total) {
        return new Page<>(items, total, page, size);
    }
}
