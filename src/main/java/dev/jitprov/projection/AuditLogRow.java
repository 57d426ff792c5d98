package dev.jitprov.projection;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.UUID;

/**
 * An entry of the audit log ({@code audit_log}, R17) as the API reads it, through Hibernate Reactive Panache
 * ({@link AuditLog}). Read-only here: {@link AuditProjection} writes the table set-based with SQL.
 */
@Entity
@Table(name = "audit_log")
public class AuditLogRow extends PanacheEntityBase {

    @Id
    public UUID id;

    /** The event's store position: with {@link #occurredAt}, the entry's unique order. */
    public long position;

    @Column(name = "workspace_id")
    public String workspaceId;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    public String type;

    @Column(name = "actor_type")
    public String actorType;

    @Column(name = "actor_id")
    public String actorId;

    @Column(name = "member_key")
    public String memberKey;

    @Column(name = "member_email")
    public String memberEmail;

    public String summary;

    /** The event's fields as JSON text (jsonb in the table). */
    @JdbcTypeCode(SqlTypes.JSON)
    public String details;
}
