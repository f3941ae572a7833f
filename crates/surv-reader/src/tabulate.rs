//! Counting: how many rows fall in each category, by a polars group-by.

use polars::prelude::*;

/// The number of times each distinct label occurs, in order of the labels'
/// first appearance.
///
/// ```
/// let counts = surv_reader::tabulate::counts(&["Male", "Female", "Male"]);
/// assert_eq!(counts, [("Male".to_owned(), 2), ("Female".to_owned(), 1)]);
/// ```
pub fn counts(labels: &[&str]) -> Vec<(String, usize)> {
    // Built in memory from a slice of text, the frame and its group-by cannot
    // fail; should polars ever refuse, counting by hand gives the same answer.
    by_group_by(labels).unwrap_or_else(|_| by_hand(labels))
}

fn by_group_by(labels: &[&str]) -> PolarsResult<Vec<(String, usize)>> {
    let frame = DataFrame::new_infer_height(vec![Column::new("label".into(), labels)])?;
    let counted = frame
        .group_by_stable(["label"])?
        .select(["label"])
        .count()?;
    let keys = counted.column("label")?.str()?.clone();
    let counts = counted.column("label_count")?.cast(&DataType::UInt64)?;
    let counts = counts.u64()?.clone();
    Ok(keys
        .iter()
        .zip(counts.iter())
        .filter_map(|(k, c)| Some((k?.to_owned(), c? as usize)))
        .collect())
}

fn by_hand(labels: &[&str]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for &l in labels {
        match out.iter_mut().find(|(k, _)| k == l) {
            Some((_, n)) => *n += 1,
            None => out.push((l.to_owned(), 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_group_by_agrees_with_counting_by_hand() {
        let labels = ["b", "a", "b", "c", "a", "b"];
        assert_eq!(
            super::by_group_by(&labels).unwrap(),
            super::by_hand(&labels)
        );
        assert_eq!(super::counts(&[]), []);
    }
}
