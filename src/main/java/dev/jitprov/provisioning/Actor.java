package dev.jitprov.provisioning;

/**
 * The actor recorded on every event.
 *
 * @param id      stable identifier (member key, token id, IdP entity ID, "expirer"…); nullable for SYSTEM
 * @param display human-readable name for the audit log; nullable
 */
public record Actor(ActorType type, String id, String display) {

    public static Actor idp(String entityId) {
        return new Actor(ActorType.IDP, entityId, entityId);
    }

    public static Actor admin(String memberKey) {
        return new Actor(ActorType.ADMIN, memberKey, memberKey);
    }

    public static Actor operator(String id) {
        return new Actor(ActorType.OPERATOR, id, id);
    }

    public static Actor system(String id) {
        return new Actor(ActorType.SYSTEM, id, id);
    }

    /** A SCIM client, identified by the id of the SCIM token it used (issue 18). */
    public static Actor scim(String tokenId) {
        return new Actor(ActorType.SCIM, tokenId, "SCIM");
    }

    public static Actor user(String memberKey) {
        return new Actor(ActorType.USER, memberKey, memberKey);
    }
}
