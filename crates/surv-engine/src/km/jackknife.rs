//! The infinitesimal-jackknife variance of a weighted Kaplan-Meier curve and
//! its cumulative hazard, which R's `survfit` reports when case weights are
//! not whole numbers.
//!
//! A row's influence on log S(t) is what it added to the Greenwood-like sums
//! a(s) = dN/(Y(Y − dN)) while at risk, less 1/(Y − dN) at its own event; on
//! the cumulative hazard, its event's 1/Y less the b(s) = dN/Y² it was at
//! risk for. Rows still at risk share the running sum and differ only by
//! where they entered, so the sum of squared weighted influences splits into
//! three running sums over the rows at risk and one over the rows that left:
//! one pass, no loop over rows per time.

/// The running sums of one curve's walk.
pub(super) struct Jackknife {
    /// Σ a(s) and Σ b(s) over the times walked.
    a: f64,
    b: f64,
    /// Each row's sums when it entered.
    a_at_entry: Vec<f64>,
    b_at_entry: Vec<f64>,
    /// Over the rows at risk: Σ w², Σ w²·a_entry, Σ w²·a_entry², and for b.
    w2: f64,
    wa: f64,
    wa2: f64,
    wb: f64,
    wb2: f64,
    /// Σ (w·influence)² over the rows that have left, for log S and Λ.
    left_log_s: f64,
    left_hazard: f64,
}

impl Jackknife {
    /// For `n` rows (indexed `0..n` by the caller), none at risk yet.
    pub(super) fn new(n: usize) -> Jackknife {
        Jackknife {
            a: 0.0,
            b: 0.0,
            a_at_entry: vec![0.0; n],
            b_at_entry: vec![0.0; n],
            w2: 0.0,
            wa: 0.0,
            wa2: 0.0,
            wb: 0.0,
            wb2: 0.0,
            left_log_s: 0.0,
            left_hazard: 0.0,
        }
    }

    /// Row `i` of weight `w` joins the risk set.
    pub(super) fn enter(&mut self, i: usize, w: f64) {
        let w2 = w * w;
        self.a_at_entry[i] = self.a;
        self.b_at_entry[i] = self.b;
        self.w2 += w2;
        self.wa += w2 * self.a;
        self.wa2 += w2 * self.a * self.a;
        self.wb += w2 * self.b;
        self.wb2 += w2 * self.b * self.b;
    }

    /// A time with weight `at_risk` at risk and `deaths` dying.
    pub(super) fn time(&mut self, at_risk: f64, deaths: f64) {
        if deaths > 0.0 {
            self.a += deaths / (at_risk * (at_risk - deaths));
            self.b += deaths / (at_risk * at_risk);
        }
    }

    /// Row `i` of weight `w` leaves at this time, dying or not, with the
    /// time's `at_risk` and `deaths`.
    pub(super) fn leave(&mut self, i: usize, w: f64, died: bool, at_risk: f64, deaths: f64) {
        if w == 0.0 {
            // A row of weight 0 has no influence, and is in no sum (its own
            // term would be 0 · ∞ where its death empties the weighted risk set).
            return;
        }
        let w2 = w * w;
        let (a0, b0) = (self.a_at_entry[i], self.b_at_entry[i]);
        self.w2 -= w2;
        self.wa -= w2 * a0;
        self.wa2 -= w2 * a0 * a0;
        self.wb -= w2 * b0;
        self.wb2 -= w2 * b0 * b0;
        let (own_log_s, own_hazard) = if died {
            (1.0 / (at_risk - deaths), 1.0 / at_risk)
        } else {
            (0.0, 0.0)
        };
        self.left_log_s += w2 * (self.a - a0 - own_log_s).powi(2);
        self.left_hazard += w2 * (own_hazard - (self.b - b0)).powi(2);
    }

    /// Variances of log S and of Λ after the current time.
    pub(super) fn variances(&self) -> (f64, f64) {
        let at_risk_log_s = self.a * self.a * self.w2 - 2.0 * self.a * self.wa + self.wa2;
        let at_risk_hazard = self.b * self.b * self.w2 - 2.0 * self.b * self.wb + self.wb2;
        (
            self.left_log_s + at_risk_log_s.max(0.0),
            self.left_hazard + at_risk_hazard.max(0.0),
        )
    }
}
