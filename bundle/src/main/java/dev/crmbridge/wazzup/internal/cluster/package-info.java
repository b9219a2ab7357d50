/** A cluster of nodes on one PostgreSQL: membership, and one leader per account under a fenced lease. */
package dev.crmbridge.wazzup.internal.cluster;
