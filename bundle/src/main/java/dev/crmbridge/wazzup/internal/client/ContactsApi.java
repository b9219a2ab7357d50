package dev.crmbridge.wazzup.internal.client;

/** {@code /v3/contacts} (§3). */
public final class ContactsApi extends EntityApi<WzContact> {

    ContactsApi(Requester requester) {
        super(requester, "/v3/contacts", WzContact.class, WzContact::id);
    }
}
