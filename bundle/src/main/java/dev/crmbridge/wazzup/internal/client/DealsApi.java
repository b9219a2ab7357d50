package dev.crmbridge.wazzup.internal.client;

/** {@code /v3/deals} (§4). */
public final class DealsApi extends EntityApi<WzDeal> {

    DealsApi(Requester requester) {
        super(requester, "/v3/deals", WzDeal.class, WzDeal::id);
    }
}
