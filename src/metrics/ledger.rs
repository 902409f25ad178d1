//! The conservation ledger: whole-horizon unit flows of each pair, and the identities that
//! show no unit was created or lost, per pair and across the network.

/// A conservation identity that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// Stock: start + received - shipped - end is not 0.
    #[error("start + received - shipped (customers and downstream) - end = {imbalance}, not 0: {ledger:?}")]
    Stock {
        /// The left-hand side.
        imbalance: i64,
        /// The pair's ledger.
        ledger: Box<Ledger>,
    },
    /// Demand: demanded - filled - lost - cancelled - open backorders is not 0.
    #[error(
        "demand - filled now - filled late - lost - cancelled - open backorders = {imbalance}, not 0: {ledger:?}"
    )]
    Demand {
        /// The left-hand side.
        imbalance: i64,
        /// The pair's ledger.
        ledger: Box<Ledger>,
    },
    /// Units shipped to customers differ from the units filled.
    #[error("shipped != filled now + filled late: {ledger:?}")]
    Shipped {
        /// The pair's ledger.
        ledger: Box<Ledger>,
    },
    /// Pipeline: ordered - received - in transit - awaiting upstream - short cancelled is not 0.
    #[error(
        "ordered - received - in transit - awaiting upstream - short cancelled = {imbalance}, not 0: {ledger:?}"
    )]
    Pipeline {
        /// The left-hand side.
        imbalance: i64,
        /// The pair's ledger.
        ledger: Box<Ledger>,
    },
    /// Units shipped between locations are neither received nor in transit.
    #[error("shipped between locations - received from them - in transit = {imbalance}, not 0")]
    BetweenLocations {
        /// The left-hand side.
        imbalance: i64,
    },
    /// The network's inflow differs from its stock, transit and deliveries.
    #[error(
        "start + received from suppliers ({inflow}) != stock at locations + in transit between them + delivered to customers ({outflow})"
    )]
    Network {
        /// Start plus received from suppliers.
        inflow: i64,
        /// Stock, in transit between locations, and delivered to customers.
        outflow: i64,
    },
}

/// Whole-horizon unit flows of one pair, for the conservation checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    /// On hand at the start of day 0.
    pub initial_on_hand: i64,
    /// Units received from lanes.
    pub received: i64,
    /// Of those, units received from other locations (internal lanes).
    pub received_internal: i64,
    /// Units shipped to customers (from stock on arrival, and to backorders).
    pub shipped: i64,
    /// Units shipped to downstream locations.
    pub shipped_internal: i64,
    /// On hand at the end of the last day.
    pub final_on_hand: i64,
    /// Units demanded.
    pub demanded: i64,
    /// Units filled from stock on the day demanded.
    pub filled_on_arrival: i64,
    /// Backordered units filled later.
    pub filled_late: i64,
    /// Units lost (walk-aways).
    pub lost: i64,
    /// Backordered units cancelled (patience ran out).
    pub cancelled: i64,
    /// Units still backordered at the end.
    pub open_backorders: i64,
    /// Units ordered from lanes.
    pub ordered: i64,
    /// Units ordered and shipped but not yet received at the end.
    pub in_transit: i64,
    /// Of those, units shipped by other locations.
    pub in_transit_internal: i64,
    /// Units ordered from other locations and still waiting there at the end.
    pub awaiting_upstream: i64,
    /// Units missing from short shipments and cancelled.
    pub short_cancelled: i64,
}

impl Ledger {
    /// Checks that no unit was created or lost; names the first identity that fails.
    pub fn check(&self) -> Result<(), LedgerError> {
        let ledger = || Box::new(self.clone());
        let stock =
            self.initial_on_hand + self.received - self.shipped - self.shipped_internal - self.final_on_hand;
        if stock != 0 {
            return Err(LedgerError::Stock { imbalance: stock, ledger: ledger() });
        }
        let demand = self.demanded
            - self.filled_on_arrival
            - self.filled_late
            - self.lost
            - self.cancelled
            - self.open_backorders;
        if demand != 0 {
            return Err(LedgerError::Demand { imbalance: demand, ledger: ledger() });
        }
        if self.shipped != self.filled_on_arrival + self.filled_late {
            return Err(LedgerError::Shipped { ledger: ledger() });
        }
        let pipeline =
            self.ordered - self.received - self.in_transit - self.awaiting_upstream - self.short_cancelled;
        if pipeline != 0 {
            return Err(LedgerError::Pipeline { imbalance: pipeline, ledger: ledger() });
        }
        Ok(())
    }
}

/// Checks conservation across the whole network of pairs: every unit a location shipped to
/// another has arrived or is still in transit, and so the starting stock plus what came in
/// from external suppliers equals the stock at every location, plus what is in transit
/// between locations, plus what was delivered to customers.
pub fn check_network<'a>(ledgers: impl Iterator<Item = &'a Ledger> + Clone) -> Result<(), LedgerError> {
    let sum = |f: fn(&Ledger) -> i64| ledgers.clone().map(f).sum::<i64>();
    let between = sum(|l| l.shipped_internal) - sum(|l| l.received_internal) - sum(|l| l.in_transit_internal);
    if between != 0 {
        return Err(LedgerError::BetweenLocations { imbalance: between });
    }
    let inflow = sum(|l| l.initial_on_hand) + sum(|l| l.received) - sum(|l| l.received_internal);
    let outflow = sum(|l| l.final_on_hand) + sum(|l| l.in_transit_internal) + sum(|l| l.shipped);
    if inflow != outflow {
        return Err(LedgerError::Network { inflow, outflow });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_detects_a_lost_unit() {
        let mut l = Ledger {
            initial_on_hand: 10,
            received: 5,
            shipped: 12,
            final_on_hand: 3,
            demanded: 14,
            filled_on_arrival: 10,
            filled_late: 2,
            lost: 1,
            open_backorders: 1,
            ordered: 7,
            in_transit: 2,
            ..Ledger::default()
        };
        assert!(l.check().is_ok());
        l.final_on_hand = 2;
        assert!(matches!(l.check(), Err(LedgerError::Stock { imbalance: 1, .. })));
        assert!(l.check().unwrap_err().to_string().contains("start + received"));
    }
}
