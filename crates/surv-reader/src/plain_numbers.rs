//! Rows of plain numbers parsed without polars: after polars has typed the
//! columns from the first piece of a text, each later piece whose used
//! columns hold only plainly written numbers (or nothing) is parsed here,
//! its two halves at once, straight into the gathered columns.
//!
//! This only ever agrees with polars: a field written any way but the plain
//! forms below (white space, a `+`, a leading zero, `inf`, a quote, a marker)
//! makes [`parse`] give the piece back untouched, and polars parses it, its
//! values and its errors as before. Values are the same to the bit: integers
//! are exact, and decimals are rounded correctly, as polars' parser rounds
//! them.

use crate::gathered::Numbers;
use crate::shape::word_at;

/// How polars typed a used column from the first piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberKind {
    /// 64-bit integers: `-?(0|[1-9][0-9]{0,17})`.
    Integer,
    /// 64-bit floating point: an integer as above, then optionally `.` and
    /// digits, then optionally `e` or `E`, a sign and up to three digits.
    Decimal,
}

/// Where the used columns are among a row's fields.
#[derive(Debug, Clone)]
pub(crate) struct PlainLayout {
    delimiter: u8,
    /// For each field up to the last used one: the gathered column it goes
    /// to, and how it is written; `None` for a field not used.
    fields: Vec<Option<(usize, NumberKind)>>,
}

impl PlainLayout {
    /// The layout of rows split by `delimiter` whose used fields are at
    /// `used`: (field's position in the row, its kind), one per gathered
    /// column, in the columns' order. `None` when no column is used or one
    /// field is used twice.
    pub(crate) fn new(delimiter: u8, used: &[(usize, NumberKind)]) -> Option<PlainLayout> {
        let last = used.iter().map(|&(field, _)| field).max()?;
        let mut fields = vec![None; last + 1];
        for (column, &(field, kind)) in used.iter().enumerate() {
            if fields[field].replace((column, kind)).is_some() {
                return None;
            }
        }
        Some(PlainLayout { delimiter, fields })
    }
}

/// Rows of this many bytes or more are parsed in two halves at once.
const SPLIT_FROM: usize = 1 << 16;

/// Parses `rows`, whole lines holding `count` rows (none blank, each with at
/// least the layout's fields), appending each used field to its column of
/// `columns` (all as long as each other). Gives `false`, the columns as they
/// were, should any used field not be a plain number or an empty field
/// (missing), or the rows not be as said: polars is then to parse them.
pub(crate) fn parse(
    rows: &[u8],
    count: usize,
    layout: &PlainLayout,
    columns: &mut [&mut Numbers],
) -> bool {
    // A quoted field not used could hold a delimiter or a line's end.
    if memchr::memchr(b'"', rows).is_some() {
        return false;
    }
    let before = columns.first().map_or(0, |c| c.values.len());
    if columns.iter().any(|c| c.values.len() != before) {
        return false;
    }
    // Each half writes its own rows' slots, so that neither waits for the
    // other and nothing is copied after.
    let middle = match rows.len() {
        0..SPLIT_FROM => None,
        len => memchr::memchr(b'\n', &rows[len / 2..]).map(|i| len / 2 + i + 1),
    };
    let (first, second) = rows.split_at(middle.unwrap_or(rows.len()));
    let first_count = match second {
        [] => count,
        _ => memchr::memchr_iter(b'\n', first).count().min(count),
    };
    for column in columns.iter_mut() {
        column.values.resize(before + count, f64::NAN);
    }
    let (mut firsts, mut seconds): (Vec<_>, Vec<_>) = columns
        .iter_mut()
        .map(|c| c.values[before..].split_at_mut(first_count))
        .unzip();
    let (first, second) = match second {
        [] => (
            parse_rows(first, layout, &mut firsts),
            Some(Parsed::default()),
        ),
        _ => rayon::join(
            || parse_rows(first, layout, &mut firsts),
            || parse_rows(second, layout, &mut seconds),
        ),
    };
    let parsed = match (first, second) {
        (Some(first), Some(second))
            if first.rows == first_count && first_count + second.rows == count =>
        {
            Some((first.missing, second.missing))
        }
        _ => None,
    };
    let Some((first_missing, second_missing)) = parsed else {
        for column in columns.iter_mut() {
            column.values.truncate(before);
        }
        return false;
    };
    for column in columns.iter_mut() {
        column.extend_marks();
    }
    let missing = first_missing.into_iter().chain(
        second_missing
            .into_iter()
            .map(|(column, row)| (column, first_count + row)),
    );
    for (column, row) in missing {
        columns[column].mark_missing(before + row);
    }
    true
}

/// What [`parse_rows`] found.
#[derive(Debug, Default)]
struct Parsed {
    rows: usize,
    /// (column, row) of each empty field, the rows counted from the first
    /// parsed.
    missing: Vec<(usize, usize)>,
}

/// Parses `rows` into the slots of `columns`, row by row; `None` at the
/// first field that is not plain or past the last slot. The rows are walked
/// field by field, not line by line: where the last used field ends the row,
/// no line end is searched for.
fn parse_rows(rows: &[u8], layout: &PlainLayout, columns: &mut [&mut [f64]]) -> Option<Parsed> {
    let delimiter = layout.delimiter;
    let mut parsed = Parsed::default();
    let mut at = 0;
    while at < rows.len() {
        if let b'\n' | b'\r' = rows[at] {
            // A blank line: polars keeps it as a row of nulls, the shape
            // check leaves it out; left to them.
            return None;
        }
        let row = parsed.rows;
        for (i, field) in layout.fields.iter().enumerate() {
            if i > 0 {
                // The field before ended at a delimiter.
                if rows.get(at) != Some(&delimiter) {
                    return None;
                }
                at += 1;
            }
            let rest = &rows[at..];
            match *field {
                None => at += memchr::memchr2(delimiter, b'\n', rest).unwrap_or(rest.len()),
                Some((column, kind)) => {
                    let (cell, len) = number(rest, delimiter, kind)?;
                    *columns[column].get_mut(row)? = cell.unwrap_or(f64::NAN);
                    if cell.is_none() {
                        parsed.missing.push((column, row));
                    }
                    at += len;
                }
            }
        }
        // The row ends here, or after fields not used.
        at = match rows.get(at) {
            None => at,
            Some(b'\n') => at + 1,
            Some(b'\r') => match rows.get(at + 1) {
                None => at + 1,
                Some(b'\n') => at + 2,
                Some(_) => return None,
            },
            Some(&b) if b == delimiter => {
                memchr::memchr(b'\n', &rows[at..]).map_or(rows.len(), |i| at + i + 1)
            }
            Some(_) => return None,
        };
        parsed.rows += 1;
    }
    Some(parsed)
}

/// The number `text` starts with, up to the delimiter, a line's end or the
/// end of `text`, and its length; an empty field is missing. `None` unless it
/// is written as `kind` says and ends there.
// Inlined into the row walk: a call per field, its answer returned through
// memory, cost a third of the walk (measured).
#[inline(always)]
fn number(text: &[u8], delimiter: u8, kind: NumberKind) -> Option<(Option<f64>, usize)> {
    let ends = |at: usize| {
        text.get(at)
            .is_none_or(|&b| b == delimiter || b == b'\n' || b == b'\r')
    };
    if ends(0) {
        return Some((None, 0));
    }
    let negative = text[0] == b'-';
    let whole_start = usize::from(negative);
    let (mut mantissa, mut at) = digits(text, whole_start, 0);
    let whole_digits = at - whole_start;
    // No digits, a leading zero (`007`, which polars might read otherwise),
    // or too many digits for an exact integer.
    if whole_digits == 0 || whole_digits > 18 || (text[whole_start] == b'0' && whole_digits > 1) {
        return None;
    }
    if kind == NumberKind::Integer {
        if !ends(at) {
            return None;
        }
        // Signed without a branch (signs come in no order to predict); `-0`
        // is 0, as an integer.
        let value = mantissa as i64 * (1 - 2 * i64::from(negative));
        return Some((Some(value as f64), at));
    }
    let mut fraction_digits = 0;
    if text.get(at) == Some(&b'.') {
        let from = at + 1;
        (mantissa, at) = digits(text, from, mantissa);
        fraction_digits = at - from;
        if fraction_digits == 0 || whole_digits + fraction_digits > 19 {
            return None;
        }
    }
    let mut exponent: i32 = 0;
    if let Some(b'e' | b'E') = text.get(at) {
        let (exponent_negative, from) = match text.get(at + 1) {
            Some(b'-') => (true, at + 2),
            Some(b'+') => (false, at + 2),
            _ => (false, at + 1),
        };
        let (e, next) = digits(text, from, 0);
        if next == from || next - from > 3 {
            return None;
        }
        at = next;
        exponent = if exponent_negative {
            -(e as i32)
        } else {
            e as i32
        };
    }
    if !ends(at) {
        return None;
    }
    let value = decimal(mantissa, exponent - fraction_digits as i32).or_else(|| {
        // Outside the exact range: the standard parser, which rounds
        // correctly, on the same (ASCII) text.
        std::str::from_utf8(&text[whole_start..at])
            .ok()?
            .parse()
            .ok()
    })?;
    // Negated by its sign bit, without a branch: `-0.0` stays negative.
    let value = f64::from_bits(value.to_bits() ^ (u64::from(negative) << 63));
    Some((Some(value), at))
}

/// The digits of `text` from `from`, accumulated onto `value`, and where they
/// end. The callers keep the value only when it has at most 19 digits, which
/// fit a `u64`; past that it wraps, unused. Eight bytes are looked at
/// together (past the end of `text`, zeros, which are not digits): a
/// field's digits then cost no branch each.
#[inline(always)]
fn digits(text: &[u8], from: usize, mut value: u64) -> (u64, usize) {
    const POWERS: [u64; 9] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
    ];
    let mut at = from;
    loop {
        let (run, digits) = leading_digits(word_at(text, at, 0));
        value = value.wrapping_mul(POWERS[run]).wrapping_add(digits);
        at += run;
        if run < 8 {
            return (value, at);
        }
    }
}

/// How many of `word`'s bytes, from the first (lowest), are ASCII digits,
/// and the number they write.
#[inline(always)]
fn leading_digits(word: u64) -> (usize, u64) {
    const EACH: u64 = 0x0101_0101_0101_0101;
    // A digit is a byte 0x30..=0x39: its high half is 3, and still 3 once 6
    // is added. A carry out of a byte comes only from one that is not a
    // digit, and reaches only bytes after it: the run before it is exact.
    let high = word & (0xF0 * EACH);
    let plus_six = word.wrapping_add(0x06 * EACH) & (0xF0 * EACH);
    let not_digit = (high ^ (0x30 * EACH)) | (plus_six ^ (0x30 * EACH));
    let run = (not_digit.trailing_zeros() / 8) as usize;
    if run == 0 {
        return (0, 0);
    }
    // The digits' values, moved up so that the bytes after the run fall off
    // and zeros (leading zero digits) come in first.
    let v = word.wrapping_sub(0x30 * EACH) << (8 * (8 - run));
    // Pairs of digits, then fours, then all eight; in each lane the first
    // (lower) half holds the leading digits.
    let v = (v & 0x00FF_00FF_00FF_00FF) * 10 + ((v >> 8) & 0x00FF_00FF_00FF_00FF);
    let v = (v & 0x0000_FFFF_0000_FFFF) * 100 + ((v >> 16) & 0x0000_FFFF_0000_FFFF);
    let v = (v & 0xFFFF_FFFF) * 10_000 + (v >> 32);
    (run, v)
}

/// `mantissa × 10^exponent` when both are exact in binary floating point,
/// which makes the one multiplication or division correctly rounded (the
/// same value any correctly rounding parser gives); `None` otherwise.
fn decimal(mantissa: u64, exponent: i32) -> Option<f64> {
    const EXACT_POWERS: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    if mantissa > 1 << 53 {
        return None;
    }
    let power = *EXACT_POWERS.get(exponent.unsigned_abs() as usize)?;
    let mantissa = mantissa as f64;
    Some(if exponent >= 0 {
        mantissa * power
    } else {
        mantissa / power
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, kind: NumberKind) -> Option<Option<f64>> {
        let (cell, len) = number(text.as_bytes(), b',', kind)?;
        (len == text.len()).then_some(cell)
    }

    #[test]
    fn plain_numbers_are_read_to_the_bit() {
        use NumberKind::{Decimal, Integer};
        for (text, value) in [
            ("0", 0.0),
            ("-7", -7.0),
            ("123456789012345678", 123_456_789_012_345_680.0),
        ] {
            assert_eq!(one(text, Integer), Some(Some(value)), "{text}");
        }
        for text in [
            "0.1",
            "-0.0",
            "0.156256",
            "-2.526678",
            "1668",
            "3.14159265358979323",
            "1.7976931348623157e308",
            "4.9e-324",
            "2.5E+3",
            "6.02e23",
            "9007199254740993.5",
            "1e-7",
        ] {
            let want: f64 = text.parse().unwrap();
            let got = one(text, Decimal).flatten().unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{text}");
        }
        // An integer has no negative zero; a decimal has.
        assert_eq!(one("-0", Integer).flatten().map(f64::to_bits), Some(0));
        assert_eq!(
            one("-0", Decimal).flatten().map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(one("", Integer), Some(None));
        assert_eq!(one("", Decimal), Some(None));
    }

    #[test]
    fn anything_not_plain_is_left_to_polars() {
        use NumberKind::{Decimal, Integer};
        for text in [
            "1.5",
            "1e3",
            "007",
            "+5",
            " 5",
            "5 ",
            "-",
            "1234567890123456789",
        ] {
            assert_eq!(one(text, Integer), None, "{text}");
        }
        for text in [
            ".5",
            "5.",
            "00.5",
            "+0.5",
            "1e",
            "1e+",
            "1e1234",
            "inf",
            "NaN",
            "NA",
            "1,5",
            "0x10",
            "1.2.3",
            "12345678901.234567890",
        ] {
            assert_eq!(one(text, Decimal), None, "{text}");
        }
    }

    #[test]
    fn rows_fill_the_columns_or_leave_them_as_they_were() {
        let layout =
            PlainLayout::new(b',', &[(2, NumberKind::Decimal), (0, NumberKind::Integer)]).unwrap();
        let mut x = Numbers::default();
        let mut t = Numbers::default();
        let rows = b"5,a b,0.5,9\r\n6,,,x\n7,c,-1e2,";
        assert!(parse(rows, 3, &layout, &mut [&mut x, &mut t]));
        assert_eq!(
            [x.get(0), x.get(1), x.get(2)],
            [Some(0.5), None, Some(-100.0)]
        );
        assert_eq!(
            [t.get(0), t.get(1), t.get(2)],
            [Some(5.0), Some(6.0), Some(7.0)]
        );
        // As bits: a missing cell's NaN is not equal to itself.
        let cells = |n: &Numbers| {
            let bits: Vec<u64> = n.values.iter().map(|v| v.to_bits()).collect();
            (bits, n.missing.clone())
        };
        let before = (cells(&x), cells(&t));
        for bad in [
            &b"8,d,1.5\n9,e,2.5 \n"[..],
            b"8,d,1.5\n\n9,e,2.5\n",
            b"8,d,1.5\n9,e\n",
            b"8,d,1.5\n9.5,e,2\n",
            b"8,d,1.5\r9,e,2.5\n",
            b"8,d,1.5\n\r\n9,e,2.5\n",
            b"8,\"d,1\",1.5\n9,e,2.5\n",
        ] {
            assert!(!parse(bad, 2, &layout, &mut [&mut x, &mut t]));
            assert_eq!((cells(&x), cells(&t)), before);
        }
        // Rows other than as many as said.
        assert!(!parse(b"8,d,1.5\n", 2, &layout, &mut [&mut x, &mut t]));
        assert_eq!(x.values.len(), 3);
        assert!(
            PlainLayout::new(b',', &[(1, NumberKind::Integer), (1, NumberKind::Decimal)]).is_none()
        );
    }

    #[test]
    fn eight_bytes_give_their_leading_digits_and_what_they_write() {
        for text in [
            "",
            "x",
            "0",
            "7,",
            "12345678",
            "123456789",
            "00000001",
            "9876543,",
            "09:",
            "5/",
            "3\u{ff}",
            "40\u{fa}\u{fa}",
        ] {
            let bytes = text.as_bytes();
            let run = bytes
                .iter()
                .take(8)
                .take_while(|b| b.is_ascii_digit())
                .count();
            let want = text[..run].parse::<u64>().unwrap_or(0);
            assert_eq!(
                leading_digits(word_at(bytes, 0, 0)),
                (run, want),
                "{text:?}"
            );
        }
        // Every byte after a digit, at every place.
        for other in 0..=255u8 {
            for place in 0..8 {
                let mut bytes = *b"98765432";
                bytes[place] = other;
                let run = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
                let want = std::str::from_utf8(&bytes[..run])
                    .unwrap()
                    .parse::<u64>()
                    .unwrap_or(0);
                assert_eq!(
                    leading_digits(u64::from_le_bytes(bytes)),
                    (run, want),
                    "{bytes:?}"
                );
            }
        }
        assert_eq!(
            digits(b"1234567890123456789x", 0, 0),
            (1_234_567_890_123_456_789, 19)
        );
        assert_eq!(digits(b"12.5", 3, 12), (125, 4));
    }

    #[test]
    fn rows_parsed_in_two_halves_land_in_order_or_not_at_all() {
        let layout =
            PlainLayout::new(b',', &[(0, NumberKind::Integer), (1, NumberKind::Decimal)]).unwrap();
        let rows = 20_000;
        let text = |bad: Option<usize>| {
            let mut text = String::new();
            for r in 0..rows {
                match (r, bad) {
                    (r, Some(b)) if r == b => text.push_str("1,x\n"),
                    (15_000, _) => text.push_str("15000,\n"),
                    (r, _) => text.push_str(&format!("{r},{r}.5\n")),
                }
            }
            text
        };
        let good = text(None);
        assert!(good.len() >= 2 * SPLIT_FROM);
        let (mut t, mut x) = (Numbers::default(), Numbers::default());
        t.push(Some(-1.0));
        x.push(Some(-1.5));
        assert!(parse(good.as_bytes(), rows, &layout, &mut [&mut t, &mut x]));
        assert_eq!(t.values.len(), rows + 1);
        assert!((0..rows).all(|r| t.get(r + 1) == Some(r as f64)));
        let missing: Vec<usize> = (0..=rows).filter(|&r| x.get(r).is_none()).collect();
        assert_eq!(missing, [15_001]);
        assert_eq!((x.get(0), x.get(15_000)), (Some(-1.5), Some(14_999.5)));
        for bad in [3, rows - 3] {
            let (mut t, mut x) = (Numbers::default(), Numbers::default());
            assert!(!parse(
                text(Some(bad)).as_bytes(),
                rows,
                &layout,
                &mut [&mut t, &mut x]
            ));
            assert_eq!((t.values.len(), x.values.len(), x.missing), (0, 0, None));
        }
        // More rows, or fewer, than said.
        for said in [rows - 1, rows + 1] {
            let (mut t, mut x) = (Numbers::default(), Numbers::default());
            assert!(!parse(
                good.as_bytes(),
                said,
                &layout,
                &mut [&mut t, &mut x]
            ));
            assert_eq!((t.values.len(), x.values.len()), (0, 0));
        }
    }
}
