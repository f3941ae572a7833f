//! Shared by the golden-file tests: loading R's reference values and comparing
//! numbers at a named tolerance.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Relative tolerance against R.
pub const VS_R_REL: f64 = 1e-9;

/// Absolute floor for values R computes as zero up to rounding (e.g. a variance
/// entry that cancels to 1e-17 in one program and 0 in the other).
pub const VS_R_ABS_FLOOR: f64 = 1e-13;

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/golden")
}

pub fn read_json(name: &str) -> serde_json::Value {
    let path = golden_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One dataset of `fixtures/golden/data`: `time,status,group,strata`.
pub struct Dataset {
    pub time: Vec<f64>,
    pub event: Vec<bool>,
    pub group: Vec<String>,
    pub strata: Vec<String>,
}

pub fn read_dataset(relative: &str) -> Dataset {
    let path = golden_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("time,status,group,strata"),
        "{}",
        path.display()
    );
    let mut d = Dataset {
        time: vec![],
        event: vec![],
        group: vec![],
        strata: vec![],
    };
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 4, "{}:{}: {line}", path.display(), i + 2);
        d.time.push(
            f[0].parse()
                .unwrap_or_else(|_| panic!("{}:{}: time {}", path.display(), i + 2, f[0])),
        );
        d.event.push(match f[1] {
            "1" => true,
            "0" => false,
            other => panic!("{}:{}: status {other}", path.display(), i + 2),
        });
        d.group.push(f[2].to_owned());
        d.strata.push(f[3].to_owned());
    }
    d
}

/// Codes for `labels` in the order of `levels` (R's order, taken from the golden file).
pub fn codes(labels: &[String], levels: &[String]) -> Vec<u32> {
    labels
        .iter()
        .map(|l| {
            levels
                .iter()
                .position(|x| x == l)
                .unwrap_or_else(|| panic!("label {l} not in {levels:?}")) as u32
        })
        .collect()
}

pub fn num(v: &serde_json::Value) -> Option<f64> {
    if v.is_null() {
        None
    } else {
        Some(v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")))
    }
}

pub fn nums(v: &serde_json::Value) -> Vec<Option<f64>> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(num)
        .collect()
}

pub fn close(expected: f64, got: f64) -> bool {
    let diff = (expected - got).abs();
    diff <= VS_R_REL * expected.abs().max(got.abs()) || diff <= VS_R_ABS_FLOOR
}

/// Collects mismatches instead of stopping at the first, so one run shows them all.
#[derive(Default)]
pub struct Report {
    pub failures: Vec<String>,
    pub checked: usize,
}

impl Report {
    pub fn value(&mut self, context: &str, expected: Option<f64>, got: Option<f64>) {
        self.checked += 1;
        let ok = match (expected, got) {
            (None, None) => true,
            (Some(e), Some(g)) => close(e, g),
            _ => false,
        };
        if !ok {
            self.failures
                .push(format!("{context}: expected {expected:?}, got {got:?}"));
        }
    }

    pub fn series(&mut self, context: &str, expected: &[Option<f64>], got: &[Option<f64>]) {
        if expected.len() != got.len() {
            self.failures.push(format!(
                "{context}: expected {} values, got {}",
                expected.len(),
                got.len()
            ));
            return;
        }
        for (i, (e, g)) in expected.iter().zip(got).enumerate() {
            self.value(&format!("{context}[{i}]"), *e, *g);
        }
    }

    pub fn finish(self, what: &str) {
        assert!(self.checked > 0, "{what}: nothing was checked");
        assert!(
            self.failures.is_empty(),
            "{what}: {} of {} values differ from R:\n{}",
            self.failures.len(),
            self.checked,
            self.failures.join("\n")
        );
        eprintln!("{what}: {} values agree with R", self.checked);
    }
}

/// An array of JSON strings.
pub fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

/// Every number a result reports, read through its `serde::Serialize`
/// implementation: a serializer that keeps floats as floats (JSON would turn
/// NaN and infinity into `null`, and `None` is `null` too, so JSON cannot tell
/// an undefined value from a broken one) and records the path of each.
pub mod finite {
    use std::fmt;

    use serde::Serialize;
    use serde::ser;

    /// The floats of a serialised value.
    #[derive(Debug, Default)]
    pub struct Floats {
        /// How many floats the value holds (all of them, `Some` payloads
        /// included; `None` holds none).
        pub count: usize,
        /// Path and value of each float that is NaN or infinite.
        pub bad: Vec<(String, f64)>,
    }

    /// Walks `value` and returns its floats.
    pub fn floats<T: Serialize + ?Sized>(value: &T) -> Floats {
        let mut walk = Walk::default();
        if let Err(e) = value.serialize(&mut walk) {
            panic!("serialising for the finiteness check failed: {e}");
        }
        walk.floats
    }

    /// Fails (panics) if any float in `value` is NaN or infinite, naming its
    /// path, e.g. `concordance.std_err` or `lower[3]`. Returns how many floats
    /// were checked.
    pub fn assert_finite<T: Serialize + fmt::Debug + ?Sized>(what: &str, value: &T) -> usize {
        let found = floats(value);
        assert!(
            found.bad.is_empty(),
            "{what}: expected every number finite, found {}:\n{value:?}",
            found
                .bad
                .iter()
                .map(|(path, x)| format!("{path} = {x}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        found.count
    }

    #[derive(Default)]
    struct Walk {
        path: Vec<String>,
        floats: Floats,
    }

    impl Walk {
        fn float(&mut self, x: f64) {
            self.floats.count += 1;
            if !x.is_finite() {
                let path = if self.path.is_empty() {
                    "(value)".to_owned()
                } else {
                    self.path.concat()
                };
                self.floats.bad.push((path, x));
            }
        }

        fn within<T: Serialize + ?Sized>(
            &mut self,
            segment: String,
            value: &T,
        ) -> Result<(), Error> {
            self.path.push(segment);
            let result = value.serialize(&mut *self);
            self.path.pop();
            result
        }

        fn field(&self, name: &str) -> String {
            if self.path.is_empty() {
                name.to_owned()
            } else {
                format!(".{name}")
            }
        }
    }

    #[derive(Debug)]
    pub struct Error(String);

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Error {}

    impl ser::Error for Error {
        fn custom<T: fmt::Display>(msg: T) -> Self {
            Error(msg.to_string())
        }
    }

    /// A sequence, tuple, map or struct being walked: its next index.
    struct Compound<'a> {
        walk: &'a mut Walk,
        index: usize,
    }

    impl Compound<'_> {
        fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
            let segment = format!("[{}]", self.index);
            self.index += 1;
            self.walk.within(segment, value)
        }

        fn named<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
            let segment = self.walk.field(key);
            self.walk.within(segment, value)
        }
    }

    impl<'a> ser::Serializer for &'a mut Walk {
        type Ok = ();
        type Error = Error;
        type SerializeSeq = Compound<'a>;
        type SerializeTuple = Compound<'a>;
        type SerializeTupleStruct = Compound<'a>;
        type SerializeTupleVariant = Compound<'a>;
        type SerializeMap = Compound<'a>;
        type SerializeStruct = Compound<'a>;
        type SerializeStructVariant = Compound<'a>;

        fn serialize_bool(self, _: bool) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_i8(self, _: i8) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_i16(self, _: i16) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_i32(self, _: i32) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_i64(self, _: i64) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_i128(self, _: i128) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_u8(self, _: u8) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_u16(self, _: u16) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_u32(self, _: u32) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_u64(self, _: u64) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_u128(self, _: u128) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_f32(self, x: f32) -> Result<(), Error> {
            self.float(f64::from(x));
            Ok(())
        }
        fn serialize_f64(self, x: f64) -> Result<(), Error> {
            self.float(x);
            Ok(())
        }
        fn serialize_char(self, _: char) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_str(self, _: &str) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_none(self) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
            value.serialize(self)
        }
        fn serialize_unit(self) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
        ) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<(), Error> {
            value.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
            value: &T,
        ) -> Result<(), Error> {
            let segment = self.field(variant);
            self.within(segment, value)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Error> {
            Ok(Compound {
                walk: self,
                index: 0,
            })
        }
        fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, Error> {
            Ok(Compound {
                walk: self,
                index: 0,
            })
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Error> {
            Ok(Compound {
                walk: self,
                index: 0,
            })
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Compound<'a>, Error> {
            Ok(Compound {
                walk: self,
                index: 0,
            })
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, Error> {
            Ok(Compound {
                walk: self,
                index: 0,
            })
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Error> {
            Ok(Compound {
                walk: self,
                index: 0,
            })
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Compound<'a>, Error> {
            Ok(Compound {
                walk: self,
                index: 0,
            })
        }
    }

    impl ser::SerializeSeq for Compound<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
            self.element(value)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeTuple for Compound<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
            self.element(value)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeTupleStruct for Compound<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
            self.element(value)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeTupleVariant for Compound<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
            self.element(value)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    /// Map keys are walked too (a float key is checked like any float).
    impl ser::SerializeMap for Compound<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
            self.walk.within("{key}".to_owned(), key)
        }
        fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
            self.element(value)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeStruct for Compound<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: Serialize + ?Sized>(
            &mut self,
            key: &'static str,
            value: &T,
        ) -> Result<(), Error> {
            self.named(key, value)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeStructVariant for Compound<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: Serialize + ?Sized>(
            &mut self,
            key: &'static str,
            value: &T,
        ) -> Result<(), Error> {
            self.named(key, value)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }
}

/// A numeric CSV with a header: column name → values.
pub struct Table {
    pub names: Vec<String>,
    pub columns: Vec<Vec<f64>>,
}

impl Table {
    pub fn read(relative: &str) -> Table {
        let path = golden_dir().join(relative);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines();
        let names: Vec<String> = lines
            .next()
            .unwrap()
            .split(',')
            .map(str::to_owned)
            .collect();
        let mut columns = vec![Vec::new(); names.len()];
        for (i, line) in lines.enumerate() {
            for (j, cell) in line.split(',').enumerate() {
                let v = cell
                    .parse()
                    .unwrap_or_else(|_| panic!("{}:{}: `{cell}`", path.display(), i + 2));
                columns[j].push(v);
            }
        }
        Table { names, columns }
    }

    pub fn column(&self, name: &str) -> &[f64] {
        let j = self
            .names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        &self.columns[j]
    }
}

/// A curve's computed column (`KmCurve::std_err`, `lower`, ...) at every step.
pub fn computed(
    curve: &surv_engine::KmCurve,
    value: fn(&surv_engine::KmCurve, usize) -> Option<f64>,
) -> Vec<Option<f64>> {
    (0..curve.len()).map(|i| value(curve, i)).collect()
}
