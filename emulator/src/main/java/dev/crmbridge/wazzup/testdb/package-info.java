/** A real PostgreSQL server for tests, benchmarks and the cluster demo, started from the machine's binaries. */
package dev.crmbridge.wazzup.testdb;
