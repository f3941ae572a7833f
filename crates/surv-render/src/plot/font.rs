//! The one typeface of every figure, embedded: Liberation Sans, metrically
//! compatible with Arial, so that the SVG lays out the same where a viewer
//! substitutes Arial or Helvetica, and PNG and PDF look the same on every machine.
//! Text is measured with its advance widths so that layout never guesses.

use std::sync::OnceLock;

/// Liberation Sans Regular (SIL Open Font License; see `fonts/LICENSE-OFL.txt`).
pub(crate) const REGULAR: &[u8] = include_bytes!("../../fonts/LiberationSans-Regular.ttf");
/// Liberation Sans Bold.
pub(crate) const BOLD: &[u8] = include_bytes!("../../fonts/LiberationSans-Bold.ttf");

/// The family the SVG asks for, then its metric twins, then any sans-serif.
pub(crate) const FAMILY: &str = "Liberation Sans, Arial, Helvetica, sans-serif";
/// The family name inside the embedded files.
pub(crate) const EMBEDDED_FAMILY: &str = "Liberation Sans";

/// Font weight of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// Advance widths in font units, for the characters the figures use most, and
/// the face to look up any other.
struct Metrics {
    face: ttf_parser::Face<'static>,
    units_per_em: f64,
    ascii: [u16; 128],
}

impl Metrics {
    fn new(data: &'static [u8]) -> Metrics {
        // The embedded files are known-good; a failure here is a build defect.
        let face = ttf_parser::Face::parse(data, 0).expect("embedded font parses");
        let units_per_em = f64::from(face.units_per_em());
        let mut ascii = [0u16; 128];
        for (code, width) in ascii.iter_mut().enumerate() {
            *width = advance(&face, char::from(code as u8));
        }
        Metrics {
            face,
            units_per_em,
            ascii,
        }
    }

    fn width(&self, text: &str, size: f64) -> f64 {
        let units: u64 = text
            .chars()
            .map(|c| match self.ascii.get(c as usize) {
                Some(&w) => u64::from(w),
                None => u64::from(advance(&self.face, c)),
            })
            .sum();
        units as f64 / self.units_per_em * size
    }
}

/// A character's advance; a character the font lacks is drawn as the
/// replacement glyph (.notdef), which has an advance too.
fn advance(face: &ttf_parser::Face<'_>, c: char) -> u16 {
    let glyph = face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
    face.glyph_hor_advance(glyph).unwrap_or(0)
}

fn metrics(weight: Weight) -> &'static Metrics {
    static REGULAR_METRICS: OnceLock<Metrics> = OnceLock::new();
    static BOLD_METRICS: OnceLock<Metrics> = OnceLock::new();
    match weight {
        Weight::Regular => REGULAR_METRICS.get_or_init(|| Metrics::new(REGULAR)),
        Weight::Bold => BOLD_METRICS.get_or_init(|| Metrics::new(BOLD)),
    }
}

/// Width of `text` set at `size` points, in points (kerning ignored: it only
/// ever narrows Liberation Sans text, so layout errs on the roomy side).
pub(crate) fn width(text: &str, size: f64, weight: Weight) -> f64 {
    metrics(weight).width(text, size)
}

/// Splits `text` into lines no wider than `max_width` at `size`, breaking at
/// spaces, and inside a word only when the word alone is too wide.
pub(crate) fn wrap(text: &str, size: f64, weight: Weight, max_width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, size, weight) <= max_width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than the line is cut where it overflows.
        for c in word.chars() {
            line.push(c);
            if width(&line, size, weight) > max_width && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(c);
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_tabular_and_scale_with_size() {
        // Liberation Sans, like Arial, gives every digit the same advance, so
        // the numbers at risk line up in columns.
        let one = width("1", 10.0, Weight::Regular);
        assert!((width("8", 10.0, Weight::Regular) - one).abs() < 1e-12);
        assert!((width("1234", 20.0, Weight::Regular) - 8.0 * one).abs() < 1e-9);
        assert!(width("Wide", 10.0, Weight::Bold) > width("Wide", 10.0, Weight::Regular));
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_keeps_every_character() {
        let text = "Stage IVB with liver and bone metastases";
        let limit = width("Stage IVB with", 9.0, Weight::Regular) + 0.1;
        let lines = wrap(text, 9.0, Weight::Regular, limit);
        assert!(lines.len() >= 3);
        assert!(
            lines
                .iter()
                .all(|l| width(l, 9.0, Weight::Regular) <= limit)
        );
        assert_eq!(lines.join(" "), text);
        let long = "Supercalifragilistic";
        let cut = wrap(long, 9.0, Weight::Regular, 30.0);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), long);
        assert_eq!(wrap("", 9.0, Weight::Regular, 30.0), vec![String::new()]);
    }
}
