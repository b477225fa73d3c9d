/**
 * Pure decisions with no I/O: capacity ledger and placement, plans, warm pool sizing, retries, agent names, reconciliation.
 * Not API: used by agents.internal and tested on its own with plain values.
 */
package io.jenkins.plugins.rbdcloud.engine.agents.policy;
