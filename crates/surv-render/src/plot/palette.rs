//! Colours and line styles of the curves: the Okabe-Ito palette, which readers
//! with any common colour-vision deficiency can tell apart, without its yellow
//! (too faint on white). Past seven groups the colours repeat with a dashed
//! line, so that no two curves look alike.

/// A curve's look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Stroke and fill colour, `#rrggbb`.
    pub colour: &'static str,
    /// SVG dash pattern, `None` for a solid line.
    pub dash: Option<&'static str>,
}

/// Okabe-Ito, most contrasting first: blue, vermillion, bluish green, reddish
/// purple, orange, sky blue, black.
pub const PALETTE: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
];

impl Palette {
    /// The look of curve `k` (0-based).
    pub fn of(k: usize) -> Palette {
        Palette {
            colour: PALETTE[k % PALETTE.len()],
            dash: (k >= PALETTE.len()).then_some("5 2.5"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_curves_look_different() {
        let looks: Vec<Palette> = (0..12).map(Palette::of).collect();
        for (i, a) in looks.iter().enumerate() {
            for b in &looks[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
