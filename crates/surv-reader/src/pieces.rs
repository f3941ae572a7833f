//! Delimited text read in pieces, so that a large file is never whole in
//! memory: one thread reads the text and checks its rows ([`RowCheck`]),
//! cutting it where a row ends; the caller parses each piece as it comes and
//! keeps only what it needs of it. Memory then holds the caller's columns and
//! a few pieces, not the file beside the columns parsed from it.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use crate::error::ReadError;
use crate::shape::{RowCheck, Shape};

/// The size of a piece (512 KiB): large enough that polars' cost per call is
/// small beside the parse and that the first piece holds the 1000 rows its
/// types are inferred from (rows up to 512 bytes long); small enough that a
/// few pieces in flight are little beside the columns. Measured on the 10^6
/// row file: 512 KiB and 2 MiB pieces take the same time, and the larger
/// ones 7 MB more memory.
const PIECE: usize = 1 << 19;

/// Where delimited text comes from; it can be read from the start again (a
/// second read types every column as text).
#[derive(Debug, Clone, Copy)]
pub(crate) enum TextSource<'a> {
    /// A file, opened again for each read.
    File(&'a Path),
    /// Bytes in memory (standard input, or a caller's).
    Bytes(&'a [u8]),
}

impl TextSource<'_> {
    fn open(&self, name: &str) -> Result<Box<dyn Read + Send + '_>, ReadError> {
        match *self {
            TextSource::File(path) => std::fs::File::open(path)
                .map(|f| Box::new(f) as Box<dyn Read + Send>)
                .map_err(|source| ReadError::Io {
                    path: name.to_owned(),
                    source,
                }),
            TextSource::Bytes(bytes) => Ok(Box::new(bytes)),
        }
    }
}

/// A run of whole rows of the text.
#[derive(Debug)]
pub(crate) struct Piece {
    /// The rows, the header before them in the first piece.
    pub bytes: Vec<u8>,
    /// In the first piece, whose bytes start with the header: the column
    /// names, as the header has them.
    pub header: Option<Vec<String>>,
    /// The number of data rows, blank lines included.
    pub rows: usize,
    /// Whether a missing-value marker may be among the rows' fields
    /// ([`crate::source::may_hold_marker`]); looked at here, beside the row
    /// check, so that polars need not compare every field when none is.
    /// `None` when not looked at, the caller having said it need not be.
    pub markers: Option<bool>,
}

/// What stopped a read in pieces.
#[derive(Debug)]
pub(crate) enum Stopped<E> {
    /// The text: it could not be read, or a row's shape is wrong. This comes
    /// first: should the caller fail on a piece, the rest of the text is still
    /// checked, and a bad row anywhere is what is reported.
    Text(ReadError),
    /// The caller, on a piece.
    Caller(E),
}

/// Reads `source` in pieces of whole, checked rows and hands each to `each`,
/// in order; returns the text's shape (its names and blank lines). `name` is
/// how errors refer to the text. The pieces read after `each` has cleared
/// `look_for_markers` are not looked at for markers.
pub(crate) fn for_each_piece<E>(
    name: &str,
    source: TextSource<'_>,
    delimiter: u8,
    look_for_markers: &AtomicBool,
    mut each: impl FnMut(Piece) -> Result<(), E>,
) -> Result<Shape, Stopped<E>> {
    std::thread::scope(|scope| {
        // One piece waits while the caller works on another.
        let (send, pieces) = mpsc::sync_channel::<Piece>(1);
        let reader = scope.spawn(move || cut(name, source, delimiter, look_for_markers, send));
        let mut failed = None;
        for piece in pieces {
            // After a failure the pieces are let go unparsed, the rest of the
            // text still being checked.
            if failed.is_none() {
                failed = each(piece).err();
            }
        }
        let shape = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            .map_err(Stopped::Text)?;
        match failed {
            Some(e) => Err(Stopped::Caller(e)),
            None => Ok(shape),
        }
    })
}

/// Reads the text, checking its rows, and sends it on in pieces that end
/// where a row ends.
fn cut(
    name: &str,
    source: TextSource<'_>,
    delimiter: u8,
    look_for_markers: &AtomicBool,
    send: mpsc::SyncSender<Piece>,
) -> Result<Shape, ReadError> {
    let mut text = source.open(name)?;
    let io = |source| ReadError::Io {
        path: name.to_owned(),
        source,
    };
    let mut buffer: Vec<u8> = Vec::with_capacity(PIECE);
    let mut want = PIECE;
    // The row check, and where the header ends in the first piece's bytes.
    let mut check: Option<(RowCheck<'_>, usize)> = None;
    let mut sent_any = false;
    loop {
        let at_end = fill(&mut text, &mut buffer, want).map_err(io)?;
        if !sent_any && at_end && buffer.iter().all(u8::is_ascii_whitespace) {
            return Err(ReadError::Empty {
                path: name.to_owned(),
            });
        }
        if check.is_none() {
            check = RowCheck::header(name, &buffer, delimiter, at_end)?;
        }
        let Some((rows, header_end)) = check.as_mut() else {
            // A header longer than what is read: read on.
            want = buffer.len() * 2;
            continue;
        };
        // Until the first piece is sent, the buffer starts with the header.
        let start = if sent_any { 0 } else { *header_end };
        let before = rows.rows;
        let end = start + rows.rows(&buffer[start..], at_end)?;
        if rows.rows == before && !at_end {
            // A row longer than what is read: read on.
            want = buffer.len() * 2;
            continue;
        }
        want = PIECE;
        let markers = look_for_markers
            .load(Ordering::Relaxed)
            .then(|| crate::source::may_hold_marker(&buffer[start..end], delimiter));
        let rest = buffer.split_off(end);
        let piece = Piece {
            markers,
            bytes: std::mem::replace(&mut buffer, rest),
            header: (!sent_any).then(|| rows.names.clone()),
            rows: rows.rows - before,
        };
        // Text that ends where a piece did leaves nothing to send.
        let empty = piece.rows == 0 && piece.header.is_none();
        if !empty && send.send(piece).is_err() {
            // The caller stopped taking pieces; it stopped on an error of its
            // own, which it reports.
            break;
        }
        sent_any = true;
        if at_end {
            break;
        }
        buffer.reserve(PIECE.saturating_sub(buffer.len()));
    }
    let (check, _) = check.expect("the header was read");
    Ok(check.into_shape())
}

/// Reads until `buffer` holds `want` bytes or the text ends; whether it ended.
fn fill(text: &mut impl Read, buffer: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    // Zeroed once, however many reads it takes to fill (a pipe gives 64 KiB).
    let mut len = buffer.len();
    buffer.resize(want.max(len), 0);
    let read = loop {
        if len >= want {
            break Ok(false);
        }
        match text.read(&mut buffer[len..]) {
            Ok(0) => break Ok(true),
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => break Err(e),
        }
    };
    buffer.truncate(len);
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pieces of `text`, cut as [`for_each_piece`] cuts them.
    fn pieces(text: &[u8]) -> Result<(Vec<Piece>, Shape), ReadError> {
        let mut seen = Vec::new();
        let shape = for_each_piece(
            "t.csv",
            TextSource::Bytes(text),
            b',',
            &AtomicBool::new(true),
            |p| {
                seen.push(p);
                Ok::<(), ()>(())
            },
        )
        .map_err(|e| match e {
            Stopped::Text(e) => e,
            Stopped::Caller(()) => unreachable!("the caller does not fail"),
        })?;
        Ok((seen, shape))
    }

    /// Text of `rows` rows, some quoted across lines, some blank, longer
    /// than a piece.
    fn long_text(rows: usize) -> Vec<u8> {
        let mut text = b"time,\"note\",event\n".to_vec();
        for i in 0..rows {
            let line = match i % 97 {
                0 => format!("{i},\"two\nlines, {i}\",1\n"),
                1 => "\n".to_owned(),
                _ => format!("{i},plain {i},0\n"),
            };
            text.extend_from_slice(line.as_bytes());
        }
        text
    }

    #[test]
    fn pieces_end_where_rows_end_and_hold_every_byte_once() {
        let text = long_text(300_000);
        assert!(text.len() > 2 * PIECE);
        let (pieces, shape) = pieces(&text).unwrap();
        assert!(pieces.len() >= 3, "{} pieces", pieces.len());
        let joined: Vec<u8> = pieces.iter().flat_map(|p| p.bytes.clone()).collect();
        assert_eq!(joined, text);
        assert!(pieces[0].header.is_some() && pieces[1..].iter().all(|p| p.header.is_none()));
        assert_eq!(pieces.iter().map(|p| p.rows).sum::<usize>(), 300_000);
        // Each piece is whole rows: checked alone, it holds the rows it says.
        for p in &pieces[1..] {
            let mut alone = RowCheck::header("p", b"time,note,event\n", b',', true)
                .unwrap()
                .unwrap()
                .0;
            alone.rows(&p.bytes, true).unwrap();
            assert_eq!(alone.rows, p.rows);
        }
        assert_eq!(shape, crate::shape::shape("t.csv", &text, b',').unwrap());
        assert_eq!(shape.names, ["time", "note", "event"]);
    }

    #[test]
    fn pieces_are_looked_at_for_markers_until_the_caller_says_not_to() {
        let text = long_text(300_000);
        let look = AtomicBool::new(true);
        let mut markers = Vec::new();
        for_each_piece("t.csv", TextSource::Bytes(&text), b',', &look, |p| {
            markers.push(p.markers);
            look.store(false, Ordering::Relaxed);
            Ok::<(), ()>(())
        })
        .unwrap();
        assert!(markers.len() >= 4, "{markers:?}");
        // The text is quoted: each piece looked at may hold a marker.
        assert_eq!(markers[0], Some(true));
        // The pieces read after the flag was cleared (one may already be
        // waiting, one being read) are not looked at.
        assert!(markers[3..].iter().all(Option::is_none), "{markers:?}");
    }

    #[test]
    fn a_bad_row_past_the_first_piece_is_named() {
        let mut text = long_text(150_000);
        text.extend_from_slice(b"7,x\n");
        let err = pieces(&text).unwrap_err();
        assert!(
            matches!(err, ReadError::RaggedRow { row, found: 2, expected: 3, .. } if row == 150_002),
            "{err:?}"
        );
    }

    #[test]
    fn a_bad_row_comes_before_the_callers_error() {
        let failing = |text: &[u8]| {
            for_each_piece(
                "t.csv",
                TextSource::Bytes(text),
                b',',
                &AtomicBool::new(true),
                |_| Err("mine"),
            )
        };
        let mut text = long_text(150_000);
        text.extend_from_slice(b"7,\"open\n");
        let stopped = failing(&text);
        assert!(
            matches!(
                stopped,
                Err(Stopped::Text(ReadError::MalformedQuote {
                    row: 150_002,
                    ..
                }))
            ),
            "{stopped:?}"
        );
        let stopped = failing(&long_text(150_000));
        assert!(
            matches!(stopped, Err(Stopped::Caller("mine"))),
            "{stopped:?}"
        );
    }

    #[test]
    fn a_row_longer_than_a_piece_is_one_piece() {
        let long = "y".repeat(3 * PIECE);
        let text = format!("a,b\n1,x\n2,{long}\n3,z");
        let (pieces, shape) = pieces(text.as_bytes()).unwrap();
        assert_eq!(pieces.iter().map(|p| p.rows).sum::<usize>(), 3);
        assert!(shape.blank.is_empty());
        let joined: Vec<u8> = pieces.iter().flat_map(|p| p.bytes.clone()).collect();
        assert_eq!(joined, text.as_bytes());
    }

    #[test]
    fn a_first_row_longer_than_a_piece_follows_its_header() {
        let long = "y".repeat(2 * PIECE);
        let text = format!("a,b\n1,{long}\n2,z\n");
        let (pieces, _) = pieces(text.as_bytes()).unwrap();
        assert_eq!(pieces.iter().map(|p| p.rows).sum::<usize>(), 2);
        assert_eq!(
            pieces[0].header.as_deref(),
            Some(&["a".to_owned(), "b".to_owned()][..])
        );
        let joined: Vec<u8> = pieces.iter().flat_map(|p| p.bytes.clone()).collect();
        assert_eq!(joined, text.as_bytes());
    }

    #[test]
    fn text_that_ends_where_a_piece_does_sends_no_empty_piece() {
        let mut text = b"a,b\n".to_vec();
        while text.len() < PIECE - 20 {
            text.extend_from_slice(b"1,x\n");
        }
        let pad = "y".repeat(PIECE - text.len() - 3);
        text.extend_from_slice(format!("2,{pad}\n").as_bytes());
        assert_eq!(text.len(), PIECE);
        let (pieces, _) = pieces(&text).unwrap();
        assert!(pieces.iter().all(|p| p.rows > 0), "{} pieces", pieces.len());
        let lines = text.iter().filter(|&&b| b == b'\n').count();
        assert_eq!(pieces.iter().map(|p| p.rows).sum::<usize>(), lines - 1);
    }

    #[test]
    fn empty_text_is_refused() {
        assert!(matches!(pieces(b" \n\n"), Err(ReadError::Empty { .. })));
    }
}
